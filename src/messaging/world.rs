//! A world of agents and the deterministic stepper that runs them: at each
//! step the oldest ready task of any agent runs, so the same scenario always
//! gives the same events in the same order.

use super::agent::{Agent, DispatchedEvent};
use super::port::PortId;
use super::queue::TaskClock;
use super::sync::Arc;
use crate::ecmascript::AgentClusterId;
use crate::spec::step;
use std::collections::{BTreeSet, HashMap};

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
    /// <https://html.spec.whatwg.org/multipage/web-messaging.html#ports-and-garbage-collection>
    pub fn collect_garbage(&mut self) -> Vec<(AgentId, String)> {
        let (by_end, mut roots) = self.ports_and_roots();
        // A port with message listeners is held by its entangled port.
        let mut live: BTreeSet<(AgentId, PortId)> = BTreeSet::new();
        while let Some(id) = roots.pop() {
            if !live.insert(id) {
                continue;
            }
            let agent = &self.agents[id.0.0];
            let Some(end) = agent.port(id.1).and_then(|s| s.end.as_ref()) else {
                continue;
            };
            if !end.is_entangled() {
                continue;
            }
            step!("ports-and-garbage-collection/2"); // entangled + listeners: held by the twin
            let twin = (channel_key(end), end.side != super::queue::Side::One);
            for other in by_end.get(&twin).into_iter().flatten() {
                let listened = self.agents[other.0.0]
                    .port(other.1)
                    .is_some_and(|s| s.has_message_listeners());
                if listened {
                    roots.push(*other);
                }
            }
        }
        let mut collected = Vec::new();
        #[cfg(not(loom))]
        self.collect_stranded_ends(&live);
        for (agent_index, agent) in self.agents.iter_mut().enumerate() {
            for port in agent.port_ids() {
                if !live.contains(&(AgentId(agent_index), port)) {
                    let label = agent.port(port).map(|p| p.label.clone()).unwrap_or_default();
                    agent.collect_port(port);
                    collected.push((AgentId(agent_index), label));
                }
            }
        }
        collected
    }
}

impl World {
    /// Releases the channel ends that wait, shipped, in transfer data holders
    /// no live code can reach: inside the queues of other such ends (two
    /// ports each shipped into the other's queue, say). A live port's queue,
    /// or a message waiting at an agent's global scope, keeps the ends it
    /// carries reachable. The standard's rules speak of MessagePort objects
    /// only; these ends have none, and no object will ever be made for them.
    #[cfg(not(loom))]
    fn collect_stranded_ends(&self, live: &BTreeSet<(AgentId, PortId)>) {
        use super::port::ends_in;
        use std::collections::HashSet;
        let key = |end: &super::queue::PortEnd| (channel_key(end), end.side == super::queue::Side::One);
        let mut reachable: Vec<super::queue::PortEnd> = Vec::new();
        for (agent_index, agent) in self.agents.iter().enumerate() {
            for port in agent.port_ids() {
                if live.contains(&(AgentId(agent_index), port))
                    && let Some(end) = agent.port(port).and_then(|p| p.end.clone())
                {
                    reachable.push(end);
                }
            }
            agent.for_each_global_message(|m| reachable.extend(ends_in(m)));
        }
        let mut seen: HashSet<(usize, bool)> = reachable.iter().map(key).collect();
        let mut next = 0;
        while let Some(end) = reachable.get(next).cloned() {
            next += 1;
            end.for_each_queued(|m| {
                for inner in ends_in(m) {
                    if seen.insert(key(&inner)) {
                        reachable.push(inner);
                    }
                }
            });
        }
        for end in self.clock.ends() {
            if end.in_flight() && !seen.contains(&key(&end)) {
                end.release();
            }
        }
    }

    /// Every port by its channel end (so the entangled port, possibly in
    /// another agent, can be found), and the ports that are roots.
    #[allow(clippy::type_complexity)]
    fn ports_and_roots(
        &self,
    ) -> (
        HashMap<(usize, bool), Vec<(AgentId, PortId)>>,
        Vec<(AgentId, PortId)>,
    ) {
        let mut by_end: HashMap<(usize, bool), Vec<(AgentId, PortId)>> = HashMap::new();
        let mut roots = Vec::new();
        for (agent_index, agent) in self.agents.iter().enumerate() {
            for port in agent.port_ids() {
                let id = (AgentId(agent_index), port);
                let Some(state) = agent.port(port) else { continue };
                if let Some(end) = &state.end {
                    let key = (channel_key(end), end.side == super::queue::Side::One);
                    by_end.entry(key).or_default().push(id);
                }
                step!("ports-and-garbage-collection/3"); // pending events keep a port alive
                if state.held_by_script || agent.has_pending_events(port) {
                    roots.push(id);
                }
            }
        }
        (by_end, roots)
    }
}

fn channel_key(end: &super::queue::PortEnd) -> usize {
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
