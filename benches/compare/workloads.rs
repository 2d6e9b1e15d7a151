//! The workloads, Rust side: each builds its input (not timed), then times
//! the operation the workload names through the library's public API. The
//! node side (`benches/node/workloads.js`) builds the same inputs and times
//! the same operations with `structuredClone` and `MessageChannel`.
//!
//! A workload may also have a "limit": the same amount of work done the
//! plainest way the machine allows (a memcpy, a `Vec` clone, a crossbeam
//! channel), which no implementation of the algorithm can beat by much.

use crate::messaging;
use std::hint::black_box;
use std::time::{Duration, Instant};
use webmessaging::ecmascript::{Heap, JsString, ObjectId, PropertyKey, Realm, Value};
use webmessaging::structured::{NoPlatformObjects, structured_clone};

/// What a workload is made of.
#[derive(Clone, Copy, Debug)]
pub enum Kind {
    /// structuredClone of an Array of `n` objects `{a: i, b: 'x' + i}`.
    Objects(u32),
    /// structuredClone of an Array of `n` Numbers.
    Numbers(u32),
    /// structuredClone of an ArrayBuffer of `n` bytes (copied).
    BufferCopy(usize),
    /// structuredClone of an ArrayBuffer of `n` bytes, transferred.
    BufferTransfer(usize),
    /// structuredClone of Arrays nested `n` deep.
    Nested(u32),
    /// `n` Numbers posted one way between two threads.
    MessagesNumbers(u32),
    /// `n` small objects `{a: i, b: 'x' + i}` posted one way.
    MessagesObjects(u32),
    /// `n` round trips of a Number.
    RoundTrips(u32),
}

/// One row of the table.
#[derive(Clone, Copy, Debug)]
pub struct Workload {
    /// The name both sides know it by.
    pub name: &'static str,
    pub kind: Kind,
    /// How many times one child process repeats it (the median is kept).
    pub reps: usize,
    /// What the limit column measures, if there is one.
    pub limit: Option<&'static str>,
}

const MIB: usize = 1024 * 1024;

/// Every workload, in table order.
pub const WORKLOADS: &[Workload] = &[
    w("objects-10k", Kind::Objects(10_000), 15, Some("Vec clone")),
    w("objects-100k", Kind::Objects(100_000), 5, Some("Vec clone")),
    w("objects-1m", Kind::Objects(1_000_000), 2, Some("Vec clone")),
    w("numbers-1m", Kind::Numbers(1_000_000), 5, Some("Vec clone")),
    w("buffer-copy-1mib", Kind::BufferCopy(MIB), 20, Some("memcpy")),
    w("buffer-copy-16mib", Kind::BufferCopy(16 * MIB), 5, Some("memcpy")),
    w("buffer-copy-64mib", Kind::BufferCopy(64 * MIB), 3, Some("memcpy")),
    w("buffer-transfer-1mib", Kind::BufferTransfer(MIB), 20, None),
    w("buffer-transfer-16mib", Kind::BufferTransfer(16 * MIB), 10, None),
    w("buffer-transfer-64mib", Kind::BufferTransfer(64 * MIB), 5, None),
    w("nested-3000", Kind::Nested(3_000), 20, None),
    w("nested-1m", Kind::Nested(1_000_000), 1, None),
    w(
        "messages-numbers-200k",
        Kind::MessagesNumbers(200_000),
        3,
        Some("crossbeam"),
    ),
    w(
        "messages-objects-200k",
        Kind::MessagesObjects(200_000),
        3,
        Some("crossbeam"),
    ),
    w("round-trips-20k", Kind::RoundTrips(20_000), 3, Some("crossbeam")),
    // Memory flat: peak RSS over ten million small-object messages (not
    // picked by `--only messages`; run it with `--only flat-memory`).
    w(
        "flat-memory-objects-10m",
        Kind::MessagesObjects(10_000_000),
        1,
        Some("crossbeam"),
    ),
];

const fn w(name: &'static str, kind: Kind, reps: usize, limit: Option<&'static str>) -> Workload {
    Workload {
        name,
        kind,
        reps,
        limit,
    }
}

/// The workload called `name`.
pub fn find(name: &str) -> Option<&'static Workload> {
    WORKLOADS.iter().find(|w| w.name == name)
}

/// Times one run of the workload by this library.
pub fn run_ours(kind: Kind) -> Result<Duration, String> {
    match kind {
        Kind::Objects(n) => clone_timed(|heap| objects(heap, n)),
        Kind::Numbers(n) => clone_timed(|heap| numbers(heap, n)),
        Kind::BufferCopy(n) => clone_timed(|heap| buffer(heap, n)),
        Kind::BufferTransfer(n) => {
            let mut heap = Heap::default();
            let root = buffer(&mut heap, n);
            let start = Instant::now();
            let copy = structured_clone(&mut heap, &mut NoPlatformObjects, Value::Object(root), &[root]);
            let elapsed = start.elapsed();
            copy.map_err(|e| format!("{e:?}"))?;
            Ok(elapsed)
        }
        Kind::Nested(depth) => clone_timed(|heap| nested(heap, depth)),
        Kind::MessagesNumbers(n) => messaging::one_way(n, false),
        Kind::MessagesObjects(n) => messaging::one_way(n, true),
        Kind::RoundTrips(n) => messaging::round_trips(n),
    }
}

/// Times one run of the workload's limit.
pub fn run_limit(kind: Kind) -> Result<Duration, String> {
    match kind {
        Kind::Objects(n) => {
            let plain: Vec<(f64, Vec<u16>)> = (0..n)
                .map(|i| (f64::from(i), format!("x{i}").encode_utf16().collect()))
                .collect();
            Ok(timed(|| drop(black_box(plain.clone()))))
        }
        Kind::Numbers(n) => {
            let plain: Vec<f64> = (0..n).map(f64::from).collect();
            Ok(timed(|| drop(black_box(plain.clone()))))
        }
        Kind::BufferCopy(n) => {
            let plain = vec![7u8; n];
            Ok(timed(|| drop(black_box(plain.to_vec()))))
        }
        Kind::MessagesNumbers(n) => Ok(messaging::crossbeam_one_way(n, false)),
        Kind::MessagesObjects(n) => Ok(messaging::crossbeam_one_way(n, true)),
        Kind::RoundTrips(n) => Ok(messaging::crossbeam_round_trips(n)),
        Kind::BufferTransfer(_) | Kind::Nested(_) => Err("this workload has no limit".to_owned()),
    }
}

fn timed(f: impl FnOnce()) -> Duration {
    let start = Instant::now();
    f();
    start.elapsed()
}

/// Builds a fresh heap with `make`, then times structuredClone of its root.
/// The clone is dropped with the heap after the clock stops.
fn clone_timed(make: impl FnOnce(&mut Heap) -> ObjectId) -> Result<Duration, String> {
    let mut heap = Heap::default();
    let root = make(&mut heap);
    let start = Instant::now();
    let copy = structured_clone(&mut heap, &mut NoPlatformObjects, Value::Object(root), &[]);
    let elapsed = start.elapsed();
    black_box(copy.map_err(|e| format!("{e:?}"))?);
    Ok(elapsed)
}

fn index_key(i: u32) -> PropertyKey {
    PropertyKey::String(JsString::from(i.to_string()))
}

/// `{a: i, b: 'x' + i}`, made the way script would make it.
pub fn small_object(heap: &mut Heap, i: u32) -> ObjectId {
    let o = heap.ordinary_object_create();
    heap.create_data_property(&o, PropertyKey::from("a"), Value::Number(f64::from(i)));
    heap.create_data_property(&o, PropertyKey::from("b"), Value::from(format!("x{i}").as_str()));
    o
}

fn objects(heap: &mut Heap, n: u32) -> ObjectId {
    let array = heap.array_create(n);
    for i in 0..n {
        let o = small_object(heap, i);
        heap.create_data_property(&array, index_key(i), Value::Object(o));
    }
    array
}

fn numbers(heap: &mut Heap, n: u32) -> ObjectId {
    let array = heap.array_create(n);
    for i in 0..n {
        heap.create_data_property(&array, index_key(i), Value::Number(f64::from(i)));
    }
    array
}

fn buffer(heap: &mut Heap, n: usize) -> ObjectId {
    heap.create_array_buffer(vec![7u8; n], None)
        .expect("the default heap has no allocation budget")
}

fn nested(heap: &mut Heap, depth: u32) -> ObjectId {
    let mut inner = heap.array_create(0);
    for _ in 0..depth {
        let outer = heap.array_create(1);
        heap.create_data_property(&outer, index_key(0), Value::Object(inner));
        inner = outer;
    }
    inner
}
