//! The ready-port index of a [`PortTable`]: the ports announced to the
//! event loop's signal as having a task ready, and choosing the oldest
//! task among them (the event loop's choice of its next port task).

use super::port::{PortId, PortTable};
use super::queue::Polled;

impl<O> PortTable<O> {
    /// How many ports choosing the next task has asked so far: each task
    /// costs as many as there are ports with a task ready (the ready-port
    /// index), however many ports the table holds (a work counter).
    pub fn ready_probes(&self) -> u64 {
        self.ready_probes
    }

    /// The oldest ready task among this event loop's ports: its sequence
    /// number and port. Takes the ports announced since the last look into
    /// the ready-port index, asks each indexed port, and drops from the
    /// index those with nothing ready (or no longer here).
    pub(crate) fn oldest_ready(&mut self) -> Option<(u64, PortId)> {
        self.signal.take_announced(&mut self.announced);
        self.ready.extend(self.announced.drain(..).map(PortId));
        self.oldest_indexed()
    }

    /// [`PortTable::oldest_ready`], taking the task at once (one look at its
    /// end, not two: usually from the owner's hand, see `hand.rs`) when a
    /// lone port is indexed and its task is older than `bound`, the oldest
    /// task of the agent's other task sources.
    pub(crate) fn oldest_ready_or_take(&mut self, bound: Option<u64>) -> Option<(PortId, Polled)> {
        self.signal.take_announced(&mut self.announced);
        self.ready.extend(self.announced.drain(..).map(PortId));
        let mut lone = self.ready.iter();
        let (Some(&id), None) = (lone.next(), lone.next()) else {
            return self.oldest_indexed().map(|(seq, id)| (id, Polled::Ready(seq)));
        };
        self.ready_probes += 1;
        let polled = self
            .ports
            .get(&id)
            .and_then(|p| p.end.as_ref()?.take_if_older(bound));
        if polled.is_none() {
            self.ready.remove(&id);
        }
        Some((id, polled?))
    }

    fn oldest_indexed(&mut self) -> Option<(u64, PortId)> {
        let mut best = None;
        // Usually every indexed port has a task ready: read the index, and
        // change it only for those found empty (a retain would rebuild it on
        // every turn).
        let mut empty = Vec::new();
        for id in &self.ready {
            self.ready_probes += 1;
            match self.ports.get(id).and_then(|p| p.end.as_ref()?.poll_ready()) {
                Some(seq) if best.is_none_or(|(b, _)| seq < b) => best = Some((seq, *id)),
                Some(_) => {}
                None => empty.push(*id),
            }
        }
        for id in empty {
            self.ready.remove(&id);
        }
        best
    }
}
