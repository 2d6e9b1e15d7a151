//! BroadcastChannel in the scenario language: the stepper's lines, the same
//! per-channel sequences on threads, and the errors a script would see.
#![cfg(feature = "notation")]

use webmessaging::scenario::{RunOptions, RunOutput, parse, run, run_to};

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

/// The cross-agent races the stepper notes in `text`.
fn races(text: &str) -> Vec<String> {
    let mut output = RunOutput::default();
    let (summary, result) = run_to(&parse(text).unwrap(), &RunOptions::default(), &mut output);
    result.unwrap();
    summary.races.iter().map(|r| r.note.clone()).collect()
}

/// S's "go" sets A and C going at once. C answers on `m`, and B closes
/// its `n` channel b1 on that; A posts on `n`. On the stepper C's answer
/// is older, so b1 is closed before A's post can reach it; on threads A
/// may post first and b1 then gets "late". The watch says so.
#[test]
fn a_close_racing_a_broadcast_is_noted() {
    let text = "agent S\nagent A\nagent B\nagent C\n\
        broadcast S t st\nbroadcast C t ct\nbroadcast A t at\n\
        broadcast A n a1\nbroadcast B n b1\nbroadcast C m c1\nbroadcast B m b2\n\
        on ct message: post c1 \"close\"\non at message: post a1 \"late\"\non b2 message: close b1\n\
        post st \"go\"\nrun";
    let summary = run(&parse(text).unwrap(), &RunOptions::default()).unwrap();
    assert!(
        !summary.lines.iter().any(|l| l.starts_with("B b1")),
        "{:?}",
        summary.lines
    );
    assert_eq!(
        races(text),
        [
            "a reaction of B closed a BroadcastChannel that a post of A reached at the same time during this run"
        ]
    );
}

/// The same close, set off by A itself after its post: ordered, so b1 gets
/// "late" first, on the stepper and on threads alike, and no race is noted.
#[test]
fn a_close_after_the_broadcast_it_follows_is_no_race() {
    let text = "agent S\nagent A\nagent B\n\
        broadcast S t st\nbroadcast A t at\n\
        broadcast A n a1\nbroadcast B n b1\nbroadcast A m a2\nbroadcast B m b2\n\
        on at message: post a1 \"late\"\non at message: post a2 \"close\"\non b2 message: close b1\n\
        post st \"go\"\nrun\npost a1 \"after\"\nrun";
    let (lines, _) = both(text);
    assert_eq!(
        lines,
        [
            "A at message data=\"go\"",
            "B b1 message data=\"late\"",
            "B b2 message data=\"close\"",
        ]
    );
    assert_eq!(races(text), Vec::<String>::new());
}

/// A and C, set going at once, both post on `n`: which of their messages
/// B's b1 gets first is timing on threads. The watch says so.
#[test]
fn two_posters_reaching_one_channel_at_once_are_noted() {
    let text = "agent S\nagent A\nagent B\nagent C\n\
        broadcast S t st\nbroadcast A t at\nbroadcast C t ct\n\
        broadcast A n a1\nbroadcast C n c1\nbroadcast B n b1\n\
        on at message: post a1 \"from A\"\non ct message: post c1 \"from C\"\n\
        post st \"go\"\nrun";
    assert_eq!(
        races(text),
        ["a BroadcastChannel of B got messages that A and C posted at the same time during this run"]
    );
}

/// C posts only on A's message: the posts are ordered, b1 gets A's first
/// on the stepper and on threads, and no race is noted.
#[test]
fn two_posters_in_answer_to_each_other_are_no_race() {
    let text = "agent S\nagent A\nagent B\nagent C\n\
        broadcast S t st\nbroadcast A t at\n\
        broadcast A n a1\nbroadcast C n c1\nbroadcast B n b1\n\
        on at message: post a1 \"from A\"\n\
        on c1 message if event.data == \"from A\": post c1 \"from C\"\n\
        post st \"go\"\nrun";
    let (_, per_port) = both(text);
    assert_eq!(
        per_port["B b1"],
        ["B b1 message data=\"from A\"", "B b1 message data=\"from C\""]
    );
    assert_eq!(races(text), Vec::<String>::new());
}

/// A channel made after a post does not get it: its destinations were
/// fixed when it was posted. `broadcast` runs only between runs, so this
/// is never a race; stepper and threads agree.
#[test]
fn a_channel_made_after_a_post_does_not_get_it() {
    let text = "agent A\nagent B\nbroadcast A n a1\nbroadcast B n b1\n\
        post a1 \"before\"\nbroadcast B n late\nrun\npost a1 \"after\"\nrun";
    let (lines, _) = both(text);
    assert_eq!(
        lines,
        [
            "B b1 message data=\"before\"",
            "B b1 message data=\"after\"",
            "B late message data=\"after\"",
        ]
    );
    assert_eq!(races(text), Vec::<String>::new());
}
