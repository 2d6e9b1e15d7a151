//! StructuredDeserialize step 24: the new object's contents (Map
//! entries, Set values, an Array's or Object's properties, a platform
//! object's own steps), one frame of the work stack per object under way.
//!
//! <https://html.spec.whatwg.org/multipage/structured-data.html#structureddeserialize>

#[cfg(not(feature = "trace"))]
use super::primitive_value;
use super::records::{Held, property_slots};
use super::{Deserializer, Next};
use crate::ecmascript::{PropertyKey, Realm, Value};
use crate::spec::step;
#[cfg(not(feature = "trace"))]
use crate::structured::Slot;
use crate::structured::{CloneError, PlatformObjects, Record, RecordId};

/// What remains to do for a new object whose contents step 24 is filling
/// in: one frame of the explicit work stack that stands in for the
/// standard's recursion (see `Serializer::serialize_internal`). `record`
/// is the record whose contents these are: when the run owns the records,
/// the frame's end frees what it holds (see [`Held`]).
pub(super) enum Filling<O> {
    /// Steps 24.1.1.x over a Map record's entries; `key` is the entry's key
    /// once deserialized.
    Map {
        object: O,
        record: RecordId,
        next: usize,
        key: Option<Value<O>>,
    },
    /// Steps 24.2.1.x over a Set record's entries.
    Set {
        object: O,
        record: RecordId,
        next: usize,
    },
    /// Steps 24.3.1.x: an Array record's key-less elements (the
    /// properties `"0"`, `"1"`, …), then the properties with keys (an
    /// Object record has only these); `next` counts through both.
    Properties {
        object: O,
        record: RecordId,
        next: usize,
    },
}

impl<O> Filling<O> {
    pub(super) fn object(&self) -> &O {
        match self {
            Filling::Map { object, .. }
            | Filling::Set { object, .. }
            | Filling::Properties { object, .. } => object,
        }
    }

    /// The record whose contents the frame fills in.
    pub(super) fn record(&self) -> RecordId {
        match self {
            Filling::Map { record, .. }
            | Filling::Set { record, .. }
            | Filling::Properties { record, .. } => *record,
        }
    }
}

impl<'r, R: Realm> Deserializer<'r, R> {
    /// Step 24 begins: what the contents of the new Map, Set, Array, Object
    /// or platform object are. A platform object's own deserialization steps
    /// run here and then (`None`); the others become a frame of the work
    /// stack, and `record` (record `id`) goes back into the records until
    /// the frame ends.
    pub(super) fn open_contents(
        &mut self,
        host: &mut dyn PlatformObjects<R>,
        id: RecordId,
        record: Held<'r>,
        value: &R::Object,
    ) -> Result<Option<Filling<R::Object>>, CloneError<R::Object>> {
        step!("structureddeserialize/24.1"); // Map entries, appended directly
        if let Record::Map { .. } = *record {
            self.records.put_back(id, record);
            return Ok(Some(Filling::Map {
                object: value.clone(),
                record: id,
                next: 0,
                key: None,
            }));
        }
        step!("structureddeserialize/24.2"); // Set values, appended directly
        if let Record::Set { .. } = *record {
            self.records.put_back(id, record);
            return Ok(Some(Filling::Set {
                object: value.clone(),
                record: id,
                next: 0,
            }));
        }
        step!("structureddeserialize/24.3"); // properties of an Array or Object
        if let Record::Array { .. } | Record::Object { .. } = *record {
            let (elements, properties) = property_slots(&record);
            self.realm
                .reserve_own_properties(value, elements.len() + properties.len());
            #[cfg(not(feature = "trace"))]
            let next = self.primitive_elements(value, elements)?;
            #[cfg(feature = "trace")]
            let next = 0;
            self.records.put_back(id, record);
            return Ok(Some(Filling::Properties {
                object: value.clone(),
                record: id,
                next,
            }));
        }
        step!("structureddeserialize/24.4"); // a platform object's own deserialization steps
        if let Record::Platform { fields, .. } = &*record {
            step!("structureddeserialize/24.4.1");
            host.deserialization_steps(self, value, fields)?;
        }
        Ok(None)
    }

    /// The bulk path for an Array's elements (issue 11): steps 24.3.1 to
    /// 24.3.1.3, with each element's steps 2 – 25 between them, for the
    /// leading elements of `elements` that are primitives kept in place,
    /// defined on the new Array `value` in one call
    /// ([`Realm::create_elements_on_new`]); returns how many. A primitive
    /// record's value is the primitive, it has no entry in *memory*, and
    /// defining an element on the fresh Array runs no code, so this is
    /// what the per-element steps would do, in the same order. Only without
    /// the `trace` feature: it marks none of the steps it stands for, so
    /// under `trace` every element takes the per-element steps and the trace
    /// and coverage see each one.
    #[cfg(not(feature = "trace"))]
    fn primitive_elements(
        &mut self,
        value: &R::Object,
        elements: &[Slot],
    ) -> Result<usize, CloneError<R::Object>> {
        let run = elements
            .iter()
            .take_while(|slot| matches!(slot, Slot::Primitive(_)))
            .count();
        if run == 0 {
            return Ok(0);
        }
        let mut values = elements[..run].iter().filter_map(|slot| match slot {
            Slot::Primitive(primitive) => Some(primitive_value(primitive)),
            Slot::Record(_) => None,
        });
        if !self.realm.create_elements_on_new(value, 0, &mut values) {
            return Err(CloneError::new_data_clone(
                "structureddeserialize/24.3.1.3",
                format!("elements 0 to {} could not be defined", run - 1),
            ));
        }
        Ok(run)
    }

    /// The next record the frame's loop deserializes (24.1.1 – 24.3.1.1), or
    /// `None` when its loop is over.
    pub(super) fn next_child(&mut self, frame: &mut Filling<R::Object>) -> Option<Next> {
        match frame {
            Filling::Map {
                record, next, key, ..
            } => {
                let Some(Record::Map { entries }) = self.records.get(*record) else {
                    return None;
                };
                let (entry_key, entry_value) = entries.get(*next)?;
                if key.is_some() {
                    // 24.1.1.2 ran when the key arrived.
                    return Some(Next::Record(*entry_value));
                }
                step!("structureddeserialize/24.1.1");
                step!("structureddeserialize/24.1.1.1");
                Some(Next::Record(*entry_key))
            }
            Filling::Set { record, next, .. } => {
                let Some(Record::Set { entries }) = self.records.get(*record) else {
                    return None;
                };
                let entry = entries.get(*next)?;
                step!("structureddeserialize/24.2.1");
                step!("structureddeserialize/24.2.1.1");
                Some(Next::Record(*entry))
            }
            Filling::Properties { record, next, .. } => {
                let entry_value = self.records.property_value(*record, *next)?;
                step!("structureddeserialize/24.3.1");
                step!("structureddeserialize/24.3.1.1");
                Some(entry_value)
            }
        }
    }

    /// Takes the value of the record [`Deserializer::next_child`] asked for
    /// (24.1.1.2 – 24.3.1.3).
    pub(super) fn deliver(
        &mut self,
        frame: &mut Filling<R::Object>,
        child: Value<R::Object>,
    ) -> Result<(), CloneError<R::Object>> {
        match frame {
            Filling::Map {
                object, next, key, ..
            } => match key.take() {
                None => {
                    step!("structureddeserialize/24.1.1.2");
                    *key = Some(child);
                }
                Some(key) => {
                    step!("structureddeserialize/24.1.1.3");
                    *next += 1;
                    self.realm.append_map_entry(object, key, child);
                }
            },
            Filling::Set { object, next, .. } => {
                step!("structureddeserialize/24.2.1.2");
                *next += 1;
                self.realm.append_set_entry(object, child);
            }
            Filling::Properties { object, record, next } => {
                let Some((elements, properties)) = self.records.get(*record).map(property_slots) else {
                    return Ok(());
                };
                let key = match next.checked_sub(elements.len()) {
                    // An element: its key is its index.
                    None => None,
                    Some(at) => match properties.get(at) {
                        Some((key, _)) => Some(key),
                        None => return Ok(()),
                    },
                };
                let index = *next;
                *next += 1;
                step!("structureddeserialize/24.3.1.2");
                // The object is the one step 19 or 20 made for this record and
                // only this loop has defined properties on it (a platform
                // object's own steps never reach here), so the definition
                // cannot fail: the realm may skip [[DefineOwnProperty]]'s checks.
                let created = match (key, u32::try_from(index)) {
                    (Some(key), _) => self.realm.create_data_property_on_new(
                        object,
                        PropertyKey::String(key.clone()),
                        child,
                    ),
                    (None, Ok(index)) => self.realm.create_element_on_new(object, index, child),
                    (None, Err(_)) => false,
                };
                step!("structureddeserialize/24.3.1.3"); // defining on a fresh object cannot fail
                if !created {
                    return Err(CloneError::new_data_clone(
                        "structureddeserialize/24.3.1.3",
                        match key {
                            Some(key) => format!("property {key:?} could not be defined"),
                            None => format!("element {index} could not be defined"),
                        },
                    ));
                }
            }
        }
        Ok(())
    }
}
