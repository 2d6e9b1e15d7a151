//! Deliberate bugs, switched on only by the tests that show the checks catch
//! them (a mutated model against the true implementation is the same
//! experiment as a broken implementation against the true model). Each is a
//! one-line change at the step it breaks; with no mutation set, the model
//! is the model.

use super::Model;

/// A deliberate departure from the model's rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Mutation {
    /// The transfer steps forget that the port has been shipped: the
    /// original keeps its port message queue (transferMessagePort/2 and the
    /// reading `shipped-original-is-inert` dropped), so two ports hold it.
    ShippedOriginalKeepsQueue,
    /// `close` is dispatched as soon as it is queued, before the messages
    /// already in the queue (the reading `close-is-a-task` dropped).
    CloseBeforeMessages,
    /// Garbage collection ignores the strong reference a listening port
    /// gets from its entangled port (ports-and-garbage-collection/2).
    CollectListeningPort,
}

impl Mutation {
    /// Every mutation, in order.
    pub const ALL: [Mutation; 3] = [
        Mutation::ShippedOriginalKeepsQueue,
        Mutation::CloseBeforeMessages,
        Mutation::CollectListeningPort,
    ];

    /// Its name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Mutation::ShippedOriginalKeepsQueue => "shipped-original-keeps-queue",
            Mutation::CloseBeforeMessages => "close-before-messages",
            Mutation::CollectListeningPort => "collect-listening-port",
        }
    }

    /// The mutation called `name`.
    pub fn from_name(name: &str) -> Option<Mutation> {
        Mutation::ALL.into_iter().find(|m| m.name() == name)
    }
}

impl Model {
    /// This model with `mutation` switched on.
    pub fn with_mutation(mut self, mutation: Mutation) -> Model {
        self.mutation = Some(mutation);
        self
    }

    /// Whether `mutation` is switched on.
    pub(super) fn mutated(&self, mutation: Mutation) -> bool {
        self.mutation == Some(mutation)
    }
}
