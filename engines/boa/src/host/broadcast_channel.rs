//! `BroadcastChannel` in a Boa context, on the library's generic messaging
//! core: the constructor, `name`, `postMessage`, `close`, `onmessage` and
//! `onmessageerror`, with `addEventListener` & co. from `EventTarget`.
//!
//! <https://html.spec.whatwg.org/multipage/web-messaging.html#broadcasting-to-other-browsing-contexts>
//!
//! The core performs the standard's steps and marks them (its
//! `broadcast_channel/`): its registry, kept by the run's shared task
//! clock, lists every open channel of every agent of the run (the main
//! agent and its workers, on their threads), so a post queues its tasks
//! straight into the destinations' event loops. This file converts the
//! arguments as Web IDL says, finds the channel behind a BroadcastChannel
//! object, and turns the core's errors into exceptions; the events the
//! delivery tasks hand back are fired by `message_port::run_messaging_task`.

use super::event_target::event_handler_attribute;
use super::message_port::event_loop;
use super::structured_clone::{AgentHost, clone_error_to_boa, maybe_traced};
use super::webidl::{
    define_accessor, define_getter, define_operation, define_to_string_tag, dom_string,
    prototype_from_new_target, this_platform, type_error,
};
use super::{HostIntrinsics, constructor};
use crate::realm::{BoaRealm, Object};
use boa_engine::{Context, JsError, JsObject, JsResult, JsValue};
use webmessaging::messaging::{BROADCAST_CHANNEL, BroadcastError, BroadcastId};

/// The BroadcastChannel a method was called on, and its channel.
fn this_channel(this: &JsValue, context: &Context) -> JsResult<(JsObject, BroadcastId)> {
    let object = this_platform(this, BROADCAST_CHANNEL, |p| p.interface == BROADCAST_CHANNEL)?;
    let channel = event_loop(context)?
        .messaging
        .broadcast_of(&Object(object.clone()))
        .ok_or_else(|| type_error("this BroadcastChannel belongs to another agent"))?;
    Ok((object, channel))
}

/// The exception a core error is: InvalidStateError and DataCloneError as
/// `DOMException`s, anything author code threw as it was thrown.
fn broadcast_error_to_boa(realm: &mut BoaRealm<'_>, error: BroadcastError<Object>) -> JsError {
    match error {
        BroadcastError::InvalidState => super::dom_exception::throw(
            realm.context(),
            "InvalidStateError",
            "BroadcastChannel.postMessage: the channel is closed",
        ),
        BroadcastError::Clone(error) => clone_error_to_boa(realm, error),
        BroadcastError::Name(value) => JsError::from_opaque(realm.value_to_boa(&value)),
        // The enum may grow; an error this host does not know yet still
        // reaches script, with the core's message.
        other => type_error(other.to_string()),
    }
}

/// `new BroadcastChannel(name)`: the name is converted to a DOMString
/// (ToString: a Symbol throws a TypeError) before the core's
/// `dom-broadcastchannel` steps make the channel, in creation order.
///
/// <https://html.spec.whatwg.org/multipage/web-messaging.html#dom-broadcastchannel>
fn broadcast_channel_constructor(
    new_target: &JsValue,
    args: &[JsValue],
    context: &mut Context,
) -> JsResult<JsValue> {
    let fallback = HostIntrinsics::of(context)?.broadcast_channel.clone();
    let prototype = prototype_from_new_target(new_target, fallback, BROADCAST_CHANNEL, context)?;
    let Some(name) = args.first() else {
        return Err(type_error(
            "BroadcastChannel constructor: 1 argument required, but none given",
        ));
    };
    let name = JsValue::new(dom_string(name, context)?);
    let event_loop = event_loop(context)?;
    event_loop.gc.count(1);
    let mut realm = BoaRealm::new(context, event_loop.settings)?;
    let name = realm.value_from_boa(&name);
    let messaging = &event_loop.messaging;
    let label = format!("broadcast#{}", messaging.broadcast_ids().len());
    let channel = match messaging.new_broadcast_channel(&mut realm, &name, &label) {
        Ok(channel) => channel,
        Err(error) => return Err(broadcast_error_to_boa(&mut realm, error)),
    };
    drop(realm);
    super::gc::track_channel(&event_loop, context, channel)?;
    let object = messaging
        .broadcast_object(channel)
        .ok_or_else(|| type_error("the new BroadcastChannel has no object"))?
        .0;
    // A subclass's prototype (the realm made the object with the
    // interface's own).
    object.set_prototype(Some(prototype));
    Ok(object.into())
}

/// `channel.name`
fn get_name(this: &JsValue, _: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    let (_, channel) = this_channel(this, context)?;
    let event_loop = event_loop(context)?;
    let name = event_loop
        .messaging
        .broadcast_name(channel)
        .ok_or_else(|| type_error("this BroadcastChannel is gone"))?;
    let realm = BoaRealm::new(context, event_loop.settings)?;
    Ok(realm.value_to_boa(&webmessaging::ecmascript::Value::String(name)))
}

/// `channel.postMessage(message)`: the core serializes once, with the
/// agent's platform objects (its ports, DOMException), and queues a task
/// for every other open channel of the same name and storage key.
///
/// <https://html.spec.whatwg.org/multipage/web-messaging.html#dom-broadcastchannel-postmessage>
fn post_message(this: &JsValue, args: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    let (_, channel) = this_channel(this, context)?;
    let Some(message) = args.first() else {
        return Err(type_error(
            "BroadcastChannel.postMessage: 1 argument required, but none given",
        ));
    };
    let event_loop = event_loop(context)?;
    let tracing = event_loop.trace.get();
    let mut realm = BoaRealm::new(context, event_loop.settings)?;
    let message = realm.value_from_boa(message);
    let messaging = &event_loop.messaging;
    let mut host = AgentHost {
        ports: messaging.platform_objects(),
    };
    let result = maybe_traced(tracing, || {
        messaging.post_broadcast_in(&mut realm, &mut host, channel, &message)
    });
    match result {
        Ok(_) => Ok(JsValue::undefined()),
        Err(error) => Err(broadcast_error_to_boa(&mut realm, error)),
    }
}

/// `channel.close()`
///
/// <https://html.spec.whatwg.org/multipage/web-messaging.html#dom-broadcastchannel-close>
fn close(this: &JsValue, _: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    let (_, channel) = this_channel(this, context)?;
    event_loop(context)?.messaging.close_broadcast(channel);
    Ok(JsValue::undefined())
}

/// The BroadcastChannel object a handler attribute is set on.
fn channel_target(this: &JsValue, context: &mut Context) -> JsResult<JsObject> {
    this_channel(this, context).map(|(object, _)| object)
}

/// After `onmessage` is set: the core counts the handler among the
/// channel's listeners (its garbage collection rule reads them).
fn after_onmessage(this: &JsValue, context: &mut Context) -> JsResult<()> {
    let (_, channel) = this_channel(this, context)?;
    event_loop(context)?.messaging.set_broadcast_onmessage(channel);
    Ok(())
}

/// After `onmessageerror` is set.
fn after_onmessageerror(this: &JsValue, context: &mut Context) -> JsResult<()> {
    let (_, channel) = this_channel(this, context)?;
    event_loop(context)?
        .messaging
        .set_broadcast_onmessageerror(channel);
    Ok(())
}

event_handler_attribute!(
    get_onmessage,
    set_onmessage,
    "message",
    channel_target,
    after_onmessage
);
event_handler_attribute!(
    get_onmessageerror,
    set_onmessageerror,
    "messageerror",
    channel_target,
    after_onmessageerror
);

/// The `BroadcastChannel` interface object and prototype (inheriting from
/// `EventTarget`, given as `event_target`).
pub fn interface(
    context: &mut Context,
    event_target: (JsObject, JsObject),
) -> JsResult<(JsObject, JsObject)> {
    let (channel, prototype) = constructor(
        context,
        BROADCAST_CHANNEL,
        1,
        broadcast_channel_constructor,
        Some(event_target),
    )?;
    define_getter(&prototype, context, "name", get_name)?;
    define_operation(&prototype, context, "postMessage", 1, post_message)?;
    define_operation(&prototype, context, "close", 0, close)?;
    define_accessor(&prototype, context, "onmessage", get_onmessage, set_onmessage)?;
    define_accessor(
        &prototype,
        context,
        "onmessageerror",
        get_onmessageerror,
        set_onmessageerror,
    )?;
    define_to_string_tag(&prototype, context, BROADCAST_CHANNEL)?;
    Ok((channel, prototype))
}
