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
use rustc_hash::FxHashMap;

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
    /// The agent that ran the last step: the first asked at the next.
    last: usize,
    /// The collection's tables, kept empty between collections so that
    /// each reuses the room the last one made.
    walk: Walk,
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
            last: 0,
            walk: Walk::default(),
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
            last: 0,
            walk: Walk::default(),
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
    ///
    /// The agent that ran last is asked to run its oldest task if it is
    /// older than every other agent's (one choice, which takes the task in
    /// the same look); only when it is not does the agent holding the
    /// oldest run. A lone agent has no other: it runs its oldest task.
    pub fn step(&mut self) -> Option<(AgentId, DispatchedEvent)> {
        let first = self.last.min(self.agents.len().checked_sub(1)?);
        let others = self
            .agents
            .iter()
            .enumerate()
            .filter(|&(i, _)| i != first)
            .filter_map(|(i, a)| Some((a.next_ready()?, i)))
            .min();
        let bound = others.map(|(seq, _)| seq);
        if let Some(event) = self.agents[first].run_next_task_before(bound) {
            return Some((AgentId(first), event));
        }
        // The oldest task of the world is the other agent's.
        let (_, next) = others?;
        self.last = next;
        let event = self.agents[next].run_next_task()?;
        Some((AgentId(next), event))
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
        let mut walk = std::mem::take(&mut self.walk);
        self.reachable(&mut walk);
        #[cfg(not(loom))]
        self.release_unreachable_ends(&walk);
        let mut collected = Vec::new();
        let mut ports = walk.ports.iter().zip(&walk.port_reached).peekable();
        for (agent_index, agent) in self.agents.iter_mut().enumerate() {
            let id = AgentId(agent_index);
            while let Some((port, &reached)) = ports.next_if(|(p, _)| p.agent == id) {
                if !reached {
                    let label = agent
                        .port(port.id)
                        .map(|p| p.label.to_string())
                        .unwrap_or_default();
                    agent.collect_port(port.id);
                    collected.push((id, label));
                }
            }
            let channels = agent.collect_broadcast_garbage();
            collected.extend(channels.into_iter().map(|label| (id, label)));
        }
        // Emptied now: the ends it holds must not keep their channels.
        walk.clear();
        self.walk = walk;
        collected
    }
}

/// A port as the reachability walk sees it.
#[derive(Debug)]
struct WalkPort {
    agent: AgentId,
    id: PortId,
    /// Its channel end, if it holds one, with the end's number.
    end: Option<(PortEnd, usize)>,
    /// Whether it has message listeners (then its twin's reach keeps it).
    listened: bool,
}

/// What a collection keeps: ports, and channel ends (a port's, or one in
/// flight inside a message). Ports and ends are numbered densely, so that
/// the walk marks them in vectors: every port of every agent in agent
/// order then creation order, every channel in the order the walk meets
/// it (an end is `2 * channel + side`).
#[derive(Default, Debug)]
struct Walk {
    ports: Vec<WalkPort>,
    port_reached: Vec<bool>,
    /// Channel number by the channel's address.
    channels: FxHashMap<usize, usize>,
    /// By end: the port holding it.
    holder: Vec<Option<usize>>,
    end_reached: Vec<bool>,
    /// The nodes reached and not yet followed.
    work: Vec<Node>,
}

impl Walk {
    /// Empties every table, keeping their room.
    fn clear(&mut self) {
        self.ports.clear();
        self.port_reached.clear();
        self.channels.clear();
        self.holder.clear();
        self.end_reached.clear();
        self.work.clear();
    }

    /// The number of `end`, numbering its channel if it is new.
    fn end_index(&mut self, end: &PortEnd) -> usize {
        let next = self.channels.len();
        let channel = *self.channels.entry(channel_key(end)).or_insert(next);
        if channel == next {
            self.holder.extend([None, None]);
            self.end_reached.extend([false, false]);
        }
        end_number(channel, end)
    }

    /// Whether the walk reached `end`.
    #[cfg(not(loom))]
    fn reached_end(&self, end: &PortEnd) -> bool {
        self.channels
            .get(&channel_key(end))
            .is_some_and(|&c| self.end_reached[end_number(c, end)])
    }
}

/// The walk's number for `end`, whose channel is numbered `channel`.
fn end_number(channel: usize, end: &PortEnd) -> usize {
    2 * channel + usize::from(end.side == Side::Two)
}

/// A node of the reachability walk.
#[derive(Debug)]
enum Node {
    /// A port, by its number in the walk.
    Port(usize),
    End(PortEnd),
}

impl World {
    /// Walks from the roots to every port and channel end live code can
    /// still reach.
    fn reachable(&self, walk: &mut Walk) {
        self.roots(walk);
        walk.port_reached.resize(walk.ports.len(), false);
        let mut work = std::mem::take(&mut walk.work);
        while let Some(node) = work.pop() {
            // A reached port reaches its end at once (numbered already).
            let (end, e) = match node {
                Node::Port(n) => {
                    if std::mem::replace(&mut walk.port_reached[n], true) {
                        continue;
                    }
                    let Some((end, e)) = &walk.ports[n].end else {
                        continue;
                    };
                    (end.clone(), *e)
                }
                Node::End(end) => {
                    let e = walk.end_index(&end);
                    (end, e)
                }
            };
            if std::mem::replace(&mut walk.end_reached[e], true) {
                continue;
            }
            end.for_each_queued(|m| work.extend(ends_in(m).into_iter().map(Node::End)));
            if !end.is_entangled() {
                continue;
            }
            // The twin's number is the end's with the side flipped.
            let Some(other) = walk.holder[e ^ 1] else {
                continue;
            };
            if walk.ports[other].listened {
                step!("ports-and-garbage-collection/2"); // held by its entangled port
                // DEVIATION(whatwg/html#12490 gc-in-flight-end-holds-partner):
                // when `end` is in flight, the message carrying it
                // stands for the entangled port.
                work.push(Node::Port(other));
            }
        }
        walk.work = work;
    }

    /// Every port with the end it holds, and the roots of the walk: ports
    /// script holds or that have events to dispatch, and the ends carried by
    /// messages waiting at global scopes.
    fn roots(&self, walk: &mut Walk) {
        // Sized for every port holding an end of a channel of its own, so
        // that numbering them never grows a table.
        let ports: usize = self.agents.iter().map(|a| a.table().ports.len()).sum();
        walk.ports.reserve(ports);
        walk.channels.reserve(ports);
        walk.holder.reserve(2 * ports);
        walk.end_reached.reserve(2 * ports);
        let mut work = std::mem::take(&mut walk.work);
        work.reserve(ports);
        for (agent_index, agent) in self.agents.iter().enumerate() {
            let table = agent.table();
            for (&id, state) in &table.ports {
                let n = walk.ports.len();
                let end = state.end.as_ref().map(|end| {
                    let e = walk.end_index(end);
                    walk.holder[e] = Some(n);
                    (end.clone(), e)
                });
                // A port script holds is a root whatever its queue holds:
                // its queue is not looked at (a lock), and rule 3 is marked
                // only where it is what keeps the port.
                if state.held_by_script {
                    work.push(Node::Port(n));
                } else if state.has_pending_events() {
                    step!("ports-and-garbage-collection/3"); // events to dispatch keep it alive
                    work.push(Node::Port(n));
                }
                walk.ports.push(WalkPort {
                    agent: AgentId(agent_index),
                    id,
                    end,
                    listened: state.listeners().has_message_listeners(),
                });
            }
            drop(table);
            agent.for_each_global_message(|m| work.extend(ends_in(m).into_iter().map(Node::End)));
        }
        walk.work = work;
    }

    /// Releases the channel ends that wait, shipped, where no live code can
    /// reach them: inside the queues of other such ends (two ports each
    /// shipped into the other's queue, say), or of ports being collected.
    /// The standard's rules speak of MessagePort objects only; these ends
    /// have none, and no object will ever be made for them.
    #[cfg(not(loom))]
    fn release_unreachable_ends(&self, walk: &Walk) {
        // DEVIATION(whatwg/html#12490 stranded-ends-released): ends no
        // MessagePort holds are collected too (picked first, released
        // once the registry is unlocked).
        // Cheapest first: a released end is told by an atomic flag, a
        // reached one by the walk's table; only the rest lock their channel.
        let stranded = self
            .clock
            .ends_where(|end| !end.is_released() && !walk.reached_end(end) && end.in_flight());
        for end in stranded {
            end.release();
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
        // The agents released the ends their ports held; releasing again
        // would change nothing, so only the others are picked.
        #[cfg(not(loom))]
        for end in self.clock.ends_where(|end| !end.is_released()) {
            end.release();
        }
    }
}
