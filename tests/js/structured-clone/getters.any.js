// Serialization reads properties with [[Get]], so getters run, in property
// order, and what they do is seen by the rest of the serialization.

test(() => {
  const seen = [];
  const object = {
    get a() { seen.push("a"); return 1; },
    b: 2,
    get c() { seen.push("c"); return 3; },
  };
  const copy = structuredClone(object);
  assert_array_equals(seen, ["a", "c"], "each getter ran once, in order");
  assert_equals(copy.a, 1);
  assert_equals(copy.c, 3);
  assert_equals(Object.getOwnPropertyDescriptor(copy, "a").value, 1, "the copy holds data properties");
}, "getters run once each, in property order");

test(() => {
  const error = new RangeError("from a getter");
  const object = { get boom() { throw error; } };
  let thrown;
  try { structuredClone(object); } catch (e) { thrown = e; }
  assert_equals(thrown, error, "the very same object is thrown, not a DataCloneError");
  const primitive = { get boom() { throw 17; } };
  try { structuredClone(primitive); } catch (e) { thrown = e; }
  assert_equals(thrown, 17, "a thrown primitive comes through too");
}, "an exception from a getter propagates unchanged");

test(() => {
  const object = {
    get first() { delete this.second; return "first"; },
    second: "gone before it is read",
    third: 3,
  };
  const copy = structuredClone(object);
  assert_false("second" in copy, "a property deleted meanwhile is skipped");
  assert_equals(copy.third, 3);
}, "a property deleted by an earlier getter is skipped");

test(() => {
  const object = {
    get first() { this.added = "late"; return 1; },
  };
  const copy = structuredClone(object);
  assert_false("added" in copy, "the keys were listed before the getters ran");
}, "a property added by a getter is not copied");

test(() => {
  const buffer = new ArrayBuffer(4);
  const object = {
    get detacher() {
      structuredClone(buffer, { transfer: [buffer] });
      return "detached it";
    },
    buffer,
  };
  let thrown;
  try { structuredClone(object); } catch (e) { thrown = e; }
  assert_true(thrown instanceof DOMException, "the buffer is detached by the time it is met");
  assert_equals(thrown.name, "DataCloneError");
  assert_equals(buffer.byteLength, 0);
}, "a getter that detaches a buffer met later makes the clone fail");

test(() => {
  const buffer = new ArrayBuffer(4);
  new Uint8Array(buffer)[0] = 42;
  const object = {
    buffer,
    get detacher() {
      structuredClone(buffer, { transfer: [buffer] });
      return "detached it";
    },
  };
  const copy = structuredClone(object);
  assert_equals(buffer.byteLength, 0, "the original is detached afterwards");
  assert_equals(copy.buffer.byteLength, 4, "the copy was taken before");
  assert_equals(new Uint8Array(copy.buffer)[0], 42);
  assert_equals(copy.detacher, "detached it");
}, "a buffer copied before a getter detaches it keeps its bytes");

test(() => {
  const buffer = new ArrayBuffer(8, { maxByteLength: 16 });
  const view = new Uint8Array(buffer);
  const object = {
    get shrink() { buffer.resize(2); return 0; },
    view,
  };
  const copy = structuredClone(object);
  assert_equals(copy.view.length, 2, "a length-tracking view is read as it is when met");
}, "a getter that resizes a buffer changes what a later view records");

test(() => {
  const error = new Error("plain");
  Object.defineProperty(error, "message", { get() { throw new Error("never read"); } });
  const copy = structuredClone(error);
  assert_false(Object.prototype.hasOwnProperty.call(copy, "message"), "an accessor message is not copied");
  let named = 0;
  const custom = new Error("m");
  Object.defineProperty(custom, "name", { get() { named++; return "TypeError"; } });
  assert_true(structuredClone(custom) instanceof TypeError, "the name getter decides the prototype");
  assert_equals(named, 1, "and runs once");
}, "an Error's name is read with [[Get]]; its message only as an own data property");
