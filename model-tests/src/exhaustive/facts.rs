//! Where everything is in one model state: which port object or message
//! holds each port message queue, and where each message task waits. The
//! audit compares the facts before and after an operation.

use crate::model::{Message, Model};
use crate::scenario::Data;

/// Who refers to a port message queue.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Owner {
    /// The port object with this index.
    Port(usize),
    /// The message task with this sequence number carries it (in flight).
    Task(u64),
}

/// Where a message task waits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Place {
    /// In this port message queue.
    Queue(usize),
    /// At this agent's global scope.
    Global(usize),
}

/// One message task.
#[derive(Clone, Debug)]
pub(super) struct TaskFacts<'a> {
    pub(super) place: Place,
    pub(super) data: &'a Data,
    /// The sender's agent cluster.
    pub(super) cluster: u32,
    /// The queues of the ports it carries, in transfer order.
    pub(super) carried: Vec<Option<usize>>,
}

/// Where everything is.
pub(super) struct Facts<'a> {
    /// For each queue, who refers to it (nobody: released, gone).
    pub(super) owners: Vec<Vec<Owner>>,
    /// Every message task, by sequence number.
    pub(super) tasks: Tasks<'a>,
    /// Sequence numbers found more than once (a message in two places).
    pub(super) duplicates: Vec<u64>,
}

/// Message tasks by sequence number (a sorted list: there are few).
#[derive(Default)]
pub(super) struct Tasks<'a>(Vec<(u64, TaskFacts<'a>)>);

impl<'a> Tasks<'a> {
    fn position(&self, seq: u64) -> Result<usize, usize> {
        self.0.binary_search_by_key(&seq, |(s, _)| *s)
    }

    /// Whether task `seq` is there.
    pub(super) fn contains_key(&self, seq: &u64) -> bool {
        self.position(*seq).is_ok()
    }

    /// Every task, by sequence number.
    pub(super) fn iter(&self) -> impl Iterator<Item = (&u64, &TaskFacts<'a>)> {
        self.0.iter().map(|(s, t)| (s, t))
    }

    /// The sequence numbers.
    pub(super) fn keys(&self) -> impl Iterator<Item = &u64> {
        self.0.iter().map(|(s, _)| s)
    }

    /// Adds a task; `false` when its number was there already.
    fn insert(&mut self, seq: u64, task: TaskFacts<'a>) -> bool {
        match self.position(seq) {
            Ok(_) => false,
            Err(at) => {
                self.0.insert(at, (seq, task));
                true
            }
        }
    }
}

impl<'a> std::ops::Index<&u64> for Tasks<'a> {
    type Output = TaskFacts<'a>;

    /// Task `seq`; it must be there.
    fn index(&self, seq: &u64) -> &TaskFacts<'a> {
        let at = self
            .position(*seq)
            .unwrap_or_else(|_| panic!("no message task {seq}"));
        &self.0[at].1
    }
}

impl<'a> Facts<'a> {
    /// The facts of `world`.
    pub(super) fn of(world: &'a Model) -> Facts<'a> {
        let mut facts = Facts {
            owners: vec![Vec::new(); world.port_message_queues().len()],
            tasks: Tasks::default(),
            duplicates: Vec::new(),
        };
        for (ix, port) in world.port_objects().iter().enumerate() {
            if let (false, Some(q)) = (port.collected, port.queue) {
                facts.owners[q].push(Owner::Port(ix));
            }
        }
        let queued = world
            .port_message_queues()
            .iter()
            .enumerate()
            .flat_map(|(q, queue)| queue.tasks.iter().map(move |t| (Place::Queue(q), t)));
        let global = world
            .agent_states()
            .iter()
            .enumerate()
            .flat_map(|(a, agent)| agent.global.iter().map(move |t| (Place::Global(a), t)));
        for (place, task) in queued.chain(global) {
            facts.add(place, task.seq, &task.message);
        }
        facts
    }

    fn add(&mut self, place: Place, seq: u64, message: &'a Message) {
        let carried: Vec<Option<usize>> = message.ports.iter().map(|(q, _)| *q).collect();
        for q in carried.iter().flatten() {
            self.owners[*q].push(Owner::Task(seq));
        }
        let facts = TaskFacts {
            place,
            data: &message.data,
            cluster: message.cluster,
            carried,
        };
        if !self.tasks.insert(seq, facts) {
            self.duplicates.push(seq);
        }
    }

    /// Whether the queue `q` is still held by a port or carried by a message.
    pub(super) fn present(&self, q: usize) -> bool {
        self.owners.get(q).is_some_and(|o| !o.is_empty())
    }

    /// The message tasks waiting in queue `q`, by sequence number.
    pub(super) fn queued_in(&self, q: usize) -> impl Iterator<Item = (u64, &TaskFacts<'a>)> {
        self.tasks
            .iter()
            .filter(move |(_, t)| t.place == Place::Queue(q))
            .map(|(s, t)| (*s, t))
    }
}

impl Facts<'_> {
    /// Queue `q` of `world` in words: whose it is.
    pub(super) fn queue_name(&self, world: &Model, q: usize) -> String {
        match self.owners.get(q).and_then(|o| o.first()) {
            Some(Owner::Port(p)) => format!("the queue of {}", world.port_objects()[*p].label),
            Some(Owner::Task(_)) => "a queue in flight".to_owned(),
            None => "a released queue".to_owned(),
        }
    }

    /// Who holds queue `q` of `world`, in words.
    pub(super) fn owner_names(&self, world: &Model, q: usize) -> String {
        let names: Vec<String> = self.owners[q]
            .iter()
            .map(|o| match o {
                Owner::Port(p) => format!("port {}", world.port_objects()[*p].label),
                Owner::Task(s) => format!("the {} in flight", self.message(*s)),
            })
            .collect();
        names.join(" and ")
    }

    /// Where a task waits, in words.
    pub(super) fn place_name(&self, world: &Model, place: Place) -> String {
        match place {
            Place::Queue(q) => self.queue_name(world, q),
            Place::Global(a) => format!("{}'s global scope", world.agent_states()[a].name),
        }
    }

    /// Message task `seq` in words: its data.
    pub(super) fn message(&self, seq: u64) -> String {
        match self.tasks.position(seq) {
            Ok(at) => format!("message {}", self.tasks.0[at].1.data.to_notation()),
            Err(_) => format!("message task {seq}"),
        }
    }
}
