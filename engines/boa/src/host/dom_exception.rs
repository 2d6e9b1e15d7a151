//! `DOMException`: the Web IDL exception interface, with the standard's
//! names and legacy codes. Its prototype's [[Prototype]] is
//! %Error.prototype%, so a DOMException is `instanceof Error` and prints
//! through `Error.prototype.toString` as `Name: message`.
//!
//! <https://webidl.spec.whatwg.org/#idl-DOMException>

use super::webidl::{
    define_constant, define_getter, define_to_string_tag, dom_string, is_dom_exception,
    prototype_from_new_target, this_platform,
};
use super::{HostIntrinsics, constructor};
use crate::platform::{PlatformObject, PlatformState, platform_data};
use boa_engine::{Context, JsError, JsObject, JsResult, JsString, JsValue, js_string};

/// The DOMException names table: each name with its legacy code (0 for the
/// names that have none).
///
/// <https://webidl.spec.whatwg.org/#dfn-error-names-table>
pub const NAMES: [(&str, u16); 32] = [
    ("IndexSizeError", 1),
    ("HierarchyRequestError", 3),
    ("WrongDocumentError", 4),
    ("InvalidCharacterError", 5),
    ("NoModificationAllowedError", 7),
    ("NotFoundError", 8),
    ("NotSupportedError", 9),
    ("InvalidStateError", 11),
    ("SyntaxError", 12),
    ("InvalidModificationError", 13),
    ("NamespaceError", 14),
    ("InvalidAccessError", 15),
    ("TypeMismatchError", 17),
    ("SecurityError", 18),
    ("NetworkError", 19),
    ("AbortError", 20),
    ("URLMismatchError", 21),
    ("QuotaExceededError", 22),
    ("TimeoutError", 23),
    ("InvalidNodeTypeError", 24),
    ("DataCloneError", 25),
    ("EncodingError", 0),
    ("NotReadableError", 0),
    ("UnknownError", 0),
    ("ConstraintError", 0),
    ("DataError", 0),
    ("TransactionInactiveError", 0),
    ("ReadOnlyError", 0),
    ("VersionError", 0),
    ("OperationError", 0),
    ("NotAllowedError", 0),
    ("OptOutError", 0),
];

/// The legacy code constants on the interface object and its prototype.
pub const CONSTANTS: [(&str, u16); 25] = [
    ("INDEX_SIZE_ERR", 1),
    ("DOMSTRING_SIZE_ERR", 2),
    ("HIERARCHY_REQUEST_ERR", 3),
    ("WRONG_DOCUMENT_ERR", 4),
    ("INVALID_CHARACTER_ERR", 5),
    ("NO_DATA_ALLOWED_ERR", 6),
    ("NO_MODIFICATION_ALLOWED_ERR", 7),
    ("NOT_FOUND_ERR", 8),
    ("NOT_SUPPORTED_ERR", 9),
    ("INUSE_ATTRIBUTE_ERR", 10),
    ("INVALID_STATE_ERR", 11),
    ("SYNTAX_ERR", 12),
    ("INVALID_MODIFICATION_ERR", 13),
    ("NAMESPACE_ERR", 14),
    ("INVALID_ACCESS_ERR", 15),
    ("VALIDATION_ERR", 16),
    ("TYPE_MISMATCH_ERR", 17),
    ("SECURITY_ERR", 18),
    ("NETWORK_ERR", 19),
    ("ABORT_ERR", 20),
    ("URL_MISMATCH_ERR", 21),
    ("QUOTA_EXCEEDED_ERR", 22),
    ("TIMEOUT_ERR", 23),
    ("INVALID_NODE_TYPE_ERR", 24),
    ("DATA_CLONE_ERR", 25),
];

/// The legacy code of a name (0 when the table gives none).
pub fn legacy_code(name: &str) -> u16 {
    NAMES
        .iter()
        .find(|(n, _)| *n == name)
        .map_or(0, |(_, code)| *code)
}

/// A new DOMException of this realm.
pub fn create(context: &mut Context, name: &str, message: &str) -> JsResult<JsObject> {
    let prototype = HostIntrinsics::of(context)?.dom_exception.clone();
    Ok(new_instance(prototype, js_string!(name), js_string!(message)))
}

/// A DOMException object with this prototype, name and message.
pub fn new_instance(prototype: JsObject, name: JsString, message: JsString) -> JsObject {
    let data = PlatformObject::with_state(
        "DOMException",
        None,
        PlatformState::DomException { name, message },
    );
    JsObject::from_proto_and_data(prototype, data)
}

/// The error that throws a new DOMException (a TypeError should this
/// realm lack the interface, which the host always installs).
pub fn throw(context: &mut Context, name: &str, message: &str) -> JsError {
    match create(context, name, message) {
        Ok(exception) => JsError::from_opaque(exception.into()),
        Err(error) => error,
    }
}

/// `new DOMException(message = "", name = "Error")`
fn dom_exception_constructor(
    new_target: &JsValue,
    args: &[JsValue],
    context: &mut Context,
) -> JsResult<JsValue> {
    let fallback = HostIntrinsics::of(context)?.dom_exception.clone();
    let prototype = prototype_from_new_target(new_target, fallback, "DOMException", context)?;
    let message = match args.first() {
        Some(m) if !m.is_undefined() => dom_string(m, context)?,
        _ => JsString::default(),
    };
    let name = match args.get(1) {
        Some(n) if !n.is_undefined() => dom_string(n, context)?,
        _ => js_string!("Error"),
    };
    Ok(new_instance(prototype, name, message).into())
}

fn fields(this: &JsValue) -> JsResult<(JsString, JsString)> {
    let object = this_platform(this, "DOMException", is_dom_exception)?;
    let data = platform_data(&object);
    match data.as_deref().map(|d| &d.state) {
        Some(PlatformState::DomException { name, message }) => Ok((name.clone(), message.clone())),
        _ => Err(super::webidl::type_error(
            "Illegal invocation: not a DOMException",
        )),
    }
}

fn get_name(this: &JsValue, _: &[JsValue], _: &mut Context) -> JsResult<JsValue> {
    Ok(fields(this)?.0.into())
}

fn get_message(this: &JsValue, _: &[JsValue], _: &mut Context) -> JsResult<JsValue> {
    Ok(fields(this)?.1.into())
}

fn get_code(this: &JsValue, _: &[JsValue], _: &mut Context) -> JsResult<JsValue> {
    Ok(legacy_code(&fields(this)?.0.to_std_string_lossy()).into())
}

/// The `DOMException` interface object and prototype.
pub fn interface(context: &mut Context) -> JsResult<(JsObject, JsObject)> {
    let error_prototype = context.intrinsics().constructors().error().prototype();
    let (constructor, prototype) = constructor(context, "DOMException", 0, dom_exception_constructor, None)?;
    // Web IDL: DOMException.prototype's [[Prototype]] is %Error.prototype%.
    prototype.set_prototype(Some(error_prototype));
    define_getter(&prototype, context, "name", get_name)?;
    define_getter(&prototype, context, "message", get_message)?;
    define_getter(&prototype, context, "code", get_code)?;
    for target in [&constructor, &prototype] {
        for (name, code) in CONSTANTS {
            define_constant(target, context, name, code)?;
        }
    }
    define_to_string_tag(&prototype, context, "DOMException")?;
    Ok((constructor, prototype))
}
