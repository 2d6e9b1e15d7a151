//! The webmessaging reference inside the Boa JavaScript engine (boa_engine
//! 0.22): the reference's `Realm` trait implemented over Boa objects, the
//! web-facing globals installed into a Boa context, and an event loop per
//! agent, so that the standard's algorithms run real JavaScript.
//!
//! - [`realm`]: `BoaRealm`, the `Realm` trait over a Boa context;
//! - [`platform`]: the native data of platform objects;
//! - [`host`]: the globals and the event loop;
//! - [`notation`]: graph-notation documents built into Boa and printed back;
//! - [`runner`]: the `webmessaging-js` command.
//!
//! See `engines/boa/README.md` for what is covered and what Boa's public
//! API cannot reach.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod host;
pub mod notation;
pub mod platform;
pub mod realm;
pub mod runner;
