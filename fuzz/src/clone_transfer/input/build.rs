//! Building a [`CloneInput`]'s heap: each node laid out as script would
//! have made it, with the rules a real engine enforces applied on the way.

use super::*;

/// The source heap built from a [`CloneInput`].
pub struct Built {
    pub heap: Heap,
    pub root: Value<ObjectId>,
    pub transfer: Vec<ObjectId>,
}

/// The time value a Date can hold: TimeClip of the number.
fn time_clip(t: f64) -> f64 {
    if !t.is_finite() || t.abs() > 8.64e15 {
        return f64::NAN;
    }
    // Truncating and adding +0 turns -0 into +0, as ToIntegerOrInfinity does.
    t.trunc() + 0.0
}

/// The flags the RegExp constructor would have accepted, from any text:
/// the flag letters in it, each once, and `v` dropped when `u` is there.
fn regexp_flags(text: &JsString) -> JsString {
    let mut flags: Vec<u16> = Vec::new();
    for unit in text.code_units() {
        let flag = char::from_u32(u32::from(*unit)).filter(|c| "dgimsuvy".contains(*c));
        if let Some(c) = flag
            && !flags.contains(unit)
            && !(c == 'v' && flags.contains(&u16::from(b'u')))
            && !(c == 'u' && flags.contains(&u16::from(b'v')))
        {
            flags.push(*unit);
        }
    }
    JsString::from_code_units(flags)
}

/// Canonical decimal text of a u32 that is an array index (below 2^32 - 1):
/// ASCII digits, no leading zero unless it is "0", read without leaving u32.
pub fn is_array_index(key: &JsString) -> Option<u32> {
    let units = key.code_units();
    let (&first, _) = units.split_first()?;
    if first == u16::from(b'0') && units.len() > 1 {
        return None;
    }
    let mut n: u32 = 0;
    for &unit in units {
        let digit = match u8::try_from(unit) {
            Ok(b @ b'0'..=b'9') => u32::from(b - b'0'),
            _ => return None,
        };
        n = n.checked_mul(10)?.checked_add(digit)?;
    }
    (n != u32::MAX).then_some(n)
}

/// SameValueZero for Map keys and Set entries of the heap.
fn same_value_zero(a: &Value<ObjectId>, b: &Value<ObjectId>) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x == y || (x.is_nan() && y.is_nan()),
        _ => crate::clone_transfer::same_value(a, b),
    }
}

struct Builder<'a> {
    heap: Heap,
    ids: Vec<ObjectId>,
    symbols: Vec<Symbol>,
    specs: &'a [NodeSpec],
}

impl Builder<'_> {
    fn value(&self, spec: &ValueSpec) -> Value<ObjectId> {
        match spec {
            ValueSpec::Undefined => Value::Undefined,
            ValueSpec::Null => Value::Null,
            ValueSpec::Bool(b) => Value::Boolean(*b),
            ValueSpec::Number(n) => Value::Number(n.value()),
            ValueSpec::BigInt(i) => Value::BigInt(BigInt::from(*i)),
            ValueSpec::String(s) => Value::String(s.value()),
            ValueSpec::Symbol(i) => Value::Symbol(self.symbols[usize::from(*i) % self.symbols.len()].clone()),
            // With no nodes there is no object to refer to.
            ValueSpec::Object(_) if self.ids.is_empty() => Value::Undefined,
            ValueSpec::Object(i) => Value::Object(self.ids[usize::from(*i) % self.ids.len()]),
            ValueSpec::ObjectPrototype => Value::Object(self.heap.object_prototype()),
        }
    }

    /// Map keys and Set entries as Map.prototype.set / Set.prototype.add
    /// leave them: -0 becomes +0.
    fn key_value(&self, spec: &ValueSpec) -> Value<ObjectId> {
        match self.value(spec) {
            Value::Number(n) if n.to_bits() == (-0.0f64).to_bits() => Value::Number(0.0),
            other => other,
        }
    }

    /// The buffer node a view's `buffer` index picks, if any node is one.
    fn pick_buffer(&self, index: u8) -> Option<usize> {
        let buffers: Vec<usize> = (0..self.specs.len())
            .filter(|&i| {
                matches!(
                    self.specs[i].kind,
                    KindSpec::Buffer { .. } | KindSpec::Shared { .. }
                )
            })
            .collect();
        (!buffers.is_empty()).then(|| buffers[usize::from(index) % buffers.len()])
    }

    fn kind(&mut self, node: usize) -> ObjectKind {
        match &self.specs[node].kind {
            KindSpec::Ordinary => ObjectKind::Ordinary,
            KindSpec::Array { length } => ObjectKind::Array {
                length: u32::from(*length % 8),
            },
            KindSpec::Boolean(b) => ObjectKind::BooleanWrapper(*b),
            KindSpec::Number(n) => ObjectKind::NumberWrapper(n.value()),
            KindSpec::BigInt(i) => ObjectKind::BigIntWrapper(BigInt::from(*i)),
            KindSpec::String(s) => ObjectKind::StringWrapper(s.value()),
            KindSpec::Date(t) => ObjectKind::Date(time_clip(t.value())),
            KindSpec::RegExp { source, flags } => ObjectKind::RegExp(Box::new(RegExpSlots {
                source: source.value(),
                flags: regexp_flags(&flags.value()),
            })),
            KindSpec::Buffer { bytes, grow, state } => {
                let bytes: Vec<u8> = bytes.iter().copied().take(MAX_BYTES).collect();
                let max_byte_length = grow.map(|g| bytes.len() + usize::from(g % 16));
                ObjectKind::array_buffer_of(ArrayBufferState::Owned {
                    data: (!matches!(state, BufferState::Detached)).then_some(bytes),
                    max_byte_length,
                    detach_key: matches!(state, BufferState::Keyed),
                })
            }
            KindSpec::Shared { bytes, grow } => {
                let bytes: Vec<u8> = bytes.iter().copied().take(MAX_BYTES).collect();
                let max_byte_length = grow.map(|g| bytes.len() + usize::from(g % 16));
                ObjectKind::array_buffer_of(ArrayBufferState::Shared {
                    block: SharedDataBlock::new(bytes),
                    max_byte_length,
                })
            }
            KindSpec::View {
                kind,
                buffer,
                offset,
                length,
            } => {
                let kind = ViewKind::ALL[usize::from(*kind) % ViewKind::ALL.len()];
                let size = kind.element_size();
                let buffer = match self.pick_buffer(*buffer) {
                    Some(i) => self.ids[i],
                    // No buffer among the nodes: the view gets one of its own.
                    None => self
                        .heap
                        .alloc(ObjectKind::array_buffer_of(ArrayBufferState::Owned {
                            data: Some(vec![7; 16]),
                            max_byte_length: None,
                            detach_key: false,
                        })),
                };
                let byte_offset = usize::from(*offset % 4) * size;
                let (current, tracks) = match self.heap.object(buffer).kind().as_array_buffer() {
                    Some(ArrayBufferState::Owned {
                        data,
                        max_byte_length,
                        ..
                    }) => (data.as_ref().map_or(0, Vec::len), max_byte_length.is_some()),
                    Some(ArrayBufferState::Shared {
                        block,
                        max_byte_length,
                    }) => (block.len(), max_byte_length.is_some()),
                    _ => (0, false),
                };
                // Only views on resizable or growable buffers track the
                // length; on a fixed one an absent length is computed once.
                let length = match length {
                    Some(l) => Some(usize::from(*l % 8)),
                    None if tracks => None,
                    None => Some(current.saturating_sub(byte_offset) / size),
                };
                ObjectKind::View {
                    kind,
                    buffer,
                    byte_offset,
                    length,
                }
            }
            KindSpec::Map(entries) => {
                let mut out: Vec<Option<(Value<ObjectId>, Value<ObjectId>)>> = Vec::new();
                for entry in entries.iter().take(MAX_ITEMS) {
                    match entry {
                        None => out.push(None),
                        Some((k, v)) => {
                            let (k, v) = (self.key_value(k), self.value(v));
                            match out.iter_mut().flatten().find(|(old, _)| same_value_zero(old, &k)) {
                                Some(slot) => slot.1 = v,
                                None => out.push(Some((k, v))),
                            }
                        }
                    }
                }
                ObjectKind::Map(out)
            }
            KindSpec::Set(entries) => {
                let mut out: Vec<Option<Value<ObjectId>>> = Vec::new();
                for entry in entries.iter().take(MAX_ITEMS) {
                    match entry {
                        None => out.push(None),
                        Some(v) => {
                            let v = self.key_value(v);
                            if !out.iter().flatten().any(|old| same_value_zero(old, &v)) {
                                out.push(Some(v));
                            }
                        }
                    }
                }
                ObjectKind::Set(out)
            }
            KindSpec::Error { prototype, stack } => ObjectKind::Error {
                prototype: ErrorPrototype::ALL[usize::from(*prototype) % ErrorPrototype::ALL.len()],
                stack: stack.as_ref().map(StrSpec::value),
            },
            KindSpec::Opaque(kind) => match kind {
                OpaqueKind::Function => ObjectKind::Function,
                OpaqueKind::SymbolObject => ObjectKind::SymbolObject(self.symbols[0].clone()),
                OpaqueKind::WeakMap => ObjectKind::WeakMap,
                OpaqueKind::WeakSet => ObjectKind::WeakSet,
                OpaqueKind::WeakRef => ObjectKind::WeakRef,
                OpaqueKind::Promise => ObjectKind::Promise,
                OpaqueKind::Proxy => ObjectKind::Proxy,
                OpaqueKind::MessagePort => ObjectKind::Platform {
                    interface: "MessagePort".into(),
                    detached: Some(false),
                    host: 1,
                },
                OpaqueKind::Platform => ObjectKind::Platform {
                    interface: "Blob".into(),
                    detached: None,
                    host: 2,
                },
            },
        }
    }

    /// Defines the node's properties, keeping what script could not do out:
    /// no stored `length` on Arrays and String objects, no stored index a
    /// String object already answers for, no Array index at or past the
    /// length (it grows instead). On an Error, index keys name its `message`
    /// (0 to 3) and `name` (4 and 5) instead: those are what ToString and
    /// serialization read, and their values may be any value, objects (other
    /// Errors, Arrays, wrappers, shared or cyclic) included.
    fn props(&mut self, node: usize) {
        let id = self.ids[node];
        let kind = self.heap.object(id).kind().clone();
        for prop in self.specs[node].props.iter().take(MAX_ITEMS) {
            let key = match &prop.key {
                KeySpec::Index(i) if matches!(kind, ObjectKind::Error { .. }) && i % 8 < 6 => {
                    NAMES.with(|names| {
                        if i % 8 < 4 {
                            names.message.clone()
                        } else {
                            names.name.clone()
                        }
                    })
                }
                KeySpec::Index(i) => NAMES.with(|names| names.index[usize::from(*i) % 8].clone()),
                KeySpec::Str(s) => PropertyKey::String(s.value()),
                KeySpec::Symbol(i) => {
                    PropertyKey::Symbol(self.symbols[usize::from(*i) % self.symbols.len()].clone())
                }
            };
            let name = key.as_string().cloned();
            let length = NAMES.with(|names| name.as_ref() == Some(&names.length));
            let index = name.as_ref().and_then(is_array_index);
            match &kind {
                ObjectKind::Array { .. } if length => continue,
                ObjectKind::StringWrapper(s) if length || index.is_some_and(|i| (i as usize) < s.len()) => {
                    continue;
                }
                _ => {}
            }
            let property = match &prop.slot {
                SlotSpec::Data(v) => OwnProperty::Data {
                    value: self.value(v),
                    writable: true,
                    enumerable: prop.enumerable,
                    configurable: true,
                },
                SlotSpec::Getter(v) => OwnProperty::Accessor {
                    getter: Box::new(Accessor::Returns(self.value(v))),
                    enumerable: prop.enumerable,
                    configurable: true,
                },
                SlotSpec::Thrower(v) => OwnProperty::Accessor {
                    getter: Box::new(Accessor::Throws(self.value(v))),
                    enumerable: prop.enumerable,
                    configurable: true,
                },
            };
            if let (Some(index), ObjectKind::Array { .. }) = (index, &kind)
                && let ObjectKind::Array { length } = &mut self.heap.object_mut(id).kind_mut()
                && index >= *length
            {
                *length = index + 1;
            }
            self.heap.define_property(id, key, property);
        }
        if let ObjectKind::RegExp { .. } = kind {
            // Every RegExp has its own lastIndex, as RegExpAlloc defines it.
            let last_index = OwnProperty::Data {
                value: Value::Number(0.0),
                writable: true,
                enumerable: false,
                configurable: false,
            };
            let key = NAMES.with(|names| names.last_index.clone());
            if self.heap.object(id).properties().get(&key).is_none() {
                self.heap.define_property(id, key, last_index);
            }
        }
    }
}

impl CloneInput {
    /// Lays the graph out in a new heap of agent cluster 0.
    pub fn build(&self) -> Built {
        let specs = &self.nodes[..self.nodes.len().min(MAX_NODES)];
        let mut heap = Heap::default();
        heap.set_cross_origin_isolated(self.cross_origin_isolated);
        let symbols = (0..4)
            .map(|i| heap.new_symbol((i % 2 == 0).then(|| NAMES.with(|names| names.symbols[i / 2].clone()))))
            .collect();
        // Every node first, so that kinds and properties can refer to any.
        let ids = specs.iter().map(|_| heap.alloc(ObjectKind::Ordinary)).collect();
        let mut builder = Builder {
            heap,
            ids,
            symbols,
            specs,
        };
        // Buffers before views, so a view can size itself on its buffer.
        let order: Vec<usize> = (0..specs.len())
            .filter(|&i| !matches!(specs[i].kind, KindSpec::View { .. }))
            .chain((0..specs.len()).filter(|&i| matches!(specs[i].kind, KindSpec::View { .. })))
            .collect();
        for &node in &order {
            let kind = builder.kind(node);
            *builder.heap.object_mut(builder.ids[node]).kind_mut() = kind;
        }
        for node in 0..specs.len() {
            builder.props(node);
        }
        let root = builder.value(&self.root);
        let transfer = if builder.ids.is_empty() {
            Vec::new()
        } else {
            self.transfer
                .iter()
                .take(MAX_ITEMS)
                .map(|i| builder.ids[usize::from(*i) % builder.ids.len()])
                .collect()
        };
        Built {
            heap: builder.heap,
            root,
            transfer,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::is_array_index;
    use webmessaging::ecmascript::JsString;

    #[test]
    fn array_indices_are_canonical_u32s_below_the_largest() {
        for (key, index) in [
            ("0", Some(0)),
            ("7", Some(7)),
            ("10", Some(10)),
            ("4294967294", Some(4_294_967_294)),
            ("4294967295", None),
            ("4294967296", None),
            ("99999999999", None),
            ("01", None),
            ("00", None),
            ("-0", None),
            ("+1", None),
            ("1e3", None),
            ("", None),
            ("x\u{1F600}", None),
            ("\u{0660}", None),
        ] {
            assert_eq!(is_array_index(&JsString::from(key)), index, "{key:?}");
        }
    }
}
