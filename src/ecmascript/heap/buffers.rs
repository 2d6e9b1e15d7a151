//! ArrayBuffer, SharedArrayBuffer and view operations of the built-in heap:
//! byte lengths, bounds, detaching, copying and allocation.

use super::{ArrayBufferState, Heap, ObjectId, ObjectKind};
use crate::ecmascript::{ErrorPrototype, Exception};

impl Heap {
    /// The buffer's state, if `id` is an ArrayBuffer or SharedArrayBuffer here.
    pub(super) fn buffer_state(&self, id: ObjectId) -> Option<&ArrayBufferState> {
        match &self.get_object(id)?.kind {
            ObjectKind::ArrayBuffer(state) => Some(state),
            _ => None,
        }
    }

    /// ArrayBufferByteLength(buffer): 0 once detached, the Shared Data
    /// Block's current length for a SharedArrayBuffer. `None` if `id` is not
    /// a buffer of this heap.
    pub fn array_buffer_byte_length(&self, id: ObjectId) -> Option<usize> {
        Some(match self.buffer_state(id)? {
            ArrayBufferState::Owned { data, .. } => data.as_ref().map_or(0, Vec::len),
            ArrayBufferState::Shared { block, .. } => block.len(),
        })
    }

    /// The elements of a TypedArray as [[Get]] of its indices reads them
    /// (Numbers, or BigInts for the 64-bit integer kinds), or `None` for a
    /// DataView, an object that is no view, or a view out of bounds.
    pub fn typed_array_elements(&self, id: ObjectId) -> Option<Vec<crate::ecmascript::Value<ObjectId>>> {
        use crate::ecmascript::{BigInt, Value, ViewKind};
        let ObjectKind::View {
            kind,
            buffer,
            byte_offset,
            length,
        } = &self.get_object(id)?.kind
        else {
            return None;
        };
        if *kind == ViewKind::DataView || self.view_out_of_bounds(id) {
            return None;
        }
        let bytes = match self.buffer_state(*buffer)? {
            ArrayBufferState::Owned { data, .. } => data.clone()?,
            ArrayBufferState::Shared { block, .. } => block.snapshot(),
        };
        let size = kind.element_size();
        let count = length.unwrap_or((bytes.len() - byte_offset) / size);
        let element = |i: usize| -> Option<Value<ObjectId>> {
            let at = byte_offset + i * size;
            let raw = bytes.get(at..at + size)?;
            let mut word = [0u8; 8];
            word[..size].copy_from_slice(raw);
            let unsigned = u64::from_le_bytes(word);
            Some(match kind {
                ViewKind::Int8Array => Value::Number(f64::from(raw[0] as i8)),
                ViewKind::Uint8Array | ViewKind::Uint8ClampedArray => Value::Number(f64::from(raw[0])),
                ViewKind::Int16Array => Value::Number(f64::from(unsigned as u16 as i16)),
                ViewKind::Uint16Array => Value::Number(f64::from(unsigned as u16)),
                ViewKind::Int32Array => Value::Number(f64::from(unsigned as u32 as i32)),
                ViewKind::Uint32Array => Value::Number(f64::from(unsigned as u32)),
                ViewKind::Float16Array => Value::Number(f16_to_f64(unsigned as u16)),
                ViewKind::Float32Array => Value::Number(f64::from(f32::from_bits(unsigned as u32))),
                ViewKind::Float64Array => Value::Number(f64::from_bits(unsigned)),
                ViewKind::BigInt64Array => Value::BigInt(BigInt::from(unsigned as i64)),
                ViewKind::BigUint64Array => Value::BigInt(BigInt::parse(&unsigned.to_string()).ok()?),
                ViewKind::DataView => return None,
            })
        };
        (0..count).map(element).collect()
    }

    /// IsArrayBufferViewOutOfBounds(O) (IsTypedArrayOutOfBounds for a
    /// TypedArray, IsViewOutOfBounds for a DataView). Arithmetic that would
    /// overflow counts as out of bounds. A view whose [[ViewedArrayBuffer]]
    /// is not a buffer of this heap is out of bounds too (nothing can be read
    /// through it); an object that is not a view is not.
    ///
    /// <https://tc39.es/ecma262/#sec-isarraybufferviewoutofbounds>
    pub fn view_out_of_bounds(&self, id: ObjectId) -> bool {
        let Some(ObjectKind::View {
            kind,
            buffer,
            byte_offset,
            length,
        }) = self.get_object(id).map(|o| &o.kind)
        else {
            return false;
        };
        if self.is_detached(*buffer) {
            return true;
        }
        let Some(buffer_byte_length) = self.array_buffer_byte_length(*buffer) else {
            return true;
        };
        let start = *byte_offset;
        let end = match length {
            None => Some(buffer_byte_length),
            Some(length) => length
                .checked_mul(kind.element_size())
                .and_then(|bytes| start.checked_add(bytes)),
        };
        match end {
            Some(end) => start > buffer_byte_length || end > buffer_byte_length,
            None => true,
        }
    }

    /// IsDetachedBuffer: an ArrayBuffer whose [[ArrayBufferData]] is null.
    pub(super) fn is_detached(&self, id: ObjectId) -> bool {
        matches!(
            self.buffer_state(id),
            Some(ArrayBufferState::Owned { data: None, .. })
        )
    }

    /// DetachArrayBuffer(arrayBuffer) with no key: hands back the bytes it
    /// detached (none if it already was). Throws a TypeError when the buffer
    /// has a detach key, is shared, or is not an ArrayBuffer at all.
    pub(super) fn detach(&mut self, id: ObjectId) -> Result<Vec<u8>, Exception<ObjectId>> {
        let refusal = match self.buffer_state(id) {
            None => Some("DetachArrayBuffer: not an ArrayBuffer"),
            Some(ArrayBufferState::Shared { .. }) => Some("A SharedArrayBuffer cannot be detached"),
            Some(ArrayBufferState::Owned { detach_key: true, .. }) => {
                Some("This ArrayBuffer cannot be detached without its detach key")
            }
            Some(ArrayBufferState::Owned { .. }) => None,
        };
        if let Some(message) = refusal {
            return self.throw(ErrorPrototype::TypeError, message);
        }
        let Some(ObjectKind::ArrayBuffer(state)) = self.kind_mut(id) else {
            return Ok(Vec::new());
        };
        match &mut **state {
            ArrayBufferState::Owned { data, .. } => Ok(data.take().unwrap_or_default()),
            ArrayBufferState::Shared { .. } => Ok(Vec::new()),
        }
    }

    /// CreateByteDataBlock(size): `size` zeroed bytes taken from the
    /// allocation budget, or a RangeError when the budget (or the process's
    /// memory) cannot supply them.
    pub(super) fn byte_data_block(&mut self, size: usize) -> Result<Vec<u8>, Exception<ObjectId>> {
        let mut block = Vec::new();
        if !self.take_allocation(size) || block.try_reserve_exact(size).is_err() {
            return self.throw(ErrorPrototype::RangeError, "Array buffer allocation failed");
        }
        block.resize(size, 0);
        Ok(block)
    }

    /// CopyDataBlockBytes from the [[ArrayBufferData]] of `from`. The
    /// algorithms only ask for ranges that exist; for any other range the
    /// bytes that do exist on both sides are copied and the rest left alone,
    /// and a detached buffer or a non-buffer copies nothing.
    pub(super) fn copy_bytes(
        &self,
        to_block: &mut [u8],
        to_index: usize,
        from: ObjectId,
        from_index: usize,
        count: usize,
    ) {
        let copy = |source: &[u8], to_block: &mut [u8]| {
            let available = source.len().saturating_sub(from_index);
            let room = to_block.len().saturating_sub(to_index);
            let n = count.min(available).min(room);
            if n > 0 {
                to_block[to_index..to_index + n].copy_from_slice(&source[from_index..from_index + n]);
            }
        };
        match self.buffer_state(from) {
            Some(ArrayBufferState::Owned { data: Some(data), .. }) => copy(data, to_block),
            Some(ArrayBufferState::Shared { block, .. }) => {
                copy(&block.snapshot(), to_block);
            }
            _ => {}
        }
    }
}

/// An IEEE 754 binary16 value, widened exactly.
fn f16_to_f64(bits: u16) -> f64 {
    let sign = if bits & 0x8000 != 0 { -1.0 } else { 1.0 };
    let exponent = i32::from((bits >> 10) & 0x1f);
    let fraction = f64::from(bits & 0x3ff);
    sign * match exponent {
        0 => fraction * 2f64.powi(-24),
        31 if fraction == 0.0 => f64::INFINITY,
        31 => f64::NAN,
        e => (1.0 + fraction / 1024.0) * 2f64.powi(e - 15),
    }
}

#[cfg(test)]
mod tests {
    use super::super::conversion::thrown;
    use super::*;
    use crate::ecmascript::{Realm, SharedDataBlock, ViewKind};

    fn view(
        heap: &mut Heap,
        kind: ViewKind,
        buffer: ObjectId,
        byte_offset: usize,
        length: Option<usize>,
    ) -> ObjectId {
        heap.alloc(ObjectKind::View {
            kind,
            buffer,
            byte_offset,
            length,
        })
    }

    /// Resizes an ArrayBuffer in place, as `resize()` would.
    fn resize(heap: &mut Heap, buffer: ObjectId, len: usize) {
        match heap.object_mut(buffer).kind.as_array_buffer_mut() {
            Some(ArrayBufferState::Owned { data: Some(data), .. }) => data.resize(len, 0),
            other => panic!("not an attached ArrayBuffer: {other:?}"),
        }
    }

    #[test]
    fn views_go_out_of_bounds_when_a_resizable_buffer_shrinks() {
        let mut heap = Heap::default();
        let buffer = heap.create_array_buffer(vec![0; 8], Some(16)).unwrap();
        let fixed = view(&mut heap, ViewKind::Uint16Array, buffer, 2, Some(3)); // bytes 2..8
        let tracking = view(&mut heap, ViewKind::Float64Array, buffer, 4, None);
        let data_view = view(&mut heap, ViewKind::DataView, buffer, 0, Some(8));
        for v in [fixed, tracking, data_view] {
            assert!(!heap.is_array_buffer_view_out_of_bounds(&v));
        }
        resize(&mut heap, buffer, 7);
        assert!(heap.is_array_buffer_view_out_of_bounds(&fixed));
        assert!(heap.is_array_buffer_view_out_of_bounds(&data_view));
        assert!(!heap.is_array_buffer_view_out_of_bounds(&tracking));
        resize(&mut heap, buffer, 4); // a tracking view may start right at the end
        assert!(!heap.is_array_buffer_view_out_of_bounds(&tracking));
        resize(&mut heap, buffer, 3);
        assert!(heap.is_array_buffer_view_out_of_bounds(&tracking));
        resize(&mut heap, buffer, 16);
        for v in [fixed, tracking, data_view] {
            assert!(!heap.is_array_buffer_view_out_of_bounds(&v));
        }
        heap.detach_array_buffer(&buffer).unwrap();
        for v in [fixed, tracking, data_view] {
            assert!(heap.is_array_buffer_view_out_of_bounds(&v));
        }
    }

    #[test]
    fn bounds_checks_never_overflow() {
        let mut heap = Heap::default();
        let buffer = heap.create_array_buffer(vec![0; 8], None).unwrap();
        let huge_length = view(&mut heap, ViewKind::BigInt64Array, buffer, 0, Some(usize::MAX));
        let huge_offset = view(&mut heap, ViewKind::Uint8Array, buffer, usize::MAX, Some(1));
        let huge_tracking = view(&mut heap, ViewKind::Uint8Array, buffer, usize::MAX, None);
        let no_buffer = view(&mut heap, ViewKind::Uint8Array, ObjectId(9999), 0, Some(0));
        let prototype = heap.object_prototype();
        let not_a_buffer = view(&mut heap, ViewKind::Uint8Array, prototype, 0, None);
        for v in [huge_length, huge_offset, huge_tracking, no_buffer, not_a_buffer] {
            assert!(heap.is_array_buffer_view_out_of_bounds(&v), "{v:?}");
        }
        assert!(!heap.is_array_buffer_view_out_of_bounds(&buffer));
        let grown = SharedDataBlock::new(vec![0; 4]);
        let shared = heap.create_shared_array_buffer(grown.clone(), Some(8));
        let on_shared = view(&mut heap, ViewKind::Int32Array, shared, 4, Some(1));
        assert!(heap.is_array_buffer_view_out_of_bounds(&on_shared));
        grown.bytes().unwrap().with(|b| b.resize(8, 0));
        assert!(!heap.is_array_buffer_view_out_of_bounds(&on_shared));
    }

    #[test]
    fn detach_hands_back_the_bytes() {
        let mut heap = Heap::default();
        let buffer = heap.create_array_buffer(vec![1, 2, 3], None).unwrap();
        assert!(!heap.is_detached_buffer(&buffer));
        assert_eq!(heap.detach_array_buffer(&buffer).unwrap(), [1, 2, 3]);
        assert!(heap.is_detached_buffer(&buffer));
        assert_eq!(heap.array_buffer(&buffer).map(|slots| slots.byte_length), Some(0));
        assert_eq!(heap.detach_array_buffer(&buffer).unwrap(), Vec::<u8>::new());
    }

    #[test]
    fn detach_refuses_keyed_shared_and_non_buffers() {
        let mut heap = Heap::default();
        let keyed = heap.alloc(ObjectKind::array_buffer_of(ArrayBufferState::Owned {
            data: Some(vec![9]),
            max_byte_length: None,
            detach_key: true,
        }));
        let result = heap.detach_array_buffer(&keyed);
        assert!(thrown(&mut heap, result).starts_with("TypeError: "));
        assert!(!heap.is_detached_buffer(&keyed));
        assert_eq!(heap.array_buffer(&keyed).map(|slots| slots.byte_length), Some(1));

        let shared = heap.create_shared_array_buffer(SharedDataBlock::new(vec![1]), None);
        let plain = heap.ordinary_object_create();
        for o in [shared, plain, ObjectId(12345)] {
            let result = heap.detach_array_buffer(&o);
            assert!(thrown(&mut heap, result).starts_with("TypeError: "), "{o:?}");
        }
        assert!(!heap.is_detached_buffer(&shared));
    }

    #[test]
    fn allocation_budget_throws_range_errors() {
        let mut heap = Heap::default();
        heap.set_allocation_budget(Some(10));
        assert_eq!(heap.create_byte_data_block(8).unwrap(), [0; 8]);
        let result = heap.create_byte_data_block(3);
        assert_eq!(
            thrown(&mut heap, result),
            "RangeError: Array buffer allocation failed"
        );
        let result = heap.create_array_buffer(vec![0; 3], None);
        assert_eq!(
            thrown(&mut heap, result),
            "RangeError: Array buffer allocation failed"
        );
        assert!(heap.create_array_buffer(vec![0; 2], None).is_ok());
        assert!(heap.create_byte_data_block(1).is_err(), "the budget is spent");
        // With no budget, an impossible size still fails as a RangeError.
        heap.set_allocation_budget(None);
        let result = heap.create_byte_data_block(usize::MAX);
        assert!(thrown(&mut heap, result).starts_with("RangeError"));
    }

    #[test]
    fn copy_reads_owned_and_shared_blocks() {
        let mut heap = Heap::default();
        let owned = heap.create_array_buffer(vec![1, 2, 3, 4], None).unwrap();
        let shared = heap.create_shared_array_buffer(SharedDataBlock::new(vec![5, 6, 7]), None);
        let mut to = [0u8; 4];
        heap.copy_data_block_bytes(&mut to, 1, &owned, 1, 3);
        assert_eq!(to, [0, 2, 3, 4]);
        heap.copy_data_block_bytes(&mut to, 0, &shared, 1, 2);
        assert_eq!(to, [6, 7, 3, 4]);
        // Ranges past either end copy only what exists.
        heap.copy_data_block_bytes(&mut to, 3, &owned, 0, 100);
        assert_eq!(to, [6, 7, 3, 1]);
        heap.copy_data_block_bytes(&mut to, usize::MAX, &owned, usize::MAX, usize::MAX);
        heap.detach_array_buffer(&owned).unwrap();
        heap.copy_data_block_bytes(&mut to, 0, &owned, 0, 4);
        heap.copy_data_block_bytes(&mut to, 0, &ObjectId(777), 0, 4);
        assert_eq!(to, [6, 7, 3, 1]);
    }

    #[test]
    fn typed_array_elements_read_little_endian_values() {
        use crate::ecmascript::Value;
        let mut heap = Heap::default();
        let bytes = vec![0xff, 0xff, 0x00, 0x3c, 0x00, 0x7c];
        let buffer = heap.alloc(ObjectKind::array_buffer_of(ArrayBufferState::Owned {
            data: Some(bytes),
            max_byte_length: None,
            detach_key: false,
        }));
        let mut numbers = |kind, byte_offset, length| {
            let v = heap.alloc(ObjectKind::View {
                kind,
                buffer,
                byte_offset,
                length,
            });
            heap.typed_array_elements(v).map(|e| {
                e.into_iter()
                    .map(|v| match v {
                        Value::Number(n) => n,
                        other => panic!("{other:?}"),
                    })
                    .collect::<Vec<f64>>()
            })
        };
        assert_eq!(numbers(ViewKind::Int8Array, 0, Some(2)), Some(vec![-1.0, -1.0]));
        assert_eq!(numbers(ViewKind::Int16Array, 0, Some(1)), Some(vec![-1.0]));
        assert_eq!(
            numbers(ViewKind::Uint16Array, 0, None),
            Some(vec![65535.0, 15360.0, 31744.0])
        );
        assert_eq!(
            numbers(ViewKind::Float16Array, 2, None),
            Some(vec![1.0, f64::INFINITY])
        );
        assert_eq!(numbers(ViewKind::Uint8Array, 4, Some(4)), None, "out of bounds");
    }
}
