//! ArrayBuffer views as ECMA-262 describes them, read off the document:
//! element sizes and names (the table of TypedArray constructors), whether
//! a view is out of bounds, and a typed array's element values.
//!
//! <https://tc39.es/ecma262/#table-the-typedarray-constructors>

use webmessaging::ecmascript::{BigInt, ViewKind};
use webmessaging::notation::{Buffer, Document, Kind};

/// The Element Size of a typed array kind; a DataView is measured in bytes.
pub fn element_size(kind: ViewKind) -> usize {
    match kind {
        ViewKind::Int8Array | ViewKind::Uint8Array | ViewKind::Uint8ClampedArray | ViewKind::DataView => 1,
        ViewKind::Int16Array | ViewKind::Uint16Array | ViewKind::Float16Array => 2,
        ViewKind::Int32Array | ViewKind::Uint32Array | ViewKind::Float32Array => 4,
        ViewKind::BigInt64Array | ViewKind::BigUint64Array | ViewKind::Float64Array => 8,
    }
}

/// The constructor's name: a typed array's [[TypedArrayName]], or "DataView".
pub fn constructor_name(kind: ViewKind) -> &'static str {
    match kind {
        ViewKind::Int8Array => "Int8Array",
        ViewKind::Uint8Array => "Uint8Array",
        ViewKind::Uint8ClampedArray => "Uint8ClampedArray",
        ViewKind::Int16Array => "Int16Array",
        ViewKind::Uint16Array => "Uint16Array",
        ViewKind::Int32Array => "Int32Array",
        ViewKind::Uint32Array => "Uint32Array",
        ViewKind::BigInt64Array => "BigInt64Array",
        ViewKind::BigUint64Array => "BigUint64Array",
        ViewKind::Float16Array => "Float16Array",
        ViewKind::Float32Array => "Float32Array",
        ViewKind::Float64Array => "Float64Array",
        ViewKind::DataView => "DataView",
    }
}

/// A view's fields, as the notation spells them.
#[derive(Clone, Copy, Debug)]
pub struct View {
    /// Which constructor.
    pub kind: ViewKind,
    /// [[ViewedArrayBuffer]], an object index.
    pub buffer: usize,
    /// [[ByteOffset]]
    pub byte_offset: usize,
    /// [[ArrayLength]] (a DataView's [[ByteLength]]); `None` when it
    /// tracks the buffer's length.
    pub length: Option<usize>,
}

impl View {
    /// The view input object `i` of `doc` is, if it is one.
    pub fn of(doc: &Document, i: usize) -> Option<View> {
        match doc.objects[i].kind {
            Kind::View {
                kind,
                buffer,
                byte_offset,
                length,
            } => Some(View {
                kind,
                buffer,
                byte_offset,
                length,
            }),
            _ => None,
        }
    }

    fn viewed<'d>(&self, doc: &'d Document) -> Option<&'d Buffer> {
        match &doc.objects[self.buffer].kind {
            Kind::ArrayBuffer(buffer) => Some(buffer),
            _ => None,
        }
    }

    /// IsArrayBufferViewOutOfBounds (IsTypedArrayOutOfBounds /
    /// IsViewOutOfBounds): a detached buffer puts every view out of bounds;
    /// otherwise the view must start within the buffer and, unless it tracks
    /// the buffer's length, end within it.
    ///
    /// <https://tc39.es/ecma262/#sec-isarraybufferviewoutofbounds>
    pub fn out_of_bounds(&self, doc: &Document) -> bool {
        let Some(viewed) = self.viewed(doc) else {
            return true;
        };
        if viewed.detached {
            return true;
        }
        let buffer_length = viewed.bytes.len();
        if self.byte_offset > buffer_length {
            return true;
        }
        match self.length {
            None => false,
            Some(n) => n
                .checked_mul(element_size(self.kind))
                .and_then(|bytes| bytes.checked_add(self.byte_offset))
                .is_none_or(|end| end > buffer_length),
        }
    }

    /// A typed array's elements in index order (GetValueFromBuffer of each,
    /// little-endian as this realm's agent is), or `None` when it is out of
    /// bounds or a DataView.
    pub fn elements(&self, doc: &Document) -> Option<Vec<Element>> {
        if self.kind == ViewKind::DataView || self.out_of_bounds(doc) {
            return None;
        }
        let bytes = &self.viewed(doc)?.bytes;
        let size = element_size(self.kind);
        // TypedArrayLength: a length-tracking view holds the whole elements
        // that fit after its offset.
        let count = self.length.unwrap_or((bytes.len() - self.byte_offset) / size);
        let elements = (0..count)
            .map(|n| {
                let at = self.byte_offset + n * size;
                raw_bytes_to_numeric(self.kind, &bytes[at..at + size])
            })
            .collect();
        Some(elements)
    }
}

/// A typed array element: a Number or a BigInt.
#[derive(Clone, Debug, PartialEq)]
pub enum Element {
    /// From a Number-valued kind.
    Number(f64),
    /// From BigInt64Array or BigUint64Array.
    BigInt(BigInt),
}

/// RawBytesToNumeric for little-endian `raw` of one element of `kind`.
///
/// <https://tc39.es/ecma262/#sec-rawbytestonumeric>
fn raw_bytes_to_numeric(kind: ViewKind, raw: &[u8]) -> Element {
    let mut word = [0u8; 8];
    word[..raw.len()].copy_from_slice(raw);
    let unsigned = u64::from_le_bytes(word);
    let number = match kind {
        ViewKind::Int8Array => f64::from(raw[0] as i8),
        ViewKind::Uint8Array | ViewKind::Uint8ClampedArray | ViewKind::DataView => f64::from(raw[0]),
        ViewKind::Int16Array => f64::from(unsigned as u16 as i16),
        ViewKind::Uint16Array => f64::from(unsigned as u16),
        ViewKind::Int32Array => f64::from(unsigned as u32 as i32),
        ViewKind::Uint32Array => f64::from(unsigned as u32),
        ViewKind::Float16Array => binary16(unsigned as u16),
        ViewKind::Float32Array => f64::from(f32::from_bits(unsigned as u32)),
        ViewKind::Float64Array => f64::from_bits(unsigned),
        ViewKind::BigInt64Array => return Element::BigInt(BigInt::from(unsigned as i64)),
        ViewKind::BigUint64Array => {
            return Element::BigInt(BigInt::parse(&unsigned.to_string()).expect("decimal digits"));
        }
    };
    Element::Number(number)
}

/// An IEEE 754 binary16 value: 1 sign bit, 5 exponent bits (bias 15), 10
/// fraction bits.
fn binary16(bits: u16) -> f64 {
    let sign = if bits & 0x8000 != 0 { -1.0 } else { 1.0 };
    let exponent = i32::from((bits >> 10) & 0x1f);
    let fraction = f64::from(bits & 0x3ff);
    let magnitude = match exponent {
        0 => fraction * 2f64.powi(-24), // subnormal: 0.fraction × 2^-14
        31 if fraction == 0.0 => f64::INFINITY,
        31 => f64::NAN,
        _ => (1024.0 + fraction) * 2f64.powi(exponent - 25),
    };
    sign * magnitude
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binary16_values() {
        assert_eq!(binary16(0x3c00), 1.0);
        assert_eq!(binary16(0xc000), -2.0);
        assert_eq!(binary16(0x7bff), 65504.0);
        assert_eq!(binary16(0x0001), 2f64.powi(-24));
        assert_eq!(binary16(0x0400), 2f64.powi(-14));
        assert_eq!(binary16(0x3555), 0.333251953125);
        assert_eq!(binary16(0x7c00), f64::INFINITY);
        assert!(binary16(0x7e00).is_nan());
        assert_eq!(binary16(0x8000).to_bits(), (-0.0f64).to_bits());
    }

    #[test]
    fn elements_are_little_endian() {
        let doc = webmessaging::notation::parse(
            r#"{"root": null, "objects": [
                {"kind": "ArrayBuffer", "bytes": "ffff003c007c01000000000000000080", "maxByteLength": 20},
                {"kind": "Int16Array", "buffer": 0, "byteOffset": 0, "length": 1},
                {"kind": "Float16Array", "buffer": 0, "byteOffset": 2, "length": 2},
                {"kind": "Uint8Array", "buffer": 0, "byteOffset": 12, "length": null},
                {"kind": "BigInt64Array", "buffer": 0, "byteOffset": 8, "length": 1},
                {"kind": "Uint16Array", "buffer": 0, "byteOffset": 16, "length": 1}
            ]}"#,
        )
        .expect("a document");
        let numbers = |i| View::of(&doc, i).and_then(|v| v.elements(&doc));
        assert_eq!(numbers(1), Some(vec![Element::Number(-1.0)]));
        assert_eq!(
            numbers(2),
            Some(vec![Element::Number(1.0), Element::Number(f64::INFINITY)])
        );
        assert_eq!(
            numbers(3),
            Some(vec![
                Element::Number(0.0),
                Element::Number(0.0),
                Element::Number(0.0),
                Element::Number(128.0)
            ])
        );
        assert_eq!(
            numbers(4),
            Some(vec![Element::BigInt(
                BigInt::parse("-9223372036854775808").unwrap()
            )])
        );
        assert_eq!(numbers(5), None, "past the end");
    }
}
