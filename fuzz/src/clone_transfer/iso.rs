//! An isomorphism checker between a source graph and its clone.
//!
//! It walks both heaps side by side from the two roots, keeping a bijection
//! between source and clone objects: an object met twice in the source must
//! be met as the same clone object, and no clone object may stand for two
//! source objects (identity, sharing and cycles are kept). For each pair it
//! checks what the standard's round trip keeps: the internal slots, the
//! enumerable own String-keyed properties in order with SameValue values,
//! Map and Set entries in order, and nothing else (a clone has no property
//! the algorithms did not create).

use super::oracle::{enumerable_string_properties, error_fields};
use super::same_value;
use rustc_hash::FxHashMap as HashMap;
use webmessaging::ecmascript::{
    Accessor, ArrayBufferState, Heap, JsString, ObjectId, ObjectKind, OwnProperty, PropertyKey, Value,
};

/// The two sides and what the checker knows about them.
pub struct Iso<'a> {
    pub src: &'a Heap,
    pub dst: &'a Heap,
    /// Clone objects must have at least this index (they are new objects).
    pub fresh_from: usize,
    /// Transferred buffers: their bytes and maximum before the transfer.
    pub transferred: &'a HashMap<ObjectId, (Vec<u8>, Option<usize>)>,
    forward: HashMap<ObjectId, ObjectId>,
    backward: HashMap<ObjectId, ObjectId>,
    pending: Vec<(ObjectId, ObjectId)>,
}

fn data_property(
    value: Value<ObjectId>,
    writable: bool,
    enumerable: bool,
    configurable: bool,
) -> OwnProperty {
    OwnProperty::Data {
        value,
        writable,
        enumerable,
        configurable,
    }
}

impl<'a> Iso<'a> {
    pub fn new(
        src: &'a Heap,
        dst: &'a Heap,
        fresh_from: usize,
        transferred: &'a HashMap<ObjectId, (Vec<u8>, Option<usize>)>,
    ) -> Self {
        Iso {
            src,
            dst,
            fresh_from,
            transferred,
            forward: HashMap::with_capacity_and_hasher(src.len(), Default::default()),
            backward: HashMap::with_capacity_and_hasher(src.len(), Default::default()),
            pending: Vec::new(),
        }
    }

    /// Checks everything reachable from the pair `(s, d)`.
    pub fn check(&mut self, s: &Value<ObjectId>, d: &Value<ObjectId>) -> Result<(), String> {
        self.value(s, d)?;
        while let Some((s, d)) = self.pending.pop() {
            self.object(s, d)
                .map_err(|e| format!("source {s:?} / clone {d:?}: {e}"))?;
        }
        Ok(())
    }

    /// Records that `d` is the clone of `s` (checking the bijection).
    pub fn pair(&mut self, s: ObjectId, d: ObjectId) -> Result<(), String> {
        if let Some(seen) = self.forward.get(&s) {
            return if *seen == d {
                Ok(())
            } else {
                Err(format!(
                    "{s:?} cloned both as {seen:?} and as {d:?}: sharing lost"
                ))
            };
        }
        if let Some(other) = self.backward.get(&d) {
            return Err(format!(
                "{d:?} is the clone of both {other:?} and {s:?}: distinct objects merged"
            ));
        }
        if d.index() < self.fresh_from || self.dst.get_object(d).is_none() {
            return Err(format!("{d:?} is not a new object of the target realm"));
        }
        self.forward.insert(s, d);
        self.backward.insert(d, s);
        self.pending.push((s, d));
        Ok(())
    }

    fn value(&mut self, s: &Value<ObjectId>, d: &Value<ObjectId>) -> Result<(), String> {
        match (s, d) {
            (Value::Object(s), Value::Object(d)) => self.pair(*s, *d),
            (Value::Object(_), _) | (_, Value::Object(_)) => Err(format!("{s:?} became {d:?}")),
            _ if same_value(s, d) => Ok(()),
            _ => Err(format!("{s:?} became {d:?} (not SameValue)")),
        }
    }

    fn properties_are(&self, d: ObjectId, expected: &[(PropertyKey, OwnProperty)]) -> Result<(), String> {
        let actual = self.dst.object(d).properties().to_vec();
        let same = actual.len() == expected.len()
            && actual
                .iter()
                .zip(expected)
                .all(|((ka, pa), (ke, pe))| ka == ke && same_property(pa, pe));
        if same {
            Ok(())
        } else {
            Err(format!("clone properties {actual:?}, expected {expected:?}"))
        }
    }

    fn object(&mut self, s: ObjectId, d: ObjectId) -> Result<(), String> {
        let (src, dst) = (self.src, self.dst);
        let (sk, dk) = (src.object(s).kind(), dst.object(d).kind());
        let mismatch = || Err(format!("{sk:?} cloned as {dk:?}"));
        match (sk, dk) {
            (ObjectKind::BooleanWrapper(a), ObjectKind::BooleanWrapper(b)) if a == b => {}
            (ObjectKind::NumberWrapper(a), ObjectKind::NumberWrapper(b))
                if same_value(&Value::Number(*a), &Value::Number(*b)) => {}
            (ObjectKind::BigIntWrapper(a), ObjectKind::BigIntWrapper(b)) if a == b => {}
            (ObjectKind::StringWrapper(a), ObjectKind::StringWrapper(b)) if a == b => {}
            (ObjectKind::Date(a), ObjectKind::Date(b))
                if same_value(&Value::Number(*a), &Value::Number(*b)) => {}
            (ObjectKind::RegExp(a), ObjectKind::RegExp(b)) if a.source == b.source && a.flags == b.flags => {
                let last_index = data_property(Value::Number(0.0), true, false, false);
                return self.properties_are(d, &[(PropertyKey::from("lastIndex"), last_index)]);
            }
            (ObjectKind::ArrayBuffer(orig), ObjectKind::ArrayBuffer(clone))
                if matches!(**orig, ArrayBufferState::Owned { .. }) =>
            {
                let (bytes, max) = match (self.transferred.get(&s), &**orig) {
                    (Some((bytes, max)), _) => (bytes.clone(), *max),
                    (
                        None,
                        ArrayBufferState::Owned {
                            data: Some(bytes),
                            max_byte_length,
                            ..
                        },
                    ) => (bytes.clone(), *max_byte_length),
                    _ => return Err("a detached buffer was cloned".into()),
                };
                let ArrayBufferState::Owned {
                    data: Some(got),
                    max_byte_length,
                    detach_key: false,
                } = &**clone
                else {
                    return mismatch();
                };
                if *got != bytes || *max_byte_length != max {
                    return Err(format!(
                        "buffer {bytes:?} (max {max:?}) arrived as {got:?} (max {max_byte_length:?})"
                    ));
                }
            }
            (ObjectKind::ArrayBuffer(a), ObjectKind::ArrayBuffer(b))
                if matches!(
                    (&**a, &**b),
                    (
                        ArrayBufferState::Shared { block, max_byte_length },
                        ArrayBufferState::Shared { block: b2, max_byte_length: m2 },
                    ) if block.same_block(b2) && max_byte_length == m2
                ) => {}
            (
                ObjectKind::View {
                    kind,
                    buffer,
                    byte_offset,
                    length,
                },
                ObjectKind::View {
                    kind: k2,
                    buffer: b2,
                    byte_offset: o2,
                    length: l2,
                },
            ) if kind == k2 && byte_offset == o2 && length == l2 => {
                self.pair(*buffer, *b2)?;
            }
            (ObjectKind::Map(a), ObjectKind::Map(b)) => {
                let live: Vec<_> = a.iter().flatten().collect();
                if live.len() != b.len() || b.iter().any(Option::is_none) {
                    return Err(format!("map entries {a:?} cloned as {b:?}"));
                }
                for ((sk, sv), (dk, dv)) in live.into_iter().zip(b.iter().flatten()) {
                    self.value(sk, dk)?;
                    self.value(sv, dv)?;
                }
            }
            (ObjectKind::Set(a), ObjectKind::Set(b)) => {
                let live: Vec<_> = a.iter().flatten().collect();
                if live.len() != b.len() || b.iter().any(Option::is_none) {
                    return Err(format!("set entries {a:?} cloned as {b:?}"));
                }
                for (sv, dv) in live.into_iter().zip(b.iter().flatten()) {
                    self.value(sv, dv)?;
                }
            }
            (ObjectKind::Error { stack, .. }, ObjectKind::Error { prototype, stack: s2 }) => {
                // A text assumed to fit is open: the clone succeeded, so it
                // did fit.
                let (kind, message) = error_fields(src, s, &mut false)
                    .map_err(|e| format!("the oracle's error walk threw {e:?}"))?;
                if *prototype != kind || stack != s2 {
                    return mismatch();
                }
                let expected: Vec<(PropertyKey, OwnProperty)> = match message {
                    None => Vec::new(),
                    Some(text) => {
                        let got =
                            self.dst
                                .object(d)
                                .properties()
                                .to_vec()
                                .first()
                                .and_then(|(_, p)| match p {
                                    OwnProperty::Data {
                                        value: Value::String(s),
                                        ..
                                    } => Some(s.clone()),
                                    _ => None,
                                });
                        // A message whose text the oracle leaves open is
                        // taken as the clone has it, but must be a String.
                        let text: JsString = text.or(got).ok_or("the message is not a String")?;
                        vec![(
                            PropertyKey::from("message"),
                            data_property(Value::String(text), true, false, true),
                        )]
                    }
                };
                return self.properties_are(d, &expected);
            }
            (ObjectKind::Array { length }, ObjectKind::Array { length: l2 }) if length == l2 => {
                return self.deep_properties(s, d);
            }
            (ObjectKind::Ordinary | ObjectKind::ObjectPrototype, ObjectKind::Ordinary) => {
                return self.deep_properties(s, d);
            }
            _ => return mismatch(),
        }
        // Objects cloned without their contents carry no properties.
        self.properties_are(d, &[])
    }

    /// An ordinary object or Array: its enumerable own String-keyed
    /// properties, read through their getters, become data properties.
    fn deep_properties(&mut self, s: ObjectId, d: ObjectId) -> Result<(), String> {
        let mut expected = Vec::new();
        let mut values = Vec::new();
        let clone_properties = self.dst.object(d).properties().to_vec();
        for (key, property) in enumerable_string_properties(self.src, s) {
            let value = match property {
                OwnProperty::Data { value, .. } => value,
                OwnProperty::Accessor { getter, .. } if matches!(*getter, Accessor::Returns(_)) => {
                    getter.value().clone()
                }
                OwnProperty::Accessor { .. } => {
                    return Err("a throwing getter was read in a successful clone".into());
                }
            };
            let got_value = match clone_properties.get(expected.len()) {
                Some((_, OwnProperty::Data { value, .. })) => value.clone(),
                _ => Value::Undefined,
            };
            // The clone's value, in the expected descriptor: the values are
            // compared by the walk, the rest of the descriptor here.
            expected.push((
                PropertyKey::String(key),
                data_property(got_value.clone(), true, true, true),
            ));
            values.push((value, got_value));
        }
        self.properties_are(d, &expected)?;
        for (sv, dv) in values {
            self.value(&sv, &dv)?;
        }
        Ok(())
    }
}

/// Descriptor equality with SameValue on values (objects by identity within
/// the clone heap).
fn same_property(a: &OwnProperty, b: &OwnProperty) -> bool {
    match (a, b) {
        (
            OwnProperty::Data {
                value: v1,
                writable: w1,
                enumerable: e1,
                configurable: c1,
            },
            OwnProperty::Data {
                value: v2,
                writable: w2,
                enumerable: e2,
                configurable: c2,
            },
        ) => same_value(v1, v2) && w1 == w2 && e1 == e2 && c1 == c2,
        _ => false,
    }
}
