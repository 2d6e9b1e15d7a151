//! The example scenarios of examples/: each prints exactly its recorded
//! output on the stepper, every time, has no cross-agent race, and gives the
//! same per-port sequences when its agents run on real threads.
#![cfg(feature = "notation")]

use std::path::Path;
use webmessaging::scenario::{RunOptions, RunOutput, parse, run, run_to};

fn scenarios() -> Vec<(String, String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut found = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "scenario") {
            let expected = std::fs::read_to_string(path.with_extension("out"))
                .unwrap_or_else(|e| panic!("{}: recorded output missing: {e}", path.display()));
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            found.push((name, std::fs::read_to_string(&path).unwrap(), expected));
        }
    }
    assert!(
        found.len() >= 5,
        "three example scenarios are documented in README.md, two more in docs/scenarios.md"
    );
    found
}

#[test]
fn every_example_prints_its_recorded_output_on_the_stepper() {
    for (name, text, expected) in scenarios() {
        let scenario = parse(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        let first = run(&scenario, &RunOptions::default()).unwrap_or_else(|e| panic!("{name}: {e}"));
        let again = run(&scenario, &RunOptions::default()).unwrap();
        assert_eq!(first, again, "{name}: the stepper is deterministic");
        assert_eq!(
            first.lines.join("\n") + "\n",
            expected,
            "{name}: output differs from {name}.out"
        );
    }
}

#[test]
fn every_example_gives_the_same_per_port_sequences_on_threads() {
    for (name, text, _) in scenarios() {
        let scenario = parse(&text).unwrap();
        let mut stepper = RunOutput::default();
        let (summary, result) = run_to(&scenario, &RunOptions::default(), &mut stepper);
        result.unwrap();
        // Without a cross-agent race, the per-port sequences are promised
        // equal (docs/scenarios.md); an example must not have one.
        assert_eq!(summary.races, [], "{name}");
        for attempt in 0..5 {
            let threads = run(
                &scenario,
                &RunOptions {
                    threads: true,
                    ..RunOptions::default()
                },
            )
            .unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(
                threads.per_port, stepper.per_port,
                "{name}, threaded run {attempt}"
            );
        }
    }
}

#[test]
fn a_scenario_error_names_its_line() {
    let scenario = parse("agent A\nchannel A p q\nstart nowhere\n").unwrap();
    let err = run(&scenario, &RunOptions::default()).unwrap_err();
    assert_eq!(err.line, 3);
    assert!(err.message.contains("no port \"nowhere\""), "{}", err.message);
}

#[test]
fn trace_lists_the_steps_of_each_line() {
    let scenario = parse("agent A\nchannel A p q\nonmessage q\npost p 1\nrun\n").unwrap();
    let out = run(
        &scenario,
        &RunOptions {
            trace: true,
            ..RunOptions::default()
        },
    )
    .unwrap();
    let text = out.lines.join("\n");
    assert!(
        text.contains("    step message-port-post-message-steps/5"),
        "{text}"
    );
    assert!(
        text.contains("    step message-port-post-message-steps/7.4"),
        "{text}"
    );
    assert!(text.contains("A q message data=1"), "{text}");
}
