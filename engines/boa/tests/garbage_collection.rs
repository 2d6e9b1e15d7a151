//! MessagePort and BroadcastChannel objects in Boa are collected by the
//! standard's rules ("Ports and garbage collection", and BroadcastChannel's
//! note on collection): counted in the agent's messaging state before and
//! after a collection.

use webmessaging_boa::host::Agent;
use webmessaging_boa::host::gc::{Collected, MIN_THRESHOLD};
use webmessaging_boa::realm::AgentSettings;

fn agent() -> Agent {
    Agent::new(AgentSettings::default()).expect("the agent starts")
}

/// A new agent that has run `source`.
fn agent_after(source: &str) -> Agent {
    let mut agent = agent();
    eval(&mut agent, source);
    agent
}

fn eval(agent: &mut Agent, source: &str) {
    if let Err(e) = agent.evaluate("test.js", source) {
        panic!("the script threw: {e}");
    }
}

fn eval_string(agent: &mut Agent, source: &str) -> String {
    match agent.evaluate("test.js", source) {
        Ok(value) => value
            .as_string()
            .map(|s| s.to_std_string_escaped())
            .unwrap_or_else(|| panic!("not a string: {value:?}")),
        Err(e) => panic!("the script threw: {e}"),
    }
}

/// Runs the event loop until idle, then reads the script's `log`.
fn run_and_read_log(agent: &mut Agent) -> String {
    agent.run(None);
    eval_string(agent, "log.join()")
}

fn collect(agent: &mut Agent) -> Collected {
    agent.collect_garbage().expect("the collection runs")
}

#[test]
fn ten_thousand_unreferenced_channels_are_not_all_kept() {
    // Made in one task: kept until it ends (every object made in a job
    // with a WeakRef to it is), then the next collection takes them all.
    let mut agent = agent_after("for (let i = 0; i < 10000; i++) new MessageChannel();");
    assert_eq!(agent.live_ports(), 20000);
    let collected = collect(&mut agent);
    assert_eq!(collected.ports, 20000);
    assert_eq!(agent.live_ports(), 0);
}

#[test]
fn channels_made_over_many_tasks_are_collected_as_the_run_goes() {
    // 100 tasks of 100 channels each: the automatic collections between
    // tasks keep the count below one threshold's worth (and a task's).
    let mut agent = agent_after(
        "let tasks = 0;
         function batch() {
           for (let i = 0; i < 100; i++) { new MessageChannel(); new BroadcastChannel('b'); }
           if (++tasks < 100) setTimeout(batch, 0);
         }
         batch();",
    );
    agent.run(None);
    let live = agent.live_ports() + agent.live_broadcast_channels();
    assert!(
        live <= MIN_THRESHOLD + 300,
        "{live} ports and channels kept of 30000 made"
    );
    collect(&mut agent);
    assert_eq!(agent.live_ports() + agent.live_broadcast_channels(), 0);
}

#[test]
fn ten_thousand_unreferenced_broadcast_channels_are_not_all_kept() {
    let mut agent = agent_after("for (let i = 0; i < 10000; i++) new BroadcastChannel('c' + (i % 7));");
    collect(&mut agent);
    assert_eq!(agent.live_broadcast_channels(), 0);
}

#[test]
fn objects_script_holds_are_kept() {
    let mut agent = agent_after(
        "globalThis.kept = [];
         for (let i = 0; i < 10; i++) kept.push(new MessageChannel());
         for (let i = 0; i < 5; i++) kept.push(new BroadcastChannel('held'));
         for (let i = 0; i < 100; i++) { new MessageChannel(); new BroadcastChannel('dropped'); }",
    );
    let collected = collect(&mut agent);
    assert_eq!(collected.ports, 200);
    assert_eq!(collected.channels, 100);
    assert_eq!(agent.live_ports(), 20);
    assert_eq!(agent.live_broadcast_channels(), 5);
    // The survivors are the same objects, and still work.
    eval(
        &mut agent,
        "globalThis.log = [];
         kept[0].port2.onmessage = (e) => log.push(e.data);
         kept[0].port1.postMessage('still entangled');",
    );
    assert_eq!(run_and_read_log(&mut agent), "still entangled");
}

#[test]
fn a_listening_port_with_a_reachable_partner_survives_and_delivers() {
    let mut agent = agent_after(
        "globalThis.log = [];
         (function () {
           const channel = new MessageChannel();
           channel.port2.onmessage = (e) => log.push(e.data);
           globalThis.sender = channel.port1;
         })();",
    );
    // port2 is reachable from no script; its partner is, and it listens.
    let collected = collect(&mut agent);
    assert_eq!(collected.ports, 0);
    assert_eq!(agent.live_ports(), 2);
    eval(&mut agent, "sender.postMessage('after the collection');");
    assert_eq!(run_and_read_log(&mut agent), "after the collection");
}

#[test]
fn two_listening_ports_nobody_reaches_go_together() {
    let mut agent = agent_after(
        "(function () {
           const channel = new MessageChannel();
           channel.port1.onmessage = () => {};
           channel.port2.onmessage = () => {};
         })();",
    );
    let collected = collect(&mut agent);
    assert_eq!(collected.ports, 2);
    assert_eq!(agent.live_ports(), 0);
}

#[test]
fn a_port_with_a_message_to_dispatch_is_kept_until_it_is_delivered() {
    let mut agent = agent_after(
        "globalThis.log = [];
         (function () {
           const channel = new MessageChannel();
           channel.port2.addEventListener('message', (e) => log.push(e.data));
           channel.port2.start();
           channel.port1.postMessage('queued');
         })();",
    );
    // Both unreachable; port1 (no listener, nothing to dispatch) goes, but
    // port2's queue is enabled and holds a message.
    let collected = collect(&mut agent);
    assert_eq!(collected.ports, 1);
    assert_eq!(agent.live_ports(), 1);
    assert_eq!(run_and_read_log(&mut agent), "queued");
    // Delivered: now nothing keeps either.
    collect(&mut agent);
    assert_eq!(agent.live_ports(), 0);
}

#[test]
fn a_collected_port_disentangles_and_its_partner_gets_close() {
    let mut agent = agent_after(
        "globalThis.log = [];
         (function () {
           const channel = new MessageChannel();
           channel.port2.onclose = () => log.push('close');
           globalThis.survivor = channel.port2;
         })();",
    );
    let collected = collect(&mut agent);
    assert_eq!(collected.ports, 1);
    assert_eq!(run_and_read_log(&mut agent), "close");
}

#[test]
fn a_listening_broadcast_channel_is_kept_until_closed() {
    let mut agent = agent_after(
        "globalThis.log = [];
         (function () {
           const listener = new BroadcastChannel('news');
           listener.onmessage = (e) => log.push(e.data);
         })();
         globalThis.poster = new BroadcastChannel('news');",
    );
    collect(&mut agent);
    assert_eq!(agent.live_broadcast_channels(), 2);
    eval(&mut agent, "poster.postMessage('heard');");
    assert_eq!(run_and_read_log(&mut agent), "heard");
    // Closed, it is held by nothing but script, and script dropped it.
    eval(&mut agent, "poster.close(); globalThis.poster = null;");
    collect(&mut agent);
    assert_eq!(
        agent.live_broadcast_channels(),
        1,
        "the listener stays: it is open"
    );
}
