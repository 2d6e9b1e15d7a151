//! # webmessaging
//!
//! An executable reference for the HTML Standard's channel messaging
//! (`MessageChannel`, `MessagePort`, port message queues, ports shipped
//! between event loops) and for the structured clone machinery under it.
//!
//! Layers, each importing only the ones above it:
//!
//! 1. [`ecmascript`]: values, the [`ecmascript::Realm`] trait of ECMAScript
//!    abstract operations, and the built-in [`ecmascript::Heap`] realm.
//! 2. [`structured`]: "Safe passing of structured data": serialized records,
//!    StructuredSerialize/Deserialize and their WithTransfer forms,
//!    `structuredClone`, and a validating binary encoding of records.
//! 3. [`messaging`]: "Channel messaging": event loops, MessageChannel,
//!    MessagePort, the port message queue and shipping ports.
//! 4. [`spec`]: the `step!` markers tying code to `spec/catalogue.md`.
//!
//! The graph notation of the command-line tool is in [`notation`] (feature
//! `notation`, on by default).

#![forbid(unsafe_code)]
#![warn(missing_docs)]
// `[[Slot]]` is the standards' notation for internal slots and methods, used
// throughout the docs; rustdoc would read each as a link.
#![allow(rustdoc::broken_intra_doc_links)]

pub mod spec;

pub mod ecmascript;
pub mod structured;

pub mod messaging;

#[cfg(feature = "notation")]
pub mod notation;

#[cfg(all(feature = "notation", not(loom)))]
pub mod scenario;
