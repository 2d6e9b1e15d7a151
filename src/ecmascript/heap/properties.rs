//! Own properties of heap objects: the stored ones, the virtual ones that
//! String and Array exotic objects answer for, their [[OwnPropertyKeys]]
//! order, [[Get]] with the few inherited properties the heap models, and
//! property definition.

use super::property_list::{Stored, index_key};
use super::{Accessor, Heap, ObjectId, ObjectKind, OwnProperty};
use crate::ecmascript::{Exception, JsString, PropertyKey, Value};

/// Whether `name` is exactly the ASCII text `text`.
pub(super) fn is_named(name: &JsString, text: &str) -> bool {
    // ASCII: as many code units as bytes, so most names differ in length
    // (every Array index key is checked against "length").
    debug_assert!(text.is_ascii());
    name.len() == text.len() && name.code_units().iter().copied().eq(text.encode_utf16())
}

/// Whether `key` is the String key `text`.
fn key_is(key: &PropertyKey, text: &str) -> bool {
    key.as_string().is_some_and(|name| is_named(name, text))
}

fn configurable(property: &OwnProperty) -> bool {
    match property {
        OwnProperty::Data { configurable, .. } | OwnProperty::Accessor { configurable, .. } => *configurable,
    }
}

/// The own properties that are not stored in `HeapObject::properties` but
/// follow from the object's kind: an Array's `length`, a String object's
/// `length` and (when `with_indices`) one property per code unit.
fn virtual_property(kind: &ObjectKind, key: &PropertyKey, with_indices: bool) -> Option<OwnProperty> {
    let name = key.as_string()?;
    match kind {
        ObjectKind::Array { length } if is_named(name, "length") => Some(OwnProperty::Data {
            value: Value::Number(f64::from(*length)),
            writable: true,
            enumerable: false,
            configurable: false,
        }),
        ObjectKind::StringWrapper(s) if is_named(name, "length") => Some(OwnProperty::Data {
            value: Value::Number(s.len() as f64),
            writable: false,
            enumerable: false,
            configurable: false,
        }),
        ObjectKind::StringWrapper(s) if with_indices => {
            let unit = *s
                .code_units()
                .get(usize::try_from(name.as_array_index()?).ok()?)?;
            Some(OwnProperty::Data {
                value: Value::String(JsString::from(&[unit][..])),
                writable: false,
                enumerable: true,
                configurable: false,
            })
        }
        _ => None,
    }
}

/// One own key as [`Heap::for_each_own_key`] visits it: a stored key, or
/// one that follows from the object's kind.
enum OwnKey<'a> {
    /// A key of `HeapObject::properties`.
    Stored(&'a PropertyKey),
    /// A String object's code-unit index, or a dense element's index.
    Index(usize),
    /// An Array's or String object's `length`.
    Length,
}

impl Heap {
    /// O.[[GetOwnProperty]](P) as the heap models it: virtual properties
    /// first (a String object's code units and `length`, an Array's
    /// `length`), then stored ones. `None` for a handle this heap does not hold.
    pub fn own_property(&self, id: ObjectId, key: &PropertyKey) -> Option<OwnProperty> {
        self.own_property_with(id, key, true)
    }

    /// OrdinaryGetOwnProperty(O, P): like [`Heap::own_property`] except that
    /// a String object's code-unit properties, which only the String exotic
    /// [[GetOwnProperty]] produces, are not seen. `length` is an ordinary own
    /// property of both Arrays and String objects, so it is.
    pub fn ordinary_own_property(&self, id: ObjectId, key: &PropertyKey) -> Option<OwnProperty> {
        self.own_property_with(id, key, false)
    }

    fn own_property_with(&self, id: ObjectId, key: &PropertyKey, with_indices: bool) -> Option<OwnProperty> {
        let object = self.get_object(id)?;
        virtual_property(&object.kind, key, with_indices)
            .or_else(|| object.properties.get(key).map(std::borrow::Cow::into_owned))
    }

    /// O.[[OwnPropertyKeys]](): array indices ascending, then the other String
    /// keys in creation order, then Symbol keys in creation order. A String
    /// object's code-unit indices lead, and a String object's or an Array's
    /// `length` comes right after the indices (both objects define it when
    /// they are created). Empty for a handle this heap does not hold.
    pub fn own_property_keys(&self, id: ObjectId) -> Vec<PropertyKey> {
        let mut keys = Vec::new();
        self.for_each_own_key(id, 0, |key, _| {
            keys.push(match key {
                OwnKey::Stored(key) => key.clone(),
                OwnKey::Index(i) => PropertyKey::String(index_key(i)),
                OwnKey::Length => PropertyKey::from("length"),
            });
        });
        keys
    }

    /// The enumerable String keys among [`Heap::own_property_keys`], in that order.
    pub fn enumerable_own_string_keys(&self, id: ObjectId) -> Vec<JsString> {
        let mut keys = Vec::new();
        self.append_enumerable_own_string_keys(id, &mut keys);
        keys
    }

    /// [`Heap::enumerable_own_string_keys`], appended to `keys`.
    pub fn append_enumerable_own_string_keys(&self, id: ObjectId, keys: &mut Vec<JsString>) {
        self.for_each_own_key(id, 0, |key, enumerable| match key {
            OwnKey::Stored(PropertyKey::String(name)) if enumerable => keys.push(name.clone()),
            OwnKey::Index(i) => keys.push(index_key(i)),
            _ => {}
        });
    }

    /// [`Heap::append_enumerable_own_string_keys`] of an Array without its
    /// leading elements: returns how many elements from index 0 on it has
    /// without a hole (`n`) and appends the enumerable String keys after
    /// indices 0 to `n - 1` (see
    /// `Realm::append_enumerable_own_property_keys_after_elements`). Any
    /// other object: every key, and 0.
    pub fn append_enumerable_own_string_keys_after_elements(
        &self,
        id: ObjectId,
        keys: &mut Vec<JsString>,
    ) -> u32 {
        let leading = match self.get_object(id) {
            Some(object) if matches!(object.kind, ObjectKind::Array { .. }) => {
                u32::try_from(object.properties.leading_elements()).unwrap_or(0)
            }
            _ => 0,
        };
        self.for_each_own_key(id, leading as usize, |key, enumerable| match key {
            OwnKey::Stored(PropertyKey::String(name)) if enumerable => keys.push(name.clone()),
            OwnKey::Index(i) => keys.push(index_key(i)),
            _ => {}
        });
        leading
    }

    /// `Realm::own_data_value` of the array index `index`, by index: the
    /// dense element (or its absence) when the object keeps its indices
    /// densely, else the general lookup by key.
    pub fn own_element_value(&self, id: ObjectId, index: u32) -> Option<Option<Value<ObjectId>>> {
        if let Some(object) = self.get_object(id)
            && !matches!(object.kind, ObjectKind::StringWrapper(_))
            && let Some(element) = object.properties.element(index as usize)
        {
            return Some(element.cloned());
        }
        self.own_data_value(id, &PropertyKey::String(index_key(index as usize)))
    }

    /// [`Heap::create_data_property_on_new`] of the array index `index` on
    /// a new Array: a dense element when the Array keeps them so.
    pub(crate) fn create_element_on_new(&mut self, id: ObjectId, index: u32, value: Value<ObjectId>) -> bool {
        let value = if index != u32::MAX
            && let Some(ObjectKind::Array { .. }) = self.get_object(id).map(|o| &o.kind)
        {
            let object = self.object_mut(id);
            match object.properties.try_insert_element(index as usize, value) {
                None => {
                    if let ObjectKind::Array { length } = &mut object.kind
                        && index >= *length
                    {
                        *length = index + 1;
                    }
                    return true;
                }
                Some(value) => value,
            }
        } else {
            value
        };
        self.create_data_property_on_new(id, PropertyKey::String(index_key(index as usize)), value)
    }

    /// Visits the own keys in [[OwnPropertyKeys]] order, each with its
    /// [[Enumerable]], without collecting them first.
    /// The first `skip_elements` dense elements are left out (the caller
    /// knows them).
    fn for_each_own_key(&self, id: ObjectId, skip_elements: usize, mut visit: impl FnMut(OwnKey<'_>, bool)) {
        let Some(object) = self.get_object(id) else {
            return;
        };
        let (string_units, has_length) = match &object.kind {
            ObjectKind::StringWrapper(s) => (s.len(), true),
            ObjectKind::Array { .. } => (0, true),
            _ => (0, false),
        };
        let properties = &object.properties;
        let entries = properties.entries();
        let index_of = |key: &PropertyKey| usize::try_from(key.as_string()?.as_array_index()?).ok();
        fn stored((key, property): &(PropertyKey, OwnProperty)) -> (OwnKey<'_>, bool) {
            (OwnKey::Stored(key), property.enumerable())
        }
        for i in 0..string_units {
            visit(OwnKey::Index(i), true);
        }
        // Array indices ascending (a stored index the String already covers
        // is shadowed by it): the dense elements (plain data properties,
        // enumerable), and the entries with index keys (only once the list
        // is sparse, when there are no dense elements): off the list's index
        // vector when it holds them all, else in stored order when that is
        // ascending (it usually is), else sorted.
        for (i, _) in properties.elements_from(skip_elements.max(string_units)) {
            visit(OwnKey::Index(i), true);
        }
        // Entries hold no index key until the list is sparse.
        let sparse = properties.is_sparse();
        if !sparse {
            // No index key among the entries.
        } else if let Some(in_order) = properties.array_indices_in_order() {
            for (_, at) in in_order.filter(|(i, _)| *i >= string_units) {
                let (key, enumerable) = stored(&entries[at]);
                visit(key, enumerable);
            }
        } else if entries.iter().filter_map(|(key, _)| index_of(key)).is_sorted() {
            for pair in entries {
                if index_of(&pair.0).is_some_and(|i| i >= string_units) {
                    let (key, enumerable) = stored(pair);
                    visit(key, enumerable);
                }
            }
        } else {
            let mut found: Vec<_> = entries
                .iter()
                .filter_map(|pair| Some((index_of(&pair.0)?, pair)))
                .filter(|(i, _)| *i >= string_units)
                .collect();
            found.sort_by_key(|(i, _)| *i);
            for (_, pair) in found {
                let (key, enumerable) = stored(pair);
                visit(key, enumerable);
            }
        }
        if has_length {
            visit(OwnKey::Length, false);
        }
        for pair in entries {
            let other_string = pair.0.as_string().is_some_and(|name| {
                let index = sparse && name.as_array_index().is_some();
                !(index || has_length && is_named(name, "length"))
            });
            if other_string {
                let (key, enumerable) = stored(pair);
                visit(key, enumerable);
            }
        }
        for pair in entries {
            if matches!(pair.0, PropertyKey::Symbol(_)) {
                let (key, enumerable) = stored(pair);
                visit(key, enumerable);
            }
        }
    }

    /// O.[[Get]](P, O): an own data property's value, an own getter's result
    /// (or its exception), else what the built-in prototype chain holds.
    ///
    /// # Errors
    ///
    /// What an own [`Accessor::Throws`] getter throws.
    pub fn get_property(
        &self,
        id: ObjectId,
        key: &PropertyKey,
    ) -> Result<Value<ObjectId>, Exception<ObjectId>> {
        match self.own_property(id, key) {
            Some(OwnProperty::Data { value, .. }) => Ok(value),
            Some(OwnProperty::Accessor { getter, .. }) => match *getter {
                Accessor::Returns(value) => Ok(value),
                Accessor::Throws(value) => Err(Exception(value)),
            },
            None => match self.inherited_property(id, key) {
                Some(value) => Ok(value),
                // Every prototype chain ends at %Object.prototype%, whose own
                // properties (a document may give it some) come last.
                None if id != self.object_prototype() && self.get_object(id).is_some() => {
                    self.get_property(self.object_prototype(), key)
                }
                None => Ok(Value::Undefined),
            },
        }
    }

    /// The few properties the heap's intrinsic prototypes between an object
    /// and %Object.prototype% provide: an Error prototype's `name` and its
    /// `message` (the empty String), and the `source` and `flags` getters of
    /// %RegExp.prototype%.
    fn inherited_property(&self, id: ObjectId, key: &PropertyKey) -> Option<Value<ObjectId>> {
        Some(match &self.get_object(id)?.kind {
            ObjectKind::Error { prototype, .. } if key_is(key, "name") => Value::from(prototype.name()),
            ObjectKind::Error { .. } if key_is(key, "message") => Value::from(""),
            ObjectKind::RegExp(slots) if key_is(key, "source") => {
                Value::String(escape_regexp_pattern(&slots.source))
            }
            ObjectKind::RegExp(slots) if key_is(key, "flags") => Value::String(canonical_flags(&slots.flags)),
            _ => return None,
        })
    }

    /// O.[[DefineOwnProperty]](P, Desc) for a complete descriptor, checked as
    /// ValidateAndApplyPropertyDescriptor checks it against the current
    /// property (every heap object is extensible). On an Array, an index at or
    /// past `length` grows it and a new `length` drops the indices past it,
    /// as the Array exotic [[DefineOwnProperty]] does; the heap cannot
    /// represent a non-writable `length`, so that is refused. Returns whether
    /// the definition took effect; false for a handle this heap does not hold.
    pub fn define_own_property(&mut self, id: ObjectId, key: PropertyKey, desc: OwnProperty) -> bool {
        let Some(object) = self.get_object(id) else {
            return false;
        };
        if let Some(current) = self.own_property(id, &key)
            && !compatible(&current, &desc)
        {
            return false;
        }
        // A virtual property that passed the check above is left as it is:
        // only an identical redefinition of a non-configurable one passes.
        if virtual_property(&object.kind, &key, true).is_some()
            && !matches!(object.kind, ObjectKind::Array { .. })
        {
            return true;
        }
        if let ObjectKind::Array { length } = object.kind {
            if key_is(&key, "length") {
                return self.set_array_length(id, length, &desc);
            }
            if let Some(index) = key.as_string().and_then(JsString::as_array_index)
                && index >= length
                && let ObjectKind::Array { length } = &mut self.object_mut(id).kind
            {
                *length = index + 1;
            }
        }
        self.define_property(id, key, desc);
        true
    }

    /// ArraySetLength, for a `length` descriptor already checked against the
    /// current one: removes the index properties at or past the new length,
    /// from the highest down, stopping at a non-configurable one.
    fn set_array_length(&mut self, id: ObjectId, old_length: u32, desc: &OwnProperty) -> bool {
        let OwnProperty::Data {
            value: Value::Number(n),
            writable: true,
            ..
        } = desc
        else {
            return false;
        };
        let new_length = *n as u32;
        if f64::from(new_length) != *n {
            return false;
        }
        let mut length = new_length;
        if new_length < old_length {
            let object = self.object_mut(id);
            // Deletion runs from the highest index down and stops at the first
            // index that cannot be deleted.
            if let Some(stuck) = object
                .properties
                .indexed()
                .filter(|(index, p)| {
                    *index >= new_length && matches!(p, Stored::Entry(p) if !configurable(p))
                })
                .map(|(index, _)| index)
                .max()
            {
                length = stuck + 1;
            }
            object.properties.truncate_elements(length as usize);
            object.properties.retain_entries(|key, _| {
                key.as_string()
                    .and_then(JsString::as_array_index)
                    .is_none_or(|index| index < length)
            });
        }
        if let ObjectKind::Array { length: slot } = &mut self.object_mut(id).kind {
            *slot = length;
        }
        length == new_length
    }

    /// CreateDataProperty(O, P, V): defines P as an enumerable, writable,
    /// configurable data property holding V, if the current property allows.
    pub fn create_data_property_on(
        &mut self,
        id: ObjectId,
        key: PropertyKey,
        value: Value<ObjectId>,
    ) -> bool {
        // An ordinary object is extensible and has no virtual properties, so
        // ValidateAndApplyPropertyDescriptor accepts this complete, writable,
        // enumerable, configurable descriptor for a new key or over a
        // configurable property as it is: one look at the list instead of a
        // copy of the current property and a second search. Only a
        // non-configurable current property needs its checks.
        if matches!(self.get_object(id).map(|o| &o.kind), Some(ObjectKind::Ordinary)) {
            let key = self.interned_key(key);
            let desc = OwnProperty::new_data(value);
            return match self.object_mut(id).properties.insert_over_configurable(key, desc) {
                Ok(()) => true,
                Err((key, desc)) => self.define_own_property(id, key, desc),
            };
        }
        self.define_own_property(id, key, OwnProperty::new_data(value))
    }

    /// `Realm::own_data_value`: the value of the own data property `key`
    /// (`Some(None)` when there is none, `None` for an accessor), without
    /// copying the whole descriptor.
    pub fn own_data_value(&self, id: ObjectId, key: &PropertyKey) -> Option<Option<Value<ObjectId>>> {
        let Some(object) = self.get_object(id) else {
            return Some(None);
        };
        let stored = match virtual_property(&object.kind, key, true) {
            Some(property) => return property_value(property),
            None => object.properties.find(key),
        };
        match stored {
            None => Some(None),
            Some(stored) => stored.data_value().map(|value| Some(value.clone())),
        }
    }

    /// [`Heap::create_data_property_on`] for a new ordinary object or Array
    /// that only earlier calls of this one have filled (see
    /// `Realm::create_data_property_on_new`): every property it has is a
    /// writable, enumerable, configurable data property and it is
    /// extensible, so ValidateAndApplyPropertyDescriptor would accept the
    /// definition whatever is there; only an Array's `length` needs keeping.
    /// Anything else (another kind, `length` itself, or a non-configurable
    /// property that a host's own steps put there after all) takes the
    /// general path.
    pub(crate) fn create_data_property_on_new(
        &mut self,
        id: ObjectId,
        key: PropertyKey,
        value: Value<ObjectId>,
    ) -> bool {
        let index = match self.get_object(id).map(|o| &o.kind) {
            Some(ObjectKind::Ordinary) => None,
            Some(ObjectKind::Array { .. }) if !key_is(&key, "length") => {
                key.as_string().and_then(JsString::as_array_index)
            }
            _ => return self.create_data_property_on(id, key, value),
        };
        let object = self.object_mut(id);
        if let Err((key, desc)) = object
            .properties
            .insert_over_configurable(key, OwnProperty::new_data(value))
        {
            return self.define_own_property(id, key, desc);
        }
        if let (Some(index), ObjectKind::Array { length }) = (index, &mut object.kind)
            && index >= *length
        {
            *length = index + 1;
        }
        true
    }
}

/// A descriptor's answer to `Realm::own_data_value`.
fn property_value(property: OwnProperty) -> Option<Option<Value<ObjectId>>> {
    match property {
        OwnProperty::Data { value, .. } => Some(Some(value)),
        OwnProperty::Accessor { .. } => None,
    }
}

/// The checks ValidateAndApplyPropertyDescriptor makes when the current
/// property is non-configurable (both descriptors complete).
fn compatible(current: &OwnProperty, desc: &OwnProperty) -> bool {
    if configurable(current) {
        return true;
    }
    if configurable(desc) || current.enumerable() != desc.enumerable() {
        return false;
    }
    match (current, desc) {
        (
            OwnProperty::Data {
                value: current_value,
                writable: false,
                ..
            },
            OwnProperty::Data { value, writable, .. },
        ) => !writable && current_value.same_value(value),
        (OwnProperty::Data { .. }, OwnProperty::Data { .. }) => true,
        // An accessor cannot be redefined at all: the heap cannot compare getters.
        _ => false,
    }
}

/// EscapeRegExpPattern as V8 does it: `(?:)` for the empty pattern, `/`
/// escaped outside character classes, line terminators written as escapes.
pub(super) fn escape_regexp_pattern(source: &JsString) -> JsString {
    if source.is_empty() {
        return JsString::from("(?:)");
    }
    let mut out = Vec::with_capacity(source.len());
    let (mut escaped, mut in_class) = (false, false);
    for &unit in source.code_units() {
        let replacement: Option<&str> = match unit {
            0x0A => Some("\\n"),
            0x0D => Some("\\r"),
            0x2028 => Some("\\u2028"),
            0x2029 => Some("\\u2029"),
            _ => None,
        };
        match replacement {
            // A line terminator right after a backslash keeps that backslash.
            Some(text) => out.extend(text.encode_utf16().skip(usize::from(escaped))),
            None => {
                if unit == u16::from(b'/') && !escaped && !in_class {
                    out.push(u16::from(b'\\'));
                }
                out.push(unit);
            }
        }
        if !escaped {
            match unit {
                0x5B => in_class = true,
                0x5D => in_class = false,
                _ => {}
            }
        }
        escaped = !escaped && unit == u16::from(b'\\');
    }
    JsString::from_code_units(out)
}

/// What %RegExp.prototype%.flags returns: the flags present, in the fixed
/// order `dgimsuvy`.
pub(super) fn canonical_flags(flags: &JsString) -> JsString {
    let units = flags.code_units();
    JsString::from_code_units("dgimsuvy".encode_utf16().filter(|f| units.contains(f)).collect())
}

#[cfg(test)]
mod tests;
