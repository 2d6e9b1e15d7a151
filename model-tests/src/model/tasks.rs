//! Event loops: which task runs next, and what running it dispatches
//! (the task the post message steps queue, `close`, worker-style messages).

use super::{Data, Event, EventKind, Message, Model, Observation, PortIx, QueueIx, Source, kind_index};

impl Model {
    /// The task `agent` would run next: the oldest ready one across its
    /// enabled queues, its pending `close` events and its global scope
    /// (unshipped-port-message-queue/1 asks this order of unshipped ports;
    /// the project takes it for every task source).
    fn next_task(&self, agent: usize) -> Option<(u64, Source)> {
        let global = self.agents[agent].global.front().map(|t| (t.seq, Source::Global));
        let ports = self
            .ports
            .iter()
            .enumerate()
            .filter(|(_, p)| p.agent == agent && !p.collected);
        let queued = ports.flat_map(|(ix, p)| {
            let q = p.queue.map(|q| &self.queues[q]);
            let message = q.filter(|q| q.enabled).and_then(|q| q.tasks.front());
            // Reading close-is-a-task: `close` is queued after the messages
            // already in the queue, so it waits for them, even while the queue
            // is disabled; with none before it, it is ready at once.
            let close = q.and_then(|q| {
                let first = q.tasks.front().map(|t| t.seq);
                q.close.filter(|&c| first.is_none_or(|m| c < m))
            });
            [
                message.map(|t| (t.seq, Source::Message(ix))),
                close.map(|seq| (seq, Source::Close(ix))),
            ]
        });
        queued.flatten().chain(global).min_by_key(|(seq, _)| *seq)
    }

    /// Runs the oldest ready task of any agent.
    pub(super) fn world_step(&mut self) -> Option<Observation> {
        let agent = (0..self.agents.len())
            .filter_map(|a| Some((self.next_task(a)?.0, a)))
            .min()?
            .1;
        self.run_task(agent)
    }

    /// Runs `agent`'s next task, if it has one ready.
    pub(super) fn run_task(&mut self, agent: usize) -> Option<Observation> {
        let event = match self.next_task(agent)?.1 {
            Source::Close(port) => {
                let q = self.ports[port].queue?;
                self.queues[q].close = None;
                self.event(agent, Some(port), EventKind::Close, None, Vec::new())
            }
            Source::Message(port) => {
                let q = self.ports[port].queue?;
                let task = self.queues[q].tasks.pop_front()?;
                self.deliver(agent, Some(port), task.message)
            }
            Source::Global => {
                let task = self.agents[agent].global.pop_front()?;
                self.deliver(agent, None, task.message)
            }
        };
        Some(Observation::Event(event))
    }

    /// The task queued by the post message steps (their step 7), run by the
    /// agent holding the queue now; `target` is `None` for the global scope.
    fn deliver(&mut self, agent: usize, target: Option<PortIx>, message: Message) -> Event {
        // message-port-post-message-steps/7.1 - 7.3: the port whose queue held
        // the task is the target, in its agent's realm.
        // /7.4: StructuredDeserializeWithTransfer receives the ports first
        // (transferMessagePort-receiving), then deserializes the data, which
        // fails for a SharedArrayBuffer from another agent cluster.
        let received: Vec<PortIx> = message
            .ports
            .iter()
            .map(|held| self.receive(agent, held))
            .collect();
        if matches!(message.data, Data::Shared(_)) && message.cluster != self.agents[agent].cluster {
            // The new ports were never given to script.
            for &port in &received {
                self.ports[port].held = false;
            }
            return self.event(agent, target, EventKind::MessageError, None, Vec::new());
        }
        // /7.5 - /7.7: `message` with the data and the new ports in order.
        self.event(agent, target, EventKind::Message, Some(message.data), received)
    }

    /// The MessagePort transfer-receiving steps, on a new port object in
    /// `agent` named `BASE@AGENT` (with `#2`, `#3`... if that is taken).
    fn receive(&mut self, agent: usize, (queue, label): &(Option<QueueIx>, String)) -> PortIx {
        let base = label.split('@').next().unwrap_or_default();
        let name = format!("{base}@{}", self.agents[agent].name);
        let taken = |l: &str| {
            self.ports
                .iter()
                .any(|p| p.agent == agent && !p.collected && p.label == l)
        };
        let label = if taken(&name) {
            (2..)
                .map(|n| format!("{name}#{n}"))
                .find(|l| !taken(l))
                .unwrap_or_default()
        } else {
            name
        };
        // transferMessagePort-receiving/1, /2: shipped; the queue comes along,
        // disabled again. /3: its partner is unchanged, wherever that queue
        // is now, and nothing is disentangled (readings
        // both-ends-stay-entangled, receiving-fires-no-close).
        if let Some(q) = *queue {
            self.queues[q].shipped = true;
            self.queues[q].enabled = false;
        }
        self.new_port(agent, label, *queue)
    }

    fn event(
        &self,
        agent: usize,
        target: Option<PortIx>,
        kind: EventKind,
        data: Option<Data>,
        ports: Vec<PortIx>,
    ) -> Event {
        let (target, listeners) = match target {
            Some(p) => (
                self.ports[p].label.clone(),
                self.ports[p].listeners[kind_index(kind)],
            ),
            None => ("global".to_owned(), 1),
        };
        Event {
            agent: self.agents[agent].name.clone(),
            target,
            kind,
            data,
            ports: ports.iter().map(|&p| self.ports[p].label.clone()).collect(),
            listeners,
        }
    }
}
