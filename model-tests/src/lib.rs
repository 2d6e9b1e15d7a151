//! Model checks of the webmessaging reference.
