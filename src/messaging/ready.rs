//! The ready-port index of a [`PortTable`]: the ports announced to the
//! event loop's signal as having a task ready, and choosing the oldest
//! task among them (the event loop's choice of its next port task).
//!
//! The index keeps each port under a sequence number no newer than its next
//! ready task's, smallest first. A port's next ready task only gets newer
//! while it stays indexed: new tasks come from the clock, newer than any
//! queued, and a port outside the index whose queued tasks become ready
//! (`start()`, a port arriving with its queue) is announced, which files it
//! under 0 until it is asked. So the port filed first is the only one to
//! ask: if its task is no newer than the next port's number, it is the
//! oldest of all; otherwise the port is filed again under its task's number
//! and the new first one is asked. A choice asks one port, plus one per
//! port whose number went stale since (a task taken, an announcement),
//! instead of every indexed port. (Between threads, a `close` racing a post can make a
//! port's next task older than its number for a moment; the port is still
//! asked before any task newer than that number runs, so the order differs
//! only among tasks that were added at the same time.)

use super::port::{PortId, PortTable};
use super::queue::Polled;

/// The announced ports, each filed under a sequence number no newer than
/// its next ready task's.
#[derive(Debug, Default)]
pub(crate) struct ReadyIndex {
    /// Newest first, so that the port to ask is the last (taken and filed
    /// again without moving the others, when it stays first). A port filed
    /// twice (announced while filed) is asked twice, which is harmless.
    filed: Vec<(u64, PortId)>,
}

impl ReadyIndex {
    /// Files `port` under `seq`.
    fn file(&mut self, port: PortId, seq: u64) {
        let at = self.filed.partition_point(|&(filed, _)| filed > seq);
        self.filed.insert(at, (seq, port));
    }

    /// Forgets every port.
    pub(crate) fn clear(&mut self) {
        self.filed.clear();
    }
}

impl<O> PortTable<O> {
    /// How many ports choosing the next task has asked so far: each task
    /// costs about one (the ready-port index), however many ports the table
    /// holds (a work counter).
    pub fn ready_probes(&self) -> u64 {
        self.ready_probes
    }

    /// The oldest ready task among this event loop's ports: its sequence
    /// number and port. Takes the ports announced since the last look into
    /// the ready-port index, and asks the index's first ports (dropping
    /// those with nothing ready, or no longer here).
    pub(crate) fn oldest_ready(&mut self) -> Option<(u64, PortId)> {
        self.take_announcements();
        let (port, polled) = self.oldest_indexed(false, None)?;
        match polled {
            Polled::Ready(seq) => Some((seq, port)),
            // Not asked to take: never taken.
            Polled::Taken(taken) => Some((taken.seq, port)),
        }
    }

    /// [`PortTable::oldest_ready`], taking the task at once (one look at its
    /// end, not two: usually from the owner's hand, see `hand.rs`) when it
    /// is older than `bound`, the oldest task of the agent's other task
    /// sources.
    pub(crate) fn oldest_ready_or_take(&mut self, bound: Option<u64>) -> Option<(PortId, Polled)> {
        self.take_announcements();
        self.oldest_indexed(true, bound)
    }

    /// Files the ports announced since the last look under 0: their next
    /// task is not known yet.
    fn take_announcements(&mut self) {
        self.signal.take_announced(&mut self.announced);
        // Under 0, the smallest number: at the end, as the order wants.
        let announced = self.announced.drain(..).map(|port| (0, PortId(port)));
        self.ready.filed.extend(announced);
    }

    /// Asks the index's first port for its next task (taking it if `take`
    /// and it is older than `bound` and than every other port's), until one
    /// is known to be the oldest.
    fn oldest_indexed(&mut self, take: bool, bound: Option<u64>) -> Option<(PortId, Polled)> {
        loop {
            let (_, port) = self.ready.filed.pop()?;
            // The other ports' tasks are no older than the next filing.
            let next = self.ready.filed.last().map(|&(seq, _)| seq);
            let limit = match (next, bound) {
                (Some(n), Some(b)) => Some(n.min(b)),
                (n, b) => n.or(b),
            };
            self.ready_probes += 1;
            let end = self.ports.get(&port).and_then(|p| p.end.as_ref());
            let polled = match end {
                Some(end) if take => end.take_if_older(limit),
                Some(end) => end.poll_ready().map(Polled::Ready),
                None => None,
            };
            let Some(polled) = polled else {
                continue;
            };
            let seq = match &polled {
                Polled::Ready(seq) => *seq,
                Polled::Taken(taken) => taken.seq,
            };
            // Taken or not, `seq` is no newer than the port's next task.
            self.ready.file(port, seq);
            if next.is_none_or(|n| seq <= n) {
                return Some((port, polled));
            }
        }
    }
}
