//! `EventTarget`: listener lists and dispatch, for targets without a tree
//! (no parent to propagate to: the event is only ever at its target).
//!
//! <https://dom.spec.whatwg.org/#interface-eventtarget>
//! <https://dom.spec.whatwg.org/#concept-event-dispatch>

use super::event::{AT_TARGET, EventState, NONE, with_event};
use super::webidl::{
    define_operation, define_to_string_tag, dictionary, dom_string, member, prototype_from_new_target,
    this_platform, type_error,
};
use super::{HostIntrinsics, constructor};
use crate::platform::{PlatformObject, PlatformState};
use boa_engine::{Context, Finalize, JsError, JsObject, JsResult, JsString, JsValue, Trace, js_string};

/// One event listener.
#[derive(Debug, Clone, Trace, Finalize)]
pub struct Listener {
    /// Identity within its list (to tell whether it was removed meanwhile).
    #[unsafe_ignore_trace]
    id: u64,
    /// `type`
    #[unsafe_ignore_trace]
    kind: JsString,
    /// `callback`: a function, or an object with `handleEvent`.
    callback: JsObject,
    /// `capture`
    #[unsafe_ignore_trace]
    capture: bool,
    /// `passive`
    #[unsafe_ignore_trace]
    passive: bool,
    /// `once`
    #[unsafe_ignore_trace]
    once: bool,
}

/// An event target's event listener list.
#[derive(Debug, Default, Trace, Finalize)]
pub struct Listeners {
    list: Vec<Listener>,
    #[unsafe_ignore_trace]
    next_id: u64,
}

impl Listeners {
    /// DOM "add an event listener": no duplicate (type, callback, capture).
    fn add(&mut self, kind: JsString, callback: JsObject, capture: bool, passive: bool, once: bool) {
        if self
            .list
            .iter()
            .any(|l| l.kind == kind && l.capture == capture && JsObject::equals(&l.callback, &callback))
        {
            return;
        }
        self.next_id += 1;
        self.list.push(Listener {
            id: self.next_id,
            kind,
            callback,
            capture,
            passive,
            once,
        });
    }

    /// DOM "remove an event listener".
    fn remove(&mut self, kind: &JsString, callback: &JsObject, capture: bool) {
        self.list.retain(|l| {
            !(l.kind == *kind && l.capture == capture && JsObject::equals(&l.callback, callback))
        });
    }

    fn contains(&self, id: u64) -> bool {
        self.list.iter().any(|l| l.id == id)
    }

    fn remove_id(&mut self, id: u64) {
        self.list.retain(|l| l.id != id);
    }

    /// Number of listeners for `kind`.
    pub fn count(&self, kind: &str) -> usize {
        let kind = js_string!(kind);
        self.list.iter().filter(|l| l.kind == kind).count()
    }
}

/// Runs `f` on the listener list of `target` (if it is an event target).
fn with_listeners<T>(target: &JsObject, f: impl FnOnce(&mut Listeners) -> T) -> Option<T> {
    let mut data = target.downcast_mut::<PlatformObject>()?;
    data.listeners.as_mut().map(f)
}

/// The receiver of an EventTarget operation. The global object is an
/// EventTarget, and Web IDL gives operations of the global's interfaces the
/// global object when they are called without a receiver
/// (`addEventListener(...)` at top level).
fn this_target(this: &JsValue, context: &Context) -> JsResult<JsObject> {
    if this.is_null_or_undefined() {
        return this_platform(&context.global_object().into(), "EventTarget", |p| {
            p.listeners.is_some()
        });
    }
    this_platform(this, "EventTarget", |p| p.listeners.is_some())
}

/// The (capture, passive, once) of an options argument: a boolean is
/// `capture`; a dictionary is read member by member.
fn listener_options(
    options: &JsValue,
    with_others: bool,
    context: &mut Context,
) -> JsResult<(bool, bool, bool)> {
    if !options.is_object() {
        return Ok((options.to_boolean(), false, false));
    }
    let dict = dictionary(options, "the options")?;
    let capture = member(&dict, "capture", context)?.to_boolean();
    if !with_others {
        return Ok((capture, false, false));
    }
    let once = member(&dict, "once", context)?.to_boolean();
    let passive = member(&dict, "passive", context)?.to_boolean();
    Ok((capture, passive, once))
}

/// The callback argument: null (or undefined) means "no listener".
fn callback_argument(value: Option<&JsValue>) -> JsResult<Option<JsObject>> {
    match value {
        None => Ok(None),
        Some(v) if v.is_null_or_undefined() => Ok(None),
        Some(v) => v
            .as_object()
            .map(Some)
            .ok_or_else(|| type_error("the listener must be an object (a function or an EventListener)")),
    }
}

/// `addEventListener(type, callback, options)`
fn add_event_listener(this: &JsValue, args: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    let target = this_target(this, context)?;
    let kind = dom_string(&args.first().cloned().unwrap_or_default(), context)?;
    let callback = callback_argument(args.get(1))?;
    let (capture, passive, once) =
        listener_options(&args.get(2).cloned().unwrap_or_default(), true, context)?;
    if let Some(callback) = callback {
        with_listeners(&target, |l| l.add(kind, callback, capture, passive, once));
    }
    Ok(JsValue::undefined())
}

/// `removeEventListener(type, callback, options)`
fn remove_event_listener(this: &JsValue, args: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    let target = this_target(this, context)?;
    let kind = dom_string(&args.first().cloned().unwrap_or_default(), context)?;
    let callback = callback_argument(args.get(1))?;
    let (capture, _, _) = listener_options(&args.get(2).cloned().unwrap_or_default(), false, context)?;
    if let Some(callback) = callback {
        with_listeners(&target, |l| l.remove(&kind, &callback, capture));
    }
    Ok(JsValue::undefined())
}

/// `dispatchEvent(event)`
fn dispatch_event(this: &JsValue, args: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    let target = this_target(this, context)?;
    let event = args
        .first()
        .and_then(JsValue::as_object)
        .filter(|o| {
            o.downcast_ref::<PlatformObject>()
                .is_some_and(|p| matches!(p.state, PlatformState::Event(_)))
        })
        .ok_or_else(|| type_error("dispatchEvent: the argument is not an Event"))?;
    let event_value = JsValue::new(event.clone());
    let ready = with_event(&event_value, |e| !e.dispatching && e.initialized)?;
    if !ready {
        return Err(super::dom_exception::throw(
            context,
            "InvalidStateError",
            "dispatchEvent: the event is being dispatched already, or was never initialized",
        ));
    }
    with_event(&event_value, |e| e.is_trusted = false)?;
    Ok(JsValue::new(dispatch(context, &target, &event)))
}

/// DOM "dispatch" of `event` at `target`, a target without parents: every
/// listener for the type runs at the target, capturing ones first. An
/// exception from a listener is reported, not thrown. Returns whether the
/// event was not canceled.
pub fn dispatch(context: &mut Context, target: &JsObject, event: &JsObject) -> bool {
    let event_value = JsValue::new(event.clone());
    let Ok(kind) = with_event(&event_value, |e| {
        e.dispatching = true;
        e.target = Some(target.clone());
        e.current_target = Some(target.clone());
        e.phase = AT_TARGET;
        e.kind.clone()
    }) else {
        return true;
    };
    let listeners: Vec<Listener> = with_listeners(target, |l| l.list.clone()).unwrap_or_default();
    // The capturing pass, then the bubbling pass, both at the target.
    for capture_pass in [true, false] {
        for listener in listeners
            .iter()
            .filter(|l| l.capture == capture_pass && l.kind == kind)
        {
            if with_event(&event_value, |e| e.stop_immediate_propagation).unwrap_or(true) {
                break;
            }
            // A listener removed by an earlier one does not run.
            if !with_listeners(target, |l| l.contains(listener.id)).unwrap_or(false) {
                continue;
            }
            if listener.once {
                with_listeners(target, |l| l.remove_id(listener.id));
            }
            let _ = with_event(&event_value, |e| e.in_passive_listener = listener.passive);
            if let Err(error) = call_listener(context, listener, target, &event_value) {
                super::report::report_exception(context, error);
            }
            let _ = with_event(&event_value, |e| e.in_passive_listener = false);
        }
    }
    with_event(&event_value, |e| {
        e.dispatching = false;
        e.phase = NONE;
        e.current_target = None;
        e.stop_propagation = false;
        e.stop_immediate_propagation = false;
        !e.canceled
    })
    .unwrap_or(true)
}

/// DOM "call a user object's operation": the callback itself, or its
/// `handleEvent` method.
fn call_listener(
    context: &mut Context,
    listener: &Listener,
    target: &JsObject,
    event: &JsValue,
) -> Result<(), JsError> {
    if listener.callback.is_callable() {
        listener.callback.call(
            &JsValue::new(target.clone()),
            std::slice::from_ref(event),
            context,
        )?;
        return Ok(());
    }
    let handle_event = listener.callback.get(js_string!("handleEvent"), context)?;
    let Some(handle_event) = handle_event.as_callable() else {
        return Err(type_error("the event listener has no callable handleEvent"));
    };
    handle_event.call(
        &JsValue::new(listener.callback.clone()),
        std::slice::from_ref(event),
        context,
    )?;
    Ok(())
}

/// Fires a trusted event (`EventState` already filled in) at `target`;
/// returns whether it was not canceled.
pub fn fire(context: &mut Context, target: &JsObject, prototype: JsObject, mut state: EventState) -> bool {
    state.is_trusted = true;
    let event = super::event::create_event(prototype, state);
    dispatch(context, target, &event)
}

/// `new EventTarget()`
fn event_target_constructor(new_target: &JsValue, _: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    let fallback = HostIntrinsics::of(context)?.event_target.clone();
    let prototype = prototype_from_new_target(new_target, fallback, "EventTarget", context)?;
    Ok(JsObject::from_proto_and_data(prototype, PlatformObject::event_target("EventTarget")).into())
}

/// The `EventTarget` interface object and prototype.
pub fn interface(context: &mut Context) -> JsResult<(JsObject, JsObject)> {
    let (constructor, prototype) = constructor(context, "EventTarget", 0, event_target_constructor, None)?;
    define_operation(&prototype, context, "addEventListener", 2, add_event_listener)?;
    define_operation(
        &prototype,
        context,
        "removeEventListener",
        2,
        remove_event_listener,
    )?;
    define_operation(&prototype, context, "dispatchEvent", 1, dispatch_event)?;
    define_to_string_tag(&prototype, context, "EventTarget")?;
    Ok((constructor, prototype))
}
