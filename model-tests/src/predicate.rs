//! What `structuredClone(root, { transfer })` must do to a graph-notation
//! [`Document`], worked out from the HTML Standard's text on the document
//! itself, without the library's serializer: whether it throws (and what),
//! which buffers end up detached, and, when it succeeds, the document the
//! clone must print as.
//!
//! The walk follows the standard's order, because the first failure is the
//! one that is thrown:
//!
//! 1. StructuredSerializeWithTransfer step 2, over the transfer list in
//!    order: an entry that is neither an ArrayBuffer nor a transferable
//!    platform object (2.1), a SharedArrayBuffer (2.2), an entry seen before
//!    (2.3) throw a DataCloneError; each entry is put in memory (2.4), so
//!    serialization later takes it as done without looking at it.
//! 2. StructuredSerializeInternal from the root, depth first, each object
//!    once (memory): a Symbol throws; then the kind, in step order:
//!    wrappers, Date, RegExp (7–12) copy their slot; a SharedArrayBuffer
//!    throws unless the realm is cross-origin isolated (13.1.1), a detached
//!    ArrayBuffer throws (13.2.1); a view throws when out of bounds (14.1),
//!    then serializes its buffer (14.3); Map and Set go deep (15, 16); an
//!    Error reads `name` with [[Get]] (a getter may throw, 17.1), keeps one
//!    of the seven names or says "Error", and converts an own data `message`
//!    with ToString (which may throw, 17.4); an Array goes deep (18);
//!    platform objects (20), functions (21), objects with other internal
//!    slots (22) and other exotic objects (23) throw; everything else is an
//!    ordinary object and goes deep (24). Going deep (26): Map entries key
//!    then value, Set values, or the enumerable own String keys in
//!    [[OwnPropertyKeys]] order (array indices ascending, then the others in
//!    creation order), each read with [[Get]] (a getter may throw) and then
//!    serialized.
//! 3. StructuredSerializeWithTransfer step 5, over the transfer list in
//!    order: a detached buffer throws a DataCloneError (5.1), a buffer with
//!    a detach key makes DetachArrayBuffer throw a TypeError (5.4.3);
//!    otherwise the buffer is detached. Entries before a failing one stay
//!    detached: the standard has already moved them.
//!
//! Deserialization cannot fail here: the target realm is the source realm
//! (same agent cluster) and allocation is unlimited.
//!
//! The host has no platform objects (the library's `NoPlatformObjects`):
//! none is serializable, and none is transferable, so none has the
//! [[Detached]] slot that lets an entry past step 2.1.
//!
//! ToString of an object (an Error's `message` that is an object) is an
//! ECMAScript operation, not a structured-data one: the predicate asks a
//! scratch copy of the graph in the built-in heap for it.

use std::collections::HashMap;
use webmessaging::ecmascript::{
    ErrorPrototype, Heap, JsString, ObjectId, ObjectKind, Value, number_to_string,
};
use webmessaging::notation::{Buffer, Built, Document, Key, Kind, Object, Prop, PropValue, Val, build};

/// The realm the clone runs in.
#[derive(Clone, Copy, Debug)]
pub struct Conditions {
    /// The current settings object's cross-origin isolated capability.
    pub cross_origin_isolated: bool,
}

impl Default for Conditions {
    /// A cross-origin isolated realm, as `Heap::default()` is.
    fn default() -> Self {
        Conditions {
            cross_origin_isolated: true,
        }
    }
}

/// What the clone of a document must come to.
#[derive(Clone, Debug)]
pub struct Prediction {
    /// The result or the exception.
    pub outcome: Predicted,
    /// The input objects that are detached ArrayBuffers after the call, by
    /// index, ascending.
    pub detached_after: Vec<usize>,
}

/// The result or the exception of the clone.
#[derive(Clone, Debug)]
pub enum Predicted {
    /// The clone, as [`webmessaging::notation::print`] must print it.
    Cloned(Document),
    /// A "DataCloneError" DOMException, thrown at this step.
    DataCloneError {
        /// The step id, e.g. `structuredserializeinternal/5`.
        step: &'static str,
    },
    /// A value thrown by the realm, propagated unchanged.
    Thrown {
        /// What was thrown.
        value: Thrown,
        /// The step whose `?` propagated it.
        step: &'static str,
    },
}

/// A value thrown during the clone.
#[derive(Clone, Debug)]
pub enum Thrown {
    /// A value of the document (a getter's thrown value): a primitive, or
    /// one of the input objects by index.
    Value(Val),
    /// A new Error object the realm made (ToString of a Symbol, a detach key).
    NewError(ErrorPrototype),
}

/// Predicts `structuredClone(document.root, { transfer: document.transfer })`
/// in a realm meeting `conditions`.
///
/// Panics if the document refers to objects it does not have.
pub fn predict(document: &Document, conditions: &Conditions) -> Prediction {
    let mut walk = Walk {
        doc: document,
        conditions: *conditions,
        memory: HashMap::new(),
        clone: Vec::new(),
        scratch: None,
    };
    let mut detached: Vec<usize> = (0..document.objects.len())
        .filter(|&i| matches!(&document.objects[i].kind, Kind::ArrayBuffer(b) if b.detached))
        .collect();
    let outcome = match walk.run() {
        Err(stop) => stop.into_predicted(),
        Ok(root) => match walk.transfer(&mut detached) {
            Err(stop) => stop.into_predicted(),
            Ok(()) => Predicted::Cloned(renumber(&root, &walk.clone, &walk.memory)),
        },
    };
    detached.sort_unstable();
    detached.dedup();
    Prediction {
        outcome,
        detached_after: detached,
    }
}

/// Why the walk stopped.
enum Stop {
    DataClone(&'static str),
    Thrown(Thrown, &'static str),
}

impl Stop {
    fn into_predicted(self) -> Predicted {
        match self {
            Stop::DataClone(step) => Predicted::DataCloneError { step },
            Stop::Thrown(value, step) => Predicted::Thrown { value, step },
        }
    }
}

/// Work left for the depth-first serialization.
enum Task {
    /// Serialize this value.
    Value(Val),
    /// [[Get]] this property of this input object (its position in
    /// `props`), add it to the clone of the object, then serialize it.
    Get { object: usize, prop: usize },
}

struct Walk<'d> {
    doc: &'d Document,
    conditions: Conditions,
    /// Input object → its clone's position in `clone`.
    memory: HashMap<usize, usize>,
    /// The clone's objects; their references are still input indices.
    clone: Vec<Object>,
    /// The document built into a heap, made the first time ToString meets
    /// an object.
    scratch: Option<(Heap, Built)>,
}

impl Walk<'_> {
    /// StructuredSerializeWithTransfer steps 2 and 3.
    fn run(&mut self) -> Result<Val, Stop> {
        for &entry in &self.doc.transfer {
            let Kind::ArrayBuffer(buffer) = &self.doc.objects[entry].kind else {
                return Err(Stop::DataClone("structuredserializewithtransfer/2.1"));
            };
            if buffer.shared {
                return Err(Stop::DataClone("structuredserializewithtransfer/2.2"));
            }
            if self.memory.contains_key(&entry) {
                return Err(Stop::DataClone("structuredserializewithtransfer/2.3"));
            }
            // The receiving realm gets a new ArrayBuffer with the same bytes
            // and maximum (StructuredDeserializeWithTransfer 3.2 / 3.3).
            let moved = Buffer {
                bytes: buffer.bytes.clone(),
                max_byte_length: buffer.max_byte_length,
                ..Buffer::default()
            };
            self.remember(entry, Object::new(Kind::ArrayBuffer(moved)));
        }
        let root = self.doc.root.clone();
        self.serialize(root.clone())?;
        Ok(root)
    }

    /// StructuredSerializeWithTransfer step 5: detaches the transfer list's
    /// buffers in order, recording each in `detached`.
    fn transfer(&self, detached: &mut Vec<usize>) -> Result<(), Stop> {
        for &entry in &self.doc.transfer {
            let Kind::ArrayBuffer(buffer) = &self.doc.objects[entry].kind else {
                unreachable!("step 2.1 let only buffers through")
            };
            if buffer.detached {
                return Err(Stop::DataClone("structuredserializewithtransfer/5.1"));
            }
            if buffer.detach_key {
                return Err(Stop::Thrown(
                    Thrown::NewError(ErrorPrototype::TypeError),
                    "structuredserializewithtransfer/5.4.3",
                ));
            }
            detached.push(entry);
        }
        Ok(())
    }

    fn remember(&mut self, input: usize, clone: Object) {
        self.memory.insert(input, self.clone.len());
        self.clone.push(clone);
    }

    /// StructuredSerializeInternal of `value`, depth first with its own stack.
    fn serialize(&mut self, value: Val) -> Result<(), Stop> {
        let mut tasks = vec![Task::Value(value)];
        while let Some(task) = tasks.pop() {
            let value = match task {
                Task::Value(v) => v,
                Task::Get { object, prop } => {
                    let prop = &self.doc.objects[object].props[prop];
                    let value = match &prop.value {
                        PropValue::Data(v) | PropValue::GetterReturns(v) => v.clone(),
                        PropValue::GetterThrows(v) => {
                            return Err(Stop::Thrown(
                                Thrown::Value(v.clone()),
                                "structuredserializeinternal/26.4.1.1",
                            ));
                        }
                    };
                    // The clone gets a data property with the value read.
                    let Key::String(key) = &prop.key else {
                        unreachable!("only String keys are enumerated")
                    };
                    let at = self.memory[&object];
                    self.clone[at].props.push(Prop {
                        key: Key::String(key.clone()),
                        value: PropValue::Data(value.clone()),
                        enumerable: true,
                    });
                    value
                }
            };
            let before = tasks.len();
            self.visit(&value, &mut tasks)?;
            // Children run in order: the first pushed is the first popped.
            tasks[before..].reverse();
        }
        Ok(())
    }

    /// Steps 2–25 for one value, queueing the deep part (step 26) in `tasks`.
    fn visit(&mut self, value: &Val, tasks: &mut Vec<Task>) -> Result<(), Stop> {
        let i = match value {
            Val::Symbol(_) => return Err(Stop::DataClone("structuredserializeinternal/5")),
            Val::Ref(i) => *i,
            _ => return Ok(()), // step 4: primitives
        };
        if self.memory.contains_key(&i) {
            return Ok(()); // step 2
        }
        let doc = self.doc;
        let object = &doc.objects[i];
        let same = |kind: Kind| Object::new(kind);
        let clone = match &object.kind {
            Kind::Boolean(_) | Kind::Number(_) | Kind::BigInt(_) | Kind::String(_) | Kind::Date { .. } => {
                same(object.kind.clone())
            }
            Kind::RegExp { source, flags, .. } => same(Kind::RegExp {
                source: source.clone(),
                flags: flags.clone(),
                // A new RegExp's lastIndex is +0, which prints as nothing.
                last_index: None,
            }),
            Kind::ArrayBuffer(buffer) => same(Kind::ArrayBuffer(self.buffer(buffer)?)),
            Kind::View {
                kind,
                buffer,
                byte_offset,
                length,
            } => {
                if self.out_of_bounds(*kind, *buffer, *byte_offset, *length) {
                    return Err(Stop::DataClone("structuredserializeinternal/14.1"));
                }
                // Step 14.3: the buffer, which holds no references, first.
                if !self.memory.contains_key(buffer) {
                    let Kind::ArrayBuffer(viewed) = &doc.objects[*buffer].kind else {
                        unreachable!("the notation views only buffers")
                    };
                    let copy = Object::new(Kind::ArrayBuffer(self.buffer(viewed)?));
                    self.remember(*buffer, copy);
                }
                same(Kind::View {
                    kind: *kind,
                    buffer: *buffer,
                    byte_offset: *byte_offset,
                    length: *length,
                })
            }
            Kind::Map { entries } => {
                tasks.extend(
                    entries
                        .iter()
                        .flat_map(|(k, v)| [Task::Value(k.clone()), Task::Value(v.clone())]),
                );
                same(Kind::Map {
                    entries: entries.clone(),
                })
            }
            Kind::Set { values } => {
                tasks.extend(values.iter().cloned().map(Task::Value));
                same(Kind::Set {
                    values: values.clone(),
                })
            }
            Kind::Error { name, message, stack } => {
                let name = self.error_name(object, *name)?;
                let message = match message {
                    Some(v) => Some(Val::String(self.ecmascript_to_string(v)?)),
                    // No own property, or an accessor: undefined (17.4).
                    None => None,
                };
                same(Kind::Error {
                    name,
                    message,
                    stack: stack.clone(),
                })
            }
            Kind::Array { length } => {
                self.queue_props(i, tasks);
                same(Kind::Array { length: *length })
            }
            Kind::Platform { .. } => return Err(Stop::DataClone("structuredserializeinternal/20")),
            Kind::Function => return Err(Stop::DataClone("structuredserializeinternal/21")),
            Kind::SymbolObject | Kind::WeakMap | Kind::WeakSet | Kind::WeakRef | Kind::Promise => {
                return Err(Stop::DataClone("structuredserializeinternal/22"));
            }
            Kind::Proxy => return Err(Stop::DataClone("structuredserializeinternal/23")),
            // Step 24: %Object.prototype% comes out as an ordinary object.
            Kind::Object | Kind::ObjectPrototype => {
                self.queue_props(i, tasks);
                same(Kind::Object)
            }
        };
        self.remember(i, clone); // step 25
        Ok(())
    }

    /// Step 13 for a buffer not in the transfer list: what its copy holds.
    fn buffer(&self, buffer: &Buffer) -> Result<Buffer, Stop> {
        if buffer.shared {
            if !self.conditions.cross_origin_isolated {
                return Err(Stop::DataClone("structuredserializeinternal/13.1.1"));
            }
            // The same Shared Data Block, in a new SharedArrayBuffer.
            return Ok(Buffer {
                bytes: buffer.bytes.clone(),
                max_byte_length: buffer.max_byte_length,
                shared: true,
                ..Buffer::default()
            });
        }
        if buffer.detached {
            return Err(Stop::DataClone("structuredserializeinternal/13.2.1"));
        }
        // A copy of the bytes; a new buffer has no detach key.
        Ok(Buffer {
            bytes: buffer.bytes.clone(),
            max_byte_length: buffer.max_byte_length,
            ..Buffer::default()
        })
    }

    /// IsArrayBufferViewOutOfBounds: IsTypedArrayOutOfBounds or
    /// IsViewOutOfBounds, which read the same for our purposes. A view over
    /// a detached buffer is out of bounds; a length-tracking view is out of
    /// bounds only when its offset is past the end.
    fn out_of_bounds(
        &self,
        kind: webmessaging::ecmascript::ViewKind,
        buffer: usize,
        offset: usize,
        length: Option<usize>,
    ) -> bool {
        let Kind::ArrayBuffer(viewed) = &self.doc.objects[buffer].kind else {
            return true;
        };
        if viewed.detached {
            return true;
        }
        let buffer_length = viewed.bytes.len();
        let end = match length {
            None => Some(buffer_length),
            Some(n) => n
                .checked_mul(kind.element_size())
                .and_then(|b| b.checked_add(offset)),
        };
        match end {
            Some(end) => offset > buffer_length || end > buffer_length,
            None => true,
        }
    }

    /// Step 17.1–17.2: `name` by [[Get]]: an own property (a getter may
    /// throw), else the prototype's; one of the seven names or "Error".
    fn error_name(&self, object: &Object, prototype: ErrorPrototype) -> Result<ErrorPrototype, Stop> {
        let own = object
            .props
            .iter()
            .find(|p| p.key == Key::String(JsString::from("name")));
        let name = match own.map(|p| &p.value) {
            None => return Ok(prototype),
            Some(PropValue::Data(v) | PropValue::GetterReturns(v)) => v,
            Some(PropValue::GetterThrows(v)) => {
                return Err(Stop::Thrown(
                    Thrown::Value(v.clone()),
                    "structuredserializeinternal/17.1",
                ));
            }
        };
        Ok(match name {
            Val::String(s) => s
                .to_rust_string()
                .and_then(|s| ErrorPrototype::from_name(&s))
                .unwrap_or(ErrorPrototype::Error),
            _ => ErrorPrototype::Error,
        })
    }

    /// Step 17.4's ToString.
    fn ecmascript_to_string(&mut self, value: &Val) -> Result<JsString, Stop> {
        const STEP: &str = "structuredserializeinternal/17.4";
        Ok(match value {
            Val::Undefined => JsString::from("undefined"),
            Val::Null => JsString::from("null"),
            Val::Bool(b) => JsString::from(if *b { "true" } else { "false" }),
            Val::Number(n) => JsString::from(number_to_string(*n)),
            Val::BigInt(b) => JsString::from(b.as_decimal()),
            Val::String(s) => s.clone(),
            Val::Symbol(_) => return Err(Stop::Thrown(Thrown::NewError(ErrorPrototype::TypeError), STEP)),
            Val::Ref(i) => {
                let doc = self.doc;
                let (heap, built) = self.scratch.get_or_insert_with(|| {
                    let mut heap = Heap::default();
                    let built = build(doc, &mut heap).expect("a document the notation can build");
                    (heap, built)
                });
                match heap.to_js_string(&Value::Object(built.objects[*i])) {
                    Ok(s) => s,
                    Err(e) => return Err(Stop::Thrown(thrown_value(heap, &built.objects, &e.0), STEP)),
                }
            }
        })
    }

    /// Queues [[Get]] of each enumerable own String key of input object
    /// `i`, in [[OwnPropertyKeys]] order (step 26.4).
    fn queue_props(&self, i: usize, tasks: &mut Vec<Task>) {
        let props = &self.doc.objects[i].props;
        let string_key = |n: &usize| match &props[*n].key {
            Key::String(k) => Some(k),
            Key::Symbol(_) => None,
        };
        let mut indices: Vec<(u32, usize)> = (0..props.len())
            .filter_map(|n| Some((array_index(string_key(&n)?)?, n)))
            .collect();
        indices.sort_unstable();
        let others = (0..props.len()).filter(|n| string_key(n).is_some_and(|k| array_index(k).is_none()));
        let order = indices.into_iter().map(|(_, n)| n).chain(others);
        tasks.extend(
            order
                .filter(|&n| props[n].enumerable)
                .map(|prop| Task::Get { object: i, prop }),
        );
    }
}

/// A value the realm threw, as a [`Thrown`]: objects of the document by
/// index, other objects as the new Errors they must be.
pub fn thrown_value(heap: &Heap, objects: &[ObjectId], value: &Value<ObjectId>) -> Thrown {
    match value {
        Value::Object(o) => match objects.iter().position(|x| x == o) {
            Some(i) => Thrown::Value(Val::Ref(i)),
            None => match heap.object(*o).kind {
                ObjectKind::Error { prototype, .. } => Thrown::NewError(prototype),
                ref other => panic!("the realm threw a new object that is no Error: {other:?}"),
            },
        },
        Value::Undefined => Thrown::Value(Val::Undefined),
        Value::Null => Thrown::Value(Val::Null),
        Value::Boolean(b) => Thrown::Value(Val::Bool(*b)),
        Value::Number(n) => Thrown::Value(Val::Number(*n)),
        Value::BigInt(b) => Thrown::Value(Val::BigInt(b.clone())),
        Value::String(s) => Thrown::Value(Val::String(s.clone())),
        Value::Symbol(s) => Thrown::Value(Val::Symbol(s.description.clone())),
    }
}

impl Thrown {
    /// Whether two thrown values are the same: SameValue for primitives
    /// (Symbols by description), the same input object, or new Errors of
    /// one kind.
    pub fn same(&self, other: &Thrown) -> bool {
        match (self, other) {
            (Thrown::NewError(a), Thrown::NewError(b)) => a == b,
            (Thrown::Value(a), Thrown::Value(b)) => same_value(a, b),
            _ => false,
        }
    }
}

/// SameValue on document values (Symbols by description, objects by index).
pub fn same_value(a: &Val, b: &Val) -> bool {
    match (a, b) {
        (Val::Undefined, Val::Undefined) | (Val::Null, Val::Null) => true,
        (Val::Bool(x), Val::Bool(y)) => x == y,
        (Val::Number(x), Val::Number(y)) => (x.is_nan() && y.is_nan()) || x.to_bits() == y.to_bits(),
        (Val::BigInt(x), Val::BigInt(y)) => x == y,
        (Val::String(x), Val::String(y)) => x == y,
        (Val::Symbol(x), Val::Symbol(y)) => x == y,
        (Val::Ref(x), Val::Ref(y)) => x == y,
        _ => false,
    }
}

/// The array index `key` is, if it is one: the canonical decimal form of
/// an integer below 2^32 - 1.
fn array_index(key: &JsString) -> Option<u32> {
    let units = key.code_units();
    let digits: Option<String> = units
        .iter()
        .map(|&u| char::from_u32(u32::from(u)).filter(char::is_ascii_digit))
        .collect();
    let digits = digits.filter(|d| !d.is_empty() && (d == "0" || !d.starts_with('0')))?;
    digits.parse::<u32>().ok().filter(|&n| n != u32::MAX)
}

/// The clone as print numbers it: from the root, depth first, each object
/// when first met, an object's fields before its properties.
fn renumber(root: &Val, clone: &[Object], memory: &HashMap<usize, usize>) -> Document {
    // References in `clone` are input indices: make them clone positions.
    let at = |input: usize| memory[&input];
    let mut number = vec![usize::MAX; clone.len()];
    let mut order = Vec::new();
    let mut stack: Vec<usize> = match root {
        Val::Ref(i) => vec![at(*i)],
        _ => Vec::new(),
    };
    while let Some(c) = stack.pop() {
        if number[c] != usize::MAX {
            continue;
        }
        number[c] = order.len();
        order.push(c);
        let mut children = Vec::new();
        clone[c].for_each_ref(|r| children.push(at(r)));
        stack.extend(children.into_iter().rev());
    }
    let objects = order
        .iter()
        .map(|&c| {
            let mut object = clone[c].clone();
            object.map_refs(|r| number[at(r)]);
            object
        })
        .collect();
    let root = match root {
        Val::Ref(i) => Val::Ref(number[at(*i)]),
        other => other.clone(),
    };
    Document {
        root,
        objects,
        transfer: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn array_indices() {
        let index = |s: &str| array_index(&JsString::from(s));
        assert_eq!(index("0"), Some(0));
        assert_eq!(index("4294967294"), Some(4294967294));
        assert_eq!(index("4294967295"), None);
        assert_eq!(index("01"), None);
        assert_eq!(index("-0"), None);
        assert_eq!(index(""), None);
        assert_eq!(index("1e3"), None);
        assert_eq!(index("٣"), None);
    }
}
