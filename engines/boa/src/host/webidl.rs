//! The few Web IDL conversions and checks the globals need.
//!
//! <https://webidl.spec.whatwg.org/#es-type-mapping>

use crate::platform::{PlatformObject, PlatformState};
use boa_engine::object::FunctionObjectBuilder;
use boa_engine::property::{Attribute, PropertyDescriptor};
use boa_engine::{
    Context, JsError, JsNativeError, JsObject, JsResult, JsString, JsSymbol, JsValue, NativeFunction,
    js_string,
};

/// A TypeError with this message.
pub fn type_error(message: impl Into<String>) -> JsError {
    JsNativeError::typ().with_message(message.into()).into()
}

/// The receiver as a platform object whose state `accepts`, or the
/// TypeError a Web IDL operation throws on the wrong receiver.
pub fn this_platform(
    this: &JsValue,
    interface: &str,
    accepts: impl Fn(&PlatformObject) -> bool,
) -> JsResult<JsObject> {
    this.as_object()
        .filter(|o| o.downcast_ref::<PlatformObject>().is_some_and(|p| accepts(&p)))
        .ok_or_else(|| type_error(format!("Illegal invocation: the receiver is not a {interface}")))
}

/// Whether the state is a DOMException's.
pub fn is_dom_exception(p: &PlatformObject) -> bool {
    matches!(p.state, PlatformState::DomException { .. })
}

/// Converts to `DOMString` (ToString, which throws on a Symbol).
pub fn dom_string(value: &JsValue, context: &mut Context) -> JsResult<JsString> {
    value.to_string(context)
}

/// Checks that a value can be converted to a dictionary: undefined, null
/// or an object.
pub fn dictionary(value: &JsValue, what: &str) -> JsResult<Option<JsObject>> {
    if value.is_null_or_undefined() {
        return Ok(None);
    }
    value
        .as_object()
        .map(Some)
        .ok_or_else(|| type_error(format!("{what} must be an object, undefined or null")))
}

/// A dictionary member's value (undefined when the dictionary is absent).
pub fn member(dictionary: &Option<JsObject>, name: &str, context: &mut Context) -> JsResult<JsValue> {
    match dictionary {
        Some(d) => d.get(js_string!(name), context),
        None => Ok(JsValue::undefined()),
    }
}

/// Converts an ECMAScript value to `sequence<object>`: "create a sequence
/// from an iterable" with each element converted to `object`.
///
/// <https://webidl.spec.whatwg.org/#js-sequence>
pub fn sequence_of_objects(value: &JsValue, what: &str, context: &mut Context) -> JsResult<Vec<JsObject>> {
    // 1. It must be an object.
    let Some(object) = value.as_object() else {
        return Err(type_error(format!("{what} must be an iterable object")));
    };
    // 2. Its @@iterator method, which must exist.
    let method = object.get(JsSymbol::iterator(), context)?;
    let Some(method) = method.as_callable() else {
        return Err(type_error(format!("{what} is not iterable")));
    };
    sequence_of_objects_from(value, &method, what, context)
}

/// The @@iterator method of `value` if it is an object that has one (the
/// test overload resolution makes between a sequence and a dictionary).
pub fn iterator_method(value: &JsValue, context: &mut Context) -> JsResult<Option<JsObject>> {
    let Some(object) = value.as_object() else {
        return Ok(None);
    };
    let method = object.get(JsSymbol::iterator(), context)?;
    if method.is_null_or_undefined() {
        return Ok(None);
    }
    method
        .as_callable()
        .map(Some)
        .ok_or_else(|| type_error("the @@iterator property is not callable"))
}

/// "Create a sequence from an iterable" of `sequence<object>`, with the
/// @@iterator `method` already got.
pub fn sequence_of_objects_from(
    value: &JsValue,
    method: &JsObject,
    what: &str,
    context: &mut Context,
) -> JsResult<Vec<JsObject>> {
    // 3. GetIteratorFromMethod, then IteratorStepValue until done.
    let iterator = method.call(value, &[], context)?;
    let Some(iterator) = iterator.as_object() else {
        return Err(type_error(format!("{what}'s iterator is not an object")));
    };
    let next = iterator.get(js_string!("next"), context)?;
    let mut out = Vec::new();
    loop {
        let Some(next) = next.as_callable() else {
            return Err(type_error(format!("{what}'s iterator has no next method")));
        };
        let result = next.call(&iterator.clone().into(), &[], context)?;
        let Some(result) = result.as_object() else {
            return Err(type_error(format!("{what}'s iterator result is not an object")));
        };
        if result.get(js_string!("done"), context)?.to_boolean() {
            return Ok(out);
        }
        let element = result.get(js_string!("value"), context)?;
        // 4. Each element converted to `object`.
        match element.as_object() {
            Some(o) => out.push(o),
            None => {
                return Err(type_error(format!(
                    "{what}[{}] is not an object (a {})",
                    out.len(),
                    element.type_of()
                )));
            }
        }
    }
}

/// A built-in function object named `name`.
pub fn function(
    context: &mut Context,
    name: &str,
    length: usize,
    f: fn(&JsValue, &[JsValue], &mut Context) -> JsResult<JsValue>,
) -> JsObject {
    FunctionObjectBuilder::new(context.realm(), NativeFunction::from_fn_ptr(f))
        .name(js_string!(name))
        .length(length)
        .build()
        .into()
}

/// Defines an operation (a method) on an interface prototype object or the
/// global object: writable, enumerable, configurable, as Web IDL says.
pub fn define_operation(
    target: &JsObject,
    context: &mut Context,
    name: &str,
    length: usize,
    f: fn(&JsValue, &[JsValue], &mut Context) -> JsResult<JsValue>,
) -> JsResult<()> {
    let function = function(context, name, length, f);
    target.define_property_or_throw(
        js_string!(name),
        PropertyDescriptor::builder()
            .value(function)
            .writable(true)
            .enumerable(true)
            .configurable(true),
        context,
    )?;
    Ok(())
}

/// Defines a read-only attribute's getter (enumerable, configurable).
pub fn define_getter(
    target: &JsObject,
    context: &mut Context,
    name: &str,
    getter: fn(&JsValue, &[JsValue], &mut Context) -> JsResult<JsValue>,
) -> JsResult<()> {
    let get = function(context, &format!("get {name}"), 0, getter);
    target.define_property_or_throw(
        js_string!(name),
        PropertyDescriptor::builder()
            .get(get)
            .enumerable(true)
            .configurable(true),
        context,
    )?;
    Ok(())
}

/// Defines a constant (not writable, enumerable, not configurable).
pub fn define_constant(target: &JsObject, context: &mut Context, name: &str, value: u16) -> JsResult<()> {
    target.define_property_or_throw(
        js_string!(name),
        PropertyDescriptor::builder()
            .value(value)
            .writable(false)
            .enumerable(true)
            .configurable(false),
        context,
    )?;
    Ok(())
}

/// Defines the interface's class string (`@@toStringTag`).
pub fn define_to_string_tag(prototype: &JsObject, context: &mut Context, name: &str) -> JsResult<()> {
    prototype.define_property_or_throw(
        JsSymbol::to_string_tag(),
        PropertyDescriptor::builder()
            .value(js_string!(name))
            .writable(false)
            .enumerable(false)
            .configurable(true),
        context,
    )?;
    Ok(())
}

/// Exposes an interface object (or another global) as Web IDL does:
/// writable, not enumerable, configurable.
pub fn expose(context: &mut Context, name: &str, value: impl Into<JsValue>) -> JsResult<()> {
    context.register_global_property(
        js_string!(name),
        value,
        Attribute::WRITABLE | Attribute::CONFIGURABLE | Attribute::NON_ENUMERABLE,
    )
}

/// GetPrototypeFromConstructor(newTarget, fallback): the prototype an
/// interface's constructor gives the new object.
pub fn prototype_from_new_target(
    new_target: &JsValue,
    fallback: JsObject,
    interface: &str,
    context: &mut Context,
) -> JsResult<JsObject> {
    let Some(new_target) = new_target.as_object() else {
        return Err(type_error(format!("{interface} constructor: 'new' is required")));
    };
    let prototype = new_target.get(js_string!("prototype"), context)?;
    Ok(prototype.as_object().unwrap_or(fallback))
}

/// Defines a read-write attribute's getter and setter (enumerable,
/// configurable).
pub fn define_accessor(
    target: &JsObject,
    context: &mut Context,
    name: &str,
    getter: fn(&JsValue, &[JsValue], &mut Context) -> JsResult<JsValue>,
    setter: fn(&JsValue, &[JsValue], &mut Context) -> JsResult<JsValue>,
) -> JsResult<()> {
    let get = function(context, &format!("get {name}"), 0, getter);
    let set = function(context, &format!("set {name}"), 1, setter);
    target.define_property_or_throw(
        js_string!(name),
        PropertyDescriptor::builder()
            .get(get)
            .set(set)
            .enumerable(true)
            .configurable(true),
        context,
    )?;
    Ok(())
}
