//! BroadcastChannel's `postMessage`: one serialization queued as a task for
//! every other open channel of the same name and storage key, and those
//! tasks run at their destinations.
//!
//! <https://html.spec.whatwg.org/multipage/web-messaging.html#dom-broadcastchannel-postmessage>

use super::{BroadcastError, BroadcastId, BroadcastTask, Inbox};
use crate::ecmascript::{Realm, Value};
use crate::messaging::event_loop::{DispatchedEvent, EventTarget};
use crate::messaging::port::EventType;
use crate::messaging::state::Messaging;
use crate::messaging::sync::{Arc, lock};
use crate::spec::step;
use crate::structured::{NoPlatformObjects, PlatformObjects, structured_deserialize, structured_serialize};
use std::collections::VecDeque;
use std::hash::Hash;

impl<O: Clone + Eq + Hash> Messaging<O> {
    /// `postMessage(message)`: serializes once in `realm` (this agent's) and
    /// queues a task for every other open channel of the same name and
    /// storage key, in creation order. Returns how many tasks it queued.
    ///
    /// <https://html.spec.whatwg.org/multipage/web-messaging.html#dom-broadcastchannel-postmessage>
    ///
    /// # Errors
    ///
    /// [`BroadcastError::InvalidState`] (the "InvalidStateError" DOMException)
    /// when the channel is closed; [`BroadcastError::Clone`] when the message
    /// cannot be serialized. Nothing is queued then.
    pub fn post_broadcast<R: Realm<Object = O>>(
        &self,
        realm: &mut R,
        source: BroadcastId,
        message: &Value<O>,
    ) -> Result<usize, BroadcastError<O>> {
        self.post_broadcast_in(realm, &mut NoPlatformObjects, source, message)
    }

    /// [`post_broadcast`](Self::post_broadcast), serializing with `host` as
    /// the platform-object host, for an engine whose platform objects (a
    /// DOMException, say) are serializable (see
    /// [`post_message_in`](Self::post_message_in)).
    ///
    /// # Errors
    ///
    /// As [`post_broadcast`](Self::post_broadcast).
    pub fn post_broadcast_in<R: Realm<Object = O>, H: PlatformObjects<R>>(
        &self,
        realm: &mut R,
        host: &mut H,
        source: BroadcastId,
        message: &Value<O>,
    ) -> Result<usize, BroadcastError<O>> {
        let (eligible, closed, name) = {
            let table = self.broadcasts();
            let channel = table.channels.get(&source);
            (
                table.is_eligible(),
                channel.is_none_or(|c| c.closed),
                channel.map(|c| c.name.clone()),
            )
        };
        step!("dom-broadcastchannel-postmessage/1"); // a global that went away posts nothing
        if !eligible {
            return Ok(0);
        }
        step!("dom-broadcastchannel-postmessage/2"); // closed: InvalidStateError
        let (false, Some(name)) = (closed, name) else {
            return Err(BroadcastError::InvalidState);
        };
        step!("dom-broadcastchannel-postmessage/3"); // serialize once; errors reach the caller
        let serialized = Arc::new(structured_serialize(realm, host, message)?);
        // (A getter run by the serialization may have closed this channel or
        // ended nothing else: the steps go on, as the standard's do.)
        step!("dom-broadcastchannel-postmessage/4"); // the origin events will carry
        let source_origin = self.storage_key();
        step!("dom-broadcastchannel-postmessage/5"); // the storage key to match
        let source_key = source_origin.clone();
        let clock = self.clock();
        let registry = clock.broadcasts();
        step!("dom-broadcastchannel-postmessage/6"); // eligible, same key, same name
        // AMBIGUITY(broadcast-destinations-open): the registry lists open
        // channels of eligible globals only; a closed one would be dropped
        // by step 9.1 anyway, so leaving it out changes nothing visible.
        // The registry stays locked until every task is queued: another
        // post (on any thread) waits, so a post made in answer to one of
        // these tasks is queued after all of them, as on the stepper.
        let entries = lock(&registry.entries);
        let destinations: Vec<(BroadcastId, Arc<Inbox>)> = entries
            .iter()
            .filter(|(_, e)| e.key == source_key && e.name == name)
            .map(|(id, e)| (*id, e.inbox.clone()))
            .collect();
        step!("dom-broadcastchannel-postmessage/7"); // leave out the channel posting
        // AMBIGUITY(broadcast-source-is-this): the step removes "source",
        // which no step defines; we read it as this channel, and only it:
        // other channels of the same agent and name do receive.
        let destinations: Vec<_> = destinations.into_iter().filter(|(id, _)| *id != source).collect();
        step!("dom-broadcastchannel-postmessage/8"); // creation order, oldest first
        // AMBIGUITY(broadcast-order-across-agents): the registry is keyed by
        // creation order across the world, so the list is already sorted,
        // within each agent (as the step asks) and across them (the
        // standard leaves that order to the user agent).
        let count = destinations.len();
        step!("dom-broadcastchannel-postmessage/9"); // a task per destination
        for (destination, inbox) in destinations {
            let seq = clock.tick();
            inbox.tasks.push_back(BroadcastTask {
                seq,
                destination,
                serialized: serialized.clone(),
                source_origin: source_origin.clone(),
            });
            inbox.signal.notify();
        }
        drop(entries);
        Ok(count)
    }

    /// Runs this agent's oldest broadcast task (the caller saw it ready):
    /// step 9's steps at its destination, deserializing into `realm`.
    pub(in crate::messaging) fn run_broadcast_task<R: Realm<Object = O>, H: PlatformObjects<R>>(
        &self,
        realm: &mut R,
        host: &mut H,
    ) -> Option<DispatchedEvent<O>> {
        self.live_broadcast_front()?;
        let task = self.broadcasts().inbox.tasks.with(VecDeque::pop_front)?;
        step!("dom-broadcastchannel-postmessage/9.2"); // the destination's realm
        step!("dom-broadcastchannel-postmessage/9.3"); // deserialize; failure is a messageerror
        let target = EventTarget::Broadcast(task.destination);
        let mut event = match structured_deserialize(realm, host, &task.serialized) {
            Err(error) => self.event(
                target,
                EventType::MessageError,
                None,
                Vec::new(),
                Some(error.to_string()),
            ),
            Ok(data) => {
                step!("dom-broadcastchannel-postmessage/9.4"); // fire `message` with the data
                self.event(target, EventType::Message, Some(data), Vec::new(), None)
            }
        };
        // Both events carry the poster's origin.
        event.origin = Some(task.source_origin.0);
        Some(event)
    }

    /// The sequence number of this agent's oldest broadcast task whose
    /// channel is still open. Tasks whose channel was closed (or collected)
    /// since they were queued end here, at their turn, doing nothing.
    pub(in crate::messaging) fn live_broadcast_front(&self) -> Option<u64> {
        let table = self.broadcasts();
        table.inbox.tasks.with_non_empty(|tasks| {
            loop {
                let task = tasks.front()?;
                step!("dom-broadcastchannel-postmessage/9.1"); // closed since: nothing more
                if table.channels.get(&task.destination).is_some_and(|c| !c.closed) {
                    return Some(task.seq);
                }
                tasks.pop_front();
            }
        })
    }
}
