//! Model checks of the webmessaging reference.

pub mod clone_checks;
pub mod graphs;
pub mod predicate;
