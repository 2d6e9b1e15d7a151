//! Read access to the model's state for the exhaustive search's properties
//! (`crate::exhaustive`), which judge each transition by what was where
//! before and after it. Nothing outside the crate sees these.

use super::{Agent, Model, Port, Queue};

impl Model {
    /// The agents, in order.
    pub(crate) fn agent_states(&self) -> &[Agent] {
        &self.agents
    }

    /// Every port object, collected ones included, in creation order.
    pub(crate) fn port_objects(&self) -> &[Port] {
        &self.ports
    }

    /// Every port message queue, released ones included, in creation order.
    pub(crate) fn port_message_queues(&self) -> &[Queue] {
        &self.queues
    }
}
