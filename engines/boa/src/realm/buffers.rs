//! ArrayBuffers, SharedArrayBuffers and their views in a Boa realm: the
//! slots the algorithms read, IsArrayBufferViewOutOfBounds, and creation.

use super::debug_slots::optional_length;
use super::{BoaRealm, Object};
use boa_engine::builtins::array_buffer::{ArrayBuffer, SharedArrayBuffer};
use boa_engine::builtins::dataview::DataView;
use boa_engine::builtins::typed_array::{TypedArray, TypedArrayKind};
use boa_engine::object::builtins::{
    AlignedVec, JsArrayBuffer, JsDataView, JsSharedArrayBuffer, JsTypedArray,
};
use boa_engine::property::PropertyDescriptor as BoaDescriptor;
use boa_engine::{Context, JsNativeError, JsObject, JsResult, JsValue, js_string};
use std::any::Any;
use std::fmt;
use std::sync::Arc;
use webmessaging::ecmascript::{ArrayBufferSlots, SharedDataBlock, SharedMemory, ViewKind, ViewSlots};

/// A Shared Data Block held by Boa: its raw `SharedArrayBuffer`, which every
/// Boa object made over it shares (it is `Send + Sync`).
#[derive(Clone)]
pub struct BoaSharedMemory(pub SharedArrayBuffer);

impl BoaSharedMemory {
    /// A short-lived object over the block, to read it through Boa's public
    /// wrapper. WORKAROUND (Boa 0.22): the raw buffer's length and bytes are
    /// crate-private; only `JsSharedArrayBuffer` reads them, and it needs an
    /// object. The object has no prototype and is never given to a script.
    fn object(&self) -> Option<JsSharedArrayBuffer> {
        JsSharedArrayBuffer::from_object(JsObject::from_proto_and_data(None, self.0.clone())).ok()
    }
}

impl fmt::Debug for BoaSharedMemory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "BoaSharedMemory({} bytes)", self.byte_length())
    }
}

impl SharedMemory for BoaSharedMemory {
    fn byte_length(&self) -> usize {
        self.object().map_or(0, |sab| sab.byte_length())
    }
    fn snapshot(&self) -> Vec<u8> {
        self.object().map(|sab| sab.to_vec()).unwrap_or_default()
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// The reference's name for a typed array kind.
fn view_kind(kind: TypedArrayKind) -> ViewKind {
    match kind {
        TypedArrayKind::Int8 => ViewKind::Int8Array,
        TypedArrayKind::Uint8 => ViewKind::Uint8Array,
        TypedArrayKind::Uint8Clamped => ViewKind::Uint8ClampedArray,
        TypedArrayKind::Int16 => ViewKind::Int16Array,
        TypedArrayKind::Uint16 => ViewKind::Uint16Array,
        TypedArrayKind::Int32 => ViewKind::Int32Array,
        TypedArrayKind::Uint32 => ViewKind::Uint32Array,
        TypedArrayKind::BigInt64 => ViewKind::BigInt64Array,
        TypedArrayKind::BigUint64 => ViewKind::BigUint64Array,
        TypedArrayKind::Float16 => ViewKind::Float16Array,
        TypedArrayKind::Float32 => ViewKind::Float32Array,
        TypedArrayKind::Float64 => ViewKind::Float64Array,
    }
}

/// The constructor of a view kind in the context's current realm.
pub fn view_constructor(kind: ViewKind, context: &Context) -> JsObject {
    let c = context.intrinsics().constructors();
    match kind {
        ViewKind::DataView => c.data_view(),
        ViewKind::Int8Array => c.typed_int8_array(),
        ViewKind::Uint8Array => c.typed_uint8_array(),
        ViewKind::Uint8ClampedArray => c.typed_uint8clamped_array(),
        ViewKind::Int16Array => c.typed_int16_array(),
        ViewKind::Uint16Array => c.typed_uint16_array(),
        ViewKind::Int32Array => c.typed_int32_array(),
        ViewKind::Uint32Array => c.typed_uint32_array(),
        ViewKind::Float16Array => c.typed_float16_array(),
        ViewKind::Float32Array => c.typed_float32_array(),
        ViewKind::Float64Array => c.typed_float64_array(),
        ViewKind::BigInt64Array => c.typed_bigint64_array(),
        ViewKind::BigUint64Array => c.typed_biguint64_array(),
    }
    .constructor()
}

fn to_usize(n: u64) -> usize {
    usize::try_from(n).unwrap_or(usize::MAX)
}

impl BoaRealm<'_> {
    /// Calls an original getter on `o`; `None` if it throws (no such slot).
    fn call_getter(&self, getter: &JsObject, o: &JsObject) -> Option<JsValue> {
        self.with_context(|context| getter.call(&JsValue::new(o.clone()), &[], context).ok())
    }

    /// [[ArrayBufferMaxByteLength]] of a buffer, if it is resizable (or
    /// growable), through the original getters that tell.
    fn max_byte_length(&self, o: &JsObject, resizable: &JsObject, max: &JsObject) -> Option<usize> {
        if !self.call_getter(resizable, o).is_some_and(|v| v.to_boolean()) {
            return None;
        }
        let max = self.call_getter(max, o)?.as_number()?;
        Some(max as usize)
    }

    /// The slots of an object with [[ArrayBufferData]].
    pub(super) fn buffer_slots(&self, o: &JsObject) -> Option<ArrayBufferSlots> {
        if let Some(buffer) = o.downcast_ref::<ArrayBuffer>() {
            let byte_length = buffer.data().map_or(0, <[u8]>::len);
            drop(buffer);
            // WORKAROUND (Boa 0.22): [[ArrayBufferMaxByteLength]] is private;
            // the original `resizable` and `maxByteLength` getters read it.
            let max_byte_length = self.max_byte_length(
                o,
                &self.originals.array_buffer_resizable,
                &self.originals.array_buffer_max_byte_length,
            );
            return Some(ArrayBufferSlots {
                byte_length,
                max_byte_length,
                shared: None,
            });
        }
        let raw = o.downcast_ref::<SharedArrayBuffer>()?.clone();
        let sab = JsSharedArrayBuffer::from_object(o.clone()).ok()?;
        let max_byte_length = self.max_byte_length(
            o,
            &self.originals.shared_growable,
            &self.originals.shared_max_byte_length,
        );
        Some(ArrayBufferSlots {
            byte_length: sab.byte_length(),
            max_byte_length,
            shared: Some(SharedDataBlock::from_memory(Arc::new(BoaSharedMemory(raw)))),
        })
    }

    /// The slots of an object with [[ViewedArrayBuffer]].
    pub(super) fn view_slots(&self, o: &JsObject) -> Option<ViewSlots<Object>> {
        if let Some(typed) = o.downcast_ref::<TypedArray>() {
            let kind = view_kind(typed.kind());
            let byte_offset = to_usize(typed.byte_offset());
            // WORKAROUND (Boa 0.22): whether [[ByteLength]] and
            // [[ArrayLength]] are *auto* shows only in the Debug text.
            let debug = format!("{:?}", &*typed);
            drop(typed);
            let byte_length = optional_length(&debug, "byte_length")?;
            let array_length = optional_length(&debug, "array_length")?;
            let buffer = self
                .with_context(|context| JsTypedArray::from_object(o.clone()).ok()?.buffer(context).ok())?
                .as_object()?;
            return Some(ViewSlots {
                kind,
                buffer: Object(buffer),
                byte_offset,
                byte_length: byte_length.map(to_usize),
                array_length: array_length.map(to_usize),
            });
        }
        let debug = format!("{:?}", &*o.downcast_ref::<DataView>()?);
        let byte_length = optional_length(&debug, "byte_length")?;
        let byte_offset = number_field(&debug, "byte_offset")?;
        let buffer = self
            .with_context(|context| JsDataView::from_object(o.clone()).ok()?.buffer(context).ok())?
            .as_object()?;
        Some(ViewSlots {
            kind: ViewKind::DataView,
            buffer: Object(buffer),
            byte_offset: to_usize(byte_offset),
            byte_length: byte_length.map(to_usize),
            array_length: None,
        })
    }

    /// IsArrayBufferViewOutOfBounds (IsTypedArrayOutOfBounds for a typed
    /// array, IsViewOutOfBounds for a DataView), from the view's slots and
    /// its buffer's current length.
    pub(super) fn view_out_of_bounds(&self, slots: &ViewSlots<Object>) -> bool {
        let Some(buffer) = self.buffer_slots(&slots.buffer.0) else {
            return true;
        };
        if slots
            .buffer
            .0
            .downcast_ref::<ArrayBuffer>()
            .is_some_and(|b| b.data().is_none())
        {
            return true; // a detached buffer
        }
        let length = buffer.byte_length;
        let start = slots.byte_offset;
        let fixed = if slots.kind == ViewKind::DataView {
            slots.byte_length
        } else {
            slots
                .array_length
                .map(|n| n.saturating_mul(slots.kind.element_size()))
        };
        let end = fixed.map_or(length, |bytes| start.saturating_add(bytes));
        start > length || end > length
    }

    /// A new ArrayBuffer owning `data`, resizable up to `max` when given.
    pub(super) fn new_array_buffer(
        data: Vec<u8>,
        max: Option<usize>,
        context: &mut Context,
    ) -> JsResult<JsObject> {
        let limit = context.host_hooks().max_buffer_size(context);
        if max.unwrap_or(data.len()) as u64 > limit {
            return Err(JsNativeError::range()
                .with_message(format!("an ArrayBuffer may hold at most {limit} bytes here"))
                .into());
        }
        let mut block = AlignedVec::<u8>::new(64);
        block.try_reserve_exact(data.len()).map_err(|_| {
            JsNativeError::range().with_message("the ArrayBuffer's memory could not be allocated")
        })?;
        block.extend_from_slice(&data);
        let buffer = JsArrayBuffer::from_byte_block(block, context)?;
        let buffer = match max {
            Some(max) => buffer.with_max_byte_length(max as u64),
            None => buffer,
        };
        Ok(buffer.into())
    }

    /// A new SharedArrayBuffer over `block`. A block of Boa's own shares the
    /// memory; a block from another engine (say the built-in heap) cannot be
    /// shared with Boa, so its bytes are copied into a new one.
    pub(super) fn new_shared_array_buffer(
        block: &SharedDataBlock,
        max: Option<usize>,
        context: &mut Context,
    ) -> JsResult<JsObject> {
        if let Some(memory) = block.memory().as_any().downcast_ref::<BoaSharedMemory>() {
            return Ok(JsSharedArrayBuffer::from_buffer(memory.0.clone(), context).into());
        }
        let constructor = context
            .intrinsics()
            .constructors()
            .shared_array_buffer()
            .constructor();
        let mut args = vec![JsValue::new(block.len() as f64)];
        if let Some(max) = max {
            let options = JsObject::with_object_proto(context.intrinsics());
            options.create_data_property_or_throw(js_string!("maxByteLength"), max as f64, context)?;
            args.push(options.into());
        }
        let sab = constructor.construct(&args, None, context)?;
        let bytes = view_constructor(ViewKind::Uint8Array, context).construct(
            &[sab.clone().into()],
            None,
            context,
        )?;
        for (i, byte) in block.snapshot().into_iter().enumerate() {
            bytes.set(i as u32, byte, true, context)?;
        }
        Ok(sab)
    }

    /// A new DataView or typed array with exactly `slots`, made by this
    /// realm's constructor. A view whose recorded range lies beyond its
    /// buffer's current length (possible when a getter resized the buffer
    /// between the two serializations) is made while the buffer is grown to
    /// its maximum, then the buffer's length is put back: the view ends up
    /// out of bounds, as the standard's direct slot setting leaves it.
    pub(super) fn new_view(slots: &ViewSlots<Object>, context: &mut Context) -> JsResult<JsObject> {
        let length = if slots.kind == ViewKind::DataView {
            slots.byte_length
        } else {
            slots.array_length
        };
        let args = [
            JsValue::new(slots.buffer.0.clone()),
            JsValue::new(slots.byte_offset as f64),
            length.map_or_else(JsValue::undefined, |n| JsValue::new(n as f64)),
        ];
        let constructor = view_constructor(slots.kind, context);
        match constructor.construct(&args, None, context) {
            Ok(view) => Ok(view),
            Err(error) => {
                let Some(mut buffer) = slots.buffer.0.downcast_mut::<ArrayBuffer>() else {
                    return Err(error);
                };
                let Some(current) = buffer.data().map(<[u8]>::len) else {
                    return Err(error);
                };
                let needed = slots.byte_offset + length.unwrap_or(0) * slots.kind.element_size();
                if buffer.resize(needed as u64).is_err() {
                    return Err(error);
                }
                drop(buffer);
                let view = constructor.construct(&args, None, context);
                if let Some(mut buffer) = slots.buffer.0.downcast_mut::<ArrayBuffer>() {
                    let _ = buffer.resize(current as u64);
                }
                view
            }
        }
    }
}

/// A plain number field `name: N` of a `Debug` text (last occurrence).
fn number_field(debug: &str, name: &str) -> Option<u64> {
    let needle = format!("{name}: ");
    let rest = &debug[debug.rfind(&needle)? + needle.len()..];
    let end = rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len());
    rest[..end].parse().ok()
}

/// A data descriptor with these attributes (Boa's builder).
pub fn data_descriptor(
    value: JsValue,
    writable: bool,
    enumerable: bool,
    configurable: bool,
) -> BoaDescriptor {
    BoaDescriptor::builder()
        .value(value)
        .writable(writable)
        .enumerable(enumerable)
        .configurable(configurable)
        .build()
}

/// DetachArrayBuffer(o) with the undefined key: its data (empty when it
/// was detached already); a TypeError when the buffer has another key.
pub fn detach(o: &JsObject) -> JsResult<Vec<u8>> {
    let mut buffer = o
        .downcast_mut::<ArrayBuffer>()
        .ok_or_else(|| JsNativeError::typ().with_message("not an ArrayBuffer"))?;
    Ok(buffer
        .detach(&JsValue::undefined())?
        .map(|block| block.as_slice().to_vec())
        .unwrap_or_default())
}

/// A copy of the bytes of a buffer (`None` when detached or not a buffer).
pub fn buffer_bytes(o: &JsObject) -> Option<Vec<u8>> {
    if let Ok(buffer) = JsArrayBuffer::from_object(o.clone()) {
        return buffer.to_vec();
    }
    JsSharedArrayBuffer::from_object(o.clone())
        .ok()
        .map(|sab| sab.to_vec())
}
