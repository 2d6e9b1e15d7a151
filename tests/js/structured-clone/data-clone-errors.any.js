// Each case in which StructuredSerializeInternal throws a "DataCloneError"
// DOMException, in the order its steps meet them, and the transfer-list
// cases of StructuredSerializeWithTransfer.

function assert_data_clone_error(f, description) {
  let thrown;
  try {
    f();
  } catch (e) {
    thrown = e;
  }
  assert_true(thrown !== undefined, `${description}: something is thrown`);
  assert_true(thrown instanceof DOMException, `${description}: a DOMException`);
  assert_equals(thrown.name, "DataCloneError", description);
  assert_equals(thrown.code, 25, `${description}: legacy code`);
  assert_equals(thrown.code, DOMException.DATA_CLONE_ERR, `${description}: DATA_CLONE_ERR`);
}

function detached_buffer() {
  const buffer = new ArrayBuffer(4);
  structuredClone(buffer, { transfer: [buffer] });
  return buffer;
}

test(() => {
  assert_data_clone_error(() => structuredClone(Symbol("s")), "a Symbol value");
  assert_data_clone_error(() => structuredClone({ inside: Symbol() }), "a Symbol in a property");
}, "step 5: Symbols");

test(() => {
  const buffer = detached_buffer();
  assert_equals(buffer.byteLength, 0, "the buffer is detached");
  assert_data_clone_error(() => structuredClone(buffer), "a detached ArrayBuffer");
}, "step 13.2.1: a detached ArrayBuffer");

test(() => {
  const buffer = new ArrayBuffer(8, { maxByteLength: 8 });
  const view = new Uint8Array(buffer, 4, 4);
  buffer.resize(2);
  assert_data_clone_error(() => structuredClone(view), "a typed array past its buffer's end");
  const data = new DataView(buffer, 0, 2);
  buffer.resize(1);
  assert_data_clone_error(() => structuredClone(data), "a DataView past its buffer's end");
  const buffer2 = new ArrayBuffer(4);
  const view2 = new Uint8Array(buffer2);
  structuredClone(buffer2, { transfer: [buffer2] });
  assert_data_clone_error(() => structuredClone(view2), "a view over a detached buffer");
}, "step 14.1: out-of-bounds views");

test(() => {
  assert_data_clone_error(() => structuredClone(new EventTarget()), "an EventTarget");
  assert_data_clone_error(() => structuredClone(new Event("e")), "an Event");
}, "step 20: platform objects that are not serializable");

test(() => {
  assert_data_clone_error(() => structuredClone(function f() {}), "a function");
  assert_data_clone_error(() => structuredClone(class {}), "a class");
  assert_data_clone_error(() => structuredClone(Math.max), "a built-in function");
  assert_data_clone_error(() => structuredClone(() => 1), "an arrow function");
}, "step 21: callable objects");

test(() => {
  for (const [value, what] of [
    [new WeakMap(), "a WeakMap"],
    [new WeakSet(), "a WeakSet"],
    [new WeakRef({}), "a WeakRef"],
    [Promise.resolve(1), "a Promise"],
    [Object(Symbol("boxed")), "a Symbol object"],
    [[1, 2][Symbol.iterator](), "an iterator"],
  ]) {
    assert_data_clone_error(() => structuredClone(value), what);
  }
}, "step 22: objects with other internal slots");

test(() => {
  assert_data_clone_error(() => structuredClone(new Proxy({}, {})), "a Proxy of an ordinary object");
  assert_data_clone_error(() => structuredClone(new Proxy([], {})), "a Proxy of an Array");
  assert_equals(typeof structuredClone(Object.prototype), "object", "%Object.prototype% is the exception");
}, "step 23: exotic objects");

test(() => {
  const buffer = new ArrayBuffer(1);
  const object = { buffer };
  assert_data_clone_error(() => structuredClone(object, { transfer: [object] }), "an ordinary object");
  assert_data_clone_error(() => structuredClone(1, { transfer: [new EventTarget()] }), "an EventTarget");
  assert_equals(buffer.byteLength, 1, "nothing was detached");
}, "transfer step 2.1: only transferable objects may be listed");

test(() => {
  const shared = new SharedArrayBuffer(1);
  assert_data_clone_error(() => structuredClone(shared, { transfer: [shared] }), "a SharedArrayBuffer");
}, "transfer step 2.2: a SharedArrayBuffer cannot be transferred");

test(() => {
  const buffer = new ArrayBuffer(3);
  assert_data_clone_error(() => structuredClone(buffer, { transfer: [buffer, buffer] }), "the same buffer twice");
  assert_equals(buffer.byteLength, 3, "the buffer was not detached");
}, "transfer step 2.3: the same object twice");

test(() => {
  const detached = detached_buffer();
  assert_data_clone_error(() => structuredClone(1, { transfer: [detached] }), "a detached buffer listed");
}, "transfer step 5.1: a detached buffer cannot be transferred");

test(() => {
  const first = new ArrayBuffer(2);
  assert_data_clone_error(
    () => structuredClone({ first, bad: Symbol() }, { transfer: [first] }),
    "serialization throws before transfer"
  );
  assert_equals(first.byteLength, 2, "a failed serialization detaches nothing");
}, "transfer step 3: nothing is detached when serialization throws");
