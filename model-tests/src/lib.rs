//! Model checks of the webmessaging reference.

pub mod graphs;
pub mod predicate;
