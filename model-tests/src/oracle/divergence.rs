//! The known divergences between this reference and node's
//! `structuredClone`: each one observed, with the side this reference
//! follows, the step of the standard it is about, where the other behaviour
//! comes from, and a detector. `docs/oracle.md` explains each. Beside them,
//! the bugs of the reference that the oracle found (now fixed),
//! recognised the same way until they are fixed.
//!
//! A detector looks at the input and at both outcomes. Either the outcomes
//! are fully explained by the divergence ([`Resolution::Explained`]), or it
//! returns a *neutralised* input ([`Resolution::Rerun`]): the same document
//! with the one feature that triggers the divergence taken out in a way
//! that changes nothing else for either side. The oracle runs both sides
//! again on that input; only if they then agree is the difference put down
//! to the divergence.

use webmessaging::ecmascript::JsString;
use webmessaging::notation::{CloneOutcome, Document, Key, Kind, PropValue, Val};

/// Which behaviour the reference follows where it and node differ.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Follows {
    /// The reference does what the HTML Standard says; node does not.
    Standard,
    /// The standard leaves it open (or cannot be followed); the reference
    /// does what V8 does.
    V8,
}

/// A known divergence.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Divergence {
    /// V8 attaches an Error's own data property `cause` to its serialization
    /// (the latitude of step 17.7) and gives the clone a `cause`; a cause
    /// that leads back to the Error makes V8's deserializer throw an
    /// `Error` ("Unable to deserialize cloned data."). The reference
    /// attaches nothing.
    ErrorCause,
    /// V8 applies ToString to an Error's `name` before comparing it with the
    /// native error names: a Symbol name throws a TypeError, and an object
    /// whose string is, say, "TypeError" picks TypeError.prototype. The
    /// standard compares the value itself: anything but one of the seven
    /// Strings means "Error".
    ErrorNameToString,
    /// Node skips a detached ArrayBuffer in the transfer list instead of
    /// throwing a DataCloneError (and, if the value holds that buffer too,
    /// returns a detached buffer in the clone).
    DetachedBufferInTransferList,
    /// Node throws a TypeError ("Found invalid object in transferList"), not
    /// a DataCloneError, for a transfer list entry that is not an
    /// ArrayBuffer, or is a SharedArrayBuffer.
    NonTransferableTypeError,
}

/// What a detector concluded.
#[derive(Clone, Debug)]
pub enum Resolution {
    /// The two outcomes are what the divergence predicts.
    Explained,
    /// Run both sides again on this input, which lacks the trigger.
    Rerun(Document),
}

impl Divergence {
    /// Every known divergence, in the order the oracle tries them.
    pub const ALL: [Divergence; 4] = [
        Divergence::NonTransferableTypeError,
        Divergence::DetachedBufferInTransferList,
        Divergence::ErrorNameToString,
        Divergence::ErrorCause,
    ];

    /// A short name (used in reports).
    pub fn name(self) -> &'static str {
        match self {
            Divergence::ErrorCause => "error-cause",
            Divergence::ErrorNameToString => "error-name-tostring",
            Divergence::DetachedBufferInTransferList => "detached-buffer-in-transfer-list",
            Divergence::NonTransferableTypeError => "non-transferable-typeerror",
        }
    }

    /// The side the reference follows.
    pub fn follows(self) -> Follows {
        match self {
            Divergence::ErrorCause
            | Divergence::ErrorNameToString
            | Divergence::DetachedBufferInTransferList
            | Divergence::NonTransferableTypeError => Follows::Standard,
        }
    }

    /// The step of the standard concerned, as the catalogue names it.
    pub fn step(self) -> &'static str {
        match self {
            Divergence::ErrorCause => "structuredserializeinternal/17.7",
            Divergence::ErrorNameToString => "structuredserializeinternal/17.2",
            Divergence::DetachedBufferInTransferList => "structuredserializewithtransfer/5.1",
            Divergence::NonTransferableTypeError => "structuredserializewithtransfer/2.1",
        }
    }

    /// Where the other behaviour lives.
    pub fn reference(self) -> &'static str {
        match self {
            Divergence::ErrorCause | Divergence::ErrorNameToString => {
                "V8 src/objects/value-serializer.cc, ValueSerializer::WriteJSError and \
                 ValueDeserializer::ReadJSError"
            }
            Divergence::DetachedBufferInTransferList | Divergence::NonTransferableTypeError => {
                "node src/node_messaging.cc, Message::Serialize (the transfer list loop)"
            }
        }
    }

    /// One line on what differs.
    pub fn summary(self) -> &'static str {
        match self {
            Divergence::ErrorCause => "V8 clones an Error's own data property `cause`",
            Divergence::ErrorNameToString => "V8 applies ToString to an Error's `name`",
            Divergence::DetachedBufferInTransferList => {
                "node skips a detached ArrayBuffer in the transfer list instead of throwing"
            }
            Divergence::NonTransferableTypeError => {
                "node throws TypeError, not DataCloneError, for a non-transferable entry"
            }
        }
    }

    /// Recognises the divergence in a case: `input` and the two outcomes.
    pub fn detect(
        self,
        input: &Document,
        reference: &CloneOutcome,
        node: &CloneOutcome,
    ) -> Option<Resolution> {
        match self {
            Divergence::ErrorCause => {
                let mut changed = false;
                let mut doc = input.clone();
                for object in &mut doc.objects {
                    if !matches!(object.kind, Kind::Error { .. }) {
                        continue;
                    }
                    for prop in &mut object.props {
                        if is_key(&prop.key, "cause")
                            && let PropValue::Data(v) = &prop.value
                        {
                            // V8 takes only a data property: an accessor
                            // with the same value is invisible to it, and
                            // to the standard both are just props.
                            prop.value = PropValue::GetterReturns(v.clone());
                            changed = true;
                        }
                    }
                }
                changed.then_some(Resolution::Rerun(doc))
            }
            Divergence::ErrorNameToString => {
                let mut changed = false;
                let mut doc = input.clone();
                for object in &mut doc.objects {
                    if !matches!(object.kind, Kind::Error { .. }) {
                        continue;
                    }
                    for prop in &mut object.props {
                        if !is_key(&prop.key, "name") {
                            continue;
                        }
                        if let PropValue::Data(v) | PropValue::GetterReturns(v) = &mut prop.value
                            && !matches!(v, Val::String(_))
                        {
                            // Not a native error name, as no non-String is.
                            *v = Val::String(JsString::from("NotANativeErrorName"));
                            changed = true;
                        }
                    }
                }
                changed.then_some(Resolution::Rerun(doc))
            }
            Divergence::DetachedBufferInTransferList => {
                let detached = |i: &usize| matches!(&input.objects[*i].kind, Kind::ArrayBuffer(b) if b.detached && !b.shared);
                let reference_refused =
                    matches!(reference, CloneOutcome::Threw { name, .. } if name == "DataCloneError");
                if !reference_refused || !input.transfer.iter().any(detached) {
                    return None;
                }
                let mut doc = input.clone();
                doc.transfer.retain(|i| !detached(i));
                Some(Resolution::Rerun(doc))
            }
            Divergence::NonTransferableTypeError => {
                let names = (threw_name(reference), threw_name(node));
                (names == (Some("DataCloneError"), Some("TypeError"))
                    && first_refusal_is_not_transferable(input))
                .then_some(Resolution::Explained)
            }
        }
    }
}

/// What accounts for a difference: a known divergence. (The oracle also
/// found two bugs of the reference, the ToString of typed arrays and of
/// Arrays with an own `join`; both are fixed, and their edge cases agree.)
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Explanation {
    /// A known divergence between the reference and node.
    Divergence(Divergence),
}

impl Explanation {
    /// Everything the oracle tries, divergences first.
    pub fn all() -> impl Iterator<Item = Explanation> {
        Divergence::ALL.into_iter().map(Explanation::Divergence)
    }

    /// A short name.
    pub fn name(self) -> &'static str {
        match self {
            Explanation::Divergence(d) => d.name(),
        }
    }

    /// Recognises the explanation in a case (see [`Divergence::detect`]).
    pub fn detect(
        self,
        input: &Document,
        reference: &CloneOutcome,
        node: &CloneOutcome,
    ) -> Option<Resolution> {
        match self {
            Explanation::Divergence(d) => d.detect(input, reference, node),
        }
    }
}

fn is_key(key: &Key, name: &str) -> bool {
    matches!(key, Key::String(s) if *s == JsString::from(name))
}

fn threw_name(outcome: &CloneOutcome) -> Option<&str> {
    match outcome {
        CloneOutcome::Threw { name, .. } => Some(name),
        CloneOutcome::Cloned { .. } => None,
    }
}

/// Whether the first transfer-list entry that StructuredSerializeWithTransfer
/// step 2 refuses is refused by 2.1 (not an ArrayBuffer or transferable
/// platform object) or 2.2 (a SharedArrayBuffer), rather than by 2.3 (a
/// duplicate).
fn first_refusal_is_not_transferable(doc: &Document) -> bool {
    let mut seen = Vec::new();
    for &i in &doc.transfer {
        match &doc.objects[i].kind {
            Kind::ArrayBuffer(b) if !b.shared => {}
            _ => return true,
        }
        if seen.contains(&i) {
            return false;
        }
        seen.push(i);
    }
    false
}
