//! The canonical form of a model state, for the exhaustive search
//! (`crate::exhaustive`): what can no longer matter is dropped and the clock
//! is renumbered, so that two worlds that will behave alike are equal and
//! hash alike, and the search visits each once. Nothing here changes what
//! the model does next.

use super::{Message, Model, QueueIx};

impl Model {
    /// Puts the model in canonical form:
    ///
    /// - collected port objects are dropped (only a running operation refers
    ///   to a port object by index, and a collected port is never found by
    ///   its label again; only [`Model::label_used`] would notice, and the
    ///   exhaustive search numbers its channels itself);
    /// - port message queues that nothing refers to and that hold nothing
    ///   (released ones: no partner, no task, no `close`) are dropped; the
    ///   others keep their creation order, which the collector's release of
    ///   stranded queues follows;
    /// - the clock is renumbered 1, 2, … in the order of the tasks and
    ///   `close` events still waiting: every comparison an event loop makes
    ///   between them gives the same answer, and new tasks still come last.
    ///
    /// Returns the new index of each old queue (`None`: dropped).
    pub fn canonicalize(&mut self) -> Vec<Option<QueueIx>> {
        self.ports.retain(|p| !p.collected);
        let mut used = vec![false; self.queues.len()];
        for q in self.ports.iter().filter_map(|p| p.queue) {
            used[q] = true;
        }
        let messages = self
            .queues
            .iter()
            .flat_map(|q| &q.tasks)
            .chain(self.agents.iter().flat_map(|a| &a.global))
            .map(|t| &t.message);
        for q in messages.flat_map(|m| m.ports.iter().filter_map(|(q, _)| *q)) {
            used[q] = true;
        }
        for (q, queue) in self.queues.iter().enumerate() {
            if queue.partner.is_some() || !queue.tasks.is_empty() || queue.close.is_some() {
                used[q] = true;
            }
        }
        let mut next = 0;
        let remap: Vec<Option<QueueIx>> = used
            .iter()
            .map(|&u| {
                u.then(|| {
                    next += 1;
                    next - 1
                })
            })
            .collect();
        let mut index = 0;
        self.queues.retain(|_| {
            index += 1;
            used[index - 1]
        });
        let moved = |q: &mut Option<QueueIx>| *q = q.and_then(|old| remap[old]);
        for port in &mut self.ports {
            moved(&mut port.queue);
        }
        let renumber = |m: &mut Message| m.ports.iter_mut().for_each(|(q, _)| moved(q));
        for queue in &mut self.queues {
            moved(&mut queue.partner);
            queue.tasks.iter_mut().for_each(|t| renumber(&mut t.message));
        }
        for agent in &mut self.agents {
            agent.global.iter_mut().for_each(|t| renumber(&mut t.message));
        }
        self.renumber_clock();
        remap
    }

    /// Renumbers the waiting tasks and `close` events 1, 2, … in order.
    fn renumber_clock(&mut self) {
        let mut seqs: Vec<u64> = self
            .queues
            .iter()
            .flat_map(|q| q.tasks.iter().map(|t| t.seq).chain(q.close))
            .chain(self.agents.iter().flat_map(|a| a.global.iter().map(|t| t.seq)))
            .collect();
        seqs.sort_unstable();
        seqs.dedup();
        let rank = |seq: &mut u64| *seq = seqs.partition_point(|&s| s < *seq) as u64 + 1;
        for queue in &mut self.queues {
            queue.tasks.iter_mut().for_each(|t| rank(&mut t.seq));
            if let Some(close) = &mut queue.close {
                rank(close);
            }
        }
        for agent in &mut self.agents {
            agent.global.iter_mut().for_each(|t| rank(&mut t.seq));
        }
        self.clock = seqs.len() as u64;
    }
}
