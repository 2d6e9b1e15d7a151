//! The known divergences between this reference and node's
//! `structuredClone`: each one observed, with the side this reference
//! follows, the step of the standard it is about, where the other behaviour
//! comes from, and a detector. `docs/oracle.md` explains each. Beside them,
//! the known bugs of the reference that the oracle found ([`ReferenceBug`]),
//! recognised the same way until they are fixed.
//!
//! A detector looks at the input and at both outcomes. Either the outcomes
//! are fully explained by the divergence ([`Resolution::Explained`]), or it
//! returns a *neutralised* input ([`Resolution::Rerun`]): the same document
//! with the one feature that triggers the divergence taken out in a way
//! that changes nothing else for either side. The oracle runs both sides
//! again on that input; only if they then agree is the difference put down
//! to the divergence.

use webmessaging::ecmascript::{JsString, ViewKind};
use webmessaging::notation::{CloneOutcome, Document, Key, Kind, Object, PropValue, Val};

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

/// A bug of the reference (node does what the standards say) that the
/// oracle found and that is not fixed yet. Each is kept as an expected
/// failure in the edge-case table; see `docs/oracle.md`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ReferenceBug {
    /// The heap's ToString of a typed array gives "[object Uint8Array]";
    /// `%TypedArray%.prototype.toString` is `Array.prototype.toString`,
    /// which joins the elements (and `join` throws a TypeError when the view
    /// is out of bounds). Seen through an Error's message (step 17.4).
    TypedArrayToString,
    /// The heap's ToString of an Array always joins its elements;
    /// `Array.prototype.toString` calls the array's `join` property, and an
    /// own non-callable `join` makes it fall back to
    /// `Object.prototype.toString` ("[object Array]").
    ArrayToStringIgnoresJoin,
}

impl ReferenceBug {
    /// Every known reference bug.
    pub const ALL: [ReferenceBug; 2] = [
        ReferenceBug::TypedArrayToString,
        ReferenceBug::ArrayToStringIgnoresJoin,
    ];

    /// A short name (used in reports).
    pub fn name(self) -> &'static str {
        match self {
            ReferenceBug::TypedArrayToString => "bug:typed-array-tostring",
            ReferenceBug::ArrayToStringIgnoresJoin => "bug:array-tostring-ignores-join",
        }
    }

    /// Where the bug is, and what the standard says instead.
    pub fn summary(self) -> &'static str {
        match self {
            ReferenceBug::TypedArrayToString => {
                "src/ecmascript/heap/conversion.rs builtin_to_string: a typed array's toString is \
                 Array.prototype.toString (ECMA-262 %TypedArray%.prototype.toString), which joins its \
                 elements, not Object.prototype.toString"
            }
            ReferenceBug::ArrayToStringIgnoresJoin => {
                "src/ecmascript/heap/conversion.rs array_join: Array.prototype.toString reads the \
                 array's \"join\" (ECMA-262 23.1.3.36 step 2) and, when it is not callable, uses \
                 Object.prototype.toString"
            }
        }
    }

    /// Recognises the bug: an Error whose message (made a String by step
    /// 17.4) reaches the trigger. The neutralised input gives those Errors
    /// a String message instead.
    pub fn detect(self, input: &Document) -> Option<Resolution> {
        let trigger = |object: &Object| match self {
            ReferenceBug::TypedArrayToString => {
                matches!(&object.kind, Kind::View { kind, .. } if *kind != ViewKind::DataView)
            }
            ReferenceBug::ArrayToStringIgnoresJoin => {
                matches!(object.kind, Kind::Array { .. })
                    && object.props.iter().any(|p| is_key(&p.key, "join"))
            }
        };
        let mut doc = input.clone();
        let mut changed = false;
        for i in 0..doc.objects.len() {
            if let Kind::Error {
                message: Some(message),
                ..
            } = &doc.objects[i].kind
                && to_string_reaches(input, message, &trigger)
                && let Kind::Error { message, .. } = &mut doc.objects[i].kind
            {
                *message = Some(Val::String(JsString::from("(neutralised)")));
                changed = true;
            }
        }
        changed.then_some(Resolution::Rerun(doc))
    }
}

/// Whether ToString of `v` (with the built-in toString methods) may look at
/// an object for which `trigger` holds: an Array's elements and an Error's
/// name and message are made Strings in turn.
fn to_string_reaches(doc: &Document, v: &Val, trigger: &dyn Fn(&Object) -> bool) -> bool {
    let mut seen = vec![false; doc.objects.len()];
    let mut stack = vec![v.clone()];
    while let Some(v) = stack.pop() {
        let Val::Ref(i) = v else { continue };
        if std::mem::replace(&mut seen[i], true) {
            continue;
        }
        let object = &doc.objects[i];
        if trigger(object) {
            return true;
        }
        let own = |name: &'static str| {
            object.props.iter().filter_map(move |p| match &p.value {
                PropValue::Data(v) | PropValue::GetterReturns(v) if is_key(&p.key, name) => Some(v.clone()),
                _ => None,
            })
        };
        match &object.kind {
            Kind::Array { .. } => {
                stack.extend(object.props.iter().filter_map(|p| match (&p.key, &p.value) {
                    (Key::String(k), PropValue::Data(v) | PropValue::GetterReturns(v))
                        if k.as_array_index().is_some() =>
                    {
                        Some(v.clone())
                    }
                    _ => None,
                }))
            }
            Kind::Error { message, .. } => {
                stack.extend(message.clone());
                stack.extend(own("message"));
                stack.extend(own("name"));
            }
            _ => {}
        }
    }
    false
}

/// What accounts for a difference: a known divergence, or a known bug of
/// the reference.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Explanation {
    /// A known divergence between the reference and node.
    Divergence(Divergence),
    /// A known bug of the reference.
    Bug(ReferenceBug),
}

impl Explanation {
    /// Everything the oracle tries, divergences first.
    pub fn all() -> impl Iterator<Item = Explanation> {
        Divergence::ALL
            .into_iter()
            .map(Explanation::Divergence)
            .chain(ReferenceBug::ALL.into_iter().map(Explanation::Bug))
    }

    /// A short name.
    pub fn name(self) -> &'static str {
        match self {
            Explanation::Divergence(d) => d.name(),
            Explanation::Bug(b) => b.name(),
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
            Explanation::Bug(b) => b.detect(input),
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
