//! The reference's [`Realm`](webmessaging::ecmascript::Realm) trait,
//! implemented over a Boa [`Context`]: the structured-data algorithms read
//! and create Boa objects through it.
//!
//! | part | file |
//! |---|---|
//! | values, keys, symbols | `value.rs` |
//! | what kind of object a Boa object is | `kind.rs` |
//! | buffers, views, shared memory | `buffers.rs` |
//! | the trait itself | `realm_impl.rs` |
//! | slots only Boa's `Debug` text shows | `debug_slots.rs` |
//! | intrinsic getters kept for slot reads | `originals.rs` |

mod buffers;
mod debug_slots;
mod errors;
mod kind;
mod originals;
mod realm_impl;
mod value;

pub use buffers::{BoaSharedMemory, buffer_bytes, detach, view_constructor};
pub use errors::{error_kind, error_prototype, error_prototype_of};
pub use kind::{BoaKind, classify};
pub use originals::Originals;
pub use value::{
    SymbolTable, bigint_from_boa, bigint_to_boa, from_boa, key_from_boa, key_to_boa, string_from_boa,
    string_to_boa, to_boa,
};

use boa_engine::{Context, JsError, JsObject, JsResult, JsValue};
use std::cell::RefCell;
use std::fmt;
use std::hash::{Hash, Hasher};
use webmessaging::ecmascript::{AgentClusterId, Exception, Value};

/// A handle to a Boa object: equality and hashing are object identity.
#[derive(Clone)]
pub struct Object(pub JsObject);

impl PartialEq for Object {
    fn eq(&self, other: &Self) -> bool {
        JsObject::equals(&self.0, &other.0)
    }
}

impl Eq for Object {}

impl Hash for Object {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.0.hash(state);
    }
}

impl fmt::Debug for Object {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Boa's own Debug prints the data type and the address, never the
        // contents, so it stays short on cyclic graphs.
        write!(f, "Object{:?}", self.0)
    }
}

/// What the host says about the agent a realm belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AgentSettings {
    /// The agent cluster (SharedArrayBuffers stay within one).
    pub agent_cluster: AgentClusterId,
    /// The settings object's cross-origin isolated capability.
    pub cross_origin_isolated: bool,
}

impl Default for AgentSettings {
    /// One cluster for the whole process, cross-origin isolated: Boa always
    /// exposes `SharedArrayBuffer`, as a cross-origin isolated page does.
    fn default() -> Self {
        AgentSettings {
            agent_cluster: AgentClusterId(1),
            cross_origin_isolated: true,
        }
    }
}

/// The current realm of a Boa context, as the reference's algorithms see it.
///
/// Operations the trait takes by `&self` still need Boa's `&mut Context` to
/// call the few built-in getters the realm reads slots through (none runs
/// author code), hence the `RefCell`.
pub struct BoaRealm<'c> {
    context: RefCell<&'c mut Context>,
    symbols: SymbolTable,
    originals: Originals,
    settings: AgentSettings,
}

impl<'c> BoaRealm<'c> {
    /// The realm of `context`'s current realm, in an agent with `settings`.
    pub fn new(context: &'c mut Context, settings: AgentSettings) -> JsResult<Self> {
        let originals = Originals::of(context)?;
        Ok(BoaRealm {
            context: RefCell::new(context),
            symbols: SymbolTable::default(),
            originals,
            settings,
        })
    }

    /// The Boa context (for the host's own steps, e.g. platform objects).
    pub fn context(&mut self) -> &mut Context {
        self.context.get_mut()
    }

    /// The symbols met so far.
    pub fn symbols(&self) -> &SymbolTable {
        &self.symbols
    }

    /// A Boa value as the reference's value.
    pub fn value_from_boa(&self, value: &JsValue) -> Value<Object> {
        from_boa(value, &self.symbols)
    }

    /// A reference value as Boa's value.
    pub fn value_to_boa(&self, value: &Value<Object>) -> JsValue {
        to_boa(value, &self.symbols)
    }

    /// Runs `f` with the context, from a `&self` operation.
    pub(crate) fn with_context<T>(&self, f: impl FnOnce(&mut Context) -> T) -> T {
        f(&mut self.context.borrow_mut())
    }

    /// A Boa error as the reference's abrupt completion: the thrown value
    /// itself (an error Boa raised natively becomes a real Error object of
    /// this realm first, as it would for a script).
    pub fn exception(&mut self, error: JsError) -> Exception<Object> {
        let thrown = error
            .into_opaque(self.context.get_mut())
            .unwrap_or_else(|_| JsValue::undefined());
        Exception(self.value_from_boa(&thrown))
    }
}
