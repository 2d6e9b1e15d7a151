//! The JavaScript tests of `tests/js/structured-clone/`,
//! `tests/js/channel-messaging/`, `tests/js/broadcastchannel/` and
//! `tests/js/garbage-collection/` (with `--expose-gc`) and the
//! runner's behaviour on bad input,
//! through the `webmessaging-js` binary. The channel-messaging files start
//! Workers: those runs have agents on real threads, shipping ports between
//! their event loops.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

const BIN: &str = env!("CARGO_BIN_EXE_webmessaging-js");

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// testharness.js, fetched by the repository's script (once per run).
fn testharness() -> PathBuf {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    PATH.get_or_init(|| {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("fetch-testharness.sh");
        let output = Command::new("bash")
            .arg(&script)
            .output()
            .expect("bash runs fetch-testharness.sh");
        assert!(
            output.status.success(),
            "fetch-testharness.sh failed (it needs npm and the npm registry): {}",
            String::from_utf8_lossy(&output.stderr)
        );
        PathBuf::from(String::from_utf8_lossy(&output.stdout).trim())
    })
    .clone()
}

fn run(args: &[&Path], flags: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .args(flags)
        .output()
        .expect("webmessaging-js runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn js_files(suffix: &str) -> Vec<PathBuf> {
    js_files_in("tests/js/structured-clone", suffix)
}

fn js_files_in(folder: &str, suffix: &str) -> Vec<PathBuf> {
    let dir = repo().join(folder);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{folder}: {e}"))
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.to_string_lossy().ends_with(suffix))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no {suffix} files in {}", dir.display());
    files
}

/// Runs each file after testharness.js and `prelude` and checks that every
/// test passed.
fn assert_testharness_files_pass(files: Vec<PathBuf>, prelude: &[PathBuf]) {
    assert_testharness_files_pass_with(files, prelude, &[]);
}

/// [`assert_testharness_files_pass`], with the runner's `flags`.
fn assert_testharness_files_pass_with(files: Vec<PathBuf>, prelude: &[PathBuf], flags: &[&str]) {
    let harness = testharness();
    for file in files {
        let mut args: Vec<&Path> = vec![&harness];
        args.extend(prelude.iter().map(PathBuf::as_path));
        args.push(&file);
        let output = run(&args, flags);
        let stdout = text(&output.stdout);
        let last = stdout.lines().last().unwrap_or_default().to_owned();
        let (passed, failed) = last
            .split_once(" passed, ")
            .and_then(|(p, f)| {
                Some((
                    p.parse::<u32>().ok()?,
                    f.strip_suffix(" failed")?.parse::<u32>().ok()?,
                ))
            })
            .unwrap_or_else(|| panic!("{}: no 'N passed, M failed' line:\n{stdout}", file.display()));
        assert!(
            output.status.success() && failed == 0 && passed > 0,
            "{}: {passed} passed, {failed} failed\n{stdout}\n{}",
            file.display(),
            text(&output.stderr)
        );
    }
}

#[test]
fn every_testharness_file_passes() {
    assert_testharness_files_pass(js_files(".any.js"), &[]);
}

/// Channel messaging, with workers on their own threads: every file
/// passes, run after run (each run interleaves the threads afresh).
#[test]
fn every_channel_messaging_file_passes() {
    let helper = repo().join("tests/js/channel-messaging/resources/after-earlier-messages.js");
    for _ in 0..3 {
        assert_testharness_files_pass(
            js_files_in("tests/js/channel-messaging", ".any.js"),
            std::slice::from_ref(&helper),
        );
    }
}

/// BroadcastChannel, within one agent and between the main agent and
/// workers on their own threads: every file passes, run after run.
#[test]
fn every_broadcastchannel_file_passes() {
    for _ in 0..3 {
        assert_testharness_files_pass(js_files_in("tests/js/broadcastchannel", ".any.js"), &[]);
    }
}

/// Garbage collection of ports and channels, with `gc()`: every file
/// passes, run after run.
#[test]
fn every_garbage_collection_file_passes() {
    for _ in 0..3 {
        assert_testharness_files_pass_with(
            js_files_in("tests/js/garbage-collection", ".any.js"),
            &[],
            &["--expose-gc"],
        );
    }
}

/// The example of the top-level README prints what the README says.
#[test]
fn the_readme_example_prints_its_session() {
    let dir = repo().join("tests/js/channel-messaging");
    let output = run(&[&dir.join("ping-pong.plain.js")], &[]);
    let expected = std::fs::read_to_string(dir.join("ping-pong.expected")).expect("ping-pong.expected");
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert_eq!(text(&output.stdout), expected);
}

/// `--coverage` counts the steps run on the workers' threads too: in the
/// README example only the worker receives ports.
#[test]
fn coverage_counts_the_steps_workers_ran() {
    let file = repo().join("tests/js/channel-messaging/ping-pong.plain.js");
    let output = run(&[&file], &["--coverage"]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let stdout = text(&output.stdout);
    for (algorithm, count) in [
        ("transferMessagePort-receiving", "3 / 3"),
        ("message-port-post-message-steps", "14 / 14"),
    ] {
        assert!(
            stdout
                .lines()
                .any(|l| l.starts_with(algorithm) && l.contains(count)),
            "{algorithm} {count}:\n{stdout}"
        );
    }
}

/// The BroadcastChannel example of `tests/js/broadcastchannel/` prints its
/// recorded session (main and worker on their threads), run after run.
#[test]
fn the_broadcast_example_prints_its_session() {
    let dir = repo().join("tests/js/broadcastchannel");
    let expected = std::fs::read_to_string(dir.join("chat.expected")).expect("chat.expected");
    for _ in 0..3 {
        let output = run(&[&dir.join("chat.plain.js")], &[]);
        assert!(output.status.success(), "{}", text(&output.stderr));
        assert_eq!(text(&output.stdout), expected);
    }
}

/// `--coverage` of the BroadcastChannel tests between the main agent and
/// workers: every numbered step of the constructor, `postMessage` (its
/// delivery task on the destinations' threads included), `name` and
/// `close()` ran. (The garbage collection rule's step does not: this host
/// never collects BroadcastChannel objects.)
#[test]
fn coverage_counts_every_broadcast_step() {
    let file = repo().join("tests/js/broadcastchannel/workers.any.js");
    let output = run(&[&testharness(), &file], &["--coverage"]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let stdout = text(&output.stdout);
    for (algorithm, count) in [
        ("dom-broadcastchannel ", "2 / 2"),
        ("dom-broadcastchannel-postmessage", "13 / 13"),
        ("dom-broadcastchannel-name", "1 / 1"),
        ("dom-broadcastchannel-close", "1 / 1"),
    ] {
        assert!(
            stdout
                .lines()
                .any(|l| l.starts_with(algorithm) && l.contains(count)),
            "{algorithm} {count}:\n{stdout}"
        );
    }
}

#[test]
fn a_worker_script_that_cannot_be_loaded_fails_the_run_unless_listened_for() {
    let output = run(&[&fixture("missing-worker.js")], &[]);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("the worker script") && stderr.contains("no-such-worker.js could not be loaded"),
        "{stderr}"
    );
    assert_eq!(text(&output.stdout), "the constructor returned\n");
}

/// Runs `fixture`, which starts a worker that fails, and checks that the
/// run failed with each of `expected` in what it printed.
fn assert_worker_failure(fixture_name: &str, expected: &[&str]) {
    let output = run(&[&fixture(fixture_name)], &[]);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    for needle in ["Uncaught (in worker "].iter().chain(expected) {
        assert!(stderr.contains(needle), "{needle}: {stderr}");
    }
}

#[test]
fn an_exception_a_worker_does_not_handle_fails_the_run() {
    assert_worker_failure(
        "worker-throws.js",
        &["RangeError: the worker script failed", "throws.js:3:"],
    );
}

#[test]
fn an_engine_error_in_a_worker_fails_the_run() {
    assert_worker_failure("worker-too-deep.js", &["RuntimeLimitError"]);
}

#[test]
fn the_timeout_stops_a_worker_that_never_ends() {
    let output = run(&[&fixture("endless-worker.js")], &["--timeout", "0.5"]);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("1 worker(s) still running"), "{stderr}");
}

#[test]
fn terminated_and_closed_workers_do_not_keep_the_run_going() {
    let output = run(&[&fixture("terminate-spinning.js")], &["--timeout", "20"]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let stdout = text(&output.stdout);
    assert!(stdout.contains("terminated the spinning worker\n"), "{stdout}");
    assert!(stdout.contains("the closing worker said: closing\n"), "{stdout}");
}

#[test]
fn a_run_whose_workers_only_wait_goes_idle() {
    // The worker and its parent hold entangled, started ports and the
    // worker's onmessage is set, but nothing is queued: the run is idle.
    let output = run(&[&fixture("waiting-worker.js")], &["--timeout", "20"]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert_eq!(text(&output.stdout), "the worker sent its port\n");
}

#[test]
fn open_broadcast_channels_with_listeners_do_not_keep_the_run_going() {
    // Only a delivery task already queued counts (cluster.rs's idle rule):
    // every agent that could post is idle, so nothing can ever arrive.
    let output = run(&[&fixture("listening-broadcast.js")], &["--timeout", "20"]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert_eq!(text(&output.stdout), "both listen\n");
}

#[test]
fn every_plain_file_passes() {
    for file in js_files(".plain.js") {
        let output = run(&[&file], &[]);
        let stdout = text(&output.stdout);
        assert!(
            output.status.success() && output.stderr.is_empty(),
            "{} failed:\n{stdout}\n{}",
            file.display(),
            text(&output.stderr)
        );
        if !file.ends_with("console.plain.js") {
            assert!(
                stdout.lines().any(|l| l.starts_with("ok ")),
                "{}: no ok line",
                file.display()
            );
        }
    }
}

#[test]
fn event_loop_file_reaches_both_checks() {
    let output = run(
        &[&repo().join("tests/js/structured-clone/event-loop.plain.js")],
        &[],
    );
    let stdout = text(&output.stdout);
    assert!(stdout.contains("ok event loop order: 9 steps"), "{stdout}");
    assert!(stdout.contains("ok interval ran 3 times and stopped"), "{stdout}");
}

#[test]
fn console_prints_as_node_does() {
    let dir = repo().join("tests/js/structured-clone");
    let output = run(&[&dir.join("console.plain.js")], &[]);
    let expected = std::fs::read_to_string(dir.join("console.expected")).expect("console.expected");
    assert_eq!(text(&output.stdout), expected);
}

#[test]
fn failing_tests_are_listed_with_their_messages() {
    let output = run(&[&testharness(), &fixture("failing.any.js")], &[]);
    let stdout = text(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("FAIL fails on purpose: assert_equals: the letters expected \"b\" but got \"a\""),
        "{stdout}"
    );
    assert_eq!(stdout.lines().last(), Some("1 passed, 1 failed"), "{stdout}");
}

#[test]
fn a_test_that_never_finishes_is_named_when_the_loop_goes_idle() {
    let output = run(&[&testharness(), &fixture("unfinished.any.js")], &[]);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr.contains("testharness did not complete; 1 test(s) had not finished: never done"),
        "{stderr}"
    );
}

#[test]
fn a_syntax_error_is_reported_with_its_place_and_the_next_script_runs() {
    let output = run(
        &[&fixture("syntax-error.js"), &fixture("next-script-runs.js")],
        &[],
    );
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr.contains("Uncaught SyntaxError:"), "{stderr}");
    assert!(stderr.contains("syntax-error.js:2:"), "{stderr}");
    assert!(text(&output.stdout).contains("the second script still ran"));
}

#[test]
fn an_uncaught_error_prints_its_name_message_and_place() {
    let output = run(&[&fixture("throws-error.js")], &[]);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr.contains("Uncaught RangeError: out of range on purpose"),
        "{stderr}"
    );
    assert!(stderr.contains("throws-error.js:2:"), "{stderr}");
}

#[test]
fn a_thrown_value_that_is_not_an_error_is_described() {
    let output = run(&[&fixture("throws-value.js")], &[]);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(text(&output.stdout), "before\n");
    assert!(
        stderr.contains("Uncaught { reason: 'not an Error' } (a thrown object, not an Error)"),
        "{stderr}"
    );
}

#[test]
fn an_error_event_listener_can_handle_an_exception() {
    let output = run(&[&fixture("handled-error.js")], &[]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert_eq!(
        text(&output.stdout),
        "handled: Uncaught Error: thrown in a timer true true true\n"
    );
}

#[test]
fn the_global_onerror_handler_can_handle_an_exception() {
    let output = run(&[&fixture("handled-by-onerror.js")], &[]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert_eq!(
        text(&output.stdout),
        "onerror: Uncaught RangeError: thrown in a timer true 7 true\n"
    );
}

#[test]
fn missing_files_and_bad_options_are_usage_errors() {
    let missing = run(&[Path::new("no/such/file.js")], &[]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(text(&missing.stderr).contains("cannot read no/such/file.js"));
    let bad = run(&[&fixture("next-script-runs.js")], &["--timeout", "soon"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(text(&bad.stderr).contains("--timeout: 'soon' is not a positive number of seconds"));
    let none = run(&[], &[]);
    assert_eq!(none.status.code(), Some(2));
    let unknown = run(&[&fixture("next-script-runs.js")], &["--fast"]);
    assert_eq!(unknown.status.code(), Some(2));
}

#[test]
fn the_timeout_stops_a_run_that_never_goes_idle() {
    let output = run(&[&fixture("never-idle.js")], &["--timeout", "0.3"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(text(&output.stderr).contains("stopped by the timeout"));
}

#[test]
fn trace_and_coverage_show_the_steps_that_ran() {
    let file = repo().join("tests/js/structured-clone/errors-and-getters.plain.js");
    let output = run(&[&file], &["--trace", "--coverage"]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("dom-structuredclone/1"),
        "the trace names the steps:\n{stderr}"
    );
    assert!(
        stderr.contains("structuredserializeinternal/26.4.1.1"),
        "{stderr}"
    );
    let stdout = text(&output.stdout);
    assert!(stdout.contains("== spec coverage:"), "{stdout}");
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with("dom-structuredclone") && l.contains("3 / 3")),
        "{stdout}"
    );
}
