//! The native error kinds in Boa's terms: each kind's intrinsic prototype,
//! Boa's tag for it, and the kind an Error object's prototype names.

use boa_engine::builtins::error::ErrorKind;
use boa_engine::{Context, JsObject};
use webmessaging::ecmascript::ErrorPrototype;

/// The intrinsic %NativeError.prototype% (or %Error.prototype%) of a kind.
pub fn error_prototype(kind: ErrorPrototype, context: &Context) -> JsObject {
    let c = context.intrinsics().constructors();
    match kind {
        ErrorPrototype::Error => c.error(),
        ErrorPrototype::EvalError => c.eval_error(),
        ErrorPrototype::RangeError => c.range_error(),
        ErrorPrototype::ReferenceError => c.reference_error(),
        ErrorPrototype::SyntaxError => c.syntax_error(),
        ErrorPrototype::TypeError => c.type_error(),
        ErrorPrototype::URIError => c.uri_error(),
    }
    .prototype()
}

/// Boa's tag for a native error kind.
pub fn error_kind(kind: ErrorPrototype) -> ErrorKind {
    match kind {
        ErrorPrototype::Error => ErrorKind::Error,
        ErrorPrototype::EvalError => ErrorKind::Eval,
        ErrorPrototype::RangeError => ErrorKind::Range,
        ErrorPrototype::ReferenceError => ErrorKind::Reference,
        ErrorPrototype::SyntaxError => ErrorKind::Syntax,
        ErrorPrototype::TypeError => ErrorKind::Type,
        ErrorPrototype::URIError => ErrorKind::Uri,
    }
}

/// The native error kind whose prototype `o`'s [[Prototype]] is, if any.
pub fn error_prototype_of(o: &JsObject, context: &Context) -> Option<ErrorPrototype> {
    let prototype = o.prototype()?;
    ErrorPrototype::ALL
        .into_iter()
        .find(|kind| JsObject::equals(&error_prototype(*kind, context), &prototype))
}
