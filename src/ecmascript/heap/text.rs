//! The Strings ToString builds, kept as ropes until the outermost
//! conversion writes its result out once, and memoised per object.
//!
//! Why: an Error whose `name` and `message` are both the next Error, forty
//! deep, names the last one 2^40 times; an Array holding the same Array twice,
//! sixty deep, joins it 2^60 times. Engines recurse through every occurrence
//! (and so never finish). The built-in heap runs no script, so converting an
//! object twice gives the same text (the cycle rule below aside): each object
//! is converted once, its text is a [`Node`] made of literal code units and
//! references to the nodes of the objects it converted, and only the
//! outermost conversion writes its code units out, after its length has been
//! checked against [`Heap::MAX_STRING_LENGTH`](super::Heap::MAX_STRING_LENGTH).
//! The work of one conversion is then linear in the objects and properties it
//! reaches plus the length of the String it returns.
//!
//! Cycles. An Array met again while it is being joined joins to the empty
//! String, as engines do; an Error or RegExp met again while it is being
//! converted is converted again (engines do the same, and either an Array on
//! the way cuts the cycle or the depth limit throws a RangeError). In a graph
//! without cycles every object has one text wherever it occurs. Inside a
//! cycle, engines give an object different texts depending on which objects
//! are being converted around it; here the first text an object gets within
//! one conversion is the one it keeps for the rest of that conversion. That
//! is the price of bounded work, and it shows only in cyclic graphs reached
//! through more than one entry point (`[b, c]` where `b = [1, b, c]` and
//! `c = [b, 2]`: V8 gives `"1,,,2,1,,,2"`, the heap `"1,,,2,,2"`).
//!
//! Across conversions. A text that does not depend on which objects were
//! being converted around it (no cycle was cut under it, and it read no
//! shared memory) is a pure function of the heap. Such texts are kept
//! between conversions (an Error's serialization converts its `message`, so
//! a thousand Errors sharing one message structure convert it once) until
//! the heap changes: every mutable access to an object bumps the heap's
//! generation, and a memo of an older generation is dropped.

use super::{ObjectId, OwnProperty};
use crate::ecmascript::JsString;
use rustc_hash::FxHashMap;
use std::sync::Arc;

/// Runs of this many separators or fewer are copied; longer ones (the
/// commas of a sparse Array) are kept as a count.
const SHORT_RUN: usize = 32;

/// Which arena a node lives in: texts kept between conversions, or texts
/// that hold only for the conversion under way.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum NodeRef {
    Kept(usize),
    Call(usize),
}

/// One piece of a text.
#[derive(Debug)]
enum Piece {
    Units(Vec<u16>),
    Run { unit: u16, count: usize },
    Node(NodeRef),
}

/// The text of one converted object.
#[derive(Debug)]
struct Node {
    pieces: Vec<Piece>,
}

/// What an object's text is, as remembered.
#[derive(Clone, Copy, Debug)]
enum Memo {
    Empty,
    Node { node: NodeRef, len: usize },
}

impl Memo {
    fn part(self) -> Part {
        match self {
            Memo::Empty => Part::Empty,
            Memo::Node { node, len } => Part::Node { node, len },
        }
    }
}

/// A converted value: its length and where its code units are.
#[derive(Clone, Debug)]
pub(super) enum Part {
    /// The empty String.
    Empty,
    /// Literal code units (a primitive's text).
    Units(Vec<u16>),
    /// The text of a converted object, `len` code units long.
    Node { node: NodeRef, len: usize },
}

impl Part {
    /// The length in code units.
    pub(super) fn len(&self) -> usize {
        match self {
            Part::Empty => 0,
            Part::Units(units) => units.len(),
            Part::Node { len, .. } => *len,
        }
    }

    pub(super) fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A text being assembled from parts. Its length is known at every step,
/// so a caller checks it before anything long is written.
#[derive(Debug, Default)]
pub(super) struct Builder {
    len: usize,
    pieces: Vec<Piece>,
}

impl Builder {
    pub(super) fn len(&self) -> usize {
        self.len
    }

    /// Appends literal code units (merged with literal ones before them).
    pub(super) fn push_units(&mut self, units: &[u16]) {
        if units.is_empty() {
            return;
        }
        self.len = self.len.saturating_add(units.len());
        match self.pieces.last_mut() {
            Some(Piece::Units(last)) => last.extend_from_slice(units),
            _ => self.pieces.push(Piece::Units(units.to_vec())),
        }
    }

    /// Appends `count` copies of one code unit.
    pub(super) fn push_run(&mut self, unit: u16, count: usize) {
        if count <= SHORT_RUN {
            self.push_units(&vec![unit; count]);
        } else {
            self.len = self.len.saturating_add(count);
            self.pieces.push(Piece::Run { unit, count });
        }
    }

    pub(super) fn push(&mut self, part: Part) {
        match part {
            Part::Empty => {}
            Part::Units(units) => self.push_units(&units),
            Part::Node { node, len } => {
                self.len = self.len.saturating_add(len);
                self.pieces.push(Piece::Node(node));
            }
        }
    }
}

/// Conversions' texts: those kept between conversions (valid for one
/// generation of the heap), and those of the conversion under way.
#[derive(Default)]
pub(super) struct Texts {
    generation: u64,
    kept: Vec<Node>,
    kept_memo: FxHashMap<ObjectId, Memo>,
    call: Vec<Node>,
    call_memo: FxHashMap<ObjectId, Memo>,
    /// %Object.prototype%'s index properties (which an Array's holes
    /// inherit), sorted by index; read at most once per generation.
    pub(super) inherited: Option<Arc<Vec<(usize, OwnProperty)>>>,
}

impl std::fmt::Debug for Texts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Texts {{ generation: {}, kept: {} }}",
            self.generation,
            self.kept.len()
        )
    }
}

impl Texts {
    /// Ready for a new outermost conversion of a heap at `generation`:
    /// kept texts of another generation are dropped.
    pub(super) fn begin(&mut self, generation: u64) {
        if self.generation != generation {
            *self = Texts {
                generation,
                ..Texts::default()
            };
        }
        self.call.clear();
        self.call_memo.clear();
    }

    /// Ends the outermost conversion: texts that held only for it go.
    pub(super) fn end(&mut self) {
        self.call = Vec::new();
        self.call_memo = FxHashMap::default();
    }

    /// The text `o` got earlier, and whether it is one kept between
    /// conversions (`true`) or one of this conversion only.
    pub(super) fn memo(&self, o: ObjectId) -> Option<(Part, bool)> {
        if let Some(memo) = self.kept_memo.get(&o) {
            return Some((memo.part(), true));
        }
        self.call_memo.get(&o).map(|memo| (memo.part(), false))
    }

    /// Records `o`'s text. `kept`: it does not depend on what was being
    /// converted around it, so later conversions may reuse it. An object
    /// that already has a text keeps it (the first one counts).
    pub(super) fn remember(&mut self, o: ObjectId, text: Builder, kept: bool) -> Part {
        let len = text.len;
        let memo = match text.pieces.as_slice() {
            // The empty String is remembered too: an Error whose name and
            // message are both an Error with an empty text is met twice.
            [] => Memo::Empty,
            // A text that is exactly another object's is that object's node.
            [Piece::Node(node)] => Memo::Node { node: *node, len },
            _ => {
                let node = Node { pieces: text.pieces };
                let node = if kept {
                    self.kept.push(node);
                    NodeRef::Kept(self.kept.len() - 1)
                } else {
                    self.call.push(node);
                    NodeRef::Call(self.call.len() - 1)
                };
                Memo::Node { node, len }
            }
        };
        let memos = if kept {
            &mut self.kept_memo
        } else {
            &mut self.call_memo
        };
        memos.entry(o).or_insert(memo);
        memo.part()
    }

    fn node(&self, node: NodeRef) -> &Node {
        match node {
            NodeRef::Kept(i) => &self.kept[i],
            NodeRef::Call(i) => &self.call[i],
        }
    }

    /// Writes the code units of `part` out. Nodes of zero length are never
    /// made and a node that would hold one reference alone is that
    /// reference, so every node visited writes at least one unit or has two
    /// references under it: the walk is linear in the length written.
    pub(super) fn flatten(&self, part: Part) -> JsString {
        let (root, len) = match part {
            Part::Empty => return JsString::default(),
            Part::Units(units) => return JsString::from_code_units(units),
            Part::Node { node, len } => (node, len),
        };
        let mut out: Vec<u16> = Vec::with_capacity(len);
        let mut stack = vec![(self.node(root), 0usize)];
        while let Some((node, next)) = stack.pop() {
            let Some(piece) = node.pieces.get(next) else {
                continue;
            };
            stack.push((node, next + 1));
            match piece {
                Piece::Units(units) => out.extend_from_slice(units),
                Piece::Run { unit, count } => out.extend(std::iter::repeat_n(*unit, *count)),
                Piece::Node(inner) => stack.push((self.node(*inner), 0)),
            }
        }
        JsString::from_code_units(out)
    }
}
