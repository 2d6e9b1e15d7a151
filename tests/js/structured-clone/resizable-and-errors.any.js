// Resizable ArrayBuffers, growable SharedArrayBuffers and length-tracking
// views; Error objects with their name, message and stack.

test(() => {
  const buffer = new ArrayBuffer(4, { maxByteLength: 12 });
  const copy = structuredClone(buffer);
  assert_true(copy.resizable, "still resizable");
  assert_equals(copy.maxByteLength, 12);
  assert_equals(copy.byteLength, 4);
  copy.resize(12);
  assert_equals(copy.byteLength, 12, "and it can grow to its maximum");
}, "a resizable ArrayBuffer keeps its maximum");

test(() => {
  const buffer = new ArrayBuffer(8, { maxByteLength: 16 });
  const tracking = new Uint16Array(buffer, 2);
  const fixed = new Uint16Array(buffer, 2, 1);
  const dataTracking = new DataView(buffer, 4);
  const copy = structuredClone({ tracking, fixed, dataTracking });
  assert_equals(copy.tracking.length, 3);
  assert_equals(copy.fixed.length, 1);
  assert_equals(copy.dataTracking.byteLength, 4);
  copy.tracking.buffer.resize(16);
  assert_equals(copy.tracking.length, 7, "the length-tracking view follows its buffer");
  assert_equals(copy.fixed.length, 1, "the fixed one does not");
  assert_equals(copy.dataTracking.byteLength, 12, "so does a length-tracking DataView");
}, "length-tracking views stay length-tracking");

test(() => {
  const shared = new SharedArrayBuffer(2, { maxByteLength: 8 });
  const copy = structuredClone(shared);
  assert_true(copy.growable);
  assert_equals(copy.maxByteLength, 8);
  copy.grow(6);
  assert_equals(shared.byteLength, 6, "growing the copy grows the shared memory");
}, "a growable SharedArrayBuffer stays growable and shared");

test(() => {
  for (const Kind of [Error, EvalError, RangeError, ReferenceError, SyntaxError, TypeError, URIError]) {
    const copy = structuredClone(new Kind("why"));
    assert_equals(Object.getPrototypeOf(copy), Kind.prototype, Kind.name);
    assert_equals(copy.name, Kind.name);
    assert_equals(copy.message, "why");
  }
}, "each native error kind keeps its prototype and message");

test(() => {
  const renamed = new TypeError("m");
  renamed.name = "SomethingElse";
  assert_equals(Object.getPrototypeOf(structuredClone(renamed)), Error.prototype, "an unknown name becomes Error");
  const noMessage = new Error();
  assert_false(Object.prototype.hasOwnProperty.call(structuredClone(noMessage), "message"), "no own message, none copied");
  const numeric = new Error();
  numeric.message = 42;
  assert_equals(structuredClone(numeric).message, "42", "the message is made a String");
  const aggregate = new AggregateError([], "agg");
  assert_equals(Object.getPrototypeOf(structuredClone(aggregate)), Error.prototype, "AggregateError becomes Error");
}, "names outside the seven native kinds, and messages");

test(() => {
  function thrower() { return new Error("with a stack"); }
  const error = thrower();
  const copy = structuredClone(error);
  assert_equals(typeof copy.stack, "string");
  assert_equals(copy.stack, error.stack, "the stack text travels");
  assert_false(Object.keys(copy).includes("stack"), "and is not enumerable");
}, "an Error's stack travels with it");
