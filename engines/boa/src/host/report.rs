//! Reporting exceptions: HTML "report an exception" (an `error` event at
//! the global object, then the console when no listener canceled it) and
//! "notify about rejected promises" (`unhandledrejection`).
//!
//! <https://html.spec.whatwg.org/multipage/webappapis.html#report-an-exception>
//! <https://html.spec.whatwg.org/multipage/webappapis.html#notify-about-rejected-promises>

use super::HostIntrinsics;
use super::console::{error_text, inspect};
use super::event::{EventExtra, EventState, now};
use super::event_loop::EventLoop;
use super::event_target::fire;
use crate::platform::{PlatformState, platform_data};
use crate::realm::Originals;
use boa_engine::builtins::error::Error;
use boa_engine::builtins::promise::PromiseState;
use boa_engine::object::builtins::JsPromise;
use boa_engine::{Context, JsError, JsObject, JsString, JsValue, js_string};

/// Where an exception was raised, as Boa's backtrace tells it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Location {
    /// The script's path.
    pub file: String,
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
}

/// The innermost `(path:line:col)` of a Boa stack text
/// (`    at f (a.js:3:7)` lines, innermost first).
pub fn location_in_stack(stack: &str) -> Option<Location> {
    stack.lines().find_map(|line| {
        let inner = line.trim().strip_suffix(')')?;
        let inner = &inner[inner.rfind('(')? + 1..];
        let mut parts = inner.rsplitn(3, ':');
        let column = parts.next()?.parse().ok()?;
        let line = parts.next()?.parse().ok()?;
        let file = parts.next()?.to_owned();
        (!file.starts_with("native")).then_some(Location { file, line, column })
    })
}

/// How an uncaught value prints, and where it came from (when known).
pub fn describe(value: &JsValue, context: &mut Context) -> (String, Option<Location>) {
    let Some(object) = value.as_object() else {
        let text = inspect(value, context);
        return (
            format!("{text} (a thrown {}, not an Error object)", value.type_of()),
            None,
        );
    };
    if let Some(data) = platform_data(&object)
        && let PlatformState::DomException { name, message } = &data.state
    {
        let text = format!(
            "{}: {}",
            name.to_std_string_lossy(),
            message.to_std_string_lossy()
        );
        return (text, None);
    }
    if !object.is::<Error>() {
        let text = inspect(value, context);
        return (format!("{text} (a thrown object, not an Error)"), None);
    }
    let stack = Originals::of(context)
        .ok()
        .and_then(|o| o.error_stack.call(value, &[], context).ok())
        .and_then(|s| s.as_string())
        .map(|s| s.to_std_string_lossy())
        .unwrap_or_default();
    let location = location_in_stack(&stack);
    let mut text = error_text(&object);
    if !stack.is_empty() {
        text.push('\n');
        text.push_str(stack.trim_end());
    }
    (text, location)
}

/// Reports an exception that reached the event loop (from a script, a
/// task, a microtask or an event listener): an `ErrorEvent` named `error`
/// at the global object, and unless a listener canceled it, the console.
pub fn report_exception(context: &mut Context, error: JsError) {
    report_exception_at(context, error, None);
}

/// [`report_exception`], with where the exception arose when the host
/// knows better than the exception itself (a script that did not parse).
pub fn report_exception_at(context: &mut Context, error: JsError, at: Option<Location>) {
    let event_loop = EventLoop::of(context);
    let value = match error.clone().into_opaque(context) {
        Ok(value) => value,
        Err(_) => {
            // Engine errors (a runtime limit hit) have no JS value.
            uncaught(context, &format!("engine error: {error}"), None);
            return;
        }
    };
    let (text, found) = describe(&value, context);
    let location = found.or(at);
    let message = text.lines().next().unwrap_or_default().to_owned();
    if let Some(event_loop) = &event_loop
        && !event_loop.reporting.get()
    {
        event_loop.reporting.set(true);
        let state = error_event_state(&message, location.clone(), value.clone(), context);
        let not_canceled = fire_at_global(context, |i| i.error_event.clone(), state);
        event_loop.reporting.set(false);
        if !not_canceled {
            return;
        }
    }
    uncaught(context, &text, location);
}

/// The `ErrorEvent` named `error`, cancelable, that reports an uncaught
/// exception whose first line is `message`, raised at `location`.
pub fn error_event_state(
    message: &str,
    location: Option<Location>,
    error: JsValue,
    context: &Context,
) -> EventState {
    let location = location.unwrap_or_default();
    let mut state = EventState::new(js_string!("error"), now(context));
    state.cancelable = true;
    state.extra = EventExtra::Error {
        message: JsString::from(format!("Uncaught {message}").as_str()),
        filename: JsString::from(location.file.as_str()),
        lineno: location.line,
        colno: location.column,
        error,
    };
    state
}

/// An exception nobody handled: printed with where it was raised, and
/// counted (the run fails). In a worker it goes to the parent instead, as
/// an `error` event at the `Worker` object.
pub fn uncaught(context: &mut Context, text: &str, location: Option<Location>) {
    let event_loop = EventLoop::of(context);
    if let Some(parent) = event_loop.as_ref().and_then(|l| l.workers.parent()) {
        parent.notify(super::worker::NoticeKind::Uncaught {
            text: text.to_owned(),
            location,
        });
        return;
    }
    match location {
        Some(at) => eprintln!(
            "Uncaught {text}\n  (reported at {}:{}:{})",
            at.file, at.line, at.column
        ),
        None => eprintln!("Uncaught {text}"),
    }
    count_uncaught(event_loop.as_deref());
}

/// Counts one more failure of the run.
pub fn count_uncaught(event_loop: Option<&EventLoop>) {
    if let Some(event_loop) = event_loop {
        event_loop.uncaught.set(event_loop.uncaught.get() + 1);
    }
}

/// Fires a trusted event at the global object; whether it was not canceled.
fn fire_at_global(
    context: &mut Context,
    prototype: impl Fn(&HostIntrinsics) -> JsObject,
    state: EventState,
) -> bool {
    let Ok(intrinsics) = HostIntrinsics::of(context) else {
        return true;
    };
    let global = context.global_object();
    fire(context, &global, prototype(&intrinsics), state)
}

/// HTML "notify about rejected promises", for the promises that were
/// rejected without a handler and are still unhandled: an
/// `unhandledrejection` event each, then the console unless canceled.
pub fn notify_about_rejected_promises(context: &mut Context, promises: Vec<JsObject>) {
    for promise in promises {
        let Ok(js_promise) = JsPromise::from_object(promise.clone()) else {
            continue;
        };
        let PromiseState::Rejected(reason) = js_promise.state() else {
            continue;
        };
        let mut state = EventState::new(js_string!("unhandledrejection"), now(context));
        state.cancelable = true;
        state.extra = EventExtra::PromiseRejection {
            promise: promise.clone().into(),
            reason: reason.clone(),
        };
        if fire_at_global(context, |i| i.promise_rejection_event.clone(), state) {
            let (text, _) = describe(&reason, context);
            uncaught(context, &format!("(in promise) {text}"), None);
        }
    }
}

/// The location a Boa parse error names (`... at line 3, col 7`) in `file`.
pub fn location_in_parse_error(message: &str, file: &str) -> Option<Location> {
    let rest = &message[message.rfind("at line ")? + "at line ".len()..];
    let (line, rest) = rest.split_once(", col ")?;
    let column: String = rest.chars().take_while(char::is_ascii_digit).collect();
    Some(Location {
        file: file.to_owned(),
        line: line.trim().parse().ok()?,
        column: column.parse().ok()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_innermost_script_location() {
        let stack = "    at f (native)\n    at inner (tests/a.js:3:7)\n    at <main> (tests/a.js:9:1)\n";
        assert_eq!(
            location_in_stack(stack),
            Some(Location {
                file: "tests/a.js".to_owned(),
                line: 3,
                column: 7
            })
        );
        assert_eq!(location_in_stack("no frames"), None);
    }

    #[test]
    fn reads_the_position_of_a_parse_error() {
        let message = "unexpected token ';', primary expression at line 12, col 9";
        let at = location_in_parse_error(message, "a.js").unwrap();
        assert_eq!((at.file.as_str(), at.line, at.column), ("a.js", 12, 9));
        assert_eq!(location_in_parse_error("no position", "a.js"), None);
    }
}
