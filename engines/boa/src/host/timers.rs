//! `setTimeout`, `setInterval`, their `clear` counterparts, and
//! `queueMicrotask`.
//!
//! <https://html.spec.whatwg.org/multipage/timers-and-user-prompts.html#timers>
//! <https://html.spec.whatwg.org/multipage/timers-and-user-prompts.html#microtask-queuing>
//!
//! Simplification: the standard clamps the timeout of timers nested more
//! than five deep to at least 4 ms; this host does not.

use super::event_loop::{EventLoop, TimerHandler};
use super::webidl::{define_operation, dom_string, type_error};
use boa_engine::{Context, JsResult, JsValue};
use std::time::Duration;

fn event_loop(context: &Context) -> JsResult<std::rc::Rc<EventLoop>> {
    EventLoop::of(context).ok_or_else(|| type_error("this context has no event loop"))
}

/// The timer initialization steps shared by `setTimeout` and `setInterval`.
fn initialize_timer(args: &[JsValue], repeat: bool, context: &mut Context) -> JsResult<JsValue> {
    let handler = args.first().cloned().unwrap_or_default();
    let handler = match handler.as_callable() {
        Some(function) => TimerHandler::Function(function, args.get(2..).unwrap_or_default().to_vec()),
        // A TrustedScript or DOMString: source text to run when it fires.
        None => TimerHandler::Source(dom_string(&handler, context)?),
    };
    // `long timeout`: ToNumber, truncated; negative (and NaN) is 0.
    let timeout = match args.get(1) {
        Some(t) => t.to_number(context)?,
        None => 0.0,
    };
    let millis = if timeout.is_finite() && timeout > 0.0 {
        timeout.min(f64::from(i32::MAX)).trunc() as u64
    } else {
        0
    };
    let delay = Duration::from_millis(millis);
    let id = event_loop(context)?.arm(handler, delay, repeat.then_some(delay));
    Ok(JsValue::new(id))
}

fn set_timeout(_: &JsValue, args: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    initialize_timer(args, false, context)
}

fn set_interval(_: &JsValue, args: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    initialize_timer(args, true, context)
}

/// `clearTimeout(id)` and `clearInterval(id)` (one map of active timers).
fn clear_timer(_: &JsValue, args: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    let id = args.first().cloned().unwrap_or_default().to_i32(context)?;
    if let Ok(id) = u32::try_from(id) {
        event_loop(context)?.disarm(id);
    }
    Ok(JsValue::undefined())
}

/// `queueMicrotask(callback)`
fn queue_microtask(_: &JsValue, args: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    let callback = args
        .first()
        .and_then(JsValue::as_callable)
        .ok_or_else(|| type_error("queueMicrotask: the callback is not a function"))?;
    event_loop(context)?.queue_microtask(callback);
    Ok(JsValue::undefined())
}

/// Installs the timer and microtask operations on the global object.
pub fn install(context: &mut Context) -> JsResult<()> {
    let global = context.global_object();
    define_operation(&global, context, "setTimeout", 1, set_timeout)?;
    define_operation(&global, context, "clearTimeout", 0, clear_timer)?;
    define_operation(&global, context, "setInterval", 1, set_interval)?;
    define_operation(&global, context, "clearInterval", 0, clear_timer)?;
    define_operation(&global, context, "queueMicrotask", 1, queue_microtask)?;
    Ok(())
}
