//! StructuredSerializeInternal step 26: an object's contents (Map
//! entries, Set values, a platform object's own steps, enumerable own
//! properties), one frame of the work stack per object under way.
//!
//! <https://html.spec.whatwg.org/multipage/structured-data.html#structuredserializeinternal>

use super::{Contents, Key, Serializer};
use crate::ecmascript::{JsString, PropertyKey, Realm, Value};
use crate::spec::step;
use crate::structured::{CloneError, PlatformObjects, Record, RecordId, Slot};

impl<R: Realm> Serializer<'_, R> {
    /// Step 26 begins: what the contents of a Map, Set, platform object or
    /// other object are. A platform object's own serialization steps run
    /// here and then (`None`); the others become a frame of the work stack.
    pub(super) fn open_contents(
        &mut self,
        host: &mut dyn PlatformObjects<R>,
        value: &R::Object,
        id: RecordId,
        keys: &mut Vec<JsString>,
    ) -> Result<Option<Contents<R::Object>>, CloneError<R::Object>> {
        step!("structuredserializeinternal/26.1"); // Map entries
        if let Some(map_data) = self.realm.map_data(value) {
            step!("structuredserializeinternal/26.1.1"); // copy the live entries first
            step!("structuredserializeinternal/26.1.2");
            step!("structuredserializeinternal/26.1.2.1");
            step!("structuredserializeinternal/26.1.2.2"); // deleted entries are skipped
            let entries: Vec<_> = map_data.into_iter().flatten().collect();
            if let Record::Map { entries: slot } = self.record_mut(id) {
                slot.reserve_exact(entries.len());
            }
            step!("structuredserializeinternal/26.1.3");
            return Ok(Some(Contents::Map {
                id,
                entries,
                next: 0,
                key: None,
            }));
        }
        step!("structuredserializeinternal/26.2"); // Set values
        if let Some(set_data) = self.realm.set_data(value) {
            step!("structuredserializeinternal/26.2.1"); // copy the live values first
            step!("structuredserializeinternal/26.2.2");
            step!("structuredserializeinternal/26.2.2.1"); // deleted values are skipped
            let entries: Vec<_> = set_data.into_iter().flatten().collect();
            if let Record::Set { entries: slot } = self.record_mut(id) {
                slot.reserve_exact(entries.len());
            }
            step!("structuredserializeinternal/26.2.3");
            return Ok(Some(Contents::Set { id, entries, next: 0 }));
        }
        step!("structuredserializeinternal/26.3"); // a serializable platform object's own steps
        if let Record::Platform { .. } = self.records[id.index()] {
            let fields = host.serialization_steps(self, value)?;
            if let Record::Platform { fields: slot, .. } = self.record_mut(id) {
                *slot = fields;
            }
            return Ok(None);
        }
        step!("structuredserializeinternal/26.4"); // enumerable own String-keyed properties
        let start = keys.len();
        // An Array's leading elements come as a count, not as Strings (see
        // `Realm::append_enumerable_own_property_keys_after_elements`); the
        // record keeps them without keys while none goes missing.
        let elements = if let Record::Array { .. } = self.records[id.index()] {
            self.realm
                .append_enumerable_own_property_keys_after_elements(value, keys)
        } else {
            self.realm.append_enumerable_own_property_keys(value, keys);
            0
        };
        let end = keys.len();
        match self.record_mut(id) {
            Record::Array {
                elements: slots,
                properties,
                ..
            } => {
                slots.reserve_exact(elements as usize);
                properties.reserve_exact(end - start);
            }
            Record::Object { properties } => properties.reserve_exact(end - start),
            _ => {}
        }
        Ok(Some(Contents::Properties {
            id,
            object: value.clone(),
            elements,
            next_element: 0,
            start,
            end,
            next: start,
            key: None,
        }))
    }

    /// The next value the frame's loop serializes (26.1.3.1 – 26.4.1.2), or
    /// `None` when its loop is over.
    pub(super) fn next_child(
        &mut self,
        frame: &mut Contents<R::Object>,
        keys: &[JsString],
    ) -> Result<Option<Value<R::Object>>, CloneError<R::Object>> {
        #[cfg(not(feature = "trace"))]
        if let Contents::Properties {
            id,
            object,
            elements,
            next_element,
            ..
        } = frame
            && *next_element < *elements
        {
            *next_element += self.primitive_elements(*id, object, *next_element, *elements);
        }
        match frame {
            Contents::Map {
                entries, next, key, ..
            } => {
                let Some((entry_key, entry_value)) = entries.get(*next) else {
                    return Ok(None);
                };
                if key.is_some() {
                    // 26.1.3.2 ran when the key's record arrived.
                    return Ok(Some(entry_value.clone()));
                }
                step!("structuredserializeinternal/26.1.3.1");
                Ok(Some(entry_key.clone()))
            }
            Contents::Set { entries, next, .. } => {
                let Some(entry) = entries.get(*next) else {
                    return Ok(None);
                };
                step!("structuredserializeinternal/26.2.3.1");
                Ok(Some(entry.clone()))
            }
            Contents::Properties {
                object,
                elements,
                next_element,
                end,
                next,
                key: under_way,
                ..
            } => {
                loop {
                    let key = if *next_element < *elements {
                        *next_element += 1;
                        Key::Element(*next_element - 1)
                    } else if let Some(key) = keys.get(*next).filter(|_| *next < *end) {
                        *next += 1;
                        Key::Named(key.clone())
                    } else {
                        return Ok(None);
                    };
                    step!("structuredserializeinternal/26.4.1"); // a getter may have deleted it
                    let known = match &key {
                        Key::Element(index) => self.realm.own_element_value(object, *index),
                        Key::Named(name) => self
                            .realm
                            .own_data_value(object, &PropertyKey::String(name.clone())),
                    };
                    if let Some(input_value) = self.read_property(object, known, || key.property_key())? {
                        *under_way = Some(key);
                        return Ok(Some(input_value));
                    }
                }
            }
        }
    }

    /// The bulk path for an Array's elements (issue 11): steps 26.4.1 to
    /// 26.4.1.3, with the element's steps 2 – 4 between them, for the run
    /// of elements from `first` (below `end`) that the realm can hand over
    /// as plain data properties holding primitives
    /// ([`Realm::visit_primitive_elements`]); returns how many. For such an
    /// element HasOwnProperty is true and [[Get]] is its value, both
    /// without running code, and its record is the primitive kept in
    /// place: exactly what the per-element steps would make, in the same
    /// order, with nothing observable between them. It runs only while the
    /// record's elements are exactly the indices before `first` (no
    /// element went missing), and only without the `trace` feature: it
    /// marks none of the steps it stands for, so under `trace` every
    /// element takes the per-element steps and the trace and coverage see
    /// each one.
    #[cfg(not(feature = "trace"))]
    fn primitive_elements(&mut self, id: RecordId, object: &R::Object, first: u32, end: u32) -> u32 {
        let Serializer { realm, records, .. } = self;
        let Some(Record::Array {
            elements, properties, ..
        }) = records.get_mut(id.index())
        else {
            return 0;
        };
        if elements.len() != first as usize || !properties.is_empty() {
            return 0;
        }
        realm.visit_primitive_elements(object, first, end, &mut |value| {
            elements.push(Slot::Primitive(super::primitive_record(value)));
        })
    }

    /// Steps 26.4.1 (from HasOwnProperty on) to 26.4.1.2 for one key: its
    /// value when `object` still has it, else `None`. `known` is the
    /// realm's answer to both questions for a data property (no code
    /// runs); without one both are asked, and a getter runs in [[Get]].
    fn read_property(
        &mut self,
        object: &R::Object,
        known: Option<Option<Value<R::Object>>>,
        key: impl FnOnce() -> PropertyKey,
    ) -> Result<Option<Value<R::Object>>, CloneError<R::Object>> {
        let (present, key) = match &known {
            Some(value) => (value.is_some(), None),
            None => {
                let key = key();
                (self.realm.has_own_property(object, &key), Some(key))
            }
        };
        if !present {
            return Ok(None);
        }
        step!("structuredserializeinternal/26.4.1.1"); // may run a getter
        let input_value = match (known, key) {
            (Some(Some(value)), _) => value,
            (_, Some(key)) => self.realm.get(object, &key)?,
            (_, None) => Value::Undefined,
        };
        step!("structuredserializeinternal/26.4.1.2");
        Ok(Some(input_value))
    }

    /// Takes the record of the child [`Serializer::next_child`] asked for
    /// (26.1.3.2 – 26.4.1.3).
    pub(super) fn deliver(&mut self, frame: &mut Contents<R::Object>, child: Slot) {
        match frame {
            Contents::Map { id, next, key, .. } => match key.take() {
                None => {
                    step!("structuredserializeinternal/26.1.3.2");
                    *key = Some(self.record_of(child));
                }
                Some(key) => {
                    step!("structuredserializeinternal/26.1.3.3");
                    *next += 1;
                    let child = self.record_of(child);
                    if let Record::Map { entries } = &mut self.records[id.index()] {
                        entries.push((key, child));
                    }
                }
            },
            Contents::Set { id, next, .. } => {
                step!("structuredserializeinternal/26.2.3.2");
                *next += 1;
                let child = self.record_of(child);
                if let Record::Set { entries } = &mut self.records[id.index()] {
                    entries.push(child);
                }
            }
            Contents::Properties { id, key, .. } => {
                step!("structuredserializeinternal/26.4.1.3");
                match (key.take(), &mut self.records[id.index()]) {
                    // Elements stay key-less while every one before came.
                    (
                        Some(Key::Element(index)),
                        Record::Array {
                            elements, properties, ..
                        },
                    ) => {
                        if elements.len() == index as usize && properties.is_empty() {
                            elements.push(child);
                        } else {
                            properties.push((JsString::from(index.to_string()), child));
                        }
                    }
                    (
                        Some(Key::Named(key)),
                        Record::Array { properties, .. } | Record::Object { properties },
                    ) => {
                        properties.push((key, child));
                    }
                    _ => {}
                }
            }
        }
    }
}
