//! The output of the tool's `clone` command: the clone, or what it threw.

use super::document::Document;
use super::print::print;
use super::write::{write_indices, write_objects, write_str, write_val};
use crate::ecmascript::{ArrayBufferState, Heap, JsString, ObjectId, ObjectKind, PropertyKey, Value};
use crate::structured::CloneError;
use std::fmt::Write;

/// What a structured clone of a document's value came to.
#[derive(Clone, Debug)]
pub enum CloneOutcome {
    /// `{"result": GRAPH, "detached": [INDEX, ...]}`
    Cloned {
        /// The document printed from the clone.
        result: Document,
        /// The indices of the input document's objects that are detached
        /// ArrayBuffers after the call.
        detached: Vec<usize>,
    },
    /// `{"error": {"name": NAME, "message": "...", "thrown": VALUE, "objects": [...]}}`
    Threw {
        /// "DataCloneError", the name of a thrown Error object, or
        /// "Exception" for any other thrown value.
        name: String,
        /// The DataCloneError's message, the thrown Error's message, or a
        /// description of the thrown value.
        message: String,
        /// The thrown value, printed as a document (`thrown` is its root and
        /// `objects`, when there are any, its objects), unless it was a
        /// DataCloneError or an Error object.
        thrown: Option<Document>,
    },
}

/// The outcome of a clone run in `heap` on the objects `input` (the input
/// document's objects, in order) that returned `result`.
pub fn clone_outcome(
    heap: &Heap,
    input: &[ObjectId],
    result: &Result<Value<ObjectId>, CloneError<ObjectId>>,
) -> CloneOutcome {
    match result {
        Ok(value) => CloneOutcome::Cloned {
            result: print(heap, value),
            detached: input
                .iter()
                .enumerate()
                .filter(|(_, id)| {
                    matches!(
                        heap.object(**id).kind(),
                        ObjectKind::ArrayBuffer(state)
                            if matches!(**state, ArrayBufferState::Owned { data: None, .. })
                    )
                })
                .map(|(i, _)| i)
                .collect(),
        },
        Err(CloneError::DataClone(message)) => CloneOutcome::Threw {
            name: "DataCloneError".to_owned(),
            message: message.message.clone(),
            thrown: None,
        },
        Err(error @ CloneError::Thrown(value)) => match value {
            Value::Object(o) if matches!(heap.object(*o).kind(), ObjectKind::Error { .. }) => {
                let ObjectKind::Error { prototype, .. } = heap.object(*o).kind() else {
                    unreachable!("matched just above")
                };
                let name = match own_data(heap, *o, "name") {
                    Some(Value::String(s)) => s.to_string_lossy(),
                    _ => prototype.name().to_owned(),
                };
                let message = match own_data(heap, *o, "message") {
                    Some(Value::String(s)) => s.to_string_lossy(),
                    Some(other) => format!("({} message)", other.type_name()),
                    None => String::new(),
                };
                CloneOutcome::Threw {
                    name,
                    message,
                    thrown: None,
                }
            }
            other => CloneOutcome::Threw {
                name: "Exception".to_owned(),
                message: error.to_string(),
                thrown: Some(print(heap, other)),
            },
        },
    }
}

fn own_data<'h>(heap: &'h Heap, id: ObjectId, name: &str) -> Option<&'h Value<ObjectId>> {
    let name = JsString::from(name);
    heap.object(id)
        .properties()
        .data_value(&PropertyKey::String(name))
}

impl CloneOutcome {
    /// The outcome as JSON text, ending in a newline.
    pub fn to_json_string(&self) -> String {
        let mut out = String::new();
        match self {
            CloneOutcome::Cloned { result, detached } => {
                out.push_str("{\n  \"result\": ");
                result.write_json(&mut out, 1);
                out.push_str(",\n  \"detached\": ");
                write_indices(&mut out, detached);
            }
            CloneOutcome::Threw {
                name,
                message,
                thrown,
            } => {
                out.push_str("{\n  \"error\": {\n    \"name\": ");
                write_str(&mut out, name);
                out.push_str(",\n    \"message\": ");
                write_str(&mut out, message);
                if let Some(thrown) = thrown {
                    out.push_str(",\n    \"thrown\": ");
                    write_val(&mut out, &thrown.root);
                    if !thrown.objects.is_empty() {
                        out.push_str(",\n");
                        write_objects(&mut out, &thrown.objects, "  ");
                    }
                }
                out.push_str("\n  }");
            }
        }
        let _ = writeln!(out, "\n}}");
        out
    }
}
