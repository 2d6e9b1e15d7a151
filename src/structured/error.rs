//! The errors the structured-data algorithms throw.

use crate::ecmascript::{Exception, Value};

/// What StructuredSerialize*, StructuredDeserialize* and `structuredClone`
/// throw.
#[derive(Debug, Clone, thiserror::Error)]
pub enum CloneError<O> {
    /// A "DataCloneError" DOMException, with what was wrong.
    #[error("DataCloneError: {0}")]
    DataClone(String),
    /// An exception thrown by the realm (a getter, ToString, a failed
    /// allocation, DetachArrayBuffer), propagated unchanged.
    #[error("uncaught exception: {}", describe(.0))]
    Thrown(Value<O>),
}

fn describe<O>(value: &Value<O>) -> String {
    match value {
        Value::String(s) => format!("{s:?}"),
        Value::Number(n) => crate::ecmascript::number_to_string(*n),
        other => other.type_name().to_owned(),
    }
}

impl<O> CloneError<O> {
    /// A DataCloneError with this message.
    pub fn data_clone(message: impl Into<String>) -> Self {
        CloneError::DataClone(message.into())
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
            CloneError::DataClone(m) => CloneError::DataClone(m),
            CloneError::Thrown(v) => CloneError::Thrown(v.map_object(f)),
        }
    }
}

impl<O> From<Exception<O>> for CloneError<O> {
    fn from(e: Exception<O>) -> Self {
        CloneError::Thrown(e.0)
    }
}
