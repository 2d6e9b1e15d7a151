//! The well-formedness checks that look for two equal things: Map keys and
//! Set entries (by SameValueZero), property keys, platform field names.
//!
//! Bytes are untrusted, so these must not compare long values again and
//! again: a few records of long Strings that differ only in their last code
//! unit, named by a million two-entry Sets, would otherwise cost a million
//! full comparisons. Instead every value is hashed once (with the keys of
//! [`RandomState`], which the input cannot predict), and two values are
//! compared in full only when their hashes are equal, which for distinct
//! values practically never happens:
//!
//! - the primitive and Transferred records are sorted once per decode
//!   (Strings and BigInts by hash, the other values, whose size is fixed,
//!   by their bits), and each gets a *value class*: the index of the first
//!   record equal to it.
//!   Every other record is a class of its own (identity). A Map or Set then
//!   compares classes, which are integers;
//! - the keys of one Array, Object or platform record are hashed and sorted
//!   by hash the same way; when there are at most four, each is compared
//!   with the ones before it instead (at most three comparisons each, so
//!   the work stays linear).
//!
//! [`Work`] counts what the checks read: every code unit or byte hashed
//! (one unit for a value sorted by its bits), every code unit or byte two
//! values with equal keys compare, every Map or Set entry looked up. It
//! stays within a few times the input's length; the sorts add O(n log n)
//! comparisons of 64-bit keys.

use super::check::{Identity, identity};
use crate::structured::record::{Record, RecordId};
use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hash};

/// What the duplicate checks read, in code units, bytes and entries.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Work(pub u64);

impl Work {
    fn add(&mut self, n: usize) {
        self.0 = self.0.saturating_add(n as u64);
    }
}

/// How much reading a value costs: its length, or one for a scalar.
pub(super) trait Weight {
    fn weight(&self) -> usize;
}

impl Weight for Identity<'_> {
    fn weight(&self) -> usize {
        match self {
            Identity::String(units) => units.len().max(1),
            Identity::BigInt(text) => text.len(),
            _ => 1,
        }
    }
}

impl Weight for &[u16] {
    fn weight(&self) -> usize {
        self.len().max(1)
    }
}

impl Weight for &str {
    fn weight(&self) -> usize {
        self.len().max(1)
    }
}

/// Scratch bytes [`ValueClasses::new`] takes per record.
pub(super) const CLASS_SCRATCH: usize =
    size_of::<u32>() + size_of::<u32>() + size_of::<(u64, u32)>() + size_of::<u32>();

/// Where a value sorts among the values of Map keys and Set entries. A
/// String or BigInt, whose length the input chooses, sorts by its hash
/// with keys the input cannot predict; any other value by its bits, mixed
/// with its kind (values of different kinds may share a key, but at most
/// one value of each kind, so a run of equal keys holds few distinct
/// values and its full comparisons stay cheap).
fn sort_key(value: &Identity<'_>, state: &mut Option<RandomState>) -> u64 {
    const KIND: u64 = 0x9E37_79B9_7F4A_7C15;
    match *value {
        Identity::Undefined => KIND,
        Identity::Null => KIND.wrapping_mul(2),
        Identity::Boolean(b) => KIND.wrapping_mul(3) ^ u64::from(b),
        Identity::Number(bits) => bits,
        Identity::Transferred(holder) => KIND.wrapping_mul(5) ^ holder as u64,
        Identity::Object(id) => KIND.wrapping_mul(7) ^ u64::from(id),
        Identity::BigInt(_) | Identity::String(_) => {
            state.get_or_insert_with(RandomState::new).hash_one(value)
        }
    }
}

/// Scratch bytes [`first_duplicate`] takes per item.
pub(super) const KEY_SCRATCH: usize = size_of::<(u64, usize)>() + size_of::<usize>();

/// The value class of every record, and a stamp per class for the Map and
/// Set checks.
pub(super) struct ValueClasses {
    class: Vec<u32>,
    /// For each class, 1 + the index of the last record whose members
    /// included it (0: none yet).
    seen_by: Vec<u32>,
}

impl ValueClasses {
    /// Sorts the primitive and Transferred records by [`sort_key`] and gives
    /// equal ones the class of the first of them.
    pub(super) fn new(records: &[Record], work: &mut Work) -> Self {
        let mut class: Vec<u32> = (0..records.len()).map(|i| i as u32).collect();
        let mut state = None;
        let mut keyed: Vec<(u64, u32)> = Vec::new();
        for i in 0..records.len() as u32 {
            let value = identity(records, RecordId(i));
            if !matches!(value, Identity::Object(_)) {
                work.add(value.weight());
                keyed.push((sort_key(&value, &mut state), i));
            }
        }
        // A record alone in its run is its own class already.
        let mut firsts: Vec<u32> = Vec::new();
        for_each_run(&mut keyed, |run| {
            firsts.clear();
            for &(_, i) in run {
                let value = identity(records, RecordId(i));
                let equal = firsts.iter().copied().find(|&first| {
                    work.add(value.weight());
                    identity(records, RecordId(first)) == value
                });
                match equal {
                    Some(first) => class[i as usize] = first,
                    None => firsts.push(i),
                }
            }
        });
        ValueClasses {
            seen_by: vec![0; records.len()],
            class,
        }
    }

    /// The first two members of record `index` (Map keys or Set entries,
    /// in order) that are the same value: their positions.
    pub(super) fn first_duplicate(
        &mut self,
        index: usize,
        members: impl Iterator<Item = RecordId> + Clone,
        work: &mut Work,
    ) -> Option<(usize, usize)> {
        let stamp = index as u32 + 1;
        for (later, member) in members.clone().enumerate() {
            work.add(1);
            let class = self.class[member.index()];
            let seen = &mut self.seen_by[class as usize];
            if *seen == stamp {
                // Found once, with the error: where the first one was.
                let earlier = members
                    .clone()
                    .position(|m| self.class[m.index()] == class)
                    .unwrap_or(later);
                return Some((earlier, later));
            }
            *seen = stamp;
        }
        None
    }
}

/// Up to this many items, [`first_duplicate`] compares every pair instead
/// of hashing: at most three comparisons an item, each reading at most the
/// item's length, which its encoding holds in full (so the work stays
/// within the bound), and no hasher, sort or scratch vector for the few
/// keys most records have.
const PAIRWISE_MAX: usize = 4;

/// The positions of the first two equal items among `item(0)` ..
/// `item(len - 1)` (the pair whose later item comes first), found by
/// hashing each item once (or, for a few items, comparing each pair).
pub(super) fn first_duplicate<T: Hash + Eq + Weight>(
    len: usize,
    item: impl Fn(usize) -> T,
    work: &mut Work,
) -> Option<(usize, usize)> {
    if len < 2 {
        return None;
    }
    if len <= PAIRWISE_MAX {
        for later in 1..len {
            let this = item(later);
            for earlier in 0..later {
                let that = item(earlier);
                // Items of different lengths differ at the first look.
                work.add(if that.weight() == this.weight() {
                    this.weight()
                } else {
                    1
                });
                if that == this {
                    return Some((earlier, later));
                }
            }
        }
        return None;
    }
    let state = RandomState::new();
    let mut hashed: Vec<(u64, usize)> = (0..len)
        .map(|i| {
            let item = item(i);
            work.add(item.weight());
            (state.hash_one(&item), i)
        })
        .collect();
    let mut firsts: Vec<usize> = Vec::new();
    let mut found: Option<(usize, usize)> = None;
    // An item alone in its run equals no other.
    for_each_run(&mut hashed, |run| {
        firsts.clear();
        for &(_, i) in run {
            let this = item(i);
            let equal = firsts.iter().copied().find(|&first| {
                work.add(this.weight());
                item(first) == this
            });
            match equal {
                Some(first) if found.is_none_or(|(_, later)| i < later) => found = Some((first, i)),
                Some(_) => {}
                None => firsts.push(i),
            }
        }
    });
    found
}

/// Sorts `keyed` by key (one comparison of 64-bit keys each time) and calls
/// `f` with every run of two or more equal keys, in index order within the
/// run (so the first of equal values is the earliest).
fn for_each_run<I: Ord + Copy>(keyed: &mut [(u64, I)], mut f: impl FnMut(&[(u64, I)])) {
    keyed.sort_unstable_by_key(|&(key, _)| key);
    for run in keyed.chunk_by_mut(|a, b| a.0 == b.0) {
        if run.len() > 1 {
            run.sort_unstable_by_key(|&(_, index)| index);
            f(run);
        }
    }
}
