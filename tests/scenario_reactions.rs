//! The scenario language's reactions that use their event (`event.data`,
//! `event.ports[N]`, `event.target`), their filters (`number N`,
//! `if event.data == VALUE`), reactions at a global scope, worker-style
//! `send`, and how thrown values print: each form's exact output on the
//! stepper, and the same per-port sequences on threads.
#![cfg(feature = "notation")]

use webmessaging::scenario::{RunOptions, RunOutput, parse, run};

fn stepper(text: &str) -> RunOutput {
    let scenario = parse(text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    run(&scenario, &RunOptions::default()).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

/// The stepper's lines, and the same per-port sequences on `runs` threaded
/// runs.
fn lines_everywhere(text: &str, runs: usize) -> Vec<String> {
    let out = stepper(text);
    let scenario = parse(text).unwrap();
    for attempt in 0..runs {
        let threads = run(
            &scenario,
            &RunOptions {
                threads: true,
                ..RunOptions::default()
            },
        )
        .unwrap_or_else(|e| panic!("threaded run {attempt}: {e}"));
        assert_eq!(threads.per_port, out.per_port, "threaded run {attempt}\n{text}");
    }
    out.lines
}

#[test]
fn a_reaction_that_closes_its_port_never_loses_the_message_queued_after() {
    // The scenario of issue 9 item 7: both posts are one piece of script, so
    // both messages are in p's queue before p's reaction closes it.
    let text = "agent A\nchannel A p q\nonmessage p\non p message: close p\n\
                post q \"first\"\npost q \"second\"\nrun\n";
    assert_eq!(
        lines_everywhere(text, 20),
        [
            "A p message data=\"first\"",
            "A p message data=\"second\"",
            "A q close"
        ]
    );
}

#[test]
fn a_message_of_a_hundred_ports_gets_every_echo() {
    // A worker receives 100 ports in one message; its reaction answers on
    // each port it received, through nested reactions set in one task.
    let mut text = String::from("agent A\nagent W\n");
    let mut transfer = String::new();
    for i in 0..100 {
        text.push_str(&format!("channel A p{i} q{i}\nonmessage p{i}\npost p{i} {i}\n"));
        transfer.push_str(&format!(" q{i}"));
    }
    for i in 0..100 {
        text.push_str(&format!(
            "on W global message: on event.ports[{i}] message: post event.target event.data\n\
             on W global message: onmessage event.ports[{i}]\n"
        ));
    }
    text.push_str(&format!("send \"ports\" from A to W transfer{transfer}\nrun\n"));
    let lines = lines_everywhere(&text, 5);
    for i in 0..100 {
        let echo = format!("A p{i} message data={i}");
        assert_eq!(lines.iter().filter(|l| **l == echo).count(), 1, "{echo}");
        let got = format!("W q{i}@W message data={i}");
        assert_eq!(lines.iter().filter(|l| **l == got).count(), 1, "{got}");
    }
    assert_eq!(lines.len(), 1 + 200);
}

#[test]
fn event_data_is_posted_again_as_a_new_clone() {
    let text = "agent A\nagent B\nchannel A p q\nship q to B\nrun\nonmessage q@B\nonmessage p\n\
                on q@B message: post q@B event.data\n\
                post p {\"root\": {\"ref\": 0}, \"objects\": [{\"kind\": \"Object\", \"props\": [[\"self\", {\"ref\": 0}], [\"n\", 1]]}]}\n\
                run\n";
    let data = "{\"root\": {\"ref\": 0}, \"objects\": [{\"kind\": \"Object\", \"props\": [[\"self\", {\"ref\": 0}], [\"n\", 1]]}]}";
    assert_eq!(
        lines_everywhere(text, 5)[1..],
        [
            format!("B q@B message data={data}"),
            format!("A p message data={data}")
        ]
    );
}

#[test]
fn a_received_port_is_used_and_transferred_on() {
    // B answers through the port it receives, then hands it to C, which
    // answers through it too; the ports keep their channel.
    let text = "agent A\nagent B\nagent C\nchannel A p q\nonmessage p\n\
                on B global message: post event.ports[0] \"from B\"\n\
                on B global message: send \"over to you\" from B to C transfer event.ports[0]\n\
                on C global message: post event.ports[0] event.data\n\
                send \"a port\" from A to B transfer q\nrun\n";
    assert_eq!(
        lines_everywhere(text, 10),
        [
            "B global message data=\"a port\" ports=[q@B]",
            "A p message data=\"from B\"",
            "C global message data=\"over to you\" ports=[q@C]",
            "A p message data=\"over to you\"",
        ]
    );
}

#[test]
fn a_received_port_can_be_forwarded_through_another_port() {
    let text = "agent A\nagent B\nchannel A r s\nchannel A p q\nship s to B\nrun\nonmessage s@B\n\
                on s@B message: post s@B \"thanks\" transfer event.ports[0]\n\
                onmessage r\nlisten p close\npost r \"here\" transfer q\nrun\n";
    assert_eq!(
        lines_everywhere(text, 5)[1..],
        [
            "B s@B message data=\"here\" ports=[q@B]",
            "A r message data=\"thanks\" ports=[q@A]",
        ]
    );
}

#[test]
fn number_fires_on_the_nth_event_only_and_if_on_equal_data_only() {
    let text = "agent A\nchannel A p q\nonmessage p\n\
                on p message number 2: post p \"second seen\"\n\
                on p message if event.data == {\"root\": {\"ref\": 0}, \"objects\": [{\"kind\": \"Array\", \"length\": 1, \"props\": [[\"0\", \"stop\"]]}]}: close p\n\
                on p message if event.data == 7: post p \"seven\"\n\
                on p message number 2 if event.data == 7: post p \"the second seven\"\n\
                onmessage q\npost q 7\npost q 1\npost q 7\npost q {\"root\": {\"ref\": 0}, \"objects\": [{\"kind\": \"Array\", \"length\": 1, \"props\": [[\"0\", \"stop\"]]}]}\npost q 7\nrun\n";
    assert_eq!(
        lines_everywhere(text, 5),
        [
            // p's five messages are older than anything its reactions post.
            "A p message data=7",
            "A p message data=1",
            "A p message data=7",
            "A p message data={\"root\": {\"ref\": 0}, \"objects\": [{\"kind\": \"Array\", \"length\": 1, \"props\": [[\"0\", \"stop\"]]}]}",
            "A p message data=7",
            "A q message data=\"seven\"",
            "A q message data=\"second seen\"",
            "A q message data=\"seven\"",
            "A q message data=\"the second seven\"",
            // Closed on "stop": the last seven's answer has no target.
            "A q close",
        ]
    );
}

#[test]
fn send_carries_any_data_and_any_number_of_ports_to_a_global_scope() {
    let text = "agent A\nagent B\nchannel A p1 q1\nchannel A p2 q2\n\
                send {\"root\": {\"ref\": 0}, \"objects\": [{\"kind\": \"ArrayBuffer\", \"bytes\": \"0102\"}]} from A to B transfer q1 #0 q2\n\
                send 42 from A to B\nrun\n";
    assert_eq!(
        lines_everywhere(text, 5),
        [
            "B global message data={\"root\": {\"ref\": 0}, \"objects\": [{\"kind\": \"ArrayBuffer\", \"bytes\": \"0102\"}]} ports=[q1@B, q2@B]",
            "B global message data=42",
        ]
    );
}

#[test]
fn thrown_values_print_with_their_name_and_message() {
    let getter = |thrown: &str| {
        format!(
            "post p {{\"root\": {{\"ref\": 0}}, \"objects\": [{{\"kind\": \"Object\", \"props\": [[\"x\", {{\"getter\": {{\"throws\": {thrown}}}}}]]}}, {{\"kind\": \"Error\", \"name\": \"TypeError\", \"message\": \"boom\"}}]}}\n"
        )
    };
    let text = format!(
        "agent A\nchannel A p q\n{}{}{}send {{\"root\": {{\"ref\": 0}}, \"objects\": [{{\"kind\": \"Function\"}}]}} from A to A\n",
        getter("{\"ref\": 1}"),
        getter("\"a string\""),
        getter("{\"ref\": 0}"),
    );
    assert_eq!(
        stepper(&text).lines,
        [
            "A p post: TypeError: boom",
            "A p post: uncaught exception: \"a string\"",
            "A p post: uncaught exception: {\"root\": {\"ref\": 0}, \"objects\": [{\"kind\": \"Object\", \"props\": [[\"x\", {\"getter\": {\"throws\": {\"ref\": 0}}}]]}]}",
            "A send to A: DataCloneError: functions could not be cloned",
        ]
    );
}

#[test]
fn a_reaction_that_cannot_run_says_why_and_the_run_goes_on() {
    let text = "agent A\nchannel A p q\nonmessage p\n\
                on p message: post event.ports[1] \"x\"\n\
                on p message: post nowhere \"x\"\n\
                on p message: send event.data from A to Z\n\
                post q 1\nrun\n";
    assert_eq!(
        lines_everywhere(text, 3),
        [
            "A p message data=1",
            "A reaction (line 4): event.ports[1]: the event carries 0 port(s)",
            "A reaction (line 5): A has no port \"nowhere\"",
            "A reaction (line 6): no agent \"Z\"",
        ]
    );
}
