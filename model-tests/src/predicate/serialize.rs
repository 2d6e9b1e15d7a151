//! StructuredSerializeWithTransfer and StructuredSerializeInternal walked
//! on the document: the first failure in the standard's order, or the
//! clone's objects (with input references still in them) and the buffers
//! the transfer detaches.

use super::to_string::Conversion;
use super::views::View;
use super::{Conditions, Thrown, array_index, native_error_named};
use std::collections::HashMap;
use webmessaging::ecmascript::{ErrorPrototype, JsString};
use webmessaging::notation::{Buffer, Document, Key, Kind, Object, Prop, PropValue, Val};

/// Why the walk stopped.
pub(super) enum Stop {
    DataClone(&'static str),
    Thrown(Thrown, &'static str),
}

/// Work left for the depth-first serialization.
enum Task {
    /// Serialize this value.
    Value(Val),
    /// [[Get]] this property of this input object (its position in
    /// `props`), add it to the clone of the object, then serialize it.
    Get { object: usize, prop: usize },
}

pub(super) struct Walk<'d> {
    doc: &'d Document,
    conditions: Conditions,
    /// Input object → its clone's position in `clone`.
    pub(super) memory: HashMap<usize, usize>,
    /// The clone's objects; their references are still input indices.
    pub(super) clone: Vec<Object>,
}

impl<'d> Walk<'d> {
    pub(super) fn new(doc: &'d Document, conditions: Conditions) -> Self {
        Walk {
            doc,
            conditions,
            memory: HashMap::new(),
            clone: Vec::new(),
        }
    }

    /// StructuredSerializeWithTransfer steps 2 and 3.
    pub(super) fn run(&mut self) -> Result<Val, Stop> {
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
    pub(super) fn transfer(&self, detached: &mut Vec<usize>) -> Result<(), Stop> {
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
                let view = View::of(doc, i).expect("a view");
                if view.out_of_bounds(doc) {
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
                    // Step 17.4's ToString.
                    Some(v) => Some(Val::String(
                        Conversion::new(doc, self.conditions.max_string_length)
                            .to_string(v)
                            .map_err(|thrown| Stop::Thrown(thrown, "structuredserializeinternal/17.4"))?,
                    )),
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
            Val::String(s) => native_error_named(s.code_units()).unwrap_or(ErrorPrototype::Error),
            _ => ErrorPrototype::Error,
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
            .filter_map(|n| Some((array_index(string_key(&n)?.code_units())?, n)))
            .collect();
        indices.sort_unstable();
        let others =
            (0..props.len()).filter(|n| string_key(n).is_some_and(|k| array_index(k.code_units()).is_none()));
        let order = indices.into_iter().map(|(_, n)| n).chain(others);
        tasks.extend(
            order
                .filter(|&n| props[n].enumerable)
                .map(|prop| Task::Get { object: i, prop }),
        );
    }
}
