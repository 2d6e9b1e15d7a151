//! `MessageEvent`: the event `message` and `messageerror` are, with `data`,
//! `origin`, `lastEventId`, `source` and `ports` (a frozen array).
//!
//! <https://html.spec.whatwg.org/multipage/comms.html#the-messageevent-interface>

use super::event::{EventExtra, EventState, construct_event, create_event, initialize, now, with_event};
use super::webidl::{
    define_getter, define_operation, define_to_string_tag, dom_string, member, sequence_of_objects,
    type_error,
};
use super::{HostIntrinsics, constructor};
use crate::platform::platform_data;
use boa_engine::object::IntegrityLevel;
use boa_engine::object::builtins::JsArray;
use boa_engine::{Context, Finalize, JsObject, JsResult, JsString, JsValue, Trace, js_string};
use webmessaging::messaging::MESSAGE_PORT;

/// What a `MessageEvent` adds to an event.
#[derive(Debug, Trace, Finalize)]
pub struct MessageFields {
    /// `data`
    pub data: JsValue,
    /// `origin`
    #[unsafe_ignore_trace]
    pub origin: JsString,
    /// `lastEventId`
    #[unsafe_ignore_trace]
    pub last_event_id: JsString,
    /// `source`: a MessagePort, or null.
    pub source: Option<JsObject>,
    /// `ports`: the frozen array, made once (the attribute returns the same
    /// object each time).
    pub ports: JsObject,
}

impl MessageFields {
    /// The fields of an event with `data` and `ports` and the other
    /// attributes at their defaults (the empty string, null), as the
    /// message port post message steps and a worker's messages fire it.
    pub fn new(data: JsValue, ports: Vec<JsObject>, context: &mut Context) -> JsResult<Self> {
        Ok(MessageFields {
            data,
            origin: JsString::default(),
            last_event_id: JsString::default(),
            source: None,
            ports: frozen_array(ports, context)?,
        })
    }
}

/// A frozen array of `objects` (a Web IDL `FrozenArray<T>` value).
fn frozen_array(objects: Vec<JsObject>, context: &mut Context) -> JsResult<JsObject> {
    let array: JsObject = JsArray::from_iter(objects.into_iter().map(JsValue::new), context).into();
    array.set_integrity_level(IntegrityLevel::Frozen, context)?;
    Ok(array)
}

/// Whether `object` is a MessagePort.
fn is_message_port(object: &JsObject) -> bool {
    platform_data(object).is_some_and(|p| p.interface == MESSAGE_PORT)
}

/// A trusted `MessageEvent` of type `kind` (`message` or `messageerror`)
/// with `fields`.
pub fn create(kind: &str, fields: MessageFields, context: &mut Context) -> JsResult<JsObject> {
    let prototype = HostIntrinsics::of(context)?.message_event.clone();
    let mut state = EventState::new(js_string!(kind), now(context));
    state.is_trusted = true;
    state.extra = EventExtra::Message(Box::new(fields));
    Ok(create_event(prototype, state))
}

/// Converts the `ports` member (`sequence<MessagePort>`).
fn ports_member(value: &JsValue, context: &mut Context) -> JsResult<Vec<JsObject>> {
    if value.is_undefined() {
        return Ok(Vec::new());
    }
    let ports = sequence_of_objects(value, "MessageEventInit's ports", context)?;
    if let Some(i) = ports.iter().position(|p| !is_message_port(p)) {
        return Err(type_error(format!(
            "MessageEventInit's ports[{i}] is not a MessagePort"
        )));
    }
    Ok(ports)
}

/// Converts the `source` member (`MessageEventSource?`: here a MessagePort
/// or null; this host has no WindowProxy or ServiceWorker to give).
fn source_member(value: &JsValue) -> JsResult<Option<JsObject>> {
    if value.is_null_or_undefined() {
        return Ok(None);
    }
    value
        .as_object()
        .filter(is_message_port)
        .map(Some)
        .ok_or_else(|| type_error("MessageEventInit's source must be a MessagePort or null"))
}

/// An optional `DOMString`/`USVString` member, the empty string by default.
fn string_member(value: &JsValue, context: &mut Context) -> JsResult<JsString> {
    if value.is_undefined() {
        Ok(JsString::default())
    } else {
        dom_string(value, context)
    }
}

/// `new MessageEvent(type, eventInitDict)`
fn message_event_constructor(
    new_target: &JsValue,
    args: &[JsValue],
    context: &mut Context,
) -> JsResult<JsValue> {
    let (prototype, mut state, init) = construct_event(
        new_target,
        args,
        "MessageEvent",
        |i| i.message_event.clone(),
        context,
    )?;
    // MessageEventInit's own members, in lexicographic order.
    // `any data = null`
    let data = member(&init, "data", context)?;
    let data = if data.is_undefined() {
        JsValue::null()
    } else {
        data
    };
    let last_event_id = member(&init, "lastEventId", context)?;
    let last_event_id = string_member(&last_event_id, context)?;
    let origin = member(&init, "origin", context)?;
    let origin = string_member(&origin, context)?;
    let ports = member(&init, "ports", context)?;
    let ports = ports_member(&ports, context)?;
    let source = source_member(&member(&init, "source", context)?)?;
    state.extra = EventExtra::Message(Box::new(MessageFields {
        data,
        origin,
        last_event_id,
        source,
        ports: frozen_array(ports, context)?,
    }));
    Ok(create_event(prototype, state).into())
}

fn message_field(this: &JsValue, read: impl FnOnce(&MessageFields) -> JsValue) -> JsResult<JsValue> {
    with_event(this, |e| match &e.extra {
        EventExtra::Message(fields) => Some(read(fields)),
        _ => None,
    })?
    .ok_or_else(|| type_error("Illegal invocation: not a MessageEvent"))
}
fn get_data(this: &JsValue, _: &[JsValue], _: &mut Context) -> JsResult<JsValue> {
    message_field(this, |m| m.data.clone())
}
fn get_origin(this: &JsValue, _: &[JsValue], _: &mut Context) -> JsResult<JsValue> {
    message_field(this, |m| m.origin.clone().into())
}
fn get_last_event_id(this: &JsValue, _: &[JsValue], _: &mut Context) -> JsResult<JsValue> {
    message_field(this, |m| m.last_event_id.clone().into())
}
fn get_source(this: &JsValue, _: &[JsValue], _: &mut Context) -> JsResult<JsValue> {
    message_field(this, |m| {
        m.source.clone().map_or_else(JsValue::null, JsValue::new)
    })
}
fn get_ports(this: &JsValue, _: &[JsValue], _: &mut Context) -> JsResult<JsValue> {
    message_field(this, |m| m.ports.clone().into())
}

/// `initMessageEvent(type, bubbles, cancelable, data, origin, lastEventId,
/// source, ports)`: re-initializes an event that is not being dispatched.
fn init_message_event(this: &JsValue, args: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    let arg = |i: usize| args.get(i).cloned().unwrap_or_default();
    let kind = dom_string(&arg(0), context)?;
    let origin = string_member(&arg(4), context)?;
    let last_event_id = string_member(&arg(5), context)?;
    let source = source_member(&arg(6))?;
    let ports = ports_member(&arg(7), context)?;
    let ports = frozen_array(ports, context)?;
    message_field(this, |_| JsValue::undefined())?;
    with_event(this, |e| {
        if e.dispatching {
            return;
        }
        initialize(e, kind, arg(1).to_boolean(), arg(2).to_boolean());
        e.extra = EventExtra::Message(Box::new(MessageFields {
            data: arg(3),
            origin,
            last_event_id,
            source,
            ports,
        }));
    })?;
    Ok(JsValue::undefined())
}

/// The `MessageEvent` interface object and prototype (inheriting from
/// `Event`, whose interface object and prototype are `event`).
pub fn interface(context: &mut Context, event: (JsObject, JsObject)) -> JsResult<(JsObject, JsObject)> {
    let (constructor, prototype) =
        constructor(context, "MessageEvent", 1, message_event_constructor, Some(event))?;
    type Op = fn(&JsValue, &[JsValue], &mut Context) -> JsResult<JsValue>;
    for (name, getter) in [
        ("data", get_data as Op),
        ("origin", get_origin),
        ("lastEventId", get_last_event_id),
        ("source", get_source),
        ("ports", get_ports),
    ] {
        define_getter(&prototype, context, name, getter)?;
    }
    define_operation(&prototype, context, "initMessageEvent", 1, init_message_event)?;
    define_to_string_tag(&prototype, context, "MessageEvent")?;
    Ok((constructor, prototype))
}
