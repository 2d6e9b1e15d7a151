//! Model checks of the webmessaging reference.

pub mod oracle;
