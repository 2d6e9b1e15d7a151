//! The order in which tasks were added, across every event loop of one
//! world (the standard's "in the order in which they were added", compared
//! across task sources and agents), and the world's registries of channels
//! and BroadcastChannels that go with it.

#[cfg(not(loom))]
use super::queue::{Channel, PortEnd, Side};
#[cfg(not(loom))]
use super::sync::Arc;
use super::sync::{AtomicU64, Ordering};

/// The order in which tasks were added, shared by every event loop of one
/// world, so that "in the order in which they were added" can be compared
/// across task sources; it also knows the world's channels, so that ports
/// that only wait inside each other's queues can be found and collected.
#[derive(Debug, Default)]
pub struct TaskClock {
    ticks: AtomicU64,
    /// The world's BroadcastChannels (see `broadcast_channel/`).
    broadcasts: super::broadcast_channel::Registry,
    #[cfg(not(loom))]
    channels: std::sync::Mutex<Vec<std::sync::Weak<Channel>>>,
}

impl TaskClock {
    /// A clock at zero.
    pub fn new() -> Self {
        TaskClock::default()
    }

    /// The world's registry of BroadcastChannels.
    pub fn broadcasts(&self) -> &super::broadcast_channel::Registry {
        &self.broadcasts
    }

    /// How many tasks were added so far.
    pub fn now(&self) -> u64 {
        self.ticks.load(Ordering::SeqCst)
    }

    /// The next task's sequence number.
    pub fn tick(&self) -> u64 {
        self.ticks.fetch_add(1, Ordering::SeqCst)
    }

    /// Every end of every channel of this world still alive.
    #[cfg(not(loom))]
    pub fn ends(&self) -> Vec<PortEnd> {
        self.ends_where(|_| true)
    }

    /// The ends of this world's channels still alive that `pick` chooses,
    /// in one pass over the registry: only the chosen ends are copied out.
    /// The registry stays locked while `pick` looks, so `pick` must not
    /// make channels (reading an end's state is fine).
    #[cfg(not(loom))]
    pub fn ends_where(&self, mut pick: impl FnMut(&PortEnd) -> bool) -> Vec<PortEnd> {
        let mut picked = Vec::new();
        let mut channels = self.channels.lock().unwrap_or_else(|p| p.into_inner());
        channels.retain(|weak| {
            let Some(channel) = weak.upgrade() else {
                return false;
            };
            let mut end = PortEnd {
                channel,
                side: Side::One,
            };
            if pick(&end) {
                picked.push(end.clone());
            }
            end.side = Side::Two;
            if pick(&end) {
                picked.push(end);
            }
            true
        });
        picked
    }

    #[cfg(not(loom))]
    pub(super) fn register(&self, channel: &Arc<Channel>) {
        self.channels
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(Arc::downgrade(channel));
    }
}
