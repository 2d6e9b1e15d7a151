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
    /// Whether this is the listener of an event handler (`onmessage`...):
    /// its callback is then the handler's current value.
    #[unsafe_ignore_trace]
    handler: bool,
}

/// An event handler: its event type and its value (HTML "event handler").
#[derive(Debug, Clone, Trace, Finalize)]
struct Handler {
    #[unsafe_ignore_trace]
    kind: JsString,
    value: JsObject,
}

/// An event target's event listener list.
#[derive(Debug, Default, Trace, Finalize)]
pub struct Listeners {
    list: Vec<Listener>,
    #[unsafe_ignore_trace]
    next_id: u64,
    /// The event handlers whose value is not null.
    handlers: Vec<Handler>,
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
            handler: false,
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

    /// The value of the event handler for `kind` (null: `None`).
    fn handler(&self, kind: &JsString) -> Option<JsObject> {
        self.handlers
            .iter()
            .find(|h| h.kind == *kind)
            .map(|h| h.value.clone())
    }

    /// Sets the event handler for `kind` (HTML "event handler IDL
    /// attributes", setter): a new non-null value activates it (its
    /// listener joins the list now, after those already there); null
    /// deactivates it (its listener leaves the list).
    fn set_handler(&mut self, kind: JsString, value: Option<JsObject>) {
        match value {
            Some(value) => {
                if let Some(h) = self.handlers.iter_mut().find(|h| h.kind == kind) {
                    h.value = value;
                    return;
                }
                self.next_id += 1;
                self.list.push(Listener {
                    id: self.next_id,
                    kind: kind.clone(),
                    callback: value.clone(),
                    capture: false,
                    passive: false,
                    once: false,
                    handler: true,
                });
                self.handlers.push(Handler { kind, value });
            }
            None => {
                self.handlers.retain(|h| h.kind != kind);
                self.list.retain(|l| !(l.handler && l.kind == kind));
            }
        }
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
pub fn this_target(this: &JsValue, context: &Context) -> JsResult<JsObject> {
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
/// `handleEvent` method. An event handler's listener calls the handler's
/// current value (HTML "the event handler processing algorithm").
fn call_listener(
    context: &mut Context,
    listener: &Listener,
    target: &JsObject,
    event: &JsValue,
) -> Result<(), JsError> {
    if listener.handler {
        return call_event_handler(context, listener, target, event);
    }
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

/// HTML "the event handler processing algorithm", for a target without
/// special return-value rules but the `error` event at a global object:
/// a handler returning false cancels the event (true for an `error`
/// handler of a global object).
fn call_event_handler(
    context: &mut Context,
    listener: &Listener,
    target: &JsObject,
    event: &JsValue,
) -> Result<(), JsError> {
    let Some(callback) = with_listeners(target, |l| l.handler(&listener.kind)).flatten() else {
        return Ok(());
    };
    if !callback.is_callable() {
        return Err(type_error("the event handler is not callable"));
    }
    let is_global = JsObject::equals(target, &context.global_object());
    // A global object's `onerror` is an OnErrorEventHandler: an ErrorEvent
    // reaches it as (message, source, lineno, colno, error).
    let error_arguments = if is_global && listener.kind == js_string!("error") {
        with_event(event, |e| match &e.extra {
            super::event::EventExtra::Error {
                message,
                filename,
                lineno,
                colno,
                error,
            } => Some(vec![
                JsValue::new(message.clone()),
                JsValue::new(filename.clone()),
                JsValue::new(*lineno),
                JsValue::new(*colno),
                error.clone(),
            ]),
            _ => None,
        })?
    } else {
        None
    };
    let arguments = error_arguments.unwrap_or_else(|| vec![event.clone()]);
    let returned = callback.call(&JsValue::new(target.clone()), &arguments, context)?;
    let cancel = if is_global && listener.kind == js_string!("error") {
        returned.as_boolean() == Some(true)
    } else {
        returned.as_boolean() == Some(false)
    };
    if cancel {
        with_event(event, |e| {
            if e.cancelable && !e.in_passive_listener {
                e.canceled = true;
            }
        })?;
    }
    Ok(())
}

/// The value of `target`'s event handler for `kind`, or null.
pub fn get_event_handler(target: &JsObject, kind: &str) -> JsValue {
    with_listeners(target, |l| l.handler(&js_string!(kind)))
        .flatten()
        .map_or_else(JsValue::null, JsValue::new)
}

/// Sets `target`'s event handler for `kind` from a script's value: an
/// object is kept, anything else is null (`EventHandler` is
/// [LegacyTreatNonObjectAsNull]).
pub fn set_event_handler(target: &JsObject, kind: &str, value: &JsValue) {
    let value = value.as_object();
    with_listeners(target, |l| l.set_handler(js_string!(kind), value));
}

/// Defines the getter and setter functions of an event handler IDL
/// attribute: `$this` finds the target from the receiver (or throws), and
/// the setter then runs `$after(this, context)` (a MessagePort's tells the
/// messaging core, since setting `onmessage` starts the queue).
macro_rules! event_handler_attribute {
    ($get:ident, $set:ident, $kind:literal, $this:expr) => {
        event_handler_attribute!(
            $get,
            $set,
            $kind,
            $this,
            $crate::host::event_target::nothing_more
        );
    };
    ($get:ident, $set:ident, $kind:literal, $this:expr, $after:expr) => {
        fn $get(this: &JsValue, _: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
            let target = $this(this, context)?;
            Ok($crate::host::event_target::get_event_handler(
                &target, $kind,
            ))
        }
        fn $set(this: &JsValue, args: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
            let target = $this(this, context)?;
            let value = args.first().cloned().unwrap_or_default();
            $crate::host::event_target::set_event_handler(&target, $kind, &value);
            $after(this, context)?;
            Ok(JsValue::undefined())
        }
    };
}
pub(crate) use event_handler_attribute;

/// The setter of an event handler attribute with nothing more to do.
pub fn nothing_more(_: &JsValue, _: &mut Context) -> JsResult<()> {
    Ok(())
}

/// Whether `target` has a listener (or an event handler) for `kind`.
pub fn has_listener(target: &JsObject, kind: &str) -> bool {
    with_listeners(target, |l| l.count(kind) > 0).unwrap_or(false)
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
