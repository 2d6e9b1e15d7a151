//! The `webmessaging run` command: its budget flags, what it prints when a
//! budget stops a scenario, the race notes, grouped output, and a thread
//! that cannot be started under a memory limit.

#![cfg(feature = "tool")]

use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

/// Runs `webmessaging ARGS` where `-` in ARGS is a file holding `scenario`.
fn tool(args: &[&str], scenario: &str) -> Output {
    static FILES: AtomicUsize = AtomicUsize::new(0);
    let n = FILES.fetch_add(1, Ordering::SeqCst);
    let path = std::env::temp_dir().join(format!(
        "webmessaging-cli-run-{}-{n}.scenario",
        std::process::id()
    ));
    std::fs::write(&path, scenario).expect("a temporary scenario file");
    let args = args.iter().map(|a| {
        if *a == "-" {
            path.to_str().unwrap_or("-")
        } else {
            a
        }
    });
    let output = Command::new(env!("CARGO_BIN_EXE_webmessaging"))
        .args(args)
        .output();
    let _ = std::fs::remove_file(&path);
    output.expect("the tool runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

const LOOP: &str = "agent A\nchannel A p q\nonmessage p\nonmessage q\n\
                    on p message: post p event.data\non q message: post q event.data\npost p 1\nrun\n";

#[test]
fn a_used_up_task_budget_keeps_what_was_printed_and_says_which_budget() {
    let output = tool(&["run", "-", "--max-tasks", "10"], LOOP);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        text(&output.stdout).lines().count(),
        5,
        "five tasks, five reactions"
    );
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("line 8: stopped: the scenario used up its task budget (10 tasks and reactions; raise it with --max-tasks)"),
        "{stderr}"
    );
}

#[test]
fn a_used_up_memory_budget_says_so_under_threads_too() {
    let output = tool(&["run", "-", "--threads", "--max-memory", "1K"], LOOP);
    assert_eq!(output.status.code(), Some(2));
    let stdout = text(&output.stdout);
    assert!(stdout.starts_with("== A p\n"), "{stdout}");
    let stderr = text(&output.stderr);
    assert!(stderr.contains("memory budget (1024 bytes"), "{stderr}");
}

#[test]
fn budget_flags_need_their_numbers() {
    for (args, expected) in [
        (vec!["run", "-", "--max-tasks"], "--max-tasks needs a number"),
        (
            vec!["run", "-", "--max-tasks", "many"],
            "--max-tasks needs a number",
        ),
        (
            vec!["run", "-", "--max-memory", "12X"],
            "--max-memory needs a number of bytes",
        ),
    ] {
        let output = tool(&args, LOOP);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(
            text(&output.stderr).contains(expected),
            "{args:?}: {}",
            text(&output.stderr)
        );
    }
    let help = tool(&["help", "run"], "");
    assert!(text(&help.stdout).contains("--max-memory BYTES"));
}

#[test]
fn the_stepper_notes_a_cross_agent_race_on_stderr() {
    let scenario = "agent A\nagent B\nchannel A p q\nship q to B\nrun\nonmessage q@B\n\
                    on q@B message: post q@B event.data\nonmessage p\non p message number 2: close p\n\
                    post p 1\npost p 2\npost p 3\nrun\n";
    let output = tool(&["run", "-"], scenario);
    assert_eq!(output.status.code(), Some(0));
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("note: line 13: a cross-agent race: a reaction of A closed a channel that B used"),
        "{stderr}"
    );
    let quiet = tool(&["run", "-"], LOOP.replace("run\n", "").as_str());
    assert_eq!(text(&quiet.stderr), "");
}

#[test]
fn threads_print_groups_that_equal_the_per_port_stepper() {
    let scenario = "agent A\nchannel A p q\nonmessage p\non p message: close p\n\
                    post q \"first\"\npost q \"second\"\nrun\n";
    let stepper = tool(&["run", "-", "--per-port"], scenario);
    for _ in 0..5 {
        let threads = tool(&["run", "-", "--threads"], scenario);
        assert_eq!(threads.status.code(), Some(0));
        assert_eq!(text(&threads.stdout), text(&stepper.stdout));
    }
    assert_eq!(
        text(&stepper.stdout),
        "== A p\nA p message data=\"first\"\nA p message data=\"second\"\n== A q\nA q close\n"
    );
}

#[test]
#[cfg(unix)]
fn a_thread_that_cannot_start_is_a_clear_error() {
    let mut scenario = String::new();
    for i in 0..2_000 {
        scenario.push_str(&format!("agent A{i}\n"));
    }
    scenario.push_str("run\n");
    // Each thread reserves stack and an allocator arena: 400 MB of address
    // space runs out long before 2,000 threads.
    let ulimit = format!(
        "ulimit -v 400000 && exec '{}' \"$@\"",
        env!("CARGO_BIN_EXE_webmessaging")
    );
    let path = std::env::temp_dir().join(format!("webmessaging-many-{}.scenario", std::process::id()));
    std::fs::write(&path, scenario).unwrap();
    let output = Command::new("sh")
        .args(["-c", &ulimit, "sh", "run", "--threads"])
        .arg(&path)
        .output()
        .expect("sh runs");
    let _ = std::fs::remove_file(&path);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("cannot start a thread for agent A"), "{stderr}");
    assert!(stderr.contains("run it without --threads"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}
