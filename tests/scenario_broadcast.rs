//! BroadcastChannel in the scenario language: the stepper's lines, the same
//! per-channel sequences on threads, and the errors a script would see.

use webmessaging::scenario::{RunOptions, parse, run};

fn both(text: &str) -> (Vec<String>, std::collections::BTreeMap<String, Vec<String>>) {
    let scenario = parse(text).unwrap();
    let stepper = run(&scenario, &RunOptions::default()).unwrap();
    for _ in 0..5 {
        let threads = run(
            &scenario,
            &RunOptions {
                threads: true,
                ..RunOptions::default()
            },
        )
        .unwrap();
        assert_eq!(
            threads.per_port, stepper.per_port,
            "threads differ from the stepper"
        );
    }
    (stepper.lines.clone(), stepper.per_port.clone())
}

#[test]
fn posts_reach_every_other_channel_in_creation_order_on_stepper_and_threads() {
    let (lines, _) = both(
        "agent A\nagent B\nagent C storage-key https://other.example\n\
         broadcast B n b1\nbroadcast A n a1\nbroadcast A n a2\nbroadcast C n c1\n\
         post a1 \"one\"\npost a1 \"two\"\nrun\n\
         on a2 message if event.data == \"ping\": post a2 \"pong\"\npost b1 \"ping\"\nrun",
    );
    assert_eq!(
        lines,
        [
            "B b1 message data=\"one\"",
            "A a2 message data=\"one\"",
            "B b1 message data=\"two\"",
            "A a2 message data=\"two\"",
            "A a1 message data=\"ping\"",
            "A a2 message data=\"ping\"",
            "B b1 message data=\"pong\"",
            "A a1 message data=\"pong\"",
        ]
    );
}

#[test]
fn a_closed_channel_throws_and_receives_nothing_more() {
    let (lines, _) = both(
        "agent A\nagent B\nbroadcast A n a1\nbroadcast B n b1\n\
         post a1 \"queued\"\nclose b1\npost b1 \"x\"\nrun",
    );
    assert_eq!(
        lines,
        ["B b1 post: InvalidStateError: the BroadcastChannel is closed"]
    );
}

#[test]
fn a_shared_buffer_is_a_messageerror_in_another_cluster() {
    let (lines, _) = both(
        "agent A cluster 1\nagent B cluster 1\nagent C cluster 2\n\
         broadcast A n a1\nbroadcast B n b1\nbroadcast C n c1\n\
         post a1 {\"root\": {\"ref\": 0}, \"objects\": [{\"kind\": \"ArrayBuffer\", \"bytes\": \"01\", \"shared\": true}]}\nrun",
    );
    assert_eq!(lines.len(), 2);
    assert!(lines[0].starts_with("B b1 message data="), "{lines:?}");
    assert!(
        lines[1].starts_with("C c1 messageerror error=DataCloneError"),
        "{lines:?}"
    );
}

#[test]
fn gc_keeps_a_forgotten_listening_channel_and_collects_the_rest() {
    let (lines, _) = both(
        "agent A\nagent B\nbroadcast A n a1\nbroadcast B n kept\nbroadcast B n quiet\n\
         onmessage kept\nforget kept\nforget quiet\ngc\npost a1 \"after\"\nrun",
    );
    assert_eq!(lines, ["gc: collected B quiet", "B kept message data=\"after\""]);
}

#[test]
fn an_agent_that_went_away_is_not_eligible() {
    let (lines, _) = both(
        "agent A\nagent B\nbroadcast A n a1\nbroadcast B n b1\nshutdown B\npost b1 \"x\"\npost a1 \"y\"\nrun",
    );
    assert!(lines.is_empty(), "{lines:?}");
}

#[test]
fn bad_broadcast_lines_are_clear_errors() {
    let scenario = parse("agent A\nbroadcast A n c\npost c \"x\" transfer c\n").unwrap();
    let error = run(&scenario, &RunOptions::default()).unwrap_err();
    assert!(error.to_string().contains("line 3"), "{error}");
    assert!(error.to_string().contains("no transfer list"), "{error}");
    let scenario = parse("agent A\nchannel A c d\nbroadcast A n c\n").unwrap();
    let error = run(&scenario, &RunOptions::default()).unwrap_err();
    assert!(error.to_string().contains("never reused"), "{error}");
    let scenario = parse("agent A\nbroadcast A n c\nstart c\n").unwrap();
    assert!(run(&scenario, &RunOptions::default()).is_err());
}

#[test]
fn names_are_converted_as_webidl_domstrings() {
    let (lines, _) = both(
        "agent A\nbroadcast A {\"symbol\": \"s\"} c\n\
         broadcast A {\"root\": {\"ref\": 0}, \"objects\": [{\"kind\": \"Array\", \"length\": 2, \"props\": [[\"0\", 1], [\"1\", 2]]}]} d\n\
         broadcast A \"1,2\" e\nbroadcast A 12 f\npost d \"via an array's name\"\nrun",
    );
    assert_eq!(
        lines,
        [
            "A c broadcast: TypeError: Cannot convert a Symbol value to a string",
            "A e message data=\"via an array's name\"",
        ]
    );
}
