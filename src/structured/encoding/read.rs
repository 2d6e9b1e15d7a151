//! Reading the grammar: every byte is checked as it is read, and nothing is
//! allocated before the input has been seen to hold enough bytes for it.
//! How records relate to each other is judged afterwards, in `check`.

use super::tag::{self, primitive, slot};
use super::{DecodeError, FORMAT_VERSION, MAGIC};
use crate::ecmascript::{BigInt, JsString};
use crate::structured::record::{Primitive, Record, RecordId, Serialized, Slot};
use std::fmt::Display;

/// The fewest bytes a record can take: its tag and at least one more.
pub(super) const MIN_RECORD_LEN: usize = 2;
/// The fewest bytes a Map entry can take: two one-byte ids.
pub(super) const MIN_MAP_ENTRY_LEN: usize = 2;
/// The fewest bytes a Set entry can take: a one-byte id.
pub(super) const MIN_SET_ENTRY_LEN: usize = 1;
/// The fewest bytes a property can take: an empty key, the value's tag and
/// a one-byte id or primitive.
pub(super) const MIN_PROPERTY_LEN: usize = 3;
/// The fewest bytes an Array element can take: the value's tag and a
/// one-byte id or primitive.
pub(super) const MIN_ELEMENT_LEN: usize = 2;
/// The fewest bytes a platform field can take: an empty name and a
/// one-byte id.
pub(super) const MIN_FIELD_LEN: usize = 2;

/// Most records one encoding can hold: ids are 32 bits.
const MAX_RECORDS: u64 = 1 << 32;

/// What the grammar gave, with where each record starts for messages.
pub(super) struct Parsed {
    pub(super) serialized: Serialized,
    /// Byte offset of each record's tag.
    pub(super) offsets: Vec<usize>,
    /// Byte offset of the root id.
    pub(super) root_offset: usize,
}

/// Reads the whole input as the grammar of the module documentation.
pub(super) fn parse(bytes: &[u8]) -> Result<Parsed, DecodeError> {
    let mut r = Reader {
        bytes,
        pos: 0,
        context: None,
    };

    let magic = r.take(MAGIC.len(), "the magic")?;
    if magic != MAGIC {
        return Err(r.fail_at(
            0,
            format_args!("not this encoding: the input starts {magic:02X?}, not the magic \"WMSR\""),
        ));
    }
    let version = r.byte("the format version")?;
    if version != FORMAT_VERSION {
        return Err(r.fail_at(
            MAGIC.len(),
            format_args!("unsupported format version {version}; this decoder reads version {FORMAT_VERSION}"),
        ));
    }

    let count_offset = r.pos;
    let count = r.varint("the record count")?;
    if count > MAX_RECORDS {
        return Err(r.fail_at(
            count_offset,
            format_args!("the header claims {count} records, more than the 2^32 that 32-bit ids can name"),
        ));
    }
    let left = r.left();
    if count > (left / MIN_RECORD_LEN) as u64 {
        return Err(r.fail_at(
            count_offset,
            format_args!(
                "the header claims {count} records, but only {left} bytes follow \
                 (a record takes at least {MIN_RECORD_LEN})"
            ),
        ));
    }
    // Checked against the input's length just above, so this fits.
    let count = count as usize;

    let root_offset = r.pos;
    let root = r.id("the root")?;

    let mut records = Vec::with_capacity(count);
    let mut offsets = Vec::with_capacity(count);
    for index in 0..count {
        offsets.push(r.pos);
        r.context = Some((index, None));
        records.push(r.record()?);
    }
    r.context = None;

    if r.left() > 0 {
        return Err(r.fail(format_args!("{} trailing bytes after the last record", r.left())));
    }
    Ok(Parsed {
        serialized: Serialized::new(records, root),
        offsets,
        root_offset,
    })
}

/// A cursor over the input that knows which record it is in.
struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
    /// The record being read, and its kind once the tag is known.
    context: Option<(usize, Option<&'static str>)>,
}

impl<'a> Reader<'a> {
    fn left(&self) -> usize {
        self.bytes.len() - self.pos
    }

    fn fail(&self, what: impl Display) -> DecodeError {
        self.fail_at(self.pos, what)
    }

    fn fail_at(&self, offset: usize, what: impl Display) -> DecodeError {
        let message = match self.context {
            Some((index, Some(kind))) => format!("record {index} ({kind}) at byte {offset}: {what}"),
            Some((index, None)) => format!("record {index} at byte {offset}: {what}"),
            None => format!("at byte {offset}: {what}"),
        };
        DecodeError { offset, message }
    }

    fn take(&mut self, n: usize, what: &str) -> Result<&'a [u8], DecodeError> {
        if n > self.left() {
            return Err(self.fail(format_args!(
                "{what} needs {n} bytes, but the input ends after {}",
                self.left()
            )));
        }
        let slice = &self.bytes[self.pos..self.pos + n];
        self.pos += n;
        Ok(slice)
    }

    fn byte(&mut self, what: &str) -> Result<u8, DecodeError> {
        match self.bytes.get(self.pos) {
            Some(&b) => {
                self.pos += 1;
                Ok(b)
            }
            None => Err(self.fail(format_args!("the input ends where {what} should be"))),
        }
    }

    /// An unsigned LEB128 number in canonical form.
    fn varint(&mut self, what: &str) -> Result<u64, DecodeError> {
        // Most varints (ids, short lengths) are one byte.
        if let Some(&b) = self.bytes.get(self.pos)
            && b < 0x80
        {
            self.pos += 1;
            return Ok(u64::from(b));
        }
        let start = self.pos;
        let mut value: u64 = 0;
        for i in 0..10 {
            let b = self.byte(what)?;
            let group = u64::from(b & 0x7F);
            if i == 9 && b > 0x01 {
                return Err(self.fail_at(start, format_args!("{what} is a varint above 2^64 - 1")));
            }
            value |= group << (7 * i);
            if b & 0x80 == 0 {
                if i > 0 && b == 0 {
                    return Err(self.fail_at(
                        start,
                        format_args!("{what} is an overlong varint (its last byte is 00)"),
                    ));
                }
                return Ok(value);
            }
        }
        // Only reachable if the tenth byte had its high bit set, which the
        // check above already turned away; kept so the loop needs no panic.
        Err(self.fail_at(start, format_args!("{what} is a varint longer than 10 bytes")))
    }

    fn size(&mut self, what: &str) -> Result<usize, DecodeError> {
        let start = self.pos;
        let v = self.varint(what)?;
        usize::try_from(v).map_err(|_| {
            self.fail_at(
                start,
                format_args!("{what} is {v}, which does not fit in a usize"),
            )
        })
    }

    fn id(&mut self, what: &str) -> Result<RecordId, DecodeError> {
        let start = self.pos;
        let v = self.varint(what)?;
        match u32::try_from(v) {
            Ok(id) => Ok(RecordId(id)),
            Err(_) => Err(self.fail_at(
                start,
                format_args!("{what} refers to record {v}, beyond 32-bit ids"),
            )),
        }
    }

    /// A count of items that each take at least `min_len` bytes; refused
    /// when the rest of the input could not hold them.
    fn count(&mut self, what: &str, min_len: usize) -> Result<usize, DecodeError> {
        let start = self.pos;
        let n = self.varint(what)?;
        let left = self.left();
        if n > (left / min_len) as u64 {
            return Err(self.fail_at(
                start,
                format_args!("{what} is {n}, but only {left} bytes follow (each takes at least {min_len})"),
            ));
        }
        Ok(n as usize)
    }

    fn bool(&mut self, what: &str) -> Result<bool, DecodeError> {
        match self.byte(what)? {
            0 => Ok(false),
            1 => Ok(true),
            b => Err(self.fail_at(self.pos - 1, format_args!("{what} is {b:#04x}, not 00 or 01"))),
        }
    }

    fn f64(&mut self, what: &str) -> Result<f64, DecodeError> {
        let bytes = self.take(8, what)?;
        let mut le = [0u8; 8];
        le.copy_from_slice(bytes);
        Ok(f64::from_bits(u64::from_le_bytes(le)))
    }

    fn js_string(&mut self, what: &str) -> Result<JsString, DecodeError> {
        let start = self.pos;
        let n = self.size(what)?;
        let Some(len) = n.checked_mul(2).filter(|len| *len <= self.left()) else {
            return Err(self.fail_at(
                start,
                format_args!(
                    "{what} claims {n} code units, but only {} bytes follow",
                    self.left()
                ),
            ));
        };
        let bytes = self.take(len, what)?;
        let mut units = Vec::with_capacity(n);
        units.extend(
            bytes
                .chunks_exact(2)
                .map(|pair| u16::from_le_bytes([pair[0], pair[1]])),
        );
        Ok(JsString::from_code_units(units))
    }

    fn optional_js_string(&mut self, what: &str) -> Result<Option<JsString>, DecodeError> {
        Ok(if self.bool(what)? {
            Some(self.js_string(what)?)
        } else {
            None
        })
    }

    fn byte_vec(&mut self, what: &str) -> Result<Vec<u8>, DecodeError> {
        let n = self.size(what)?;
        Ok(self.take(n, what)?.to_vec())
    }

    fn utf8(&mut self, what: &str) -> Result<String, DecodeError> {
        let n = self.size(what)?;
        let start = self.pos;
        let bytes = self.take(n, what)?;
        match std::str::from_utf8(bytes) {
            Ok(text) => Ok(text.to_owned()),
            Err(e) => Err(self.fail_at(start + e.valid_up_to(), format_args!("{what} is not valid UTF-8"))),
        }
    }

    fn bigint(&mut self, what: &str) -> Result<BigInt, DecodeError> {
        let n = self.size(what)?;
        let start = self.pos;
        let bytes = self.take(n, what)?;
        // Digits and '-' are ASCII; anything else fails here, before any
        // allocation, and the text is then known to be valid UTF-8.
        let text = match std::str::from_utf8(bytes) {
            Ok(text) if bytes.is_ascii() => text,
            _ => return Err(self.fail_at(start, format_args!("{what} is not ASCII decimal text"))),
        };
        match BigInt::parse(text) {
            Ok(b) if b.as_decimal() == text => Ok(b),
            Ok(_) => Err(self.fail_at(
                start,
                format_args!("{what} is not canonical (a leading zero, or -0)"),
            )),
            Err(_) => Err(self.fail_at(start, format_args!("{what} is not a decimal integer"))),
        }
    }

    fn optional_size(&mut self, what: &str) -> Result<Option<usize>, DecodeError> {
        Ok(if self.bool(what)? {
            Some(self.size(what)?)
        } else {
            None
        })
    }

    /// One record, from its tag.
    fn record(&mut self) -> Result<Record, DecodeError> {
        let tag_offset = self.pos;
        let tag = self.byte("the record tag")?;
        let Some(kind) = tag::tag_name(tag) else {
            return Err(self.fail_at(tag_offset, format_args!("unknown record tag {tag:#04x}")));
        };
        if let Some((index, _)) = self.context {
            self.context = Some((index, Some(kind)));
        }
        Ok(match tag {
            tag::PRIMITIVE => Record::Primitive(self.primitive()?),
            tag::BOOLEAN => Record::Boolean(self.bool("[[BooleanData]]")?),
            tag::NUMBER => Record::Number(self.f64("[[NumberData]]")?),
            tag::BIGINT => Record::BigInt(self.bigint("[[BigIntData]]")?),
            tag::STRING => Record::String(self.js_string("[[StringData]]")?),
            tag::DATE => Record::Date(self.f64("[[DateValue]]")?),
            tag::REGEXP => Record::RegExp {
                source: self.js_string("[[OriginalSource]]")?,
                flags: self.js_string("[[OriginalFlags]]")?,
            },
            tag::SHARED_ARRAY_BUFFER | tag::GROWABLE_SHARED_ARRAY_BUFFER => {
                return Err(self.fail_at(
                    tag_offset,
                    format_args!(
                        "tag {tag:#04x} is reserved: shared memory cannot leave its agent cluster, \
                         so no encoding holds it"
                    ),
                ));
            }
            tag::ARRAY_BUFFER => Record::ArrayBuffer {
                data: self.byte_vec("[[ArrayBufferData]]")?,
            },
            tag::RESIZABLE_ARRAY_BUFFER => Record::ResizableArrayBuffer {
                data: self.byte_vec("[[ArrayBufferData]]")?,
                max_byte_length: self.size("[[ArrayBufferMaxByteLength]]")?,
            },
            tag::ARRAY_BUFFER_VIEW => self.view()?,
            tag::MAP => {
                let n = self.count("the number of Map entries", MIN_MAP_ENTRY_LEN)?;
                let mut entries = Vec::with_capacity(n);
                for _ in 0..n {
                    entries.push((self.id("a Map key")?, self.id("a Map value")?));
                }
                Record::Map { entries }
            }
            tag::SET => {
                let n = self.count("the number of Set entries", MIN_SET_ENTRY_LEN)?;
                let mut entries = Vec::with_capacity(n);
                for _ in 0..n {
                    entries.push(self.id("a Set entry")?);
                }
                Record::Set { entries }
            }
            tag::ERROR => {
                let at = self.pos;
                let b = self.byte("the error prototype")?;
                let Some(&name) = tag::ERROR_PROTOTYPES.get(usize::from(b)) else {
                    return Err(self.fail_at(at, format_args!("unknown error prototype {b:#04x}")));
                };
                Record::Error {
                    name,
                    message: self.optional_js_string("[[Message]]")?,
                    stack: self.optional_js_string("[[Stack]]")?,
                }
            }
            tag::ARRAY => {
                let at = self.pos;
                let length = self.varint("[[Length]]")?;
                let Ok(length) = u32::try_from(length) else {
                    return Err(self.fail_at(
                        at,
                        format_args!("[[Length]] is {length}, above 2^32 - 1, the largest Array length"),
                    ));
                };
                let n = self.count("the number of elements", MIN_ELEMENT_LEN)?;
                let mut elements = Vec::with_capacity(n);
                for _ in 0..n {
                    elements.push(self.slot()?);
                }
                Record::Array {
                    length,
                    elements,
                    properties: self.properties()?,
                }
            }
            tag::OBJECT => Record::Object {
                properties: self.properties()?,
            },
            tag::PLATFORM => {
                let interface = self.utf8("the interface name")?;
                let n = self.count("the number of fields", MIN_FIELD_LEN)?;
                let mut fields = Vec::with_capacity(n);
                for _ in 0..n {
                    fields.push((self.utf8("a field name")?, self.id("a field value")?));
                }
                Record::Platform { interface, fields }
            }
            // The only tag left that tag_name knows.
            _ => Record::Transferred {
                holder: self.size("the transfer data holder index")?,
            },
        })
    }

    fn primitive(&mut self) -> Result<Primitive, DecodeError> {
        let at = self.pos;
        Ok(match self.byte("the primitive's tag")? {
            primitive::UNDEFINED => Primitive::Undefined,
            primitive::NULL => Primitive::Null,
            primitive::BOOLEAN => Primitive::Boolean(self.bool("a Boolean")?),
            primitive::NUMBER => Primitive::Number(self.f64("a Number")?),
            primitive::BIGINT => Primitive::BigInt(self.bigint("a BigInt")?),
            primitive::STRING => Primitive::String(self.js_string("a String")?),
            b => return Err(self.fail_at(at, format_args!("unknown primitive tag {b:#04x}"))),
        })
    }

    fn view(&mut self) -> Result<Record, DecodeError> {
        let at = self.pos;
        let b = self.byte("the view constructor")?;
        let Some(&constructor) = tag::VIEW_KINDS.get(usize::from(b)) else {
            return Err(self.fail_at(at, format_args!("unknown view constructor {b:#04x}")));
        };
        Ok(Record::ArrayBufferView {
            constructor,
            buffer: self.id("[[ArrayBufferSerialized]]")?,
            byte_offset: self.size("[[ByteOffset]]")?,
            byte_length: self.optional_size("[[ByteLength]]")?,
            array_length: self.optional_size("[[ArrayLength]]")?,
        })
    }

    fn properties(&mut self) -> Result<Vec<(JsString, Slot)>, DecodeError> {
        let n = self.count("the number of properties", MIN_PROPERTY_LEN)?;
        let mut properties = Vec::with_capacity(n);
        for _ in 0..n {
            let key = self.js_string("a property key")?;
            properties.push((key, self.slot()?));
        }
        Ok(properties)
    }

    /// A property's value: a record id or a primitive in place.
    fn slot(&mut self) -> Result<Slot, DecodeError> {
        let at = self.pos;
        Ok(match self.byte("a property value's tag")? {
            slot::RECORD => Slot::Record(self.id("a property value")?),
            slot::PRIMITIVE => Slot::Primitive(self.primitive()?),
            b => return Err(self.fail_at(at, format_args!("unknown property value tag {b:#04x}"))),
        })
    }
}
