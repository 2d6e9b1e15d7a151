//! What a structured clone costs, counted rather than timed: machine stack
//! (a deep graph clones on a small fixed stack), allocations (linear in the
//! graph, one copy of a buffer, nothing for a transfer, little for a small
//! value from a big realm), memory at the peak (the records freed as the
//! deserialization consumes them), and the order of steps the work stack
//! runs (the standard's recursive order).
//!
//! The counting allocator below is this test binary's global allocator; it
//! counts per thread, so tests running side by side do not disturb each
//! other. Speeds are measured by `cargo bench --bench compare`, never here.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use webmessaging::ecmascript::{Heap, JsString, ObjectId, PropertyKey, Realm, Value};
use webmessaging::structured::{
    NoPlatformObjects, Record, SerializeWithTransferResult, Serialized, Slot, structured_clone,
    structured_deserialize_with_transfer, structured_serialize,
};

struct Counters {
    allocations: Cell<usize>,
    bytes: Cell<usize>,
    /// Bytes allocated less bytes freed on this thread (it may go below
    /// zero when this thread frees what another allocated).
    live: Cell<isize>,
    /// The highest `live` since [`peak_live`] last reset it.
    peak: Cell<isize>,
}

thread_local! {
    // Const-initialised and without a destructor: touching it from inside
    // the allocator never allocates.
    static COUNTERS: Counters = const {
        Counters { allocations: Cell::new(0), bytes: Cell::new(0), live: Cell::new(0), peak: Cell::new(0) }
    };
}

fn on_alloc(size: usize) {
    let _ = COUNTERS.try_with(|c| {
        c.allocations.set(c.allocations.get() + 1);
        c.bytes.set(c.bytes.get().saturating_add(size));
    });
}

/// `change` bytes more (or fewer) live on this thread.
fn on_live(change: isize) {
    let _ = COUNTERS.try_with(|c| {
        let live = c.live.get().saturating_add(change);
        c.live.set(live);
        c.peak.set(c.peak.get().max(live));
    });
}

/// `System`, counting every request (a `realloc` counts as a request of its
/// new size: what a growing buffer costs).
struct Counting;

// SAFETY: every method forwards to `System` with the caller's arguments
// unchanged; the bookkeeping touches only thread-local cells.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        on_alloc(layout.size());
        on_live(layout.size().cast_signed());
        // SAFETY: forwarded as is.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        on_alloc(layout.size());
        on_live(layout.size().cast_signed());
        // SAFETY: forwarded as is.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        on_live(-layout.size().cast_signed());
        // SAFETY: forwarded as is.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        on_alloc(new_size);
        // The old block's bytes count as the new block's: the allocator
        // may grow a block in place, or (a large one) move its pages.
        on_live(new_size.cast_signed() - layout.size().cast_signed());
        // SAFETY: forwarded as is.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Allocations and bytes requested on this thread while `f` runs.
fn counted<T>(f: impl FnOnce() -> T) -> (T, usize, usize) {
    let before = COUNTERS.with(|c| (c.allocations.get(), c.bytes.get()));
    let result = f();
    let after = COUNTERS.with(|c| (c.allocations.get(), c.bytes.get()));
    (result, after.0 - before.0, after.1 - before.1)
}

/// Bytes live on this thread when `f` returns, and at most while it ran,
/// both relative to when it started.
fn peak_live<T>(f: impl FnOnce() -> T) -> (T, isize, isize) {
    let start = COUNTERS.with(|c| {
        c.peak.set(c.live.get());
        c.live.get()
    });
    let result = f();
    let (live, peak) = COUNTERS.with(|c| (c.live.get(), c.peak.get()));
    (result, live - start, peak - start)
}

fn index(i: u32) -> PropertyKey {
    PropertyKey::String(JsString::from(i.to_string()))
}

fn clone(heap: &mut Heap, root: ObjectId) -> ObjectId {
    match structured_clone(heap, &mut NoPlatformObjects, Value::Object(root), &[]) {
        Ok(Value::Object(copy)) => copy,
        other => panic!("the clone failed: {other:?}"),
    }
}

/// Arrays nested `depth` deep: `[[[...[]...]]]`.
fn nested_arrays(heap: &mut Heap, depth: u32) -> ObjectId {
    let mut inner = heap.array_create(0);
    for _ in 0..depth {
        let outer = heap.array_create(1);
        heap.create_data_property(&outer, index(0), Value::Object(inner));
        inner = outer;
    }
    inner
}

/// How deep `o` nests through element 0, walked without recursion.
fn array_depth(heap: &mut Heap, mut o: ObjectId) -> u32 {
    let mut depth = 0;
    while let Ok(Value::Object(inner)) = heap.get(&o, &index(0)) {
        o = inner;
        depth += 1;
    }
    depth
}

/// A Map holding a Set holding a Map … `depth` deep, each keyed by a String.
fn nested_collections(heap: &mut Heap, depth: u32) -> ObjectId {
    let mut inner = heap.ordinary_object_create();
    for level in 0..depth {
        let outer = if level % 2 == 0 {
            let map = heap.create_map();
            heap.append_map_entry(&map, Value::from("k"), Value::Object(inner));
            map
        } else {
            let set = heap.create_set();
            heap.append_set_entry(&set, Value::Object(inner));
            set
        };
        inner = outer;
    }
    inner
}

fn collection_depth(heap: &Heap, mut o: ObjectId) -> u32 {
    let mut depth = 0;
    loop {
        let next = match (heap.map_data(&o), heap.set_data(&o)) {
            (Some(entries), _) => entries.into_iter().flatten().next().map(|(_, v)| v),
            (_, Some(values)) => values.into_iter().flatten().next(),
            _ => None,
        };
        match next {
            Some(Value::Object(inner)) => {
                o = inner;
                depth += 1;
            }
            _ => return depth,
        }
    }
}

/// The machine stack a thread gets in [`deep_graphs_clone_on_a_small_fixed_stack`].
const SMALL_STACK: usize = 256 * 1024;

#[test]
fn deep_graphs_clone_on_a_small_fixed_stack() {
    // A million levels in release (.ci/test runs it); debug builds are
    // slower, and a tenth of that already needs far more than the stack.
    let depth: u32 = if cfg!(debug_assertions) {
        100_000
    } else {
        1_000_000
    };
    let worker = std::thread::Builder::new()
        .name("small stack".to_owned())
        .stack_size(SMALL_STACK)
        .spawn(move || {
            let mut heap = Heap::default();
            let arrays = nested_arrays(&mut heap, depth);
            let collections = nested_collections(&mut heap, depth / 10);
            let arrays_copy = clone(&mut heap, arrays);
            let collections_copy = clone(&mut heap, collections);
            assert_ne!(arrays_copy, arrays);
            (
                array_depth(&mut heap, arrays_copy),
                collection_depth(&heap, collections_copy),
            )
        })
        .expect("a thread with a small stack starts");
    assert_eq!(worker.join().expect("no stack overflow"), (depth, depth / 10));
}

fn small_objects(heap: &mut Heap, n: u32) -> ObjectId {
    let array = heap.array_create(n);
    let (a, b) = (PropertyKey::from("a"), PropertyKey::from("b"));
    for i in 0..n {
        let o = heap.ordinary_object_create();
        heap.create_data_property(&o, a.clone(), Value::Number(f64::from(i)));
        heap.create_data_property(&o, b.clone(), Value::from(format!("x{i}").as_str()));
        heap.create_data_property(&array, index(i), Value::Object(o));
    }
    array
}

#[test]
fn allocations_grow_linearly_with_the_graph() {
    let allocations = |n: u32| {
        let mut heap = Heap::default();
        let root = small_objects(&mut heap, n);
        let (_, allocations, bytes) = counted(|| clone(&mut heap, root));
        (allocations, bytes)
    };
    // Eight times the objects: a vector that grows by doubling (the record
    // arena: one record an object now that primitives sit in place) then
    // ends equally full in both runs (2,001 of 2,048; 16,001 of 16,384),
    // so the comparison shows how cost grows, not where a doubling fell.
    let (small, small_bytes) = allocations(2_000);
    let (large, large_bytes) = allocations(16_000);
    // Per object {a, b}: its heap entries, its record's property list, and
    // a few collections growing by doubling.
    assert!(small < 2_000 * 8, "{small} allocations for 2,000 objects");
    // Eight times the objects, at most eight times the allocations and
    // bytes (plus slack for the doubling of a few long vectors).
    assert!(
        large <= small * 8 + small / 10,
        "{small} then {large} allocations"
    );
    assert!(
        large_bytes <= small_bytes * 8 + small_bytes * 8 / 10,
        "{small_bytes} then {large_bytes} bytes"
    );
}

#[test]
fn primitives_sit_in_their_property_not_in_records_of_their_own() {
    let mut heap = Heap::default();
    let n = 50_000;
    let array = heap.array_create(n);
    for i in 0..n {
        heap.create_data_property(&array, index(i), Value::Number(f64::from(i)));
    }
    let serialized =
        structured_serialize(&mut heap, &mut NoPlatformObjects, &Value::Object(array)).expect("serializable");
    // One record for the whole Array, whatever its length.
    assert_eq!(serialized.records().len(), 1);
    let Some(Record::Array {
        elements, properties, ..
    }) = serialized.records().first()
    else {
        panic!("an Array record: {:?}", serialized.records().first());
    };
    // Its elements without their keys, each a primitive in place.
    assert!(properties.is_empty());
    assert_eq!(elements.len(), n as usize);
    assert!(elements.iter().all(|value| matches!(value, Slot::Primitive(_))));

    // {a, b} objects: one record each (a Number and a String in place).
    let root = small_objects(&mut heap, 1_000);
    let serialized =
        structured_serialize(&mut heap, &mut NoPlatformObjects, &Value::Object(root)).expect("serializable");
    assert_eq!(serialized.records().len(), 1_001);
}

/// Heap bytes a record owns beside its entry in the arena.
fn owned_bytes(record: &Record) -> usize {
    let list = |slots: usize, properties: usize| {
        slots * size_of::<Slot>() + properties * size_of::<(JsString, Slot)>()
    };
    match record {
        Record::Array {
            elements, properties, ..
        } => list(elements.capacity(), properties.capacity()),
        Record::Object { properties } => list(0, properties.capacity()),
        _ => 0,
    }
}

#[test]
fn records_are_freed_as_the_deserialization_consumes_them() {
    let n = 20_000;
    let mut heap = Heap::default();
    let root = small_objects(&mut heap, n);
    let serialized =
        structured_serialize(&mut heap, &mut NoPlatformObjects, &Value::Object(root)).expect("serializable");
    // What the serialization holds: the arena, the root Array's element
    // list, and each object's property list.
    let (records, root) = serialized.into_parts();
    let arena = records.capacity() * size_of::<Record>();
    let elements = owned_bytes(&records[root.index()]);
    let property_lists: usize = records.iter().map(owned_bytes).sum::<usize>() - elements;
    // *memory*: an entry a record.
    let memory = records.len() * size_of::<Option<ObjectId>>();
    let result = SerializeWithTransferResult::new(Serialized::new(records, root), Vec::new());

    let (copy, retained, peak) = peak_live(|| {
        structured_deserialize_with_transfer(&mut heap, &mut NoPlatformObjects, result)
            .expect("deserializable")
    });
    let Value::Object(copy) = copy.deserialized() else {
        panic!("an Array: {:?}", copy.deserialized());
    };
    assert!(
        matches!(heap.get(copy, &PropertyKey::from("length")), Ok(Value::Number(length)) if length == f64::from(n))
    );
    // What was live at the peak beyond what the clone keeps: the records
    // still held then, *memory* and the work stack. Were every record kept
    // to the end (as before this test was written), that would be at least
    // arena + elements + property_lists + memory, as all are live when the
    // last object is made. Freeing each object's record once its
    // properties are defined leaves the arena, the root's elements (the
    // root's frame is the last to end) and *memory*, and a few frames: far
    // below halfway to keeping the property lists.
    let transient = (peak - retained).unsigned_abs();
    let freed_as_consumed = arena + elements + memory;
    assert!(
        transient < freed_as_consumed + property_lists / 2,
        "{transient} bytes beside the clone at the peak; the records freed as consumed would leave \
         {freed_as_consumed}, all kept {}",
        freed_as_consumed + property_lists
    );
}

#[test]
fn an_arrays_elements_are_not_allocated_one_by_one() {
    // Dense elements in the heap and key-less elements in the record: a
    // clone of an Array of numbers allocates a few vectors, whatever its
    // length (no key String, no entry and no record per element).
    let mut costs = Vec::new();
    for n in [1_000, 64_000] {
        let mut heap = Heap::default();
        let array = heap.array_create(n);
        for i in 0..n {
            heap.create_data_property(&array, index(i), Value::Number(f64::from(i)));
        }
        let (copy, allocations, bytes) = counted(|| clone(&mut heap, array));
        assert_eq!(heap.enumerable_own_string_keys(copy).len(), n as usize);
        assert!(allocations < 40, "{allocations} allocations to clone {n} numbers");
        // Per element: its slot in the record and its value in the clone.
        assert!(
            bytes < 64 * n as usize + 64 * 1024,
            "{bytes} bytes to clone {n} numbers"
        );
        costs.push(allocations);
    }
    // 64 times the elements, no more allocations (give or take the few
    // that depend on where a vector's doubling ends).
    assert!(costs[1] <= costs[0] + 8, "{costs:?}");
}

#[test]
fn objects_made_one_by_one_share_their_property_names() {
    // Each object is given keys of its own, as a script's literal would.
    let mut heap = Heap::default();
    let [first, second] = [0, 1].map(|i| {
        let o = heap.ordinary_object_create();
        heap.create_data_property(&o, PropertyKey::from("a"), Value::Number(f64::from(i)));
        heap.create_data_property(&o, PropertyKey::from("b"), Value::Null);
        heap.object(o).properties().to_vec()
    });
    for ((a, _), (b, _)) in first.iter().zip(&second) {
        let (Some(a), Some(b)) = (a.as_string(), b.as_string()) else {
            panic!("String keys")
        };
        assert!(a.shares_units_with(b), "{a:?} is made once");
    }
}

#[test]
fn copying_a_buffer_copies_its_bytes_once() {
    const SIZE: usize = 4 * 1024 * 1024;
    let mut heap = Heap::default();
    let buffer = heap.create_array_buffer(vec![7; SIZE], None).unwrap();
    let (copy, _, bytes) = counted(|| clone(&mut heap, buffer));
    // Serialization copies the bytes into the record; deserialization hands
    // that copy to the new buffer instead of copying it again.
    assert!(bytes < SIZE + 64 * 1024, "{bytes} bytes allocated to copy {SIZE}");
    let slots = heap.array_buffer(&copy).unwrap();
    assert_eq!(slots.byte_length, SIZE);
    let mut check = vec![0; SIZE];
    heap.copy_data_block_bytes(&mut check, 0, &copy, 0, SIZE);
    assert!(check.iter().all(|b| *b == 7));
}

#[test]
fn transferring_a_buffer_allocates_nothing_of_its_size() {
    let mut costs = Vec::new();
    for size in [1 << 10, 1 << 20, 16 << 20] {
        let mut heap = Heap::default();
        let buffer = heap.create_array_buffer(vec![1; size], None).unwrap();
        let (result, _, bytes) = counted(|| {
            structured_clone(
                &mut heap,
                &mut NoPlatformObjects,
                Value::Object(buffer),
                &[buffer],
            )
        });
        let Ok(Value::Object(moved)) = result else {
            panic!("the transfer failed: {result:?}")
        };
        assert!(bytes < 16 * 1024, "{bytes} bytes allocated to transfer {size}");
        assert!(heap.is_detached_buffer(&buffer));
        assert_eq!(heap.array_buffer(&moved).unwrap().byte_length, size);
        costs.push(bytes);
    }
    // The same few records and holders whatever the size (the first run
    // may also pay for this thread's step counters).
    assert!(costs[2] <= costs[1] && costs[1] <= costs[0], "{costs:?}");
}

#[test]
fn a_small_value_from_a_big_realm_costs_little() {
    let mut heap = Heap::default();
    small_objects(&mut heap, 200_000);
    let o = heap.ordinary_object_create();
    heap.create_data_property(&o, "x".into(), Value::Number(1.0));
    // *memory* is indexed by the heap's object numbers, but within a budget
    // proportional to the records made: one object numbered 600,001 must
    // not make it allocate a slot for every object before it.
    let (_, allocations, bytes) = counted(|| clone(&mut heap, o));
    assert!(bytes < 64 * 1024, "{bytes} bytes for a one-property object");
    assert!(
        allocations < 40,
        "{allocations} allocations for a one-property object"
    );
}

/// The steps of one clone whose id ends in one of `ends` (the work stack's
/// hand-offs), with the algorithm's anchor dropped.
#[cfg(feature = "trace")]
fn handoffs(heap: &mut Heap, root: ObjectId, ends: &[&str]) -> Vec<String> {
    let (_, trace) = webmessaging::spec::traced(|| clone(heap, root));
    trace
        .iter()
        .filter(|id| {
            id.starts_with("structuredserializeinternal/") || id.starts_with("structureddeserialize/")
        })
        .map(|id| {
            id.replace("structuredserializeinternal/", "S ")
                .replace("structureddeserialize/", "D ")
        })
        .filter(|id| ends.iter().any(|end| id.ends_with(&format!(" {end}"))))
        .collect()
}

#[cfg(feature = "trace")]
#[test]
fn the_work_stack_runs_the_steps_in_the_recursive_order() {
    let mut heap = Heap::default();
    // [[]]: the inner array's steps fall between its parent's step that
    // asks for it and the step that takes its result.
    let array = nested_arrays(&mut heap, 1);
    let steps = handoffs(
        &mut heap,
        array,
        &["25", "26.4.1.2", "26.4.1.3", "27", "23", "24.3.1.1", "24.3.1.2"],
    );
    let expected = [
        "S 25",
        "S 26.4.1.2",
        "S 25",
        "S 27",
        "S 26.4.1.3",
        "S 27", // serialize
        "D 23",
        "D 24.3.1.1",
        "D 23",
        "D 25",
        "D 24.3.1.2",
        "D 25", // deserialize
    ];
    assert_eq!(steps, expected);

    // A Map {"k" => {}}: key, then value, each between its own hand-offs.
    let map = heap.create_map();
    let value = heap.ordinary_object_create();
    heap.append_map_entry(&map, Value::from("k"), Value::Object(value));
    let steps = handoffs(
        &mut heap,
        map,
        &[
            "4", "25", "26.1.3.1", "26.1.3.2", "26.1.3.3", "27", "24.1.1.1", "24.1.1.2", "24.1.1.3",
        ],
    );
    let expected = [
        "S 4",
        "S 25",
        "S 26.1.3.1",
        "S 4",
        "S 26.1.3.2",
        "S 4",
        "S 25",
        "S 27",
        "S 26.1.3.3",
        "S 27",
        "D 4",
        "D 24.1.1.1",
        "D 4",
        "D 25",
        "D 24.1.1.2",
        "D 4",
        "D 25",
        "D 24.1.1.3",
        "D 25",
    ];
    assert_eq!(steps, expected);
}

/// The sizes a million-object heap pays per value, key and property: a
/// change that makes one of them larger is a memory regression and has to
/// say so here.
#[test]
fn value_representations_stay_small() {
    use std::mem::size_of;
    use webmessaging::ecmascript::{HeapObject, ObjectKind, OwnProperty, PropertyList, Symbol};
    assert_eq!(size_of::<Symbol>(), 8, "a Symbol is one shared pointer");
    assert_eq!(
        size_of::<PropertyKey>(),
        16,
        "a tag and a String's one pointer, nothing more"
    );
    assert_eq!(
        size_of::<Value<ObjectId>>(),
        16,
        "a tag and a one-pointer payload (a String's, a BigInt's, a Symbol's)"
    );
    assert_eq!(
        size_of::<Option<Value<ObjectId>>>(),
        16,
        "a hole costs no more than a value"
    );
    assert_eq!(
        size_of::<OwnProperty>(),
        24,
        "a Value and its attributes; a getter is boxed"
    );
    assert_eq!(
        size_of::<PropertyList>(),
        32,
        "a list's entries and a pointer, or a one-element Array's element in their place"
    );
    assert_eq!(
        size_of::<ObjectKind>(),
        32,
        "the slots of the largest unboxed kind (a view's); buffers' and RegExps' are boxed"
    );
    assert_eq!(size_of::<HeapObject>(), 64, "the slots and the property list");
}

/// What a level of `[[[...]]]` costs, in bytes held at once: the source's
/// level is one heap object with its element inline (no allocation beyond
/// the heap's slot), and cloning it holds, at the peak, the copy's object,
/// one record and its one-element list, one entry in each memory map and
/// one serializer and one deserializer frame (docs/performance.md).
#[test]
fn a_nested_array_level_costs_its_object_and_the_clone_s_bookkeeping() {
    use std::mem::size_of;
    use webmessaging::ecmascript::HeapObject;
    const DEPTH: usize = 100_000;
    /// An entry of the serializer's or the deserializer's memory map.
    const MAP_ENTRY: usize = 16;
    /// A frame of the serializer's or the deserializer's work stack.
    const FRAME: usize = 64;
    let mut heap = Heap::default();
    // Room for the source and the copy: the heap's vector does not grow
    // (and briefly double) while it is measured.
    heap.reserve_objects(2 * DEPTH + 2);
    let zero = index(0);
    let (root, allocations, bytes) = counted(|| {
        let mut inner = heap.array_create(0);
        for _ in 0..DEPTH {
            let outer = heap.array_create(1);
            heap.create_data_property(&outer, zero.clone(), Value::Object(inner));
            inner = outer;
        }
        inner
    });
    assert_eq!((allocations, bytes), (0, 0), "[x] keeps x inline");

    let (copy, kept, peak) = peak_live(|| clone(&mut heap, root));
    let (kept, peak) = (kept.max(0).cast_unsigned(), peak.max(0).cast_unsigned());
    let level =
        size_of::<HeapObject>() + size_of::<Record>() + 2 * size_of::<Slot>() + 2 * MAP_ENTRY + 2 * FRAME;
    // A few fixed buffers besides.
    let bound = DEPTH * level + 64 * 1024;
    assert!(
        peak <= bound,
        "{peak} bytes held at once to clone {DEPTH} levels ({} a level, bound {level})",
        peak / DEPTH
    );
    // The copy lives in the reserved slots; what stays is fixed (this
    // thread's step counters, a first clone's).
    assert!(kept <= 64 * 1024, "{kept} bytes kept for {DEPTH} levels");
    assert_eq!(array_depth(&mut heap, copy), DEPTH as u32);
}
