//! The errors the structured-data algorithms throw.

use crate::ecmascript::{Exception, Value};

/// What StructuredSerialize*, StructuredDeserialize* and `structuredClone`
/// throw.
#[derive(Debug, Clone, thiserror::Error)]
pub enum CloneError<O> {
    /// A "DataCloneError" DOMException: the step that threw it and what was wrong.
    #[error("DataCloneError: {0}")]
    DataClone(DataCloneError),
    /// An exception thrown by the realm (a getter, ToString, a failed
    /// allocation, DetachArrayBuffer), propagated unchanged.
    #[error("uncaught exception: {}", describe(.0))]
    Thrown(Value<O>),
}

/// A "DataCloneError" DOMException as the algorithms throw it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct DataCloneError {
    /// The id of the catalogued step (`spec/catalogue.md`) during which it
    /// was thrown, e.g. `structuredserializeinternal/13.2.1`: the step whose
    /// condition failed, or, for an error a host's steps or a malformed
    /// serialization raise, the step that ran them. Checks compare it with
    /// the step the standard says must throw.
    pub step: &'static str,
    /// What was wrong, for people.
    pub message: String,
}

fn describe<O>(value: &Value<O>) -> String {
    match value {
        Value::String(s) => format!("{s:?}"),
        Value::Number(n) => crate::ecmascript::number_to_string(*n),
        other => other.type_name().to_owned(),
    }
}

impl<O> CloneError<O> {
    /// A DataCloneError thrown at catalogue step `step`, with this message.
    pub fn new_data_clone(step: &'static str, message: impl Into<String>) -> Self {
        CloneError::DataClone(DataCloneError {
            step,
            message: message.into(),
        })
    }

    /// The DOMException name for a DataCloneError, `None` for a thrown value.
    pub fn dom_exception_name(&self) -> Option<&'static str> {
        match self {
            CloneError::DataClone(_) => Some("DataCloneError"),
            CloneError::Thrown(_) => None,
        }
    }

    /// The error with its object handles mapped.
    pub fn map_object<P>(self, f: impl FnOnce(O) -> P) -> CloneError<P> {
        match self {
            CloneError::DataClone(e) => CloneError::DataClone(e),
            CloneError::Thrown(v) => CloneError::Thrown(v.map_object(f)),
        }
    }
}

impl<O> From<Exception<O>> for CloneError<O> {
    fn from(e: Exception<O>) -> Self {
        CloneError::Thrown(e.0)
    }
}
