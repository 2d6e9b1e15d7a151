//! The state-machine check: proptest-state-machine generates operation
//! sequences from the model's state ([`ChannelMessaging`]), and a
//! [`Checker`] applies each operation to the implementation and compares it
//! with the model after every step: observations (post and ship outcomes,
//! dispatched events, collected ports) and the state of every port object.
//!
//! [`run_state_machine`] drives it outside the test harness: a proptest
//! `TestRunner` seeded from `--seed` runs the sequential strategy, the test
//! closure counts cases and operations for the progress line, and a failing
//! case is shrunk by proptest and then replayed once by [`check_sequence`]
//! to print it as a scenario.

use crate::harness::Harness;
use crate::model::{LivePort, Model, Observation, PortView};
use crate::report::CheckReport;
use crate::scenario::{AGENTS, Data, EventKind, Item, Op, scenario_text, scenario_text_with};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestError, TestRng, TestRunner};
use proptest_state_machine::ReferenceStateMachine;
use std::cell::{Cell, RefCell};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The longest operation sequence generated.
pub const MAX_OPS: usize = 30;

/// How many distinct counterexamples one run looks for before it stops.
const MAX_COUNTEREXAMPLES: usize = 3;

/// How many failing cases (shrunk one by one, which is slow) one run takes
/// before it stops, distinct or not.
const MAX_FAILURES: usize = 10;

/// The reference state machine: the model, plus what the last operation
/// made observable (proptest-state-machine hands the test the state after
/// each operation, so the expectations travel in it).
#[derive(Clone, Debug)]
pub struct RefState {
    /// The model.
    pub model: Model,
    /// What the last operation made observable, by the model.
    pub observed: Vec<Observation>,
    /// Channels created so far (names the next channel's ports).
    pub channels: usize,
}

impl RefState {
    fn new() -> RefState {
        RefState {
            model: Model::new(&AGENTS),
            observed: Vec::new(),
            channels: 0,
        }
    }
}

/// proptest-state-machine's reference machine for channel messaging.
pub struct ChannelMessaging;

fn data() -> impl Strategy<Value = Data> {
    prop_oneof![
        3 => (0..100i32).prop_map(Data::Num),
        1 => prop::sample::select(vec!["hi", "", "é"]).prop_map(|s| Data::Str(s.to_owned())),
        1 => prop::collection::vec(any::<u8>(), 0..3).prop_map(Data::Buffer),
        2 => prop::collection::vec(any::<u8>(), 0..3).prop_map(Data::Shared),
    ]
}

/// A post from `source`: its transfer list is mostly empty, else mostly
/// other usable ports of the same agent, sometimes any port of that agent
/// (the source itself, a detached one, the target).
fn post(source: String, good: Vec<String>, any_port: Vec<String>) -> impl Strategy<Value = Op> {
    let list = |ports: Vec<String>| prop::collection::vec(prop::sample::select(ports), 1..=2);
    let transfer = if good.is_empty() {
        prop_oneof![4 => Just(Vec::new()), 1 => list(any_port)].boxed()
    } else {
        let distinct =
            (1..=good.len().min(2)).prop_flat_map(move |n| prop::sample::subsequence(good.clone(), n));
        prop_oneof![5 => Just(Vec::new()), 3 => distinct, 1 => list(any_port)].boxed()
    };
    (data(), transfer, any::<bool>(), any::<bool>()).prop_map(move |(data, ports, buffer, options)| {
        let mut transfer: Vec<Item> = ports.into_iter().map(Item::Port).collect();
        if buffer && data.has_buffer() {
            transfer.insert(0, Item::Buffer);
        }
        Op::Post {
            port: source.clone(),
            data,
            transfer,
            options,
        }
    })
}

/// One of `values`, drawn exactly as `prop::sample::select` draws it (an
/// index in `0..len`, shrinking by binary search, so a seed generates the
/// same cases), from a list shared instead of copied per strategy.
fn select_shared<T: Clone + std::fmt::Debug + 'static>(
    values: &Arc<[T]>,
) -> impl Strategy<Value = T> + use<T> {
    assert!(!values.is_empty(), "Cannot select from empty collection");
    let values = Arc::clone(values);
    (0..values.len()).prop_map(move |i| values[i].clone())
}

/// The live ports of a state, and the usable ones among them, made once
/// per generated operation and shared by every strategy that picks a port.
#[derive(Clone)]
struct Ports {
    all: Arc<[LivePort]>,
    usable: Arc<[LivePort]>,
}

impl Ports {
    fn new(ports: Vec<LivePort>) -> Ports {
        let usable: Arc<[LivePort]> = ports.iter().filter(|p| p.usable).cloned().collect();
        Ports {
            all: ports.into(),
            usable,
        }
    }
}

/// A port: mostly a usable one, sometimes any.
fn some_port(ports: &Ports) -> BoxedStrategy<LivePort> {
    let any_port = select_shared(&ports.all);
    if ports.usable.is_empty() {
        any_port.boxed()
    } else {
        prop_oneof![4 => select_shared(&ports.usable), 1 => any_port].boxed()
    }
}

impl ReferenceStateMachine for ChannelMessaging {
    type State = RefState;
    type Transition = Op;

    fn init_state() -> BoxedStrategy<RefState> {
        Just(RefState::new()).boxed()
    }

    fn transitions(state: &RefState) -> BoxedStrategy<Op> {
        let agents: Vec<String> = AGENTS.iter().map(|(a, _)| (*a).to_owned()).collect();
        let n = state.channels + 1;
        let channel = prop::sample::select(agents.clone()).prop_map(move |agent| Op::Channel {
            agent,
            port1: format!("p{n}"),
            port2: format!("q{n}"),
        });
        let step = prop::option::of(prop::sample::select(agents.clone())).prop_map(Op::Step);
        let ports = Ports::new(state.model.live_ports());
        if ports.all.is_empty() {
            return prop_oneof![3 => channel, 1 => step, 1 => Just(Op::Run), 1 => Just(Op::Gc)].boxed();
        }
        let label = || some_port(&ports).prop_map(|p| p.label);
        // Starting a queue where messages wait is what gets them delivered.
        let waiting: Vec<String> = ports
            .all
            .iter()
            .filter(|p| p.waiting)
            .map(|p| p.label.clone())
            .collect();
        let to_start = if waiting.is_empty() {
            label().boxed()
        } else {
            prop_oneof![2 => prop::sample::select(waiting), 1 => label()].boxed()
        };
        let all = Arc::clone(&ports.all);
        let post = some_port(&ports).prop_flat_map(move |source| {
            let in_agent = all.iter().filter(|p| p.agent == source.agent);
            let good = in_agent.clone().filter(|p| p.usable && p.label != source.label);
            let good: Vec<String> = good.map(|p| p.label.clone()).collect();
            let any_port: Vec<String> = in_agent.map(|p| p.label.clone()).collect();
            post(source.label, good, any_port)
        });
        let ship = (some_port(&ports), prop::sample::select(agents)).prop_map(|(port, to)| {
            // Never to the agent that holds the port.
            let to = if port.agent == to {
                let other = AGENTS.iter().map(|(a, _)| *a).find(|a| **a != port.agent);
                other.unwrap_or("A").to_owned()
            } else {
                to
            };
            Op::Ship { port: port.label, to }
        });
        let kind = prop::sample::select(vec![
            EventKind::Close,
            EventKind::Message,
            EventKind::MessageError,
        ]);
        prop_oneof![
            3 => channel,
            8 => post,
            2 => to_start.clone().prop_map(Op::Start),
            3 => to_start.prop_map(Op::OnMessage),
            1 => (label(), kind).prop_map(|(p, k)| Op::Listen(p, k)),
            1 => label().prop_map(Op::Close),
            1 => label().prop_map(Op::Forget),
            1 => Just(Op::Gc),
            3 => ship,
            4 => step,
            3 => Just(Op::Run),
        ]
        .boxed()
    }

    fn preconditions(state: &RefState, op: &Op) -> bool {
        let model = &state.model;
        let live = |label: &str| model.agent_of(label).is_some();
        match op {
            Op::Channel { port1, port2, .. } => {
                port1 != port2 && !model.label_used(port1) && !model.label_used(port2)
            }
            Op::Post {
                port, data, transfer, ..
            } => {
                let agent = model.agent_of(port);
                agent.is_some()
                    && transfer.iter().all(|item| match item {
                        Item::Port(label) => model.agent_of(label) == agent,
                        Item::Buffer => data.has_buffer(),
                    })
            }
            Op::Start(p) | Op::OnMessage(p) | Op::Listen(p, _) | Op::Close(p) | Op::Forget(p) => live(p),
            Op::Ship { port, to } => model.agent_of(port).is_some_and(|from| from != *to),
            Op::Gc | Op::Step(_) | Op::Run => true,
        }
    }

    fn apply(mut state: RefState, op: &Op) -> RefState {
        state.observed = state.model.apply(op);
        if matches!(op, Op::Channel { .. }) {
            state.channels += 1;
        }
        state
    }
}

/// The implementation side of a run: applies operations and compares them
/// with the model's expectations, keeping the history for the report.
pub struct Checker {
    harness: Harness,
    history: Vec<Op>,
    agents: Vec<(&'static str, u32)>,
}

impl Default for Checker {
    fn default() -> Self {
        Checker::new()
    }
}

impl Checker {
    /// A fresh implementation world.
    pub fn new() -> Checker {
        Checker::with_agents(&AGENTS)
    }

    /// A fresh implementation world of these agents (name, agent cluster).
    pub fn with_agents(agents: &[(&'static str, u32)]) -> Checker {
        Checker {
            harness: Harness::with_agents(agents),
            history: Vec::new(),
            agents: agents.to_vec(),
        }
    }

    /// Applies `op` to the implementation without comparing (to reach a
    /// state whose every step was already compared); `Err` as for
    /// [`Checker::step`].
    pub fn replay(&mut self, op: &Op) -> Result<(), String> {
        self.history.push(op.clone());
        match self.harness.apply(op) {
            Ok(_) => Ok(()),
            Err(e) => Err(self.report(&format!("# {e}"))),
        }
    }

    /// Applies `op` to the implementation and compares the result with what
    /// the model observed and the model's port states after it. On a
    /// disagreement, returns the scenario so far with the difference as
    /// comments.
    pub fn step(&mut self, op: &Op, expected: &[Observation], model: &[PortView]) -> Result<(), String> {
        self.history.push(op.clone());
        let got = self
            .harness
            .apply(op)
            .map_err(|e| self.report(&format!("# {e}")))?;
        if got != expected {
            let mut text = String::from("# the model expected:\n");
            expected
                .iter()
                .for_each(|o| text.push_str(&format!("#   {}\n", describe(o))));
            text.push_str("# the implementation did:\n");
            got.iter()
                .for_each(|o| text.push_str(&format!("#   {}\n", describe(o))));
            return Err(self.report(text.trim_end()));
        }
        let ports = self.harness.snapshot();
        if ports != model {
            let mut text = String::from("# port states differ (model / implementation):\n");
            let len = ports.len().max(model.len());
            for i in 0..len {
                let (m, p) = (model.get(i), ports.get(i));
                if m != p {
                    text.push_str(&format!("#   model:          {}\n", view(m)));
                    text.push_str(&format!("#   implementation: {}\n", view(p)));
                }
            }
            return Err(self.report(text.trim_end()));
        }
        Ok(())
    }

    fn report(&self, comments: &str) -> String {
        format!(
            "# after the last line, the implementation and the model disagree\n{}{comments}\n",
            scenario_text_with(&self.agents, &self.history)
        )
    }
}

/// One observation, in the style of `webmessaging run`'s output.
pub fn describe(observation: &Observation) -> String {
    match observation {
        Observation::Post(result) => format!("post: {result:?}"),
        Observation::Ship(result) => format!("ship: {result:?}"),
        Observation::Collected { agent, label } => format!("gc: collected {agent} {label}"),
        Observation::Event(e) => {
            let mut line = format!("{} {} {}", e.agent, e.target, e.kind.name());
            if let Some(data) = &e.data {
                line.push_str(&format!(" data={}", data.to_notation()));
            }
            if !e.ports.is_empty() {
                line.push_str(&format!(" ports=[{}]", e.ports.join(", ")));
            }
            line.push_str(&format!(" (listeners: {})", e.listeners));
            line
        }
    }
}

fn view(port: Option<&PortView>) -> String {
    let Some(p) = port else { return "(none)".to_owned() };
    let queue = match &p.queue {
        None => "no queue (shipped away)".to_owned(),
        Some(q) => format!(
            "entangled={} enabled={} shipped={} queued={} close_pending={}",
            q.entangled, q.enabled, q.shipped, q.queued, q.close_pending
        ),
    };
    format!("{} {} detached={} {queue}", p.agent, p.label, p.detached)
}

/// Runs `ops` on a fresh model and
/// implementation, comparing after every operation. `Err` is the
/// counterexample: the scenario up to the first disagreement.
pub fn check_sequence(ops: &[Op]) -> Result<(), String> {
    let mut model = Model::new(&AGENTS);
    let mut checker = Checker::new();
    for op in ops {
        let expected = model.apply(op);
        checker.step(op, &expected, &model.snapshot())?;
    }
    Ok(())
}

/// Whether every operation of `ops` meets its preconditions.
fn valid(ops: &[Op]) -> bool {
    let mut state = RefState::new();
    for op in ops {
        if !ChannelMessaging::preconditions(&state, op) {
            return false;
        }
        state = ChannelMessaging::apply(state, op);
    }
    true
}

/// The outcome of `ops`, with a panic turned into a counterexample (the
/// caller silences the panic hook).
fn outcome(ops: &[Op]) -> Result<(), String> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| check_sequence(ops))) {
        Ok(result) => result,
        Err(panic) => {
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                .unwrap_or_default();
            Err(format!("{}# panicked: {message}\n", scenario_text(ops)))
        }
    }
}

/// Shrinks a failing sequence further than proptest does (it cannot drop an
/// operation that a later one depends on, nor a transfer entry on its own):
/// greedily drops operations and transfer entries and simplifies data while
/// the sequence stays valid and still fails. Returns the counterexample text.
fn minimize(mut ops: Vec<Op>) -> String {
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let fails = |ops: &[Op]| valid(ops) && outcome(ops).is_err();
    let mut changed = fails(&ops);
    while changed {
        changed = false;
        let mut candidates: Vec<Vec<Op>> = Vec::new();
        for i in (0..ops.len()).rev() {
            let mut fewer = ops.clone();
            fewer.remove(i);
            candidates.push(fewer);
            if let Op::Post { transfer, data, .. } = &ops[i] {
                for j in 0..transfer.len() {
                    let mut shorter = ops.clone();
                    if let Op::Post { transfer, .. } = &mut shorter[i] {
                        transfer.remove(j);
                    }
                    candidates.push(shorter);
                }
                if *data != Data::Num(0) {
                    let mut simpler = ops.clone();
                    if let Op::Post { data, .. } = &mut simpler[i] {
                        *data = Data::Num(0);
                    }
                    candidates.push(simpler);
                }
            }
        }
        if let Some(smaller) = candidates.into_iter().find(|c| fails(c)) {
            ops = smaller;
            changed = true;
        }
    }
    let text = match outcome(&ops) {
        Err(text) => text,
        Ok(()) => format!("# failed once, but passed when replayed\n{}", scenario_text(&ops)),
    };
    std::panic::set_hook(hook);
    text
}

/// What a counterexample's disagreement is about, without the names and
/// numbers that differ between two instances of the same failure: the
/// words of its comment lines, less port labels, agent names and values.
fn signature(counterexample: &str) -> String {
    let comments = counterexample.lines().skip(1).filter(|l| l.starts_with('#'));
    let is_name = |w: &str| w.len() == 1 && w.chars().all(|c| c.is_ascii_uppercase());
    let is_value = |w: &str| w.chars().any(|c| c.is_ascii_digit());
    let words = comments
        .flat_map(str::split_whitespace)
        .filter(|w| !is_name(w) && !is_value(w));
    words.collect::<Vec<_>>().join(" ")
}

/// The 32-byte ChaCha seed of round `round` of a run seeded with `seed`.
fn rng_seed(seed: u64, round: u64) -> [u8; 32] {
    let mut bytes = [0u8; 32];
    bytes[..8].copy_from_slice(&seed.to_le_bytes());
    bytes[8..16].copy_from_slice(&round.to_le_bytes());
    bytes[16..24].copy_from_slice(b"webmsgsm");
    bytes
}

/// Runs the state-machine check on `cases` generated sequences of up to
/// [`MAX_OPS`] operations, from `seed`. `progress(cases_done, operations)`
/// is called after every case. A failing case is shrunk to a short
/// counterexample; the run then goes on with the remaining cases (from a
/// new seed round) until [`MAX_COUNTEREXAMPLES`] distinct ones, or
/// [`MAX_FAILURES`] in all, were found.
pub fn run_state_machine(cases: usize, seed: u64, progress: &mut dyn FnMut(usize, usize)) -> CheckReport {
    let mut report = CheckReport::new("state machine");
    let strategy = ChannelMessaging::sequential_strategy(1..=MAX_OPS);
    let progress = RefCell::new(progress);
    let (done, operations, shrink_runs) = (Cell::new(0usize), Cell::new(0usize), Cell::new(0usize));
    let mut round = 0;
    let mut repeats = 0;
    while done.get() < cases
        && report.counterexamples.len() < MAX_COUNTEREXAMPLES
        && report.counterexamples.len() + repeats < MAX_FAILURES
    {
        let shrinking = Cell::new(false);
        let config = Config {
            cases: u32::try_from(cases - done.get()).unwrap_or(u32::MAX),
            failure_persistence: None,
            max_shrink_iters: 2048,
            ..Config::default()
        };
        let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &rng_seed(seed, round));
        let mut runner = TestRunner::new_with_rng(config, rng);
        let outcome = runner.run(&strategy, |(mut state, ops, seen): (RefState, Vec<Op>, _)| {
            let seen: Option<Arc<AtomicUsize>> = seen;
            let mut checker = Checker::new();
            let mut applied = 0;
            let mut result = Ok(());
            for op in &ops {
                if let Some(seen) = &seen {
                    seen.fetch_add(1, Ordering::SeqCst);
                }
                applied += 1;
                state = ChannelMessaging::apply(state, op);
                result = checker.step(op, &state.observed, &state.model.snapshot());
                if result.is_err() {
                    break;
                }
            }
            if shrinking.get() {
                shrink_runs.set(shrink_runs.get() + 1);
            } else {
                done.set(done.get() + 1);
                operations.set(operations.get() + applied);
                (progress.borrow_mut())(done.get(), operations.get());
                shrinking.set(result.is_err());
            }
            result.map_err(TestCaseError::fail)
        });
        match outcome {
            Ok(()) => break,
            Err(TestError::Fail(_, (_, ops, _))) => {
                let text = minimize(ops);
                if report
                    .counterexamples
                    .iter()
                    .any(|seen| signature(seen) == signature(&text))
                {
                    repeats += 1;
                } else {
                    report.counterexamples.push(text);
                }
            }
            Err(TestError::Abort(why)) => {
                report.extra_lines.push(format!("aborted: {why}"));
                break;
            }
        }
        round += 1;
    }
    report.cases = done.get();
    report.operations = operations.get();
    if repeats > 0 {
        report
            .extra_lines
            .push(format!("{repeats} more failures like one already reported"));
    }
    if shrink_runs.get() > 0 {
        report.extra_lines.push(format!(
            "{} more runs while shrinking counterexamples",
            shrink_runs.get()
        ));
    }
    report
}
