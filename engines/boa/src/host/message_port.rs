//! `MessageChannel` and `MessagePort` in a Boa context, on the library's
//! generic messaging core ([`Messaging`](webmessaging::messaging::Messaging),
//! kept in the agent's [`EventLoop`]); and the event loop's messaging task:
//! running the core's next task and firing the event it hands back.
//!
//! The core performs the standard's steps (and marks them); this file
//! converts arguments as Web IDL says, finds the port behind a MessagePort
//! object, and fires `message` / `messageerror` / `close` at the right
//! object.
//!
//! <https://html.spec.whatwg.org/multipage/web-messaging.html#message-channels>
//! <https://html.spec.whatwg.org/multipage/web-messaging.html#message-ports>

use super::event::{EventState, now};
use super::event_loop::EventLoop;
use super::event_target::{dispatch, event_handler_attribute, fire};
use super::message_event::{self, MessageFields};
use super::structured_clone::{AgentHost, clone_error_to_boa, maybe_traced};
use super::webidl::{
    define_accessor, define_getter, define_operation, define_to_string_tag, dictionary, iterator_method,
    member, sequence_of_objects, sequence_of_objects_from, this_platform, type_error,
};
use super::{HostIntrinsics, constructor};
use crate::platform::{PlatformObject, PlatformState};
use crate::realm::{BoaRealm, Object};
use boa_engine::{Context, JsObject, JsResult, JsString, JsValue, js_string};
use std::rc::Rc;
use webmessaging::messaging::{
    EventTarget, EventType, MESSAGE_PORT, PortId, message_channel_port1, message_channel_port2,
};

/// The agent's event loop (every context of this host has one).
pub fn event_loop(context: &Context) -> JsResult<Rc<EventLoop>> {
    EventLoop::of(context).ok_or_else(|| type_error("this context has no webmessaging event loop"))
}

/// The arguments of `postMessage` after Web IDL's overload resolution
/// between `(any message, sequence<object> transfer)` and `(any message,
/// optional StructuredSerializeOptions options = {})`: the message, the
/// transfer list, and whether the options overload was chosen.
///
/// <https://webidl.spec.whatwg.org/#es-overloads>
pub fn post_message_arguments(
    args: &[JsValue],
    what: &str,
    context: &mut Context,
) -> JsResult<(JsValue, Vec<JsObject>, bool)> {
    // Both overloads need the message.
    let Some(message) = args.first().cloned() else {
        return Err(type_error(format!("{what}: 1 argument required, but none given")));
    };
    // With one argument only the options overload applies (its argument is
    // optional); with two, the second decides: an object with an
    // @@iterator method is a sequence; undefined, null or another object is
    // the dictionary; anything else fails the dictionary conversion.
    let Some(second) = args.get(1) else {
        return Ok((message, Vec::new(), true));
    };
    if let Some(method) = iterator_method(second, context)? {
        let transfer = sequence_of_objects_from(second, &method, &format!("{what}'s transfer"), context)?;
        return Ok((message, transfer, false));
    }
    let options = dictionary(second, &format!("{what}'s options"))?;
    let transfer = member(&options, "transfer", context)?;
    let transfer = if transfer.is_undefined() {
        Vec::new()
    } else {
        sequence_of_objects(&transfer, &format!("{what}'s transfer"), context)?
    };
    Ok((message, transfer, true))
}

/// Posts through `port` (a MessagePort, or a worker's implicit port): the
/// core's `postMessage` with the converted arguments, serializing in this
/// agent's realm. A "DataCloneError" becomes a `DOMException`; other
/// exceptions (a getter's) propagate as they were thrown.
pub fn post_through(port: PortId, args: &[JsValue], what: &str, context: &mut Context) -> JsResult<JsValue> {
    let (message, transfer, with_options) = post_message_arguments(args, what, context)?;
    let event_loop = event_loop(context)?;
    let tracing = event_loop.trace.get();
    let mut realm = BoaRealm::new(context, event_loop.settings)?;
    let message = realm.value_from_boa(&message);
    let transfer: Vec<Object> = transfer.into_iter().map(Object).collect();
    let messaging = &event_loop.messaging;
    // The agent's platform objects: its ports, and DOMException.
    let mut host = AgentHost {
        ports: messaging.platform_objects(),
    };
    let mut post = |realm: &mut BoaRealm<'_>| {
        if with_options {
            messaging.post_message_with_options_in(realm, &mut host, port, &message, &transfer)
        } else {
            messaging.post_message_in(realm, &mut host, port, &message, &transfer)
        }
    };
    let result = maybe_traced(tracing, || post(&mut realm));
    match result {
        // Queued, no target port, or doomed: none of them is visible to the
        // caller.
        Ok(_) => Ok(JsValue::undefined()),
        Err(error) => Err(clone_error_to_boa(&mut realm, error)),
    }
}

/// The MessagePort a method was called on, and its port.
fn this_port(this: &JsValue, context: &Context) -> JsResult<(JsObject, PortId)> {
    let object = this_platform(this, MESSAGE_PORT, |p| p.interface == MESSAGE_PORT)?;
    let port = event_loop(context)?
        .messaging
        .port_of(&Object(object.clone()))
        .ok_or_else(|| type_error("this MessagePort belongs to another agent"))?;
    Ok((object, port))
}

/// `port.postMessage(message, transfer)` / `(message, { transfer })`
fn post_message(this: &JsValue, args: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    let (_, port) = this_port(this, context)?;
    post_through(port, args, "postMessage", context)
}

/// `port.start()`
fn start(this: &JsValue, _: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    let (_, port) = this_port(this, context)?;
    event_loop(context)?.messaging.start(port);
    Ok(JsValue::undefined())
}

/// `port.close()`
fn close(this: &JsValue, _: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    let (_, port) = this_port(this, context)?;
    let event_loop = event_loop(context)?;
    let mut realm = BoaRealm::new(context, event_loop.settings)?;
    event_loop.messaging.close(&mut realm, port);
    Ok(JsValue::undefined())
}

/// The MessagePort object a handler attribute is set on.
fn port_target(this: &JsValue, context: &mut Context) -> JsResult<JsObject> {
    this_port(this, context).map(|(object, _)| object)
}

/// After `onmessage` is set: the core starts the queue the first time.
fn after_onmessage(this: &JsValue, context: &mut Context) -> JsResult<()> {
    let (_, port) = this_port(this, context)?;
    event_loop(context)?.messaging.set_onmessage(port);
    Ok(())
}

/// After `onmessageerror` is set.
fn after_onmessageerror(this: &JsValue, context: &mut Context) -> JsResult<()> {
    let (_, port) = this_port(this, context)?;
    event_loop(context)?.messaging.set_onmessageerror(port);
    Ok(())
}

/// After `onclose` is set.
fn after_onclose(this: &JsValue, context: &mut Context) -> JsResult<()> {
    let (_, port) = this_port(this, context)?;
    event_loop(context)?.messaging.set_onclose(port);
    Ok(())
}

event_handler_attribute!(
    get_onmessage,
    set_onmessage,
    "message",
    port_target,
    after_onmessage
);
event_handler_attribute!(
    get_onmessageerror,
    set_onmessageerror,
    "messageerror",
    port_target,
    after_onmessageerror
);
event_handler_attribute!(get_onclose, set_onclose, "close", port_target, after_onclose);

/// `new MessagePort()`: the interface has no constructor.
fn message_port_constructor(_: &JsValue, _: &[JsValue], _: &mut Context) -> JsResult<JsValue> {
    Err(type_error(
        "Illegal constructor: MessagePort objects come from a MessageChannel",
    ))
}

/// `new MessageChannel()`: two new ports of this agent, entangled (the
/// core's `dom-messagechannel` steps).
fn message_channel_constructor(
    new_target: &JsValue,
    _: &[JsValue],
    context: &mut Context,
) -> JsResult<JsValue> {
    let fallback = HostIntrinsics::of(context)?.message_channel.clone();
    let prototype =
        super::webidl::prototype_from_new_target(new_target, fallback, "MessageChannel", context)?;
    let event_loop = event_loop(context)?;
    event_loop.gc.count(2);
    let mut realm = BoaRealm::new(context, event_loop.settings)?;
    let (port1, port2) = event_loop
        .messaging
        .new_message_channel(&mut realm, "port1", "port2");
    let object = |port| {
        event_loop
            .messaging
            .port_object(port)
            .map(|o| o.0)
            .ok_or_else(|| type_error("the new port has no object"))
    };
    drop(realm);
    super::gc::track_port(&event_loop, context, port1)?;
    super::gc::track_port(&event_loop, context, port2)?;
    let state = PlatformState::MessageChannel {
        port1: object(port1)?,
        port2: object(port2)?,
        ports: (port1.0, port2.0),
    };
    let data = PlatformObject::with_state("MessageChannel", None, state);
    Ok(JsObject::from_proto_and_data(prototype, data).into())
}

/// `channel.port1` and `channel.port2`.
fn channel_port(this: &JsValue, first: bool) -> JsResult<JsValue> {
    let object = this_platform(this, "MessageChannel", |p| {
        matches!(p.state, PlatformState::MessageChannel { .. })
    })?;
    let data = object
        .downcast_ref::<PlatformObject>()
        .ok_or_else(|| type_error("not a MessageChannel"))?;
    let PlatformState::MessageChannel { port1, port2, ports } = &data.state else {
        return Err(type_error("not a MessageChannel"));
    };
    let pair = (PortId(ports.0), PortId(ports.1));
    let port = if first {
        message_channel_port1(pair);
        port1
    } else {
        message_channel_port2(pair);
        port2
    };
    Ok(port.clone().into())
}

fn get_port1(this: &JsValue, _: &[JsValue], _: &mut Context) -> JsResult<JsValue> {
    channel_port(this, true)
}

fn get_port2(this: &JsValue, _: &[JsValue], _: &mut Context) -> JsResult<JsValue> {
    channel_port(this, false)
}

/// The interface objects and prototypes of `MessageChannel` and
/// `MessagePort` (which inherits from `EventTarget`, given as
/// `event_target`).
pub struct Interfaces {
    /// `MessageChannel`
    pub channel: (JsObject, JsObject),
    /// `MessagePort`
    pub port: (JsObject, JsObject),
}

/// Makes `MessageChannel` and `MessagePort`.
pub fn interfaces(context: &mut Context, event_target: (JsObject, JsObject)) -> JsResult<Interfaces> {
    let (port, port_prototype) = constructor(
        context,
        MESSAGE_PORT,
        0,
        message_port_constructor,
        Some(event_target),
    )?;
    define_operation(&port_prototype, context, "postMessage", 1, post_message)?;
    define_operation(&port_prototype, context, "start", 0, start)?;
    define_operation(&port_prototype, context, "close", 0, close)?;
    define_accessor(
        &port_prototype,
        context,
        "onmessage",
        get_onmessage,
        set_onmessage,
    )?;
    define_accessor(
        &port_prototype,
        context,
        "onmessageerror",
        get_onmessageerror,
        set_onmessageerror,
    )?;
    define_accessor(&port_prototype, context, "onclose", get_onclose, set_onclose)?;
    define_to_string_tag(&port_prototype, context, MESSAGE_PORT)?;

    let (channel, channel_prototype) =
        constructor(context, "MessageChannel", 0, message_channel_constructor, None)?;
    define_getter(&channel_prototype, context, "port1", get_port1)?;
    define_getter(&channel_prototype, context, "port2", get_port2)?;
    define_to_string_tag(&channel_prototype, context, "MessageChannel")?;
    Ok(Interfaces {
        channel: (channel, channel_prototype),
        port: (port, port_prototype),
    })
}

/// The event loop's messaging task: the core runs its oldest ready task
/// (deserializing the message into this realm) and hands back the event,
/// which is fired here: a `MessageEvent` for `message` and
/// `messageerror`, a plain `Event` for `close`. A worker's implicit port
/// fires at the `Worker` object (or, inside the worker, at its global
/// scope), and its `close` is not shown to script. A BroadcastChannel's
/// delivery task fires at the channel's object, with the poster's origin.
pub fn run_messaging_task(event_loop: &EventLoop, context: &mut Context) -> JsResult<()> {
    let mut realm = BoaRealm::new(context, event_loop.settings)?;
    let mut host = AgentHost {
        ports: event_loop.messaging.platform_objects(),
    };
    let Some(event) = event_loop.messaging.run_next_task_in(&mut realm, &mut host) else {
        return Ok(());
    };
    let data = event.data.as_ref().map(|d| realm.value_to_boa(d));
    drop(realm);
    event_loop.gc.count(event.ports.len());
    for port in &event.ports {
        super::gc::track_port(event_loop, context, *port)?;
    }
    let target = match event.target {
        EventTarget::Port(port) => match event_loop.workers.target_of(port) {
            Some(_) if event.event == EventType::Close => return Ok(()),
            Some(target) => target,
            None => match event_loop.messaging.port_object(port) {
                Some(object) => object.0,
                None => return Ok(()),
            },
        },
        EventTarget::Global => context.global_object(),
        EventTarget::Broadcast(channel) => match event_loop.messaging.broadcast_object(channel) {
            Some(object) => object.0,
            None => return Ok(()),
        },
        // A target this engine does not expose yet: nothing to fire at.
        _ => return Ok(()),
    };
    // A BroadcastChannel's events carry the poster's origin; a port's have
    // the empty string.
    let origin = event.origin.as_deref().map(JsString::from).unwrap_or_default();
    match event.event {
        EventType::Message => {
            let ports = event
                .ports
                .iter()
                .filter_map(|p| event_loop.messaging.port_object(*p))
                .map(|o| o.0)
                .collect();
            let mut fields = MessageFields::new(data.unwrap_or_default(), ports, context)?;
            fields.origin = origin;
            let message = message_event::create("message", fields, context)?;
            dispatch(context, &target, &message);
        }
        EventType::MessageError => {
            let mut fields = MessageFields::new(JsValue::null(), Vec::new(), context)?;
            fields.origin = origin;
            let message = message_event::create("messageerror", fields, context)?;
            dispatch(context, &target, &message);
        }
        EventType::Close => {
            let prototype = HostIntrinsics::of(context)?.event.clone();
            fire(
                context,
                &target,
                prototype,
                EventState::new(js_string!("close"), now(context)),
            );
        }
        // An event type this engine does not expose yet.
        _ => {}
    }
    Ok(())
}
