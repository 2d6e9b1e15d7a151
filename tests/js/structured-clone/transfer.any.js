// The transfer list: listed ArrayBuffers move (their data goes to the
// clone, the originals are detached) instead of being copied.

test(() => {
  const buffer = new ArrayBuffer(4);
  new Uint8Array(buffer).set([5, 6, 7, 8]);
  const moved = structuredClone(buffer, { transfer: [buffer] });
  assert_equals(buffer.byteLength, 0, "the original is detached");
  assert_array_equals(Array.from(new Uint8Array(moved)), [5, 6, 7, 8], "the clone has the data");
}, "a transferred buffer moves");

test(() => {
  const buffer = new ArrayBuffer(2);
  const copy = structuredClone({ a: buffer, b: [buffer] }, { transfer: [buffer] });
  assert_equals(copy.a, copy.b[0], "every reference reaches the one moved buffer");
  const unreached = new ArrayBuffer(3);
  structuredClone("not an object", { transfer: [unreached] });
  assert_equals(unreached.byteLength, 0, "a listed buffer the value does not reach is detached all the same");
}, "identity, and buffers the value does not reach");

test(() => {
  const buffer = new ArrayBuffer(8, { maxByteLength: 32 });
  const moved = structuredClone(buffer, { transfer: [buffer] });
  assert_true(moved.resizable, "a resizable buffer moves resizable");
  assert_equals(moved.maxByteLength, 32);
  const view = new Int32Array(new ArrayBuffer(8));
  const copy = structuredClone(view, { transfer: [view.buffer] });
  assert_equals(view.length, 0, "a view of a moved buffer sees it detached");
  assert_equals(copy.length, 2, "the cloned view views the moved buffer");
}, "resizable buffers, and views of a moved buffer");

test(() => {
  const a = new ArrayBuffer(1);
  const b = new ArrayBuffer(2);
  const iterable = new Set([a, b]);
  const copy = structuredClone([a, b], { transfer: iterable });
  assert_equals(a.byteLength + b.byteLength, 0, "any iterable of objects is a transfer list");
  assert_array_equals(copy.map((x) => x.byteLength), [1, 2]);
  function* generated() { yield new ArrayBuffer(1); }
  structuredClone(null, { transfer: generated() });
}, "the transfer list is converted from any iterable");

test(() => {
  assert_throws_js(TypeError, () => structuredClone(1, { transfer: 7 }), "a number");
  assert_throws_js(TypeError, () => structuredClone(1, { transfer: {} }), "an object that is not iterable");
  assert_throws_js(TypeError, () => structuredClone(1, { transfer: [1] }), "a list holding a primitive");
  assert_throws_js(TypeError, () => structuredClone(1, 5), "options that are not an object");
  assert_equals(structuredClone(3, null), 3, "null options are the defaults");
  assert_equals(structuredClone(3, { transfer: undefined }), 3, "so is an undefined transfer");
  const order = [];
  const options = { get transfer() { order.push("transfer read"); return []; } };
  structuredClone({ get x() { order.push("value read"); return 1; } }, options);
  assert_array_equals(order, ["transfer read", "value read"], "options are converted before the value is serialized");
}, "Web IDL conversion of the options");

test(() => {
  const first = new ArrayBuffer(2);
  const detached = new ArrayBuffer(1);
  structuredClone(detached, { transfer: [detached] });
  assert_throws_dom("DataCloneError", () => structuredClone(1, { transfer: [first, detached] }));
  assert_equals(first.byteLength, 0, "entries before the detached one had already moved");
}, "transfer step 5 moves entries in list order and stops at a detached one");
