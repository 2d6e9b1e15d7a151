//! "Ports and garbage collection".
//!
//! <https://html.spec.whatwg.org/multipage/web-messaging.html#ports-and-garbage-collection>

use super::{Model, Observation, PortIx, Queue, QueueIx};

impl Model {
    /// A full collection by "Ports and garbage collection": a port lives while
    /// script holds it or events wait for it, and a live port keeps alive the
    /// port entangled with it if that one listens for messages.
    pub(super) fn collect_garbage(&mut self) -> Vec<Observation> {
        let pending = |q: &Queue| q.close.is_some() || (q.enabled && !q.tasks.is_empty());
        let mut live = vec![false; self.ports.len()];
        // ports-and-garbage-collection/3: held, or with events to dispatch.
        let mut stack: Vec<PortIx> = (0..self.ports.len())
            .filter(|&p| {
                let port = &self.ports[p];
                !port.collected && (port.held || port.queue.is_some_and(|q| pending(&self.queues[q])))
            })
            .collect();
        while let Some(p) = stack.pop() {
            if std::mem::replace(&mut live[p], true) {
                continue;
            }
            // ports-and-garbage-collection/2
            let Some(other) = self.ports[p].queue.and_then(|q| self.queues[q].partner) else {
                continue;
            };
            let holder = self
                .ports
                .iter()
                .position(|o| !o.collected && o.queue == Some(other));
            if let Some(o) = holder.filter(|&o| self.ports[o].listeners[..2].iter().any(|&n| n > 0)) {
                stack.push(o);
            }
        }
        // Project reading: a queue that waits, shipped, only inside queues no
        // live port (and no message at a global scope) reaches can never be
        // received; it is released first, in creation order.
        let owned: Vec<QueueIx> = self
            .ports
            .iter()
            .filter(|p| !p.collected)
            .filter_map(|p| p.queue)
            .collect();
        let mut reachable: Vec<QueueIx> = (0..self.ports.len())
            .filter(|&p| live[p])
            .filter_map(|p| self.ports[p].queue)
            .collect();
        for agent in &self.agents {
            reachable.extend(
                agent
                    .global
                    .iter()
                    .flat_map(|t| t.message.ports.iter().filter_map(|(q, _)| *q)),
            );
        }
        let mut next = 0;
        while let Some(&q) = reachable.get(next) {
            next += 1;
            let carried: Vec<QueueIx> = self.queues[q]
                .tasks
                .iter()
                .flat_map(|t| t.message.ports.iter().filter_map(|(q, _)| *q))
                .collect();
            for c in carried {
                if !reachable.contains(&c) {
                    reachable.push(c);
                }
            }
        }
        for q in 0..self.queues.len() {
            if !owned.contains(&q) && !reachable.contains(&q) {
                self.release(q);
            }
        }
        // ports-and-garbage-collection/1: the rest goes, agent by agent in
        // creation order; each is disentangled and its queue dropped.
        let mut collected = Vec::new();
        for agent in 0..self.agents.len() {
            let doomed: Vec<PortIx> = (0..self.ports.len())
                .filter(|&p| self.ports[p].agent == agent && !self.ports[p].collected && !live[p])
                .collect();
            for p in doomed {
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
}
