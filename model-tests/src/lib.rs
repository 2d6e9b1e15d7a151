//! Model checks of the webmessaging reference.
//!
//! - [`model`]: a reference model of channel messaging, written from the
//!   standard independently of `webmessaging::messaging`;
//! - [`scenario`]: the operations it is driven with, printed in the
//!   scenario language of `webmessaging run`.

pub mod model;
pub mod scenario;
