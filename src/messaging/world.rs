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
}

impl Default for World {
    fn default() -> Self {
        World::new()
    }
}

impl World {
    /// A world without agents.
    pub fn new() -> Self {
        World { clock: Arc::new(TaskClock::new()), agents: Vec::new() }
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
    pub fn into_agents(self) -> Vec<Agent> {
        self.agents
    }

    /// A world made of these agents, which must share one task clock.
    pub fn from_agents(agents: Vec<Agent>, clock: Arc<TaskClock>) -> World {
        World { clock, agents }
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
        // Every port, keyed by its channel end so that the entangled port
        // (possibly in another agent) can be found.
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
        // A port with message listeners is held by its entangled port.
        let mut live: BTreeSet<(AgentId, PortId)> = BTreeSet::new();
        while let Some(id) = roots.pop() {
            if !live.insert(id) {
                continue;
            }
            let agent = &self.agents[id.0.0];
            let Some(end) = agent.port(id.1).and_then(|s| s.end.as_ref()) else { continue };
            if !end.is_entangled() {
                continue;
            }
            step!("ports-and-garbage-collection/2"); // entangled + listeners: held by the twin
            let twin = (channel_key(end), end.side != super::queue::Side::One);
            for other in by_end.get(&twin).into_iter().flatten() {
                let listened = self.agents[other.0.0].port(other.1).is_some_and(|s| s.has_message_listeners());
                if listened {
                    roots.push(*other);
                }
            }
        }
        let mut collected = Vec::new();
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

fn channel_key(end: &super::queue::PortEnd) -> usize {
    Arc::as_ptr(&end.channel) as usize
}
