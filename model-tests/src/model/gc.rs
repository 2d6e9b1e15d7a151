//! "Ports and garbage collection", read from the standard's three rules:
//!
//! 1. a collected port that is entangled is disentangled;
//! 2. an entangled port with `message` or `messageerror` listeners is held
//!    strongly by the port it is entangled with;
//! 3. a port is not collected while a task waits to dispatch an event at it,
//!    or while its queue is enabled and not empty;
//!
//! The project's `close` is a task of the port message queue, behind the
//! messages already there (reading `close-is-a-task`): while messages wait
//! before it in a queue never started, it is not a task of the event loop
//! yet, and by rule 3 it keeps the port no more than those messages do.
//!
//! and from ordinary reachability: script holds what it holds, task queues
//! hold their tasks, a task holds its message, and a message holds the data
//! holders of the ports it carries, each with the port message queue it
//! took (transferMessagePort/2).
//!
//! The model hangs entanglement on queues (the project's reading of
//! whatwg/html#5078), so a port "entangled with" another is a queue whose
//! partner queue is held by that port, or by a message in flight.
//!
//! <https://html.spec.whatwg.org/multipage/web-messaging.html#ports-and-garbage-collection>

use super::{Model, Mutation, Observation, PortIx, QueueIx};

/// Something the collector can reach.
#[derive(Clone, Copy)]
enum Thing {
    Port(PortIx),
    Queue(QueueIx),
}

impl Model {
    /// A full collection.
    pub(super) fn collect_garbage(&mut self) -> Vec<Observation> {
        let (ports, queues) = self.reachable();
        // Reading stranded-ends-released: a queue that waits, shipped, where
        // nothing reaches it will never be received; it goes first, in
        // creation order, as if its port were collected.
        let held: Vec<QueueIx> = self
            .ports
            .iter()
            .filter(|p| !p.collected)
            .filter_map(|p| p.queue)
            .collect();
        for (q, reached) in queues.into_iter().enumerate() {
            if !reached && !held.contains(&q) {
                self.release(q);
            }
        }
        // Rule 1: the ports nothing reaches go, agent by agent in creation
        // order; each is disentangled and its queue dropped.
        let mut collected = Vec::new();
        for agent in 0..self.agents.len() {
            for (p, &reached) in ports.iter().enumerate() {
                let port = &self.ports[p];
                if port.agent != agent || port.collected || reached {
                    continue;
                }
                self.ports[p].collected = true;
                if let Some(q) = self.ports[p].queue {
                    self.release(q);
                }
                collected.push(Observation::Collected {
                    agent: self.agents[agent].name.clone(),
                    label: self.ports[p].label.clone(),
                });
            }
        }
        collected
    }

    /// Which ports and queues live code can reach.
    fn reachable(&self) -> (Vec<bool>, Vec<bool>) {
        let mut work: Vec<Thing> = Vec::new();
        for (p, port) in self.ports.iter().enumerate() {
            if port.collected {
                continue;
            }
            // Rule 3, and script's own references.
            let waiting = port.queue.is_some_and(|q| {
                let q = &self.queues[q];
                let close_dispatchable = q.close.is_some() && (q.enabled || q.tasks.is_empty());
                close_dispatchable || (q.enabled && !q.tasks.is_empty())
            });
            if port.held || waiting {
                work.push(Thing::Port(p));
            }
        }
        // Worker-style messages wait in their agents' task queues.
        for agent in &self.agents {
            for task in &agent.global {
                work.extend(task.message.ports.iter().filter_map(|(q, _)| q.map(Thing::Queue)));
            }
        }
        let mut ports = vec![false; self.ports.len()];
        let mut queues = vec![false; self.queues.len()];
        while let Some(thing) = work.pop() {
            match thing {
                Thing::Port(p) => {
                    if !std::mem::replace(&mut ports[p], true) {
                        work.extend(self.ports[p].queue.map(Thing::Queue));
                    }
                }
                Thing::Queue(q) => {
                    if std::mem::replace(&mut queues[q], true) {
                        continue;
                    }
                    let queue = &self.queues[q];
                    for task in &queue.tasks {
                        work.extend(task.message.ports.iter().filter_map(|(c, _)| c.map(Thing::Queue)));
                    }
                    // Rule 2: the port holding the partner queue, if it
                    // listens, is held by whoever holds this queue: a port,
                    // or a message carrying it in flight (reading
                    // gc-in-flight-end-holds-partner).
                    let rule_2 = !self.mutated(Mutation::CollectListeningPort);
                    let listener = queue.partner.filter(|_| rule_2).and_then(|partner| {
                        self.ports.iter().position(|o| {
                            !o.collected
                                && o.queue == Some(partner)
                                && o.listeners[..2].iter().any(|&n| n > 0)
                        })
                    });
                    work.extend(listener.map(Thing::Port));
                }
            }
        }
        (ports, queues)
    }
}
