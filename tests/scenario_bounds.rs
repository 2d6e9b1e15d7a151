//! The hostile scenarios of issue 10 (item 3), each stopped or finished
//! within the documented budgets: the work they do is counted (tasks run,
//! lines output and kept, port-name lookups, thread wake-ups), never timed.
#![cfg(feature = "notation")]

use std::io;
use webmessaging::scenario::{
    DEFAULT_MAX_TASKS, Output, RunErrorKind, RunOptions, RunOutput, RunSummary, parse, run_to,
};

fn run_with(
    text: &str,
    options: &RunOptions,
) -> (
    RunOutput,
    RunSummary,
    Result<(), webmessaging::scenario::RunError>,
) {
    let scenario = parse(text).unwrap_or_else(|e| panic!("{e}"));
    let mut output = RunOutput::default();
    let (summary, result) = run_to(&scenario, options, &mut output);
    (output, summary, result)
}

fn threads() -> RunOptions {
    RunOptions {
        threads: true,
        ..RunOptions::default()
    }
}

/// Two reactions answering each other with a 300-byte message, then 60
/// `run` lines: about 400 bytes that used to run 60 times the per-run cap.
fn ping_pong() -> String {
    let mut text = format!(
        "agent A\nagent B\nchannel A p q\nship q to B\nrun\nonmessage p\nonmessage q@B\n\
         on p message: post p event.data\non q@B message: post q@B event.data\npost p \"{}\"\n",
        "x".repeat(300)
    );
    text.push_str(&"run\n".repeat(60));
    text
}

#[test]
fn answering_reactions_stop_at_the_task_budget_of_the_whole_scenario() {
    for options in [RunOptions::default(), threads()] {
        let (output, summary, result) = run_with(&ping_pong(), &options);
        let error = result.unwrap_err();
        assert_eq!(error.kind, RunErrorKind::Budget);
        assert_eq!(error.line, 11, "the first run line uses the budget up");
        assert!(error.message.contains("task budget (100000"), "{}", error.message);
        assert_eq!(summary.tasks, DEFAULT_MAX_TASKS);
        // Each message is one task and one reaction.
        let events = summary.tasks / 2;
        assert!(summary.lines.abs_diff(events) <= 2, "{} lines", summary.lines);
        assert_eq!(output.lines.len() as u64, summary.lines);
    }
}

#[test]
fn big_messages_stop_at_the_memory_budget() {
    let text = ping_pong().replace(&"x".repeat(300), &"x".repeat(10_000));
    let options = RunOptions {
        max_memory: 1 << 20,
        ..RunOptions::default()
    };
    let (_, summary, result) = run_with(&text, &options);
    let error = result.unwrap_err();
    assert_eq!(error.kind, RunErrorKind::Budget);
    assert!(
        error.message.contains("memory budget (1048576 bytes"),
        "{}",
        error.message
    );
    // It stopped at the first post or line past the budget: well short of
    // the task budget, and no more than one message and one line past it.
    assert!(
        summary.bytes > 1 << 20 && summary.bytes < (1 << 20) + 25_000,
        "{}",
        summary.bytes
    );
    assert!(summary.tasks < 300, "{} tasks", summary.tasks);
}

/// Output that breaks after a few lines, as a closed pipe would.
struct Breaks(usize);

impl Output for Breaks {
    fn line(&mut self, _: Option<&str>, _: &str) -> io::Result<()> {
        self.0 = self.0.checked_sub(1).ok_or(io::ErrorKind::BrokenPipe)?;
        Ok(())
    }
}

#[test]
fn the_stepper_streams_its_lines_so_broken_output_stops_it_at_once() {
    let scenario = parse(&ping_pong()).unwrap();
    let (summary, result) = run_to(&scenario, &RunOptions::default(), &mut Breaks(10));
    assert_eq!(result.unwrap_err().kind, RunErrorKind::Output);
    // Lines were handed over as each task ended, not kept to the end.
    assert!(
        summary.tasks <= 24,
        "{} tasks ran after the output broke",
        summary.tasks
    );
}

#[test]
fn ten_thousand_channels_cost_linear_name_lookups() {
    let probes = |n: usize| {
        let mut text = String::from("agent A\nagent B\n");
        for i in 0..n {
            text.push_str(&format!("channel A p{i} q{i}\n"));
        }
        text.push_str(&format!("ship q{} to B\npost p{} 1\nrun\n", n - 1, n - 1));
        let (output, summary, result) = run_with(&text, &RunOptions::default());
        result.unwrap();
        assert_eq!(output.lines.len(), 1);
        summary.label_probes
    };
    let (small, large) = (probes(1_000), probes(10_000));
    // Each port is indexed once, each lookup is one probe.
    assert!(large <= 2 * 10_000 + 10, "{large} probes");
    assert!(large <= 11 * small, "{small} then {large}: not linear");
}

#[test]
fn a_port_shipped_back_and_forth_stops_at_the_budget_with_linear_lookups() {
    // Each agent sends every port it receives back to the other: forever.
    let text = "agent A\nagent B\nchannel A p q\n\
                on A global message: ship event.ports[0] to B\n\
                on B global message: ship event.ports[0] to A\n\
                ship q to B\nrun\n";
    // (Naming each fresh arrival `q@A#N` scans the agent's ports in
    // messaging/port.rs; a small budget keeps that cost down here.)
    let options = RunOptions {
        max_tasks: 400,
        ..RunOptions::default()
    };
    for options in [
        options.clone(),
        RunOptions {
            threads: true,
            ..options
        },
    ] {
        let (output, summary, result) = run_with(text, &options);
        assert_eq!(result.unwrap_err().kind, RunErrorKind::Budget);
        assert_eq!(summary.tasks, 400);
        assert_eq!(output.lines.len(), 200);
        assert!(
            summary.label_probes <= 2 * 200 + 10,
            "{} probes",
            summary.label_probes
        );
        assert!(output.lines.iter().any(|l| l.contains("ports=[q@B#100]")));
    }
}

#[test]
fn an_endless_loop_under_threads_stops_within_the_same_budget() {
    // One agent answering itself, and two answering each other.
    let text = "agent A\nchannel A p q\nonmessage p\nonmessage q\n\
                on p message: post p event.data\non q message: post q event.data\npost p 1\nrun\n";
    let options = RunOptions {
        threads: true,
        max_tasks: 5_000,
        ..RunOptions::default()
    };
    let (_, summary, result) = run_with(text, &options);
    assert_eq!(result.unwrap_err().kind, RunErrorKind::Budget);
    assert_eq!(summary.tasks, 5_000);
    // One agent: its thread never had to sleep while the loop went on.
    assert!(summary.wake_ups <= 10, "{} wake-ups", summary.wake_ups);
}

#[test]
fn many_agents_on_threads_wake_only_for_work() {
    // 500 agents whose ports talk once, and one agent that talks to itself
    // until the budget stops it: the other 500 sleep all along, and no
    // thread wakes on a timer, so the wake-ups count work, not time.
    let agents = 500;
    let mut text = String::new();
    for i in 0..agents {
        text.push_str(&format!(
            "agent A{i}\nchannel A{i} p{i} q{i}\nonmessage q{i}\npost p{i} {i}\n"
        ));
    }
    text.push_str("run\nchannel A0 busy echo\nonmessage busy\non busy message: post busy event.data\n");
    text.push_str("onmessage echo\non echo message: post echo event.data\npost busy 0\nrun\n");
    let options = RunOptions {
        max_tasks: 20_000,
        ..threads()
    };
    let (output, summary, result) = run_with(&text, &options);
    assert_eq!(result.unwrap_err().kind, RunErrorKind::Budget);
    assert_eq!(summary.tasks, 20_000);
    let quiet = output.per_port.keys().filter(|k| k.contains(" q")).count();
    assert_eq!(quiet, agents, "every quiet agent's message arrived");
    // Each thread wakes for its orders, its task and the final stop: a few
    // times per agent, however long the busy agent ran.
    assert!(
        summary.wake_ups <= 4 * agents as u64,
        "{} wake-ups for {agents} agents",
        summary.wake_ups
    );
}

#[test]
fn ten_thousand_agents_run_on_the_stepper() {
    let mut text = String::new();
    for i in 0..10_000 {
        text.push_str(&format!("agent A{i}\n"));
    }
    text.push_str("channel A9999 p q\nonmessage q\npost p 1\nrun\n");
    let (output, summary, result) = run_with(&text, &RunOptions::default());
    result.unwrap();
    assert_eq!(output.lines, ["A9999 q message data=1"]);
    assert_eq!(summary.tasks, 1);
}
