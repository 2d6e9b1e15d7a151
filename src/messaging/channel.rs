//! MessageChannel and the MessagePort operations script calls: the
//! constructor, entangle and disentangle, `postMessage` and the message port
//! post message steps, `start`, `close`, and the event handlers.
//!
//! <https://html.spec.whatwg.org/multipage/web-messaging.html#message-channels>
//! <https://html.spec.whatwg.org/multipage/web-messaging.html#message-ports>

use super::port::{EventType, PortId};
use super::queue::{Channel, PortEnd};
use super::state::Messaging;
use crate::ecmascript::{Realm, Value};
use crate::spec::step;
use crate::structured::{CloneError, PlatformObjects, structured_serialize_with_transfer};
use std::hash::Hash;

/// What `postMessage` did, when it did not throw.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PostOutcome {
    /// A task was added to the target port's message queue.
    Queued,
    /// The port is not entangled: the message went nowhere.
    NoTargetPort,
    /// The target port was in the transfer list: nothing is delivered and the
    /// channel is lost.
    Doomed,
}

/// The `port1` getter of a channel made by
/// [`Messaging::new_message_channel`]: the first port, as the pair returned
/// it.
///
/// <https://html.spec.whatwg.org/multipage/web-messaging.html#dom-messagechannel-port1>
pub fn message_channel_port1(channel: (PortId, PortId)) -> PortId {
    step!("dom-messagechannel-port1/1");
    channel.0
}

/// The `port2` getter.
///
/// <https://html.spec.whatwg.org/multipage/web-messaging.html#dom-messagechannel-port2>
pub fn message_channel_port2(channel: (PortId, PortId)) -> PortId {
    step!("dom-messagechannel-port2/1");
    channel.1
}

/// The disentangle steps, initiated by the port holding `initiator`, if it
/// is entangled (cutting the link and queueing `close` is one atomic change
/// of the channel, so the steps are marked once it happened). Returns
/// whether it was entangled.
///
/// <https://html.spec.whatwg.org/multipage/web-messaging.html#disentangle>
pub(super) fn disentangle(initiator: &PortEnd) -> bool {
    if !initiator.disentangle() {
        return false;
    }
    step!("disentangle/1"); // the other port is the other end of the channel
    step!("disentangle/2"); // (it exists while entangled)
    step!("disentangle/3"); // they are no longer entangled
    step!("disentangle/4"); // `close` is fired at the other port
    // DEVIATION(whatwg/html#12797 close-is-a-task): the other port may
    // live in another event loop, so `close` is a task queued to it, after
    // the messages already in its queue, rather than fired synchronously.
    true
}

impl<O: Clone + Eq + Hash> Messaging<O> {
    /// `new MessageChannel()`: two new MessagePort objects in `realm` (this
    /// agent's), entangled.
    ///
    /// <https://html.spec.whatwg.org/multipage/web-messaging.html#dom-messagechannel>
    pub fn new_message_channel<R: Realm<Object = O>>(
        &self,
        realm: &mut R,
        label1: &str,
        label2: &str,
    ) -> (PortId, PortId) {
        step!("dom-messagechannel/1"); // port 1, in this realm
        let port1 = self.new_port(realm, label1.to_owned());
        step!("dom-messagechannel/2"); // port 2, in this realm
        let port2 = self.new_port(realm, label2.to_owned());
        step!("dom-messagechannel/3");
        self.entangle(port1, port2);
        (port1, port2)
    }

    /// Entangles two fresh ports of this event loop.
    ///
    /// <https://html.spec.whatwg.org/multipage/web-messaging.html#entangle>
    fn entangle(&self, a: PortId, b: PortId) {
        let mut table = self.table_mut();
        step!("entangle/1"); // fresh ports are not entangled with anything yet
        step!("entangle/2"); // the two become the two ends of a new channel
        let (end_a, end_b) = Channel::entangled_pair(table.clock.clone(), table.owner(a), table.owner(b));
        for (port, end) in [(a, end_a), (b, end_b)] {
            if let Some(state) = table.ports.get_mut(&port) {
                state.end = Some(end);
            }
        }
    }

    /// Whether `port` is entangled.
    pub fn is_entangled(&self, port: PortId) -> bool {
        self.end_of(port).is_some_and(|e| e.is_entangled())
    }

    /// The end of its channel `port` holds, if it holds one.
    fn end_of(&self, port: PortId) -> Option<PortEnd> {
        self.port(port)?.end.clone()
    }

    /// `postMessage(message, transfer)`, serializing in `realm` (this
    /// agent's).
    ///
    /// <https://html.spec.whatwg.org/multipage/web-messaging.html#dom-messageport-postmessage>
    ///
    /// # Errors
    ///
    /// A [`CloneError`] when the message cannot be serialized or a transfer
    /// list entry cannot be transferred (the source port in its own transfer
    /// list, a detached port or buffer, a value that cannot be cloned), or what
    /// the realm threw while reading it; nothing is queued then. An unknown
    /// `port` is a DataCloneError too.
    pub fn post_message<R: Realm<Object = O>>(
        &self,
        realm: &mut R,
        port: PortId,
        message: &Value<O>,
        transfer: &[O],
    ) -> Result<PostOutcome, CloneError<O>> {
        self.post_message_in(realm, &mut self.platform_objects(), port, message, transfer)
    }

    /// [`post_message`](Self::post_message), serializing with `host` as
    /// the platform-object host: an engine whose own platform objects are
    /// serializable too (a DOMException) passes a host that answers for
    /// them and hands MessagePorts to this agent's
    /// [`platform_objects`](Self::platform_objects).
    ///
    /// # Errors
    ///
    /// As [`post_message`](Self::post_message).
    pub fn post_message_in<R: Realm<Object = O>, H: PlatformObjects<R>>(
        &self,
        realm: &mut R,
        host: &mut H,
        port: PortId,
        message: &Value<O>,
        transfer: &[O],
    ) -> Result<PostOutcome, CloneError<O>> {
        step!("dom-messageport-postmessage/1"); // the entangled port, if any
        step!("dom-messageport-postmessage/2"); // options carry the transfer list
        step!("dom-messageport-postmessage/3");
        self.post_message_steps(realm, host, port, message, transfer)
    }

    /// `postMessage(message, { transfer })`.
    ///
    /// <https://html.spec.whatwg.org/multipage/web-messaging.html#dom-messageport-postmessage-options>
    ///
    /// # Errors
    ///
    /// As [`post_message`](Self::post_message).
    pub fn post_message_with_options<R: Realm<Object = O>>(
        &self,
        realm: &mut R,
        port: PortId,
        message: &Value<O>,
        transfer: &[O],
    ) -> Result<PostOutcome, CloneError<O>> {
        self.post_message_with_options_in(realm, &mut self.platform_objects(), port, message, transfer)
    }

    /// [`post_message_with_options`](Self::post_message_with_options), with
    /// `host` as in [`post_message_in`](Self::post_message_in).
    ///
    /// # Errors
    ///
    /// As [`post_message`](Self::post_message).
    pub fn post_message_with_options_in<R: Realm<Object = O>, H: PlatformObjects<R>>(
        &self,
        realm: &mut R,
        host: &mut H,
        port: PortId,
        message: &Value<O>,
        transfer: &[O],
    ) -> Result<PostOutcome, CloneError<O>> {
        step!("dom-messageport-postmessage-options/1"); // the entangled port, if any
        step!("dom-messageport-postmessage-options/2");
        self.post_message_steps(realm, host, port, message, transfer)
    }

    /// The message port post message steps. The target port is this port's
    /// entangled port, found through the channel: it may be in another event
    /// loop, or in flight.
    ///
    /// <https://html.spec.whatwg.org/multipage/web-messaging.html#message-port-post-message-steps>
    fn post_message_steps<R: Realm<Object = O>, H: PlatformObjects<R>>(
        &self,
        realm: &mut R,
        host: &mut H,
        source_port: PortId,
        message: &Value<O>,
        transfer: &[O],
    ) -> Result<PostOutcome, CloneError<O>> {
        let (source_object, source_end) = self
            .port(source_port)
            .map(|state| (state.object.clone(), state.end.clone()))
            .ok_or_else(|| CloneError::new_data_clone("message-port-post-message-steps/1", "unknown port"))?;
        // The target port: the other end of the channel while entangled.
        // DEVIATION(whatwg/html#12490 shipped-original-is-inert): a port
        // shipped away holds no end, so it has no target port and its posts
        // go nowhere, even before the port is received.
        // (Held as this port's own end: the post enqueues through it.)
        let target = source_end.filter(PortEnd::is_entangled);

        step!("message-port-post-message-steps/1"); // the transfer list
        step!("message-port-post-message-steps/2"); // a port cannot ship itself
        if transfer.contains(&source_object) {
            return Err(CloneError::new_data_clone(
                "message-port-post-message-steps/2",
                "the source port cannot be transferred through itself (it is in its own transfer list)",
            ));
        }
        step!("message-port-post-message-steps/3");
        step!("message-port-post-message-steps/4"); // the target port in the list dooms the message
        let doomed = target.as_ref().is_some_and(|target| {
            transfer.iter().any(|o| {
                self.port_of(o)
                    .and_then(|p| self.end_of(p))
                    .is_some_and(|e| e.is_twin_of(target))
            })
        });
        step!("message-port-post-message-steps/5"); // serialize now; errors reach the caller
        let result = structured_serialize_with_transfer(realm, host, message, transfer)?;
        step!("message-port-post-message-steps/6"); // no target, or doomed: nothing is sent
        let Some(target) = target else {
            return Ok(PostOutcome::NoTargetPort);
        };
        if doomed {
            // Dropping the result drops the target port's data holder, which
            // releases its end: the channel is lost and the source port gets
            // `close`.
            drop(result);
            return Ok(PostOutcome::Doomed);
        }
        step!("message-port-post-message-steps/7"); // a task in the target's port message queue
        target.enqueue_to_other(result);
        Ok(PostOutcome::Queued)
    }

    /// `start()`: enables the port message queue if it is not yet enabled.
    ///
    /// <https://html.spec.whatwg.org/multipage/web-messaging.html#dom-messageport-start>
    pub fn start(&self, port: PortId) {
        step!("dom-messageport-start/1");
        if let Some(end) = self.end_of(port) {
            end.enable();
        }
    }

    /// `close()`, with `realm` this agent's (the port's [[Detached]] is set
    /// there).
    ///
    /// <https://html.spec.whatwg.org/multipage/web-messaging.html#dom-messageport-close>
    pub fn close<R: Realm<Object = O>>(&self, realm: &mut R, port: PortId) {
        let Some(object) = self.port_object(port) else {
            return;
        };
        step!("dom-messageport-close/1"); // the port can no longer be transferred
        realm.set_detached(&object, true);
        step!("dom-messageport-close/2"); // disentangle, if entangled
        // DEVIATION(whatwg/html#12797 close-after-channel-gone): a port no
        // longer entangled is left as it is: a `close` already queued for it
        // still fires, and messages already in its queue are still delivered.
        if let Some(end) = self.end_of(port) {
            disentangle(&end);
        }
    }

    /// Sets the `onmessage` handler (the first time, the queue is enabled).
    ///
    /// <https://html.spec.whatwg.org/multipage/web-messaging.html#handler-messageport-onmessage>
    pub fn set_onmessage(&self, port: PortId) {
        if self.set_handler(port, EventType::Message) {
            step!("handler-messageport-onmessage/1"); // first set: as if start() were called
            self.start(port);
        }
    }

    /// Sets the `onmessageerror` event handler (it does not start the queue).
    ///
    /// <https://html.spec.whatwg.org/multipage/web-messaging.html#handler-messageeventtarget-onmessageerror>
    pub fn set_onmessageerror(&self, port: PortId) {
        self.set_handler(port, EventType::MessageError);
    }

    /// Sets the `onclose` event handler.
    ///
    /// <https://html.spec.whatwg.org/multipage/web-messaging.html#handler-messageport-onclose>
    pub fn set_onclose(&self, port: PortId) {
        self.set_handler(port, EventType::Close);
    }

    /// Sets an event handler; an event handler is one listener however often
    /// it is set. Returns whether it was set for the first time.
    fn set_handler(&self, port: PortId, event: EventType) -> bool {
        let mut table = self.table_mut();
        let Some(state) = table.ports.get_mut(&port) else {
            return false;
        };
        state.listeners.set_handler(event)
    }

    /// Adds an event listener (`addEventListener`): it does not enable the
    /// queue.
    pub fn add_event_listener(&self, port: PortId, event: EventType) {
        if let Some(state) = self.table_mut().ports.get_mut(&port) {
            state.listeners.add_listener(event);
        }
    }
}
