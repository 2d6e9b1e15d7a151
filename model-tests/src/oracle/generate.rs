//! A small seeded generator of graph-notation documents for the oracle.
//!
//! [`Cases`] alternates between two sources: this generator, which covers
//! every kind the notation has and node can build with the same weights in
//! every run of a seed, and the project's shared proptest strategies
//! (`crate::graphs`, the ones the clone properties use), drawn with a
//! runner seeded from the same seed. Two independent generators find more
//! than either alone.
//!
//! Every document it makes passes `webmessaging::notation::build`'s checks;
//! a few are refused by the oracle's translator on purpose (they describe
//! states node cannot show) and are counted as unsupported.

use webmessaging::ecmascript::{BigInt, ErrorPrototype, JsString, ViewKind};
use webmessaging::notation::{Buffer, Document, Key, Kind, Object, Prop, PropValue, Val};

/// A deterministic source of choices (SplitMix64).
#[derive(Clone, Debug)]
pub struct Generator {
    state: u64,
}

impl Generator {
    /// The generator for a seed.
    pub fn new(seed: u64) -> Generator {
        Generator { state: seed }
    }

    fn next(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (0 when n is 0).
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }

    /// True `percent` times out of a hundred.
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<T: Clone>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())].clone()
    }
}

const STRINGS: [&str; 12] = [
    "",
    "a",
    "hello",
    "é",
    "😀",
    "TypeError",
    "RangeError",
    "Foo",
    "0",
    "-0",
    "two words",
    "🙂x",
];
const NUMBERS: [f64; 13] = [
    0.0,
    -0.0,
    1.0,
    -1.0,
    1.5,
    f64::NAN,
    f64::INFINITY,
    f64::NEG_INFINITY,
    9_007_199_254_740_992.0,
    1e21,
    5e-324,
    0.1,
    4_294_967_295.0,
];
const BIGINTS: [&str; 5] = ["0", "1", "-1", "18446744073709551616", "-12345678901234567890"];
const KEYS: [&str; 19] = [
    "a",
    "b",
    "c",
    "x y",
    "",
    "0",
    "1",
    "2",
    "7",
    "10",
    "4294967294",
    "4294967295",
    "01",
    "-0",
    "1.5",
    "__proto__",
    "name",
    "length",
    "é",
];
const SOURCES: [&str; 7] = ["a", "ab+c", "[a-z]*", "\\d{2}", "(x)|y", "^$", "é+"];
const TIMES: [f64; 6] = [0.0, -1.0, 1_700_000_000_000.0, 8.64e15, -8.64e15, f64::NAN];

fn string(g: &mut Generator) -> JsString {
    match g.below(12) {
        // Lone surrogates, which a clone must keep.
        0 => JsString::from_code_units(vec![0xD800]),
        1 => JsString::from_code_units(vec![0xDC00, 0x78]),
        _ => JsString::from(g.pick(&STRINGS)),
    }
}

fn bigint(g: &mut Generator) -> BigInt {
    BigInt::parse(g.pick(&BIGINTS)).expect("the table holds decimal integers")
}

/// What each object will be, decided before any of them is filled in, so
/// that views can pick a buffer and values can point anywhere.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Plan {
    Object,
    Array,
    Boolean,
    Number,
    String,
    BigInt,
    Date,
    RegExp,
    Buffer,
    View,
    Map,
    Set,
    Error,
    Unserializable,
    ObjectPrototype,
}

fn plan(g: &mut Generator) -> Plan {
    let weights: [(Plan, usize); 14] = [
        (Plan::Object, 24),
        (Plan::Array, 12),
        (Plan::Boolean, 2),
        (Plan::Number, 2),
        (Plan::String, 3),
        (Plan::BigInt, 2),
        (Plan::Date, 3),
        (Plan::RegExp, 3),
        (Plan::Buffer, 9),
        (Plan::View, 9),
        (Plan::Map, 7),
        (Plan::Set, 6),
        (Plan::Error, 8),
        (Plan::Unserializable, 3),
    ];
    let total: usize = weights.iter().map(|(_, w)| w).sum();
    let mut n = g.below(total);
    for (p, w) in weights {
        if n < w {
            return p;
        }
        n -= w;
    }
    Plan::Object
}

/// The oracle's cases: even ones from [`generated_document`], odd ones from
/// the shared strategies of [`crate::graphs`]; the same seed gives the same
/// cases.
pub struct Cases {
    own: Generator,
    runner: proptest::test_runner::TestRunner,
    shared: proptest::strategy::BoxedStrategy<Document>,
    count: u64,
}

impl Cases {
    /// The cases of a seed.
    pub fn new(seed: u64) -> Cases {
        use proptest::strategy::Strategy;
        use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
        let mut bytes = [0u8; 32];
        bytes[..8].copy_from_slice(&seed.to_le_bytes());
        let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &bytes);
        let config = crate::graphs::GraphConfig {
            with_transfer: true,
            ..crate::graphs::GraphConfig::arbitrary(10)
        };
        Cases {
            own: Generator::new(seed),
            runner: TestRunner::new_with_rng(Config::default(), rng),
            shared: crate::graphs::document(config).boxed(),
            count: 0,
        }
    }

    /// The next case.
    pub fn next_document(&mut self) -> Document {
        use proptest::strategy::{Strategy, ValueTree};
        self.count += 1;
        if self.count % 2 == 1 {
            return generated_document(&mut self.own);
        }
        match self.shared.new_tree(&mut self.runner) {
            Ok(tree) => tree.current(),
            Err(_) => generated_document(&mut self.own),
        }
    }
}

/// One generated document.
pub fn generated_document(g: &mut Generator) -> Document {
    let count = match g.below(10) {
        0 => 0,
        1..=7 => 1 + g.below(6),
        _ => 6 + g.below(10),
    };
    let mut plans: Vec<Plan> = (0..count).map(|_| plan(g)).collect();
    if count > 0 && g.chance(2) {
        plans[g.below(count)] = Plan::ObjectPrototype;
    }
    // A view needs a buffer somewhere in the document.
    if plans.contains(&Plan::View) && !plans.contains(&Plan::Buffer) {
        let at = plans.iter().position(|p| *p == Plan::View).unwrap_or(0);
        plans[at] = Plan::Buffer;
    }
    let mut doc = Document {
        root: Val::Undefined,
        objects: Vec::with_capacity(count),
        transfer: Vec::new(),
    };
    // Buffers first: views are sized from them.
    let mut kinds: Vec<Option<Kind>> = vec![None; count];
    for (i, p) in plans.iter().enumerate() {
        if *p == Plan::Buffer {
            kinds[i] = Some(Kind::ArrayBuffer(buffer(g)));
        }
    }
    let buffers: Vec<usize> = (0..count).filter(|i| plans[*i] == Plan::Buffer).collect();
    let cx = Context { count, plans: &plans };
    for i in 0..count {
        if kinds[i].is_none() {
            let kind = match plans[i] {
                Plan::View => {
                    let b = g.pick(&buffers);
                    let Some(Kind::ArrayBuffer(buffer)) = &kinds[b] else {
                        unreachable!("buffers were made first")
                    };
                    view(g, b, buffer)
                }
                p => cx.kind(g, p),
            };
            kinds[i] = Some(kind);
        }
    }
    for kind in kinds {
        let kind = kind.unwrap_or(Kind::Object);
        let props = cx.props(g, &kind);
        doc.objects.push(Object { kind, props });
    }
    doc.root = if count > 0 && g.chance(88) {
        Val::Ref(0)
    } else {
        cx.value(g)
    };
    if count > 0 && g.chance(20) {
        for _ in 0..1 + g.below(3) {
            // Mostly buffers that can be transferred; now and then anything.
            let transferable: Vec<usize> = buffers
                .iter()
                .copied()
                .filter(|b| matches!(&doc.objects[*b].kind, Kind::ArrayBuffer(x) if !x.shared))
                .collect();
            let entry = if !transferable.is_empty() && g.chance(85) {
                g.pick(&transferable)
            } else {
                g.below(count)
            };
            doc.transfer.push(entry);
        }
    }
    doc
}

fn buffer(g: &mut Generator) -> Buffer {
    let length = g.below(9);
    let bytes: Vec<u8> = (0..length).map(|_| g.next() as u8).collect();
    let mut b = Buffer {
        bytes,
        ..Buffer::default()
    };
    match g.below(20) {
        0..=8 => {}
        9..=12 => b.max_byte_length = Some(length + g.below(9)),
        13 | 14 => b.shared = true,
        15 => {
            b.shared = true;
            b.max_byte_length = Some(length + g.below(9));
        }
        16..=18 => {
            b.detached = true;
            b.bytes.clear();
        }
        _ => {
            b.detached = true;
            b.bytes.clear();
            b.max_byte_length = Some(g.below(9));
        }
    }
    b
}

/// A view over `buffer` (object `b`) that node can make: in bounds when the
/// buffer cannot change length, within its maximum when it can.
fn view(g: &mut Generator, b: usize, buffer: &Buffer) -> Kind {
    let kinds: Vec<ViewKind> = ViewKind::ALL
        .into_iter()
        .filter(|k| *k != ViewKind::Float16Array)
        .collect();
    let kind = g.pick(&kinds);
    let size = kind.element_size();
    let length = buffer.bytes.len();
    let resizable = buffer.max_byte_length.is_some() && !buffer.shared;
    // The byte length every view must fit in when it is made.
    let room = if resizable {
        buffer.max_byte_length.unwrap_or(length)
    } else if buffer.detached {
        16
    } else {
        length
    };
    let byte_offset = g.below(room / size + 1) * size;
    let mut view_length = Some(g.below((room - byte_offset) / size + 1));
    if let Some(max) = buffer.max_byte_length
        && g.chance(50)
    {
        // Length-tracking, where node can tell it from a fixed length.
        let at = |l: usize| l.checked_sub(byte_offset).map(|r| r / size);
        let observable = if buffer.shared {
            // V8 also wants the length past the offset to be whole elements.
            byte_offset <= length && at(length) != at(max) && (length - byte_offset).is_multiple_of(size)
        } else {
            at(max).unwrap_or(0) > 0
        };
        if observable {
            view_length = None;
        }
    }
    Kind::View {
        kind,
        buffer: b,
        byte_offset,
        length: view_length,
    }
}

struct Context<'p> {
    count: usize,
    plans: &'p [Plan],
}

impl Context<'_> {
    fn primitive(&self, g: &mut Generator) -> Val {
        match g.below(20) {
            0 => Val::Undefined,
            1 => Val::Null,
            2 | 3 => Val::Bool(g.chance(50)),
            4..=8 => Val::Number(g.pick(&NUMBERS)),
            9 => Val::BigInt(bigint(g)),
            // Rare: a Symbol value cannot be cloned.
            10 if g.chance(30) => Val::Symbol(g.pick(&[None, Some(JsString::from("s"))])),
            _ => Val::String(string(g)),
        }
    }

    fn value(&self, g: &mut Generator) -> Val {
        if self.count > 0 && g.chance(45) {
            Val::Ref(g.below(self.count))
        } else {
            self.primitive(g)
        }
    }

    /// A value that is not -0: Maps and Sets hold +0 for it.
    fn key_value(&self, g: &mut Generator) -> Val {
        match self.value(g) {
            // Matches +0 and -0 alike.
            Val::Number(0.0) => Val::Number(0.0),
            v => v,
        }
    }

    fn distinct(&self, g: &mut Generator, n: usize) -> Vec<Val> {
        let mut out: Vec<Val> = Vec::new();
        for _ in 0..n {
            let v = self.key_value(g);
            if !out.iter().any(|o| same_value_zero(o, &v)) {
                out.push(v);
            }
        }
        out
    }

    fn kind(&self, g: &mut Generator, plan: Plan) -> Kind {
        match plan {
            Plan::Object | Plan::Buffer | Plan::View => Kind::Object,
            Plan::ObjectPrototype => Kind::ObjectPrototype,
            Plan::Array => Kind::Array {
                length: if g.chance(3) { u32::MAX } else { g.below(7) as u32 },
            },
            Plan::Boolean => Kind::Boolean(g.chance(50)),
            Plan::Number => Kind::Number(g.pick(&NUMBERS)),
            Plan::String => Kind::String(string(g)),
            Plan::BigInt => Kind::BigInt(bigint(g)),
            Plan::Date => Kind::Date { time: g.pick(&TIMES) },
            Plan::RegExp => {
                let flags: String = "dgimsuy".chars().filter(|_| g.chance(25)).collect();
                Kind::RegExp {
                    source: JsString::from(g.pick(&SOURCES)),
                    flags: JsString::from(flags.as_str()),
                    last_index: g.chance(25).then(|| self.value(g)),
                }
            }
            Plan::Map => {
                let n = g.below(4);
                let keys = self.distinct(g, n);
                Kind::Map {
                    entries: keys.into_iter().map(|k| (k, self.value(g))).collect(),
                }
            }
            Plan::Set => {
                let n = g.below(4);
                Kind::Set {
                    values: self.distinct(g, n),
                }
            }
            Plan::Error => Kind::Error {
                name: g.pick(&ErrorPrototype::ALL),
                message: match g.below(10) {
                    0..=5 => Some(Val::String(string(g))),
                    6 => Some(self.value(g)),
                    _ => None,
                },
                stack: g.chance(50).then(|| string(g)),
            },
            Plan::Unserializable => g.pick(&[
                Kind::Function,
                Kind::SymbolObject,
                Kind::WeakMap,
                Kind::WeakSet,
                Kind::WeakRef,
                Kind::Promise,
                Kind::Proxy,
            ]),
        }
    }

    fn props(&self, g: &mut Generator, kind: &Kind) -> Vec<Prop> {
        let n = match g.below(10) {
            0..=3 => 0,
            4..=7 => 1 + g.below(2),
            _ => 3 + g.below(3),
        };
        let mut props: Vec<Prop> = Vec::new();
        for _ in 0..n {
            let key = if g.chance(8) {
                Key::Symbol(g.pick(&[None, Some(JsString::from("k"))]))
            } else if matches!(kind, Kind::Error { .. }) && g.chance(30) {
                Key::String(JsString::from(g.pick(&["name", "cause"])))
            } else {
                Key::String(JsString::from(g.pick(&KEYS)))
            };
            if !allowed(kind, &key) || props.iter().any(|p| p.key == key) {
                continue;
            }
            let value = match g.below(100) {
                0..=7 => PropValue::GetterReturns(self.value(g)),
                8..=9 => PropValue::GetterThrows(self.thrown(g)),
                _ => PropValue::Data(self.value(g)),
            };
            props.push(Prop {
                key,
                value,
                enumerable: g.chance(85),
            });
        }
        props
    }

    /// What a throwing getter throws: mostly an Error object of the document.
    fn thrown(&self, g: &mut Generator) -> Val {
        let errors: Vec<usize> = (0..self.count)
            .filter(|i| self.plans[*i] == Plan::Error)
            .collect();
        if !errors.is_empty() && g.chance(60) {
            Val::Ref(g.pick(&errors))
        } else {
            self.value(g)
        }
    }
}

/// Whether `key` may be a prop of an object of this kind: not a field, not
/// a virtual property, and nothing the oracle refuses.
fn allowed(kind: &Kind, key: &Key) -> bool {
    let Key::String(s) = key else { return true };
    let text = s.to_string_lossy();
    match kind {
        Kind::Array { length } => text != "length" && s.as_array_index().is_none_or(|i| i < *length),
        Kind::String(value) => {
            text != "length" && s.as_array_index().is_none_or(|i| i as usize >= value.len())
        }
        Kind::RegExp { .. } => text != "lastIndex",
        Kind::Error { .. } => text != "message" && text != "stack",
        Kind::View { .. } => {
            !["0", "1", "2", "7", "10", "4294967294", "4294967295", "-0", "1.5"].contains(&text.as_str())
        }
        Kind::ObjectPrototype => text != "__proto__",
        _ => true,
    }
}

fn same_value_zero(a: &Val, b: &Val) -> bool {
    match (a, b) {
        (Val::Number(x), Val::Number(y)) => x == y || (x.is_nan() && y.is_nan()),
        (Val::Undefined, Val::Undefined) | (Val::Null, Val::Null) => true,
        (Val::Bool(x), Val::Bool(y)) => x == y,
        (Val::BigInt(x), Val::BigInt(y)) => x == y,
        (Val::String(x), Val::String(y)) => x == y,
        (Val::Symbol(x), Val::Symbol(y)) => x == y,
        (Val::Ref(x), Val::Ref(y)) => x == y,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use webmessaging::ecmascript::Heap;
    use webmessaging::notation::build;

    #[test]
    fn every_generated_document_builds() {
        let mut g = Generator::new(7);
        for n in 0..3000 {
            let doc = generated_document(&mut g);
            if let Err(e) = build(&doc, &mut Heap::default()) {
                panic!("document {n} does not build: {e}\n{}", doc.to_json_string());
            }
        }
    }

    #[test]
    fn a_seed_gives_the_same_documents() {
        let docs = |seed| {
            let mut g = Generator::new(seed);
            (0..50)
                .map(|_| generated_document(&mut g).to_json_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(docs(3), docs(3));
        assert_ne!(docs(3), docs(4));
    }
}
