//! The graph notation of the reference (`webmessaging::notation`) in Boa:
//! documents built into a Boa context, Boa values printed as documents,
//! and the outcome of a structured clone in either realm, so that the
//! built-in heap and Boa can be compared document by document.
//!
//! The reference's own builder and printer work on its heap only; these
//! are their Boa counterparts, numbering objects the same way.

mod build;
mod outcome;
mod print;

pub use build::{BoaBuilt, BuildError, build};
pub use outcome::Outcome;
pub use print::print;

use boa_engine::JsObject;
use boa_engine::property::PropertyKey as BoaKey;
use webmessaging::notation::PropValue;

/// What the printer needs from the builder: what each getter made returns
/// or throws, the Boa objects of the document (which those values refer
/// to by index), and the keys Boa's %Object.prototype% had before the
/// document added its own.
#[derive(Clone, Debug, Default)]
pub struct Hints {
    /// Each getter function made, with the document's description of it.
    pub getters: Vec<(JsObject, PropValue)>,
    /// The Boa object of each of the document's objects.
    pub objects: Vec<JsObject>,
    /// %Object.prototype%'s own keys in Boa before building.
    pub object_prototype_keys: Vec<BoaKey>,
}
