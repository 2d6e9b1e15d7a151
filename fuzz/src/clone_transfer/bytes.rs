//! The bytes that decode to a given [`CloneInput`]: the inverse of its
//! `Arbitrary` implementations (the derived ones of arbitrary 1.x and the
//! weighted ones in `input.rs`), so that seeds and regression inputs can be
//! written as values (`examples/clone_seeds.rs`) rather than searched for.
//!
//! The layout arbitrary reads: integers little-endian; a bool is a byte
//! (odd: true); an `Option` is a bool and then the value; a `Vec` is each
//! element preceded by a true byte, then a false one; a derived enum picks
//! its variant with a `u32` `x` as `(x × variants) >> 32`; the last field
//! of the input takes the rest of the data. `tests` checks the round trip.

use super::input::{
    BufferState, CloneInput, KeySpec, KindSpec, NodeSpec, NumSpec, OpaqueKind, PropSpec, SlotSpec, StrSpec,
    ValueSpec,
};

/// Encodes an input.
pub fn to_bytes(input: &CloneInput) -> Vec<u8> {
    let mut out = Bytes(Vec::new());
    out.variant(input.mode as usize, 3);
    out.bool(input.cross_origin_isolated);
    out.bool(input.other_cluster);
    out.option(&input.budget, |out, b| out.u8(*b));
    out.list(&input.nodes, Bytes::node);
    out.value(&input.root);
    // The last field takes the rest: its elements, each after a true byte.
    out.list(&input.transfer, |out, t| out.u8(*t));
    out.0
}

struct Bytes(Vec<u8>);

impl Bytes {
    fn u8(&mut self, b: u8) {
        self.0.push(b);
    }

    fn bool(&mut self, b: bool) {
        self.u8(u8::from(b));
    }

    fn le(&mut self, bytes: &[u8]) {
        self.0.extend_from_slice(bytes);
    }

    fn option<T>(&mut self, value: &Option<T>, each: impl FnOnce(&mut Self, &T)) {
        self.bool(value.is_some());
        if let Some(v) = value {
            each(self, v);
        }
    }

    fn list<T>(&mut self, items: &[T], mut each: impl FnMut(&mut Self, &T)) {
        for item in items {
            self.bool(true);
            each(self, item);
        }
        self.bool(false);
    }

    /// A derived enum's variant `index` of `count`: the smallest `x` with
    /// `(x × count) >> 32 == index`.
    fn variant(&mut self, index: usize, count: usize) {
        let x = ((index as u64) << 32).div_ceil(count as u64);
        self.le(&(x as u32).to_le_bytes());
    }

    fn string(&mut self, s: &StrSpec) {
        match s {
            StrSpec::Known(i) => {
                self.variant(0, 2);
                self.u8(*i);
            }
            StrSpec::Units(units) => {
                self.variant(1, 2);
                self.list(units, |out, u| out.le(&u.to_le_bytes()));
            }
        }
    }

    fn number(&mut self, n: &NumSpec) {
        match n {
            NumSpec::Int(i) => {
                self.variant(0, 5);
                self.le(&i.to_le_bytes());
            }
            NumSpec::NegZero => self.variant(1, 5),
            NumSpec::NaN => self.variant(2, 5),
            NumSpec::Infinity => self.variant(3, 5),
            NumSpec::Bits(b) => {
                self.variant(4, 5);
                self.le(&b.to_le_bytes());
            }
        }
    }

    /// `ValueSpec`'s weighted tag byte: the first of each variant's range.
    fn value(&mut self, v: &ValueSpec) {
        match v {
            ValueSpec::Object(i) => {
                self.u8(0);
                self.u8(*i);
            }
            ValueSpec::Number(n) => {
                self.u8(110);
                self.number(n);
            }
            ValueSpec::String(s) => {
                self.u8(135);
                self.string(s);
            }
            ValueSpec::Bool(b) => {
                self.u8(160);
                self.bool(*b);
            }
            ValueSpec::BigInt(i) => {
                self.u8(175);
                self.le(&i.to_le_bytes());
            }
            ValueSpec::Undefined => self.u8(190),
            ValueSpec::Null => self.u8(205),
            ValueSpec::ObjectPrototype => self.u8(220),
            ValueSpec::Symbol(i) => {
                self.u8(228);
                self.u8(*i);
            }
        }
    }

    fn key(&mut self, k: &KeySpec) {
        match k {
            KeySpec::Index(i) => {
                self.variant(0, 3);
                self.u8(*i);
            }
            KeySpec::Str(s) => {
                self.variant(1, 3);
                self.string(s);
            }
            KeySpec::Symbol(i) => {
                self.variant(2, 3);
                self.u8(*i);
            }
        }
    }

    fn prop(&mut self, p: &PropSpec) {
        self.key(&p.key);
        let (tag, value) = match &p.slot {
            SlotSpec::Data(v) => (0, v),
            SlotSpec::Getter(v) => (220, v),
            SlotSpec::Thrower(v) => (245, v),
        };
        self.u8(tag);
        self.value(value);
        self.bool(p.enumerable);
    }

    fn node(&mut self, n: &NodeSpec) {
        self.kind(&n.kind);
        self.list(&n.props, Bytes::prop);
    }

    /// `KindSpec`'s tag byte: the variant's number (below 14), or 240 and a
    /// derived `OpaqueKind`.
    fn kind(&mut self, k: &KindSpec) {
        match k {
            KindSpec::Ordinary => self.u8(0),
            KindSpec::Array { length } => {
                self.u8(1);
                self.u8(*length);
            }
            KindSpec::Boolean(b) => {
                self.u8(2);
                self.bool(*b);
            }
            KindSpec::Number(n) => {
                self.u8(3);
                self.number(n);
            }
            KindSpec::BigInt(i) => {
                self.u8(4);
                self.le(&i.to_le_bytes());
            }
            KindSpec::String(s) => {
                self.u8(5);
                self.string(s);
            }
            KindSpec::Date(t) => {
                self.u8(6);
                self.number(t);
            }
            KindSpec::RegExp { source, flags } => {
                self.u8(7);
                self.string(source);
                self.string(flags);
            }
            KindSpec::Buffer { bytes, grow, state } => {
                self.u8(8);
                self.list(bytes, |out, b| out.u8(*b));
                self.option(grow, |out, g| out.u8(*g));
                self.u8(match state {
                    BufferState::Live => 0,
                    BufferState::Detached => 220,
                    BufferState::Keyed => 238,
                });
            }
            KindSpec::Shared { bytes, grow } => {
                self.u8(9);
                self.list(bytes, |out, b| out.u8(*b));
                self.option(grow, |out, g| out.u8(*g));
            }
            KindSpec::View {
                kind,
                buffer,
                offset,
                length,
            } => {
                self.u8(10);
                self.u8(*kind);
                self.u8(*buffer);
                self.u8(*offset);
                self.option(length, |out, l| out.u8(*l));
            }
            KindSpec::Map(entries) => {
                self.u8(11);
                self.list(entries, |out, entry| {
                    out.option(entry, |out, (k, v)| {
                        out.value(k);
                        out.value(v);
                    })
                });
            }
            KindSpec::Set(entries) => {
                self.u8(12);
                self.list(entries, |out, entry| out.option(entry, Bytes::value));
            }
            KindSpec::Error { prototype, stack } => {
                self.u8(13);
                self.u8(*prototype);
                self.option(stack, Bytes::string);
            }
            KindSpec::Opaque(kind) => {
                self.u8(240);
                self.variant(*kind as usize, OpaqueKind::COUNT);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arbitrary::{Arbitrary, Unstructured};

    fn decode(bytes: &[u8]) -> CloneInput {
        CloneInput::arbitrary_take_rest(Unstructured::new(bytes)).expect("decodes")
    }

    /// Any bytes decode to an input whose encoding decodes to the same input.
    #[test]
    fn encoding_inverts_decoding() {
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        for len in 0..400 {
            let bytes: Vec<u8> = (0..len * 3)
                .map(|_| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    state as u8
                })
                .collect();
            let input = decode(&bytes);
            let again = decode(&to_bytes(&input));
            assert_eq!(format!("{input:?}"), format!("{again:?}"));
        }
    }
}
