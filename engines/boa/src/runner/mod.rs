//! The `webmessaging-js` command: runs script files in one agent, in order
//! (like `<script>` elements of one page), then its event loop until it is
//! idle, and tells how it went.

pub mod testharness;

use crate::host::event_loop::{Stop, Task, TaskSource};
use crate::host::{Agent, report};
use crate::realm::AgentSettings;
use boa_engine::{Context, JsObject};
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// The command's help text.
pub const USAGE: &str = "\
Usage: webmessaging-js FILE.js [MORE.js ...] [--trace] [--coverage] [--expose-gc] [--timeout SECONDS]

Runs the files as classic scripts in one agent, in the order given (like
<script> elements of one page: a microtask checkpoint after each), then the
agent's event loop until the run is idle: no agent (the main one or a
Worker, each on its own thread) has a task queued, a microtask, a timer
armed, or a message it could receive now (a message waiting in a port
queue never started does not count). console output goes to standard
output (warn and error to standard error).

A file that loads testharness.js (engines/boa/fetch-testharness.sh fetches
it) turns the run into a testharness run: when the harness completes, each
test that did not pass is printed with its message, then 'N passed, M failed'.

Options:
  --trace          print on standard error the spec steps of every
                   structuredClone and postMessage call, one a line
  --coverage       after the run, print which catalogued spec steps ran
  --expose-gc      give script (and workers) gc(): collects now the
                   MessagePorts and BroadcastChannels the standard lets go
  --timeout SECS   stop after SECS seconds even if work is pending, in
                   workers too (default 30)
  --help           print this help

Exit status: 0 when every script ran without an uncaught exception (and a
testharness run completed with every test passing); 1 when an exception
went uncaught, a test failed or did not finish, or the timeout stopped the
run; 2 for bad arguments or a file that cannot be read.
";

/// Exit status of a run that went well.
pub const EXIT_OK: i32 = 0;
/// Exit status of a run that failed (uncaught exception, failed test, timeout).
pub const EXIT_FAILED: i32 = 1;
/// Exit status for bad arguments or unreadable files.
pub const EXIT_USAGE: i32 = 2;

/// Default `--timeout`.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// The command line, parsed.
#[derive(Clone, Debug, PartialEq)]
pub struct Options {
    /// The script files, in order.
    pub files: Vec<PathBuf>,
    /// `--trace`
    pub trace: bool,
    /// `--coverage`
    pub coverage: bool,
    /// `--expose-gc`
    pub expose_gc: bool,
    /// `--timeout`
    pub timeout: Duration,
}

/// Parses the arguments (program name left out). `Ok(None)` is `--help`.
pub fn parse_options(args: &[String]) -> Result<Option<Options>, String> {
    let mut options = Options {
        files: Vec::new(),
        trace: false,
        coverage: false,
        expose_gc: false,
        timeout: DEFAULT_TIMEOUT,
    };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--help" | "-h" => return Ok(None),
            "--trace" => options.trace = true,
            "--coverage" => options.coverage = true,
            "--expose-gc" => options.expose_gc = true,
            "--timeout" => {
                let value = args
                    .next()
                    .ok_or("--timeout needs a number of seconds, e.g. --timeout 10")?;
                let seconds: f64 = value
                    .parse()
                    .ok()
                    .filter(|s: &f64| s.is_finite() && *s > 0.0 && *s < 1e9)
                    .ok_or_else(|| format!("--timeout: '{value}' is not a positive number of seconds"))?;
                options.timeout = Duration::from_secs_f64(seconds);
            }
            flag if flag.starts_with("--") => {
                return Err(format!("unknown option '{flag}' (see --help)"));
            }
            file => options.files.push(PathBuf::from(file)),
        }
    }
    if options.files.is_empty() {
        return Err("no script file given (see --help)".to_owned());
    }
    Ok(Some(options))
}

/// The testharness glue's control object, once installed.
struct Glue(JsObject);

/// After a script ran: installs the testharness glue if that script loaded
/// testharness.js.
fn after_script(context: &mut Context) -> boa_engine::JsResult<()> {
    if context.host_defined_mut().get::<Glue>().is_some() {
        return Ok(());
    }
    if let Some(control) = testharness::install_if_loaded(context)? {
        context.host_defined_mut().insert(Glue(control));
    }
    Ok(())
}

/// Runs one classic script. A script that does not parse is reported (as
/// a SyntaxError at its file, line and column) and does not run, as in a
/// browser; the next file still runs.
pub(crate) fn run_script(
    context: &mut Context,
    path: &std::path::Path,
    source: &str,
) -> boa_engine::JsResult<()> {
    let parsed = boa_engine::Script::parse(
        boa_engine::Source::from_bytes(source.as_bytes()).with_path(path),
        None,
        context,
    );
    let script = match parsed {
        Ok(script) => script,
        Err(error) => {
            let message = error.to_string();
            let at = report::location_in_parse_error(&message, &path.display().to_string());
            report::report_exception_at(context, error, at);
            return Ok(());
        }
    };
    script.evaluate(context).map(drop)
}

/// Runs the command and returns the exit status.
pub fn run(args: &[String]) -> i32 {
    let options = match parse_options(args) {
        Ok(Some(options)) => options,
        Ok(None) => {
            print!("{USAGE}");
            return EXIT_OK;
        }
        Err(message) => {
            eprintln!("webmessaging-js: {message}");
            return EXIT_USAGE;
        }
    };
    // Every file is read before anything runs: a missing one stops the run.
    let mut sources = Vec::new();
    for file in &options.files {
        match std::fs::read_to_string(file) {
            Ok(text) => sources.push((file.clone(), text)),
            Err(e) => {
                eprintln!("webmessaging-js: cannot read {}: {e}", file.display());
                return EXIT_USAGE;
            }
        }
    }
    let mut agent = match Agent::new(AgentSettings::default()) {
        Ok(agent) => agent,
        Err(e) => {
            eprintln!("webmessaging-js: the JavaScript engine could not start: {e}");
            return EXIT_FAILED;
        }
    };
    agent.event_loop().trace.set(options.trace);
    if options.expose_gc {
        agent.event_loop().expose_gc.set(true);
        if let Err(e) = crate::host::gc::install_gc(agent.context()) {
            eprintln!("webmessaging-js: gc() could not be installed: {e}");
            return EXIT_FAILED;
        }
    }
    for (path, source) in sources {
        let name = format!("the script {}", path.display());
        agent.event_loop().queue_task(Task {
            source: TaskSource::Script,
            name,
            steps: Box::new(move |context| {
                let result = run_script(context, &path, &source);
                after_script(context)?;
                result
            }),
        });
    }
    // After the last file: the implicit done() of a testharness run.
    agent.event_loop().queue_task(Task {
        source: TaskSource::Script,
        name: "the end of the scripts".to_owned(),
        steps: Box::new(|context| {
            let control = context.host_defined_mut().get::<Glue>().map(|g| g.0.clone());
            if let Some(control) = control {
                testharness::call(&control, "finish", context)?;
            }
            Ok(())
        }),
    });
    let deadline = Instant::now() + options.timeout;
    let cluster = agent.event_loop().cluster.clone();
    cluster.set_deadline(Some(deadline));
    let stop = agent.run(Some(deadline));
    // Workers still running stop at their next turn; when the run went
    // idle they are all ending, and are waited for.
    cluster.stop();
    if stop == Stop::Idle {
        agent.event_loop().workers.join_children();
    }
    let status = conclude(&mut agent, stop, &options);
    if options.coverage {
        print!(
            "{}",
            webmessaging::spec::coverage_report(&webmessaging::spec::coverage())
        );
    }
    status
}

/// Says how the run ended and gives its exit status.
fn conclude(agent: &mut Agent, stop: Stop, options: &Options) -> i32 {
    let uncaught = agent.event_loop().uncaught.get();
    let timers = agent.event_loop().timers_armed();
    let workers = agent.event_loop().cluster.running().saturating_sub(1);
    let context = agent.context();
    let glue = context.host_defined_mut().get::<Glue>().map(|g| g.0.clone());
    let harness = testharness::results(context);
    let mut status = EXIT_OK;
    if stop == Stop::Timeout {
        eprintln!(
            "webmessaging-js: stopped by the timeout ({} s) with work still pending \
             ({timers} timer(s) armed, {workers} worker(s) still running)",
            options.timeout.as_secs_f64()
        );
        status = EXIT_FAILED;
    }
    if let (Some(control), Some(harness)) = (glue, &harness) {
        if !harness.completed {
            let pending = testharness::pending(&control, context);
            eprintln!(
                "webmessaging-js: testharness did not complete; {} test(s) had not finished: {}",
                pending.len(),
                pending.join(", ")
            );
            status = EXIT_FAILED;
        } else if harness.failed > 0 {
            status = EXIT_FAILED;
        }
    }
    if uncaught > 0 {
        eprintln!("webmessaging-js: {uncaught} uncaught exception(s)");
        status = EXIT_FAILED;
    }
    status
}
