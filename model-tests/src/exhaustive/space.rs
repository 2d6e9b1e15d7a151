//! The reference model as a stateright [`Model`]: a state is the model's
//! world in canonical form plus the little history the properties need, an
//! action is one scenario operation, and the universe's bounds decide which
//! operations are offered so that the set of states is finite.

use super::audit;
use super::properties::{Broken, Rule};
use crate::model::{Model as World, Mutation};
use crate::scenario::{Data, EventKind, Item, Op};
use stateright::{Model, Property};
use std::sync::atomic::AtomicUsize;

/// The names agents get, in order.
const NAMES: [&str; 8] = ["A", "B", "C", "D", "E", "F", "G", "H"];

/// The bounded universe the search explores. Each bound leaves something
/// out; `docs/model.md` ("Exhaustive search") says what.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Universe {
    /// Agents (event loops), named A, B, C…
    pub agents: usize,
    /// Agent clusters; agent `i` of `n` is in cluster `i * clusters / n`, so
    /// with 3 agents in 2 clusters A and B share one and C is alone.
    pub clusters: usize,
    /// Channels created, at most (`pN`/`qN` are the ports of the Nth).
    pub channels: usize,
    /// Messages in flight at once, at most: tasks waiting in port message
    /// queues and worker-style messages waiting at global scopes.
    pub messages: usize,
    /// Port objects plus ports in flight inside messages, at most.
    pub ports: usize,
    /// Ports in one transfer list, at most.
    pub transfer: usize,
    /// Listeners of one event type on one port, at most.
    pub listeners: usize,
    /// Operations from the start: every state reachable in at most this
    /// many is checked. `None`: until no new state is found.
    pub depth: Option<usize>,
    /// A deliberate bug in the model (tests only).
    pub mutation: Option<Mutation>,
}

impl Universe {
    /// The bound `check` runs without `--exhaustive` flags (about half a
    /// minute in release on two cores; README.md has the figures).
    pub fn default_check() -> Universe {
        Universe {
            agents: 3,
            clusters: 2,
            channels: 2,
            messages: 2,
            ports: 4,
            transfer: 1,
            listeners: 1,
            depth: Some(5),
            mutation: None,
        }
    }

    /// Checks the bounds; the error names what is wrong.
    pub fn validate(&self) -> Result<(), String> {
        if self.agents == 0 || self.agents > NAMES.len() {
            return Err(format!(
                "--agents must be 1 to {}, not {}",
                NAMES.len(),
                self.agents
            ));
        }
        if self.clusters == 0 || self.clusters > self.agents {
            return Err(format!(
                "--clusters must be 1 to the number of agents ({}), not {}",
                self.agents, self.clusters
            ));
        }
        if self.channels > 9
            || self.messages > 9
            || self.ports > 18
            || self.transfer > 3
            || self.listeners > 3
        {
            return Err(
                "bounds too large to search: at most 9 channels, 9 messages, 18 ports, 3 per transfer list, 3 listeners"
                    .to_owned(),
            );
        }
        Ok(())
    }

    /// The agents: name and agent cluster.
    pub fn agent_list(&self) -> Vec<(&'static str, u32)> {
        (0..self.agents)
            .map(|i| (NAMES[i], (i * self.clusters / self.agents) as u32))
            .collect()
    }

    /// The bounds on one line.
    pub fn describe(&self) -> String {
        let depth = self.depth.map_or("unbounded".to_owned(), |d| d.to_string());
        format!(
            "{} agents in {} clusters, {} channels, {} messages in flight, {} ports, {} per transfer, {} listener(s) per type, depth {depth}",
            self.agents,
            self.clusters,
            self.channels,
            self.messages,
            self.ports,
            self.transfer,
            self.listeners
        )
    }
}

/// A state of the search.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct State {
    /// The model's world, in canonical form.
    pub model: World,
    /// Channels created so far.
    pub channels: usize,
    /// The port message queues whose `close` event has fired (sorted):
    /// history that the rule "close comes after the messages queued before
    /// it" needs.
    pub(super) closed: Vec<usize>,
    /// What the transition into this state broke, by rule (empty when it
    /// broke nothing, so it does not split states).
    pub(super) broken: Vec<Broken>,
}

/// The reference model of channel messaging over a bounded universe.
pub struct Messaging {
    /// The bounds.
    pub universe: Universe,
    /// States checked against the properties (counted by the first).
    pub(super) visited: AtomicUsize,
}

impl Messaging {
    /// The model over `universe`.
    pub fn new(universe: Universe) -> Messaging {
        Messaging {
            universe,
            visited: AtomicUsize::new(0),
        }
    }

    /// The state `ops` lead to from the first state (operations naming
    /// nothing that exists do nothing, as in the model).
    pub fn state_after(&self, ops: &[Op]) -> State {
        let first = self.init_states().remove(0);
        ops.iter().fold(first, |state, op| {
            self.next_state(&state, op.clone()).unwrap_or(state)
        })
    }

    /// Messages in flight in `world`.
    fn in_flight(world: &World) -> usize {
        let queued: usize = world.port_message_queues().iter().map(|q| q.tasks.len()).sum();
        queued + world.agent_states().iter().map(|a| a.global.len()).sum::<usize>()
    }

    /// Port objects plus ports in flight in `world`.
    fn ports(world: &World) -> usize {
        let carried = |ts: &std::collections::VecDeque<crate::model::Task>| -> usize {
            ts.iter().map(|t| t.message.ports.len()).sum()
        };
        let in_queues: usize = world
            .port_message_queues()
            .iter()
            .map(|q| carried(&q.tasks))
            .sum();
        let at_globals: usize = world.agent_states().iter().map(|a| carried(&a.global)).sum();
        world.port_objects().iter().filter(|p| !p.collected).count() + in_queues + at_globals
    }

    /// The smallest number no message in flight carries as its data.
    fn fresh_id(world: &World) -> i32 {
        let id = |d: &Data| match d {
            Data::Num(n) => Some(*n),
            Data::Buffer(b) | Data::Shared(b) => b.first().map(|&b| i32::from(b)),
            _ => None,
        };
        let queued = world.port_message_queues().iter().flat_map(|q| &q.tasks);
        let global = world.agent_states().iter().flat_map(|a| &a.global);
        let used: Vec<i32> = queued.chain(global).filter_map(|t| id(&t.message.data)).collect();
        (0..).find(|n| !used.contains(n)).unwrap_or(0)
    }

    /// The transfer lists a post from `source` may carry: every sequence of
    /// at most `transfer` distinct port objects of its agent (itself, the
    /// target and detached ones included: they make the errors and the
    /// doomed post).
    fn transfer_lists<'w>(&self, world: &'w World, source: usize) -> Vec<Vec<&'w str>> {
        let agent = world.port_objects()[source].agent;
        let mine: Vec<&str> = world
            .port_objects()
            .iter()
            .filter(|p| !p.collected && p.agent == agent)
            .map(|p| p.label.as_str())
            .collect();
        let mut lists = vec![Vec::new()];
        let mut last: Vec<Vec<&str>> = vec![Vec::new()];
        for _ in 0..self.universe.transfer {
            let mut longer = Vec::new();
            for list in &last {
                for label in mine.iter().filter(|l| !list.contains(l)) {
                    let mut more = list.clone();
                    more.push(*label);
                    longer.push(more);
                }
            }
            lists.extend(longer.iter().cloned());
            last = longer;
        }
        lists
    }

    fn posts(&self, world: &World, source: usize, actions: &mut Vec<Op>) {
        let id = Self::fresh_id(world);
        let byte = u8::try_from(id).unwrap_or(u8::MAX);
        let ports = Self::ports(world);
        let label = &world.port_objects()[source].label;
        for list in self.transfer_lists(world, source) {
            if ports + list.len() > self.universe.ports {
                continue;
            }
            let items = || list.iter().map(|l| Item::Port((*l).to_owned()));
            let post = |data: Data, transfer: Vec<Item>| Op::Post {
                port: label.clone(),
                data,
                transfer,
                options: false,
            };
            actions.push(post(Data::Num(id), items().collect()));
            // A buffer moved by the transfer list with the ports.
            let with_buffer = std::iter::once(Item::Buffer).chain(items()).collect();
            actions.push(post(Data::Buffer(vec![byte]), with_buffer));
            if self.universe.clusters > 1 {
                // Fails to deserialize in another agent cluster.
                actions.push(post(Data::Shared(vec![byte]), items().collect()));
            }
        }
    }

    /// The operations on the live port `port`, skipping those that cannot
    /// change anything (starting an enabled queue, setting `onmessage`
    /// twice, forgetting what script no longer holds, closing or shipping a
    /// detached port).
    fn port_operations(&self, world: &World, port: usize, actions: &mut Vec<Op>) {
        let p = &world.port_objects()[port];
        let room = Self::in_flight(world) < self.universe.messages;
        if room {
            self.posts(world, port, actions);
        }
        let label = || p.label.clone();
        let enabled = p.queue.map(|q| world.port_message_queues()[q].enabled);
        if enabled == Some(false) {
            actions.push(Op::Start(label()));
        }
        if !p.onmessage && p.listeners[0] < self.universe.listeners {
            actions.push(Op::OnMessage(label()));
        }
        for (i, kind) in [EventKind::Message, EventKind::MessageError, EventKind::Close]
            .into_iter()
            .enumerate()
        {
            if p.listeners[i] < self.universe.listeners {
                actions.push(Op::Listen(label(), kind));
            }
        }
        if !p.detached {
            actions.push(Op::Close(label()));
        }
        if p.held {
            actions.push(Op::Forget(label()));
        }
        if room && !p.detached && Self::ports(world) < self.universe.ports {
            let agents = self.universe.agent_list();
            for (_, (to, _)) in agents.iter().enumerate().filter(|(a, _)| *a != p.agent) {
                actions.push(Op::Ship {
                    port: label(),
                    to: (*to).to_owned(),
                });
            }
        }
    }
}

impl Model for Messaging {
    type State = State;
    type Action = Op;

    fn init_states(&self) -> Vec<State> {
        let mut model = World::new(&self.universe.agent_list());
        if let Some(mutation) = self.universe.mutation {
            model = model.with_mutation(mutation);
        }
        vec![State {
            model,
            channels: 0,
            closed: Vec::new(),
            broken: Vec::new(),
        }]
    }

    fn actions(&self, state: &State, actions: &mut Vec<Op>) {
        let world = &state.model;
        let agents = self.universe.agent_list();
        if state.channels < self.universe.channels && Self::ports(world) + 2 <= self.universe.ports {
            let n = state.channels + 1;
            for (agent, _) in &agents {
                actions.push(Op::Channel {
                    agent: (*agent).to_owned(),
                    port1: format!("p{n}"),
                    port2: format!("q{n}"),
                });
            }
        }
        for port in 0..world.port_objects().len() {
            if !world.port_objects()[port].collected {
                self.port_operations(world, port, actions);
            }
        }
        actions.push(Op::Gc);
        actions.push(Op::Step(None));
        for (agent, _) in &agents {
            actions.push(Op::Step(Some((*agent).to_owned())));
        }
        actions.push(Op::Run);
    }

    fn next_state(&self, last: &State, op: Op) -> Option<State> {
        let mut next = State {
            broken: Vec::new(),
            ..last.clone()
        };
        if matches!(op, Op::Channel { .. }) {
            next.channels += 1;
        }
        audit::transition(last, &mut next, &op);
        let remap = next.model.canonicalize();
        next.closed = next
            .closed
            .iter()
            .filter_map(|&q| remap.get(q).copied().flatten())
            .collect();
        next.closed.sort_unstable();
        Some(next)
    }

    fn properties(&self) -> Vec<Property<Self>> {
        Rule::ALL.iter().map(|rule| rule.property()).collect()
    }
}
