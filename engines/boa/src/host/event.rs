//! `Event` and the two subclasses the host fires itself: `ErrorEvent` (for
//! reporting an exception) and `PromiseRejectionEvent` (for an unhandled
//! rejection).
//!
//! <https://dom.spec.whatwg.org/#interface-event>
//! <https://html.spec.whatwg.org/multipage/webappapis.html#errorevent>
//! <https://html.spec.whatwg.org/multipage/webappapis.html#promiserejectionevent>

pub use super::event_target::Listeners;
use super::webidl::{
    define_constant, define_getter, define_operation, define_to_string_tag, dictionary, dom_string, member,
    prototype_from_new_target, this_platform, type_error,
};
use super::{HostIntrinsics, constructor};
use crate::platform::{PlatformObject, PlatformState};
use boa_engine::{Context, Finalize, JsObject, JsResult, JsString, JsValue, Trace};

/// The four event phases (`Event.NONE` ...).
pub const NONE: u16 = 0;
/// `Event.CAPTURING_PHASE`
pub const CAPTURING_PHASE: u16 = 1;
/// `Event.AT_TARGET`
pub const AT_TARGET: u16 = 2;
/// `Event.BUBBLING_PHASE`
pub const BUBBLING_PHASE: u16 = 3;

/// What an event keeps (DOM's event "flags" and attributes).
#[derive(Debug, Trace, Finalize)]
pub struct EventState {
    /// `type`
    #[unsafe_ignore_trace]
    pub kind: JsString,
    /// `bubbles`
    #[unsafe_ignore_trace]
    pub bubbles: bool,
    /// `cancelable`
    #[unsafe_ignore_trace]
    pub cancelable: bool,
    /// `composed`
    #[unsafe_ignore_trace]
    pub composed: bool,
    /// `isTrusted`
    #[unsafe_ignore_trace]
    pub is_trusted: bool,
    /// `timeStamp`, in milliseconds since the agent's time origin.
    #[unsafe_ignore_trace]
    pub time_stamp: f64,
    /// The canceled flag.
    #[unsafe_ignore_trace]
    pub canceled: bool,
    /// The stop propagation flag.
    #[unsafe_ignore_trace]
    pub stop_propagation: bool,
    /// The stop immediate propagation flag.
    #[unsafe_ignore_trace]
    pub stop_immediate_propagation: bool,
    /// The in passive listener flag.
    #[unsafe_ignore_trace]
    pub in_passive_listener: bool,
    /// The dispatch flag.
    #[unsafe_ignore_trace]
    pub dispatching: bool,
    /// The initialized flag.
    #[unsafe_ignore_trace]
    pub initialized: bool,
    /// `eventPhase`
    #[unsafe_ignore_trace]
    pub phase: u16,
    /// `target`
    pub target: Option<JsObject>,
    /// `currentTarget`
    pub current_target: Option<JsObject>,
    /// The attributes of a subclass.
    pub extra: EventExtra,
}

/// The attributes an `Event` subclass adds.
#[derive(Debug, Trace, Finalize)]
pub enum EventExtra {
    /// A plain `Event`.
    None,
    /// `ErrorEvent`: message, filename, lineno, colno, error.
    Error {
        /// `message`
        #[unsafe_ignore_trace]
        message: JsString,
        /// `filename`
        #[unsafe_ignore_trace]
        filename: JsString,
        /// `lineno`
        #[unsafe_ignore_trace]
        lineno: u32,
        /// `colno`
        #[unsafe_ignore_trace]
        colno: u32,
        /// `error`
        error: JsValue,
    },
    /// `PromiseRejectionEvent`: promise, reason.
    PromiseRejection {
        /// `promise`
        promise: JsValue,
        /// `reason`
        reason: JsValue,
    },
    /// `MessageEvent`: data, origin, lastEventId, source, ports.
    Message(Box<super::message_event::MessageFields>),
}

impl EventState {
    /// A new, initialized, untrusted event of type `kind`.
    pub fn new(kind: JsString, time_stamp: f64) -> Self {
        EventState {
            kind,
            bubbles: false,
            cancelable: false,
            composed: false,
            is_trusted: false,
            time_stamp,
            canceled: false,
            stop_propagation: false,
            stop_immediate_propagation: false,
            in_passive_listener: false,
            dispatching: false,
            initialized: true,
            phase: NONE,
            target: None,
            current_target: None,
            extra: EventExtra::None,
        }
    }
}

/// The interface name of an event state.
fn interface_of(state: &EventState) -> &'static str {
    match state.extra {
        EventExtra::None => "Event",
        EventExtra::Error { .. } => "ErrorEvent",
        EventExtra::PromiseRejection { .. } => "PromiseRejectionEvent",
        EventExtra::Message(_) => "MessageEvent",
    }
}

/// A new event object with `state`, whose [[Prototype]] is `prototype`.
pub fn create_event(prototype: JsObject, state: EventState) -> JsObject {
    let interface = interface_of(&state);
    let data = PlatformObject::with_state(interface, None, PlatformState::Event(Box::new(state)));
    JsObject::from_proto_and_data(prototype, data)
}

/// The time since the agent's time origin, in milliseconds.
pub fn now(context: &Context) -> f64 {
    super::event_loop::EventLoop::of(context).map_or(0.0, |event_loop| {
        event_loop.time_origin.elapsed().as_secs_f64() * 1000.0
    })
}

/// Runs `f` on the event state of `this`, or throws the TypeError of a
/// wrong receiver.
pub fn with_event<T>(this: &JsValue, f: impl FnOnce(&mut EventState) -> T) -> JsResult<T> {
    let object = this_platform(this, "Event", |p| matches!(p.state, PlatformState::Event(_)))?;
    let mut data = object
        .downcast_mut::<PlatformObject>()
        .ok_or_else(|| type_error("Illegal invocation: the receiver is not an Event"))?;
    match &mut data.state {
        PlatformState::Event(state) => Ok(f(state)),
        _ => Err(type_error("Illegal invocation: the receiver is not an Event")),
    }
}

/// Reads the `EventInit` members (in lexicographic order, as Web IDL
/// converts a dictionary) into `state`.
pub(crate) fn event_init(
    state: &mut EventState,
    init: &Option<JsObject>,
    context: &mut Context,
) -> JsResult<()> {
    state.bubbles = member(init, "bubbles", context)?.to_boolean();
    state.cancelable = member(init, "cancelable", context)?.to_boolean();
    state.composed = member(init, "composed", context)?.to_boolean();
    Ok(())
}

/// The constructor steps all event interfaces share: the prototype, the
/// type, and the `EventInit` members read into a new state; also returns
/// the init dictionary for the subclass's own members.
pub(crate) fn construct_event(
    new_target: &JsValue,
    args: &[JsValue],
    interface: &str,
    fallback: impl FnOnce(&HostIntrinsics) -> JsObject,
    context: &mut Context,
) -> JsResult<(JsObject, EventState, Option<JsObject>)> {
    let fallback = fallback(&HostIntrinsics::of(context)?);
    let prototype = prototype_from_new_target(new_target, fallback, interface, context)?;
    let kind = dom_string(&args.first().cloned().unwrap_or_default(), context)?;
    let init = dictionary(
        &args.get(1).cloned().unwrap_or_default(),
        &format!("{interface}'s eventInitDict"),
    )?;
    let mut state = EventState::new(kind, now(context));
    event_init(&mut state, &init, context)?;
    Ok((prototype, state, init))
}

/// `new Event(type, eventInitDict)`
fn event_constructor(new_target: &JsValue, args: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    let (prototype, state, _) = construct_event(new_target, args, "Event", |i| i.event.clone(), context)?;
    Ok(create_event(prototype, state).into())
}

/// `new ErrorEvent(type, eventInitDict)`
fn error_event_constructor(
    new_target: &JsValue,
    args: &[JsValue],
    context: &mut Context,
) -> JsResult<JsValue> {
    let fallback = HostIntrinsics::of(context)?.error_event.clone();
    let prototype = prototype_from_new_target(new_target, fallback, "ErrorEvent", context)?;
    let kind = dom_string(&args.first().cloned().unwrap_or_default(), context)?;
    let init = dictionary(
        &args.get(1).cloned().unwrap_or_default(),
        "ErrorEvent's eventInitDict",
    )?;
    let mut state = EventState::new(kind, now(context));
    event_init(&mut state, &init, context)?;
    let colno = member(&init, "colno", context)?;
    let colno = if colno.is_undefined() {
        0
    } else {
        colno.to_u32(context)?
    };
    let error = member(&init, "error", context)?;
    let filename = member(&init, "filename", context)?;
    let filename = if filename.is_undefined() {
        JsString::default()
    } else {
        dom_string(&filename, context)?
    };
    let lineno = member(&init, "lineno", context)?;
    let lineno = if lineno.is_undefined() {
        0
    } else {
        lineno.to_u32(context)?
    };
    let message = member(&init, "message", context)?;
    let message = if message.is_undefined() {
        JsString::default()
    } else {
        dom_string(&message, context)?
    };
    state.extra = EventExtra::Error {
        message,
        filename,
        lineno,
        colno,
        error,
    };
    Ok(create_event(prototype, state).into())
}

/// `new PromiseRejectionEvent(type, eventInitDict)`
fn promise_rejection_event_constructor(
    new_target: &JsValue,
    args: &[JsValue],
    context: &mut Context,
) -> JsResult<JsValue> {
    let fallback = HostIntrinsics::of(context)?.promise_rejection_event.clone();
    let prototype = prototype_from_new_target(new_target, fallback, "PromiseRejectionEvent", context)?;
    let kind = dom_string(&args.first().cloned().unwrap_or_default(), context)?;
    let init = dictionary(
        &args.get(1).cloned().unwrap_or_default(),
        "PromiseRejectionEvent's eventInitDict",
    )?;
    let mut state = EventState::new(kind, now(context));
    event_init(&mut state, &init, context)?;
    let promise = member(&init, "promise", context)?;
    if !promise.is_object() {
        return Err(type_error("PromiseRejectionEvent needs an object as its promise"));
    }
    let reason = member(&init, "reason", context)?;
    state.extra = EventExtra::PromiseRejection { promise, reason };
    Ok(create_event(prototype, state).into())
}

fn optional_object(o: &Option<JsObject>) -> JsValue {
    o.clone().map_or_else(JsValue::null, JsValue::new)
}

fn get_type(this: &JsValue, _: &[JsValue], _: &mut Context) -> JsResult<JsValue> {
    with_event(this, |e| JsValue::new(e.kind.clone()))
}
fn get_target(this: &JsValue, _: &[JsValue], _: &mut Context) -> JsResult<JsValue> {
    with_event(this, |e| optional_object(&e.target))
}
fn get_current_target(this: &JsValue, _: &[JsValue], _: &mut Context) -> JsResult<JsValue> {
    with_event(this, |e| optional_object(&e.current_target))
}
fn get_event_phase(this: &JsValue, _: &[JsValue], _: &mut Context) -> JsResult<JsValue> {
    with_event(this, |e| JsValue::new(e.phase))
}
fn get_bubbles(this: &JsValue, _: &[JsValue], _: &mut Context) -> JsResult<JsValue> {
    with_event(this, |e| JsValue::new(e.bubbles))
}
fn get_cancelable(this: &JsValue, _: &[JsValue], _: &mut Context) -> JsResult<JsValue> {
    with_event(this, |e| JsValue::new(e.cancelable))
}
fn get_composed(this: &JsValue, _: &[JsValue], _: &mut Context) -> JsResult<JsValue> {
    with_event(this, |e| JsValue::new(e.composed))
}
fn get_default_prevented(this: &JsValue, _: &[JsValue], _: &mut Context) -> JsResult<JsValue> {
    with_event(this, |e| JsValue::new(e.canceled))
}
fn get_is_trusted(this: &JsValue, _: &[JsValue], _: &mut Context) -> JsResult<JsValue> {
    with_event(this, |e| JsValue::new(e.is_trusted))
}
fn get_time_stamp(this: &JsValue, _: &[JsValue], _: &mut Context) -> JsResult<JsValue> {
    with_event(this, |e| JsValue::new(e.time_stamp))
}
fn get_return_value(this: &JsValue, _: &[JsValue], _: &mut Context) -> JsResult<JsValue> {
    with_event(this, |e| JsValue::new(!e.canceled))
}
fn get_cancel_bubble(this: &JsValue, _: &[JsValue], _: &mut Context) -> JsResult<JsValue> {
    with_event(this, |e| JsValue::new(e.stop_propagation))
}

/// DOM "set the canceled flag".
fn set_canceled_flag(e: &mut EventState) {
    if e.cancelable && !e.in_passive_listener {
        e.canceled = true;
    }
}

fn prevent_default(this: &JsValue, _: &[JsValue], _: &mut Context) -> JsResult<JsValue> {
    with_event(this, set_canceled_flag)?;
    Ok(JsValue::undefined())
}
fn stop_propagation(this: &JsValue, _: &[JsValue], _: &mut Context) -> JsResult<JsValue> {
    with_event(this, |e| e.stop_propagation = true)?;
    Ok(JsValue::undefined())
}
fn stop_immediate_propagation(this: &JsValue, _: &[JsValue], _: &mut Context) -> JsResult<JsValue> {
    with_event(this, |e| {
        e.stop_propagation = true;
        e.stop_immediate_propagation = true;
    })?;
    Ok(JsValue::undefined())
}
fn composed_path(this: &JsValue, _: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    // Without a tree, the path is the current target alone (when dispatching).
    let current = with_event(this, |e| e.current_target.clone())?;
    let items: Vec<JsValue> = current.into_iter().map(JsValue::new).collect();
    Ok(boa_engine::object::builtins::JsArray::from_iter(items, context).into())
}
fn init_event(this: &JsValue, args: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    let kind = dom_string(&args.first().cloned().unwrap_or_default(), context)?;
    let bubbles = args.get(1).is_some_and(JsValue::to_boolean);
    let cancelable = args.get(2).is_some_and(JsValue::to_boolean);
    with_event(this, |e| {
        if !e.dispatching {
            initialize(e, kind, bubbles, cancelable);
        }
    })?;
    Ok(JsValue::undefined())
}

/// DOM "initialize" an event: flags reset, attributes set.
pub(crate) fn initialize(e: &mut EventState, kind: JsString, bubbles: bool, cancelable: bool) {
    e.initialized = true;
    e.stop_propagation = false;
    e.stop_immediate_propagation = false;
    e.canceled = false;
    e.is_trusted = false;
    e.target = None;
    e.kind = kind;
    e.bubbles = bubbles;
    e.cancelable = cancelable;
}

fn error_field(this: &JsValue, read: impl FnOnce(&EventExtra) -> Option<JsValue>) -> JsResult<JsValue> {
    with_event(this, |e| read(&e.extra))?.ok_or_else(|| type_error("Illegal invocation: not an ErrorEvent"))
}
fn get_message(this: &JsValue, _: &[JsValue], _: &mut Context) -> JsResult<JsValue> {
    error_field(this, |x| match x {
        EventExtra::Error { message, .. } => Some(message.clone().into()),
        _ => None,
    })
}
fn get_filename(this: &JsValue, _: &[JsValue], _: &mut Context) -> JsResult<JsValue> {
    error_field(this, |x| match x {
        EventExtra::Error { filename, .. } => Some(filename.clone().into()),
        _ => None,
    })
}
fn get_lineno(this: &JsValue, _: &[JsValue], _: &mut Context) -> JsResult<JsValue> {
    error_field(this, |x| match x {
        EventExtra::Error { lineno, .. } => Some((*lineno).into()),
        _ => None,
    })
}
fn get_colno(this: &JsValue, _: &[JsValue], _: &mut Context) -> JsResult<JsValue> {
    error_field(this, |x| match x {
        EventExtra::Error { colno, .. } => Some((*colno).into()),
        _ => None,
    })
}
fn get_error(this: &JsValue, _: &[JsValue], _: &mut Context) -> JsResult<JsValue> {
    error_field(this, |x| match x {
        EventExtra::Error { error, .. } => Some(error.clone()),
        _ => None,
    })
}
fn get_promise(this: &JsValue, _: &[JsValue], _: &mut Context) -> JsResult<JsValue> {
    error_field(this, |x| match x {
        EventExtra::PromiseRejection { promise, .. } => Some(promise.clone()),
        _ => None,
    })
}
fn get_reason(this: &JsValue, _: &[JsValue], _: &mut Context) -> JsResult<JsValue> {
    error_field(this, |x| match x {
        EventExtra::PromiseRejection { reason, .. } => Some(reason.clone()),
        _ => None,
    })
}

/// The interface objects of `Event`, `ErrorEvent` and
/// `PromiseRejectionEvent`: (constructor, prototype) of each.
pub struct EventInterfaces {
    /// `Event`
    pub event: (JsObject, JsObject),
    /// `ErrorEvent`
    pub error_event: (JsObject, JsObject),
    /// `PromiseRejectionEvent`
    pub promise_rejection_event: (JsObject, JsObject),
}

/// Makes the three event interfaces.
pub fn interfaces(context: &mut Context) -> JsResult<EventInterfaces> {
    let (event, event_prototype) = constructor(context, "Event", 1, event_constructor, None)?;
    type Op = fn(&JsValue, &[JsValue], &mut Context) -> JsResult<JsValue>;
    let getters: [(&str, Op); 12] = [
        ("type", get_type),
        ("target", get_target),
        ("currentTarget", get_current_target),
        ("srcElement", get_target),
        ("eventPhase", get_event_phase),
        ("cancelBubble", get_cancel_bubble),
        ("bubbles", get_bubbles),
        ("cancelable", get_cancelable),
        ("returnValue", get_return_value),
        ("defaultPrevented", get_default_prevented),
        ("composed", get_composed),
        ("timeStamp", get_time_stamp),
    ];
    for (name, getter) in getters {
        define_getter(&event_prototype, context, name, getter)?;
    }
    // Simplification: `isTrusted` is [LegacyUnforgeable] (an own property
    // of each event); here it is an accessor on the prototype.
    define_getter(&event_prototype, context, "isTrusted", get_is_trusted)?;
    let operations: [(&str, usize, Op); 5] = [
        ("composedPath", 0, composed_path),
        ("stopPropagation", 0, stop_propagation),
        ("stopImmediatePropagation", 0, stop_immediate_propagation),
        ("preventDefault", 0, prevent_default),
        ("initEvent", 1, init_event),
    ];
    for (name, length, f) in operations {
        define_operation(&event_prototype, context, name, length, f)?;
    }
    for target in [&event, &event_prototype] {
        for (name, value) in [
            ("NONE", NONE),
            ("CAPTURING_PHASE", CAPTURING_PHASE),
            ("AT_TARGET", AT_TARGET),
            ("BUBBLING_PHASE", BUBBLING_PHASE),
        ] {
            define_constant(target, context, name, value)?;
        }
    }
    define_to_string_tag(&event_prototype, context, "Event")?;

    let parent = Some((event.clone(), event_prototype.clone()));
    let (error_event, error_prototype) =
        constructor(context, "ErrorEvent", 1, error_event_constructor, parent.clone())?;
    for (name, getter) in [
        ("message", get_message as Op),
        ("filename", get_filename),
        ("lineno", get_lineno),
        ("colno", get_colno),
        ("error", get_error),
    ] {
        define_getter(&error_prototype, context, name, getter)?;
    }
    define_to_string_tag(&error_prototype, context, "ErrorEvent")?;

    let (rejection, rejection_prototype) = constructor(
        context,
        "PromiseRejectionEvent",
        2,
        promise_rejection_event_constructor,
        parent,
    )?;
    for (name, getter) in [("promise", get_promise as Op), ("reason", get_reason)] {
        define_getter(&rejection_prototype, context, name, getter)?;
    }
    define_to_string_tag(&rejection_prototype, context, "PromiseRejectionEvent")?;
    Ok(EventInterfaces {
        event: (event, event_prototype),
        error_event: (error_event, error_prototype),
        promise_rejection_event: (rejection, rejection_prototype),
    })
}
