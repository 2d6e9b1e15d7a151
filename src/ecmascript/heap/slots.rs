//! The internal slots each kind of heap object carries, read the way the
//! `Realm` trait's slot readers report them.

use super::{ArrayBufferState, ObjectId, ObjectKind};
use crate::ecmascript::{
    ArrayBufferSlots, BigInt, JsString, PlatformObjectSlots, SlotKind, Value, ViewKind, ViewSlots,
};

/// [[MapData]] as the trait hands it out.
type MapEntries = Vec<Option<(Value<ObjectId>, Value<ObjectId>)>>;

impl ObjectKind {
    /// A new ArrayBuffer or SharedArrayBuffer in `state` (boxed, as every
    /// object pays for the largest variant).
    pub fn array_buffer_of(state: ArrayBufferState) -> Self {
        ObjectKind::ArrayBuffer(Box::new(state))
    }

    /// The buffer's state, if this is an ArrayBuffer or SharedArrayBuffer.
    pub fn as_array_buffer(&self) -> Option<&ArrayBufferState> {
        match self {
            ObjectKind::ArrayBuffer(state) => Some(state),
            _ => None,
        }
    }

    /// The buffer's state, mutably, if this is an ArrayBuffer or
    /// SharedArrayBuffer.
    pub fn as_array_buffer_mut(&mut self) -> Option<&mut ArrayBufferState> {
        match self {
            ObjectKind::ArrayBuffer(state) => Some(state),
            _ => None,
        }
    }

    pub(super) fn boolean_data(&self) -> Option<bool> {
        match self {
            ObjectKind::BooleanWrapper(b) => Some(*b),
            _ => None,
        }
    }

    pub(super) fn number_data(&self) -> Option<f64> {
        match self {
            ObjectKind::NumberWrapper(n) => Some(*n),
            _ => None,
        }
    }

    pub(super) fn bigint_data(&self) -> Option<BigInt> {
        match self {
            ObjectKind::BigIntWrapper(b) => Some(b.clone()),
            _ => None,
        }
    }

    pub(super) fn string_data(&self) -> Option<JsString> {
        match self {
            ObjectKind::StringWrapper(s) => Some(s.clone()),
            _ => None,
        }
    }

    pub(super) fn date_value(&self) -> Option<f64> {
        match self {
            ObjectKind::Date(t) => Some(*t),
            _ => None,
        }
    }

    pub(super) fn regexp_source_and_flags(&self) -> Option<(JsString, JsString)> {
        match self {
            ObjectKind::RegExp(slots) => Some((slots.source.clone(), slots.flags.clone())),
            _ => None,
        }
    }

    /// A detached ArrayBuffer reports a byte length of 0; a SharedArrayBuffer
    /// its block's current length.
    pub(super) fn array_buffer_slots(&self) -> Option<ArrayBufferSlots> {
        let ObjectKind::ArrayBuffer(state) = self else {
            return None;
        };
        Some(match &**state {
            ArrayBufferState::Owned {
                data,
                max_byte_length,
                ..
            } => ArrayBufferSlots {
                byte_length: data.as_ref().map_or(0, Vec::len),
                max_byte_length: *max_byte_length,
                shared: None,
            },
            ArrayBufferState::Shared {
                block,
                max_byte_length,
            } => ArrayBufferSlots {
                byte_length: block.len(),
                max_byte_length: *max_byte_length,
                shared: Some(block.clone()),
            },
        })
    }

    /// [[ByteLength]] is the heap's length times the element size (a
    /// DataView's length is already in bytes); a product past `usize::MAX`,
    /// which no buffer could back, is reported as `usize::MAX`.
    pub(super) fn view_slots(&self) -> Option<ViewSlots<ObjectId>> {
        let ObjectKind::View {
            kind,
            buffer,
            byte_offset,
            length,
        } = self
        else {
            return None;
        };
        Some(ViewSlots {
            kind: *kind,
            buffer: *buffer,
            byte_offset: *byte_offset,
            byte_length: length.map(|n| n.saturating_mul(kind.element_size())),
            array_length: if *kind == ViewKind::DataView {
                None
            } else {
                *length
            },
        })
    }

    pub(super) fn map_data(&self) -> Option<MapEntries> {
        match self {
            ObjectKind::Map(entries) => Some(entries.clone()),
            _ => None,
        }
    }

    pub(super) fn set_data(&self) -> Option<Vec<Option<Value<ObjectId>>>> {
        match self {
            ObjectKind::Set(entries) => Some(entries.clone()),
            _ => None,
        }
    }

    pub(super) fn error_stack(&self) -> Option<JsString> {
        match self {
            ObjectKind::Error { stack, .. } => stack.clone(),
            _ => None,
        }
    }

    pub(super) fn platform_object(&self) -> Option<PlatformObjectSlots> {
        match self {
            ObjectKind::Platform {
                interface, detached, ..
            } => Some(PlatformObjectSlots {
                interface: interface.to_string(),
                detached: *detached,
            }),
            _ => None,
        }
    }

    /// A slot other than [[Prototype]], [[Extensible]] and [[PrivateElements]].
    /// Every kind names one it really has, though the algorithms ask only
    /// about kinds that no earlier step took.
    pub(super) fn other_internal_slot(&self) -> Option<&'static str> {
        match self {
            ObjectKind::SymbolObject(_) => Some("[[SymbolData]]"),
            ObjectKind::WeakMap => Some("[[WeakMapData]]"),
            ObjectKind::WeakSet => Some("[[WeakSetData]]"),
            ObjectKind::WeakRef => Some("[[WeakRefTarget]]"),
            ObjectKind::Promise => Some("[[PromiseState]]"),
            ObjectKind::Function => Some("[[Realm]]"),
            ObjectKind::BooleanWrapper(_) => Some("[[BooleanData]]"),
            ObjectKind::NumberWrapper(_) => Some("[[NumberData]]"),
            ObjectKind::BigIntWrapper(_) => Some("[[BigIntData]]"),
            ObjectKind::StringWrapper(_) => Some("[[StringData]]"),
            ObjectKind::Date(_) => Some("[[DateValue]]"),
            ObjectKind::RegExp { .. } => Some("[[RegExpMatcher]]"),
            ObjectKind::ArrayBuffer(_) => Some("[[ArrayBufferData]]"),
            ObjectKind::View { .. } => Some("[[ViewedArrayBuffer]]"),
            ObjectKind::Map(_) => Some("[[MapData]]"),
            ObjectKind::Set(_) => Some("[[SetData]]"),
            ObjectKind::Error { .. } => Some("[[ErrorData]]"),
            ObjectKind::Platform {
                detached: Some(_), ..
            } => Some("[[Detached]]"),
            // A Proxy does have [[ProxyHandler]] and [[ProxyTarget]], but the
            // standard's own example for StructuredSerializeInternal step 23
            // (exotic objects) is a proxy, so the heap leaves the rejection
            // to that step rather than to step 22.
            ObjectKind::Proxy => None,
            ObjectKind::Platform { detached: None, .. }
            | ObjectKind::Ordinary
            | ObjectKind::ObjectPrototype
            | ObjectKind::Array { .. } => None,
        }
    }

    /// Which case of StructuredSerializeInternal steps 7 – 24 this kind
    /// falls under: what the slot readers above would answer one by one,
    /// read from the variant at once.
    pub(super) fn slot_kind(&self) -> SlotKind {
        match self {
            ObjectKind::BooleanWrapper(b) => SlotKind::Boolean(*b),
            ObjectKind::NumberWrapper(n) => SlotKind::Number(*n),
            ObjectKind::BigIntWrapper(b) => SlotKind::BigInt(b.clone()),
            ObjectKind::StringWrapper(s) => SlotKind::String(s.clone()),
            ObjectKind::Date(t) => SlotKind::Date(*t),
            ObjectKind::RegExp(slots) => SlotKind::RegExp {
                source: slots.source.clone(),
                flags: slots.flags.clone(),
            },
            ObjectKind::ArrayBuffer(_) => SlotKind::ArrayBuffer,
            ObjectKind::View { .. } => SlotKind::ArrayBufferView,
            ObjectKind::Map(_) => SlotKind::Map,
            ObjectKind::Set(_) => SlotKind::Set,
            ObjectKind::Error { .. } => SlotKind::Error,
            ObjectKind::Array { .. } => SlotKind::Array,
            ObjectKind::Platform { .. } => match self.platform_object() {
                Some(slots) => SlotKind::Platform(slots),
                None => SlotKind::Ordinary,
            },
            ObjectKind::Function => SlotKind::Callable,
            ObjectKind::SymbolObject(_)
            | ObjectKind::WeakMap
            | ObjectKind::WeakSet
            | ObjectKind::WeakRef
            | ObjectKind::Promise => match self.other_internal_slot() {
                Some(slot) => SlotKind::OtherInternalSlot(slot),
                None => SlotKind::Ordinary,
            },
            ObjectKind::Proxy => SlotKind::Exotic("Proxy"),
            ObjectKind::Ordinary | ObjectKind::ObjectPrototype => SlotKind::Ordinary,
        }
    }

    /// Which exotic object this is, if any. A DataView is an ordinary
    /// object; TypedArrays are exotic.
    pub(super) fn exotic_kind(&self) -> Option<&'static str> {
        match self {
            ObjectKind::Proxy => Some("Proxy"),
            ObjectKind::StringWrapper(_) => Some("String"),
            ObjectKind::Array { .. } => Some("Array"),
            ObjectKind::ObjectPrototype => Some("immutable prototype"),
            ObjectKind::View { kind, .. } if *kind != ViewKind::DataView => Some("TypedArray"),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Heap, SharedDataBlock};
    use super::*;
    use crate::ecmascript::Realm;

    fn platform(heap: &mut Heap, detached: Option<bool>) -> ObjectId {
        heap.alloc(ObjectKind::Platform {
            interface: "MessagePort".into(),
            detached,
            host: 7,
        })
    }

    #[test]
    fn primitive_slots_come_from_the_kind() {
        let mut heap = Heap::default();
        let b = heap.create_boolean_object(true);
        let n = heap.create_number_object(-0.0);
        let big = heap.create_bigint_object(BigInt::from(-3));
        let s = heap.create_string_object(JsString::from("hi"));
        let d = heap.create_date(1.5e12);
        let r = heap
            .create_regexp(JsString::from("a+"), JsString::from("g"))
            .unwrap();
        assert_eq!(heap.boolean_data(&b), Some(true));
        assert_eq!(heap.number_data(&n).map(f64::to_bits), Some((-0.0f64).to_bits()));
        assert_eq!(heap.bigint_data(&big), Some(BigInt::from(-3)));
        assert_eq!(heap.string_data(&s), Some(JsString::from("hi")));
        assert_eq!(heap.date_value(&d), Some(1.5e12));
        assert_eq!(
            heap.regexp_source_and_flags(&r),
            Some((JsString::from("a+"), JsString::from("g")))
        );
        // Each reader answers only for its own kind.
        assert_eq!(heap.boolean_data(&n), None);
        assert_eq!(heap.number_data(&b), None);
        assert_eq!(heap.string_data(&r), None);
        assert_eq!(heap.date_value(&s), None);
        assert!(heap.regexp_source_and_flags(&d).is_none());
    }

    #[test]
    fn buffer_slots() {
        let mut heap = Heap::default();
        let fixed = heap.create_array_buffer(vec![1, 2], None).unwrap();
        let resizable = heap.create_array_buffer(vec![0; 3], Some(10)).unwrap();
        let block = SharedDataBlock::new(vec![0; 5]);
        let shared = heap.create_shared_array_buffer(block.clone(), Some(6));
        let slots = heap.array_buffer(&fixed).unwrap();
        assert_eq!(
            (slots.byte_length, slots.max_byte_length, slots.shared),
            (2, None, None)
        );
        let slots = heap.array_buffer(&resizable).unwrap();
        assert_eq!((slots.byte_length, slots.max_byte_length), (3, Some(10)));
        let slots = heap.array_buffer(&shared).unwrap();
        assert_eq!((slots.byte_length, slots.max_byte_length), (5, Some(6)));
        assert!(slots.shared.is_some_and(|s| s.same_block(&block)));
        assert!(heap.is_shared_array_buffer(&shared));
        assert!(!heap.is_shared_array_buffer(&fixed));
        assert!(!heap.is_detached_buffer(&shared));
        assert!(heap.array_buffer(&heap.object_prototype()).is_none());
    }

    #[test]
    fn view_slots_convert_lengths_both_ways() {
        let mut heap = Heap::default();
        let buffer = heap.create_array_buffer(vec![0; 16], None).unwrap();
        let typed = heap.create_array_buffer_view(ViewSlots {
            kind: ViewKind::Uint32Array,
            buffer,
            byte_offset: 4,
            byte_length: Some(12),
            array_length: Some(3),
        });
        assert!(matches!(
            heap.object(typed).kind,
            ObjectKind::View { length: Some(3), .. }
        ));
        let slots = heap.array_buffer_view(&typed).unwrap();
        assert_eq!(
            (
                slots.kind,
                slots.buffer,
                slots.byte_offset,
                slots.byte_length,
                slots.array_length
            ),
            (ViewKind::Uint32Array, buffer, 4, Some(12), Some(3))
        );
        let data_view = heap.create_array_buffer_view(ViewSlots {
            kind: ViewKind::DataView,
            buffer,
            byte_offset: 1,
            byte_length: Some(5),
            array_length: None,
        });
        let slots = heap.array_buffer_view(&data_view).unwrap();
        assert_eq!((slots.byte_length, slots.array_length), (Some(5), None));
        let tracking = heap.create_array_buffer_view(ViewSlots {
            kind: ViewKind::Float64Array,
            buffer,
            byte_offset: 8,
            byte_length: None,
            array_length: None,
        });
        let slots = heap.array_buffer_view(&tracking).unwrap();
        assert_eq!((slots.byte_length, slots.array_length), (None, None));
        let huge = heap.alloc(ObjectKind::View {
            kind: ViewKind::Float64Array,
            buffer,
            byte_offset: 0,
            length: Some(usize::MAX),
        });
        assert_eq!(
            heap.array_buffer_view(&huge).unwrap().byte_length,
            Some(usize::MAX)
        );
        assert!(heap.array_buffer_view(&buffer).is_none());
    }

    #[test]
    fn kinds_classify_for_the_later_steps() {
        let mut heap = Heap::default();
        let function = heap.alloc(ObjectKind::Function);
        let proxy = heap.alloc(ObjectKind::Proxy);
        let array = heap.array_create(0);
        let string = heap.create_string_object(JsString::default());
        let buffer = heap.create_array_buffer(Vec::new(), None).unwrap();
        let typed = heap.alloc(ObjectKind::View {
            kind: ViewKind::Int8Array,
            buffer,
            byte_offset: 0,
            length: None,
        });
        let data_view = heap.alloc(ObjectKind::View {
            kind: ViewKind::DataView,
            buffer,
            byte_offset: 0,
            length: None,
        });
        let plain = heap.ordinary_object_create();
        let prototype = heap.object_prototype();
        let symbol = heap.new_symbol(None);
        let slots = [
            (
                heap.alloc(ObjectKind::SymbolObject(symbol)),
                Some("[[SymbolData]]"),
            ),
            (heap.alloc(ObjectKind::WeakMap), Some("[[WeakMapData]]")),
            (heap.alloc(ObjectKind::WeakSet), Some("[[WeakSetData]]")),
            (heap.alloc(ObjectKind::WeakRef), Some("[[WeakRefTarget]]")),
            (heap.alloc(ObjectKind::Promise), Some("[[PromiseState]]")),
            (proxy, None),
            (plain, None),
            (prototype, None),
            (array, None),
        ];
        for (o, slot) in slots {
            assert_eq!(heap.other_internal_slot(&o), slot, "{:?}", heap.object(o).kind);
        }
        let exotic = [
            (proxy, Some("Proxy")),
            (string, Some("String")),
            (array, Some("Array")),
            (prototype, Some("immutable prototype")),
            (typed, Some("TypedArray")),
            (data_view, None),
            (plain, None),
            (function, None),
        ];
        for (o, kind) in exotic {
            assert_eq!(heap.exotic_kind(&o), kind, "{:?}", heap.object(o).kind);
        }
        assert!(heap.is_callable(&function));
        assert!(!heap.is_callable(&proxy) && !heap.is_callable(&plain));
        assert!(heap.is_array_exotic(&array) && !heap.is_array_exotic(&string));
        assert!(heap.is_object_prototype_intrinsic(&prototype));
        assert!(!heap.is_object_prototype_intrinsic(&plain));
    }

    #[test]
    fn the_one_slot_kind_answer_agrees_with_the_questions_asked_in_order() {
        use crate::ecmascript::slot_kind::slot_kind_by_questions;
        use crate::ecmascript::{ErrorPrototype, SlotKind};
        let mut heap = Heap::default();
        let buffer = heap.create_array_buffer(vec![1, 2], None).unwrap();
        let shared = heap.create_shared_array_buffer(SharedDataBlock::new(vec![0; 4]), None);
        let symbol = heap.new_symbol(None);
        let regexp = heap
            .create_regexp(JsString::from("a+"), JsString::from("g"))
            .unwrap();
        let kinds = [
            ObjectKind::Ordinary,
            ObjectKind::Array { length: 0 },
            ObjectKind::BooleanWrapper(true),
            ObjectKind::NumberWrapper(-0.5),
            ObjectKind::BigIntWrapper(BigInt::from(7)),
            ObjectKind::StringWrapper(JsString::from("s")),
            ObjectKind::Date(1.0),
            ObjectKind::View {
                kind: ViewKind::Uint8Array,
                buffer,
                byte_offset: 0,
                length: None,
            },
            ObjectKind::View {
                kind: ViewKind::DataView,
                buffer,
                byte_offset: 1,
                length: Some(1),
            },
            ObjectKind::Map(Vec::new()),
            ObjectKind::Set(Vec::new()),
            ObjectKind::Error {
                prototype: ErrorPrototype::TypeError,
                stack: None,
            },
            ObjectKind::Function,
            ObjectKind::SymbolObject(symbol),
            ObjectKind::WeakMap,
            ObjectKind::WeakSet,
            ObjectKind::WeakRef,
            ObjectKind::Promise,
            ObjectKind::Proxy,
        ];
        let mut objects: Vec<ObjectId> = kinds.into_iter().map(|kind| heap.alloc(kind)).collect();
        objects.extend([
            buffer,
            shared,
            regexp,
            heap.object_prototype(),
            platform(&mut heap, Some(true)),
            platform(&mut heap, None),
        ]);
        for o in objects {
            let by_questions = slot_kind_by_questions(&heap, &o);
            assert_eq!(heap.slot_kind(&o), by_questions, "{:?}", heap.object(o).kind);
        }
        // A handle past the heap's end has no slots: an ordinary object.
        let mut other = Heap::default();
        let far = (0..1000)
            .map(|_| other.alloc(ObjectKind::Function))
            .last()
            .unwrap();
        assert_eq!(heap.slot_kind(&far), SlotKind::Ordinary);
        assert_eq!(slot_kind_by_questions(&heap, &far), SlotKind::Ordinary);
        assert_eq!(heap.slot_kind(&buffer), SlotKind::ArrayBuffer);
    }

    #[test]
    fn platform_objects_and_their_detached_slot() {
        let mut heap = Heap::default();
        let port = platform(&mut heap, Some(false));
        let other = platform(&mut heap, None);
        assert_eq!(
            heap.platform_object(&port),
            Some(PlatformObjectSlots {
                interface: "MessagePort".to_owned(),
                detached: Some(false)
            })
        );
        heap.set_detached(&port, true);
        assert_eq!(heap.platform_object(&port).and_then(|p| p.detached), Some(true));
        heap.set_detached(&other, true);
        assert_eq!(heap.platform_object(&other).and_then(|p| p.detached), None);
        let plain = heap.ordinary_object_create();
        assert!(heap.platform_object(&plain).is_none());
    }
}
