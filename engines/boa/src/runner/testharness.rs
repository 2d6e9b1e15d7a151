//! Host glue for testharness.js outside a browser.
//!
//! Without a `document`, testharness.js picks its "shell" environment,
//! which takes the first microtask checkpoint as "everything is loaded".
//! A browser runs a microtask checkpoint after every `<script>`, and so
//! does this host: the first synchronous test of the next file would end
//! the run. So, as web-platform-tests' own wrapper for workers does, the
//! glue asks for an explicit `done()` as soon as testharness.js has loaded
//! and calls `done()` itself once every file has run (unless the page
//! asked for `explicit_done` itself, and will call `done()` when it wants).
//! It also reports the results to the runner when the harness completes.

use boa_engine::object::builtins::JsArray;
use boa_engine::{Context, JsObject, JsResult, JsValue, js_string};
use std::io::Write;

/// The glue script, evaluated once testharness.js has defined
/// `add_completion_callback`. Its completion value is an object whose
/// `finish()` is called after the last file, and `pending()` gives the
/// names of the tests that have not finished.
pub const GLUE: &str = r#"
(function (report) {
  "use strict";
  var asked = false;
  var harness_setup = globalThis.setup;
  globalThis.setup = function (first, second) {
    var properties = typeof first === "function" ? second : first;
    if (properties && properties.explicit_done) {
      asked = true;
    }
    return harness_setup.apply(this, arguments);
  };
  harness_setup({ explicit_done: true });
  var unfinished = [];
  add_test_state_callback(function (test) {
    if (unfinished.indexOf(test) < 0) {
      unfinished.push(test);
    }
  });
  add_result_callback(function (test) {
    var at = unfinished.indexOf(test);
    if (at >= 0) {
      unfinished.splice(at, 1);
    }
  });
  add_completion_callback(function (tests, status) {
    report(
      tests.map(function (t) { return String(t.name); }),
      tests.map(function (t) { return t.status; }),
      tests.map(function (t) { return t.message === null || t.message === undefined ? "" : String(t.message); }),
      status.status,
      status.message === null || status.message === undefined ? "" : String(status.message)
    );
  });
  return {
    finish: function () {
      if (!asked) {
        done();
      }
    },
    pending: function () {
      return unfinished.map(function (t) { return String(t.name); });
    }
  };
})
"#;

/// The results of a completed testharness run.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HarnessResults {
    /// Whether the completion callback ran.
    pub completed: bool,
    /// Tests that passed.
    pub passed: usize,
    /// Tests that did not pass (plus one for a harness error).
    pub failed: usize,
}

/// The names testharness gives a test's status.
const TEST_STATUSES: [&str; 5] = ["PASS", "FAIL", "TIMEOUT", "NOTRUN", "PRECONDITION_FAILED"];
/// The names testharness gives the harness status.
const HARNESS_STATUSES: [&str; 4] = ["OK", "ERROR", "TIMEOUT", "PRECONDITION_FAILED"];

fn strings(value: &JsValue, context: &mut Context) -> JsResult<Vec<String>> {
    let Some(array) = value.as_object().and_then(|o| JsArray::from_object(o).ok()) else {
        return Ok(Vec::new());
    };
    let length = array.length(context)?;
    (0..length)
        .map(|i| Ok(array.get(i, context)?.to_string(context)?.to_std_string_lossy()))
        .collect()
}

/// The native `report(names, statuses, messages, harnessStatus,
/// harnessMessage)` the glue calls on completion: prints each test that did
/// not pass with its message, then `N passed, M failed`, and records the
/// counts in the context's host-defined data.
fn report(_: &JsValue, args: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    let arg = |i: usize| args.get(i).cloned().unwrap_or_default();
    let names = strings(&arg(0), context)?;
    let statuses = strings(&arg(1), context)?;
    let messages = strings(&arg(2), context)?;
    let harness_status = arg(3).to_number(context)? as usize;
    let harness_message = arg(4).to_string(context)?.to_std_string_lossy();
    let mut results = HarnessResults {
        completed: true,
        ..HarnessResults::default()
    };
    let mut out = std::io::stdout().lock();
    for (i, name) in names.iter().enumerate() {
        let status = statuses.get(i).and_then(|s| s.parse::<usize>().ok()).unwrap_or(1);
        if status == 0 {
            results.passed += 1;
            continue;
        }
        results.failed += 1;
        let label = TEST_STATUSES.get(status).copied().unwrap_or("FAIL");
        let message = messages.get(i).map(String::as_str).unwrap_or_default();
        if message.is_empty() {
            let _ = writeln!(out, "{label} {name}");
        } else {
            let _ = writeln!(out, "{label} {name}: {message}");
        }
    }
    if harness_status != 0 {
        results.failed += 1;
        let label = HARNESS_STATUSES.get(harness_status).copied().unwrap_or("ERROR");
        let _ = writeln!(out, "harness {label}: {harness_message}");
    }
    let _ = writeln!(out, "{} passed, {} failed", results.passed, results.failed);
    let _ = out.flush();
    context.host_defined_mut().insert(results);
    Ok(JsValue::undefined())
}

/// Installs the glue if testharness.js has just been loaded (the global
/// `add_completion_callback` exists) and it is not installed yet; returns
/// the glue's control object.
pub fn install_if_loaded(context: &mut Context) -> JsResult<Option<JsObject>> {
    let global = context.global_object();
    if !global
        .get(js_string!("add_completion_callback"), context)?
        .is_callable()
    {
        return Ok(None);
    }
    let glue = context.eval(boa_engine::Source::from_bytes(GLUE))?;
    let glue = glue
        .as_callable()
        .ok_or_else(|| crate::host::webidl::type_error("the testharness glue did not load"))?;
    let report = crate::host::webidl::function(context, "report", 5, report);
    let control = glue.call(&JsValue::undefined(), &[report.into()], context)?;
    context.host_defined_mut().insert(HarnessResults::default());
    Ok(control.as_object())
}

/// Calls a method of the glue's control object.
pub fn call(control: &JsObject, method: &str, context: &mut Context) -> JsResult<JsValue> {
    let function = control.get(js_string!(method), context)?;
    match function.as_callable() {
        Some(f) => f.call(&control.clone().into(), &[], context),
        None => Ok(JsValue::undefined()),
    }
}

/// The results recorded so far, if the glue was installed.
pub fn results(context: &mut Context) -> Option<HarnessResults> {
    context.host_defined_mut().get::<HarnessResults>().cloned()
}

/// The names of the tests that have not finished.
pub fn pending(control: &JsObject, context: &mut Context) -> Vec<String> {
    let Ok(names) = call(control, "pending", context) else {
        return Vec::new();
    };
    strings(&names, context).unwrap_or_default()
}
