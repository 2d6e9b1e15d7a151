//! A world of agents and the deterministic stepper that runs them: at each
//! step the oldest ready task of any agent runs, so the same scenario always
//! gives the same events in the same order.

use super::agent::Agent;
use super::event_loop::DispatchedEvent;
use super::port::{PortId, ends_in};
use super::queue::{PortEnd, Side, TaskClock};
use super::sync::Arc;
use crate::ecmascript::AgentClusterId;
use crate::spec::step;
use std::collections::{BTreeSet, HashMap, HashSet};

/// An agent of a [`World`], by index.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct AgentId(pub usize);

/// Several agents (event loops) sharing one task clock.
#[derive(Debug)]
pub struct World {
    clock: Arc<TaskClock>,
    agents: Vec<Agent>,
    /// The agents went to threads ([`World::into_agents`]): dropping this
    /// husk must not touch the channels they still use.
    handed_over: bool,
}

impl Default for World {
    fn default() -> Self {
        World::new()
    }
}

impl World {
    /// A world without agents.
    pub fn new() -> Self {
        World {
            clock: Arc::new(TaskClock::new()),
            agents: Vec::new(),
            handed_over: false,
        }
    }

    /// Adds an agent in the given agent cluster.
    pub fn add_agent(&mut self, name: impl Into<String>, cluster: AgentClusterId) -> AgentId {
        self.agents.push(Agent::new(name, cluster, self.clock.clone()));
        AgentId(self.agents.len() - 1)
    }

    /// The agent `id`.
    ///
    /// Panics when `id` did not come from this world's `add_agent`.
    pub fn agent(&mut self, id: AgentId) -> &mut Agent {
        &mut self.agents[id.0]
    }

    /// The agent `id`, read-only.
    pub fn agent_ref(&self, id: AgentId) -> &Agent {
        &self.agents[id.0]
    }

    /// The agent named `name`.
    pub fn agent_named(&self, name: &str) -> Option<AgentId> {
        self.agents.iter().position(|a| a.name() == name).map(AgentId)
    }

    /// Every agent, in creation order.
    pub fn agents(&self) -> impl Iterator<Item = (AgentId, &Agent)> {
        self.agents.iter().enumerate().map(|(i, a)| (AgentId(i), a))
    }

    /// Splits the world into its agents (to run them on threads).
    pub fn into_agents(mut self) -> Vec<Agent> {
        self.handed_over = true;
        std::mem::take(&mut self.agents)
    }

    /// A world made of these agents, which must share one task clock.
    pub fn from_agents(agents: Vec<Agent>, clock: Arc<TaskClock>) -> World {
        World {
            clock,
            agents,
            handed_over: false,
        }
    }

    /// The shared task clock.
    pub fn clock(&self) -> Arc<TaskClock> {
        self.clock.clone()
    }

    /// Runs one task on `agent`, if it has one ready.
    pub fn run_one(&mut self, agent: AgentId) -> Option<DispatchedEvent> {
        self.agents.get_mut(agent.0)?.run_next_task()
    }

    /// Runs the oldest ready task of any agent. Returns the agent and the
    /// event, or `None` when nothing is ready anywhere.
    pub fn step(&mut self) -> Option<(AgentId, DispatchedEvent)> {
        let (_, next) = self
            .agents
            .iter()
            .enumerate()
            .filter_map(|(i, a)| Some((a.next_ready()?, AgentId(i))))
            .min()?;
        let event = self.run_one(next)?;
        Some((next, event))
    }

    /// Steps until no task is ready anywhere, or `max_steps` ran. Returns the
    /// dispatched events in order.
    pub fn run_until_idle(&mut self, max_steps: usize) -> Vec<(AgentId, DispatchedEvent)> {
        let mut events = Vec::new();
        while events.len() < max_steps {
            match self.step() {
                Some(e) => events.push(e),
                None => break,
            }
        }
        events
    }

    /// Collects every port no live code can reach, across all agents, by
    /// the rules of "Ports and garbage collection". Returns the collected
    /// ports' labels.
    ///
    /// What is reachable: ports script holds or that have events to
    /// dispatch; the queues (channel ends) of reachable ports and those
    /// carried by messages waiting at a global scope or in a reachable queue;
    /// and the port holding the other end of a reachable, entangled end if
    /// that port listens for messages. A reachable end in flight (shipped,
    /// not yet received) stands for its port there: its partner is still
    /// entangled, so a listening partner stays alive.
    ///
    /// <https://html.spec.whatwg.org/multipage/web-messaging.html#ports-and-garbage-collection>
    ///
    /// # Example
    ///
    /// Two listening ports keep each other alive while script holds either
    /// ([`Messaging::forget`](super::Messaging::forget) is script dropping
    /// its last reference), and go together once it holds neither.
    ///
    /// ```
    /// use webmessaging::ecmascript::AgentClusterId;
    /// use webmessaging::messaging::World;
    ///
    /// let mut world = World::new();
    /// let a = world.add_agent("A", AgentClusterId(0));
    /// let (p1, p2) = world.agent(a).new_message_channel("p1", "p2");
    /// world.agent(a).set_onmessage(p1);
    /// world.agent(a).set_onmessage(p2);
    /// world.agent(a).forget(p1);
    /// assert!(world.collect_garbage().is_empty(), "p2 is held and listens to p1's messages");
    /// world.agent(a).forget(p2);
    /// let mut collected: Vec<String> = world.collect_garbage().into_iter().map(|(_, label)| label).collect();
    /// collected.sort();
    /// assert_eq!(collected, ["p1", "p2"]);
    /// ```
    pub fn collect_garbage(&mut self) -> Vec<(AgentId, String)> {
        let reached = self.reachable();
        #[cfg(not(loom))]
        self.release_unreachable_ends(&reached.ends);
        let mut collected = Vec::new();
        for (agent_index, agent) in self.agents.iter_mut().enumerate() {
            for port in agent.port_ids() {
                if !reached.ports.contains(&(AgentId(agent_index), port)) {
                    let label = agent.port(port).map(|p| p.label.to_string()).unwrap_or_default();
                    agent.collect_port(port);
                    collected.push((AgentId(agent_index), label));
                }
            }
            let channels = agent.collect_broadcast_garbage();
            collected.extend(channels.into_iter().map(|label| (AgentId(agent_index), label)));
        }
        collected
    }
}

/// A channel end, by its channel and side.
type EndKey = (usize, bool);

fn end_key(end: &PortEnd) -> EndKey {
    (channel_key(end), end.side == Side::One)
}

/// What a collection keeps: ports, and channel ends (a port's, or one in
/// flight inside a message).
struct Reached {
    ports: BTreeSet<(AgentId, PortId)>,
    ends: HashSet<EndKey>,
}

/// A node of the reachability walk.
enum Node {
    Port((AgentId, PortId)),
    End(PortEnd),
}

impl World {
    /// Walks from the roots to every port and channel end live code can
    /// still reach.
    fn reachable(&self) -> Reached {
        let (holder, mut work) = self.roots();
        let mut reached = Reached {
            ports: BTreeSet::new(),
            ends: HashSet::new(),
        };
        while let Some(node) = work.pop() {
            match node {
                Node::Port(id) => {
                    if !reached.ports.insert(id) {
                        continue;
                    }
                    let end = self.agents[id.0.0].port(id.1).and_then(|s| s.end.clone());
                    work.extend(end.map(Node::End));
                }
                Node::End(end) => {
                    if !reached.ends.insert(end_key(&end)) {
                        continue;
                    }
                    end.for_each_queued(|m| work.extend(ends_in(m).into_iter().map(Node::End)));
                    if !end.is_entangled() {
                        continue;
                    }
                    let Some(&other) = holder.get(&end_key(&end.twin())) else {
                        continue;
                    };
                    let listened = self.agents[other.0.0]
                        .port(other.1)
                        .is_some_and(|s| s.listeners().has_message_listeners());
                    if listened {
                        step!("ports-and-garbage-collection/2"); // held by its entangled port
                        // DEVIATION(whatwg/html#12490 gc-in-flight-end-holds-partner):
                        // when `end` is in flight, the message carrying it
                        // stands for the entangled port.
                        work.push(Node::Port(other));
                    }
                }
            }
        }
        reached
    }

    /// The port holding each channel end, and the roots of the walk: ports
    /// script holds or that have events to dispatch, and the ends carried by
    /// messages waiting at global scopes.
    fn roots(&self) -> (HashMap<EndKey, (AgentId, PortId)>, Vec<Node>) {
        let mut holder = HashMap::new();
        let mut work = Vec::new();
        for (agent_index, agent) in self.agents.iter().enumerate() {
            for port in agent.port_ids() {
                let id = (AgentId(agent_index), port);
                let Some(state) = agent.port(port) else { continue };
                if let Some(end) = &state.end {
                    holder.insert(end_key(end), id);
                }
                if agent.has_pending_events(port) {
                    step!("ports-and-garbage-collection/3"); // events to dispatch keep it alive
                    work.push(Node::Port(id));
                } else if state.held_by_script {
                    work.push(Node::Port(id));
                }
            }
            agent.for_each_global_message(|m| work.extend(ends_in(m).into_iter().map(Node::End)));
        }
        (holder, work)
    }

    /// Releases the channel ends that wait, shipped, where no live code can
    /// reach them: inside the queues of other such ends (two ports each
    /// shipped into the other's queue, say), or of ports being collected.
    /// The standard's rules speak of MessagePort objects only; these ends
    /// have none, and no object will ever be made for them.
    #[cfg(not(loom))]
    fn release_unreachable_ends(&self, reached: &HashSet<EndKey>) {
        for end in self.clock.ends() {
            // DEVIATION(whatwg/html#12490 stranded-ends-released): ends no
            // MessagePort holds are collected too.
            if end.in_flight() && !reached.contains(&end_key(&end)) {
                end.release();
            }
        }
    }
}

fn channel_key(end: &PortEnd) -> usize {
    Arc::as_ptr(&end.channel) as usize
}

/// A world that goes away takes every channel with it: its agents release
/// the ends their ports hold, and what is left (ends waiting, shipped, in
/// queues) is released too, so that no cycle of queued ports outlives it.
impl Drop for World {
    fn drop(&mut self) {
        if self.handed_over {
            return;
        }
        self.agents.clear();
        #[cfg(not(loom))]
        for end in self.clock.ends() {
            end.release();
        }
    }
}
