// Every kind of value StructuredSerializeInternal accepts comes back from
// structuredClone as an equal value of the same kind, and never as the
// same object.

const clone = (value) => structuredClone(value);

test(() => {
  for (const value of [undefined, null, true, false, 0, 1.5, -7, Infinity, -Infinity, "", "text", 12345678901234567890n, -1n]) {
    assert_equals(clone(value), value, `primitive ${typeof value} ${String(value)}`);
  }
  assert_true(Object.is(clone(-0), -0), "-0 stays -0");
  assert_true(Number.isNaN(clone(NaN)), "NaN stays NaN");
}, "primitives other than Symbol are themselves");

test(() => {
  const lone = "a\uD800b\uDFFFc";
  const copy = clone(lone);
  assert_equals(copy.length, 5);
  assert_equals(copy.charCodeAt(1), 0xD800, "a lone lead surrogate survives");
  assert_equals(copy.charCodeAt(3), 0xDFFF, "a lone trail surrogate survives");
}, "strings are copied code unit by code unit");

test(() => {
  const cases = [
    [new Boolean(false), Boolean, false],
    [new Number(-0), Number, -0],
    [new String("wrapped"), String, "wrapped"],
    [Object(42n), BigInt, 42n],
  ];
  for (const [wrapper, kind, inner] of cases) {
    const copy = clone(wrapper);
    assert_not_equals(copy, wrapper, "a new object");
    assert_equals(typeof copy, "object", `${kind.name} wrapper stays an object`);
    assert_true(Object.is(copy.valueOf(), inner), `${kind.name} keeps its primitive`);
    assert_equals(Object.getPrototypeOf(copy), kind.prototype);
  }
}, "primitive wrapper objects keep their primitive value");

test(() => {
  const s = new String("ab");
  s.extra = 1;
  const copy = clone(s);
  assert_equals(copy.length, 2);
  assert_false("extra" in copy, "only [[StringData]] travels, not own properties");
}, "a String object's own properties are not copied");

test(() => {
  const when = new Date(Date.UTC(2001, 2, 4, 5, 6, 7, 8));
  const copy = clone(when);
  assert_true(copy instanceof Date);
  assert_not_equals(copy, when);
  assert_equals(copy.getTime(), when.getTime());
  assert_true(Number.isNaN(clone(new Date(NaN)).getTime()), "an invalid Date stays invalid");
}, "Dates keep their time value");

test(() => {
  const re = /b+(c)?/gimsu;
  re.lastIndex = 3;
  re.extra = "dropped";
  const copy = clone(re);
  assert_true(copy instanceof RegExp);
  assert_not_equals(copy, re);
  assert_equals(copy.flags, re.flags);
  assert_equals(copy.lastIndex, 0, "lastIndex starts over");
  assert_false("extra" in copy);
  assert_true(copy.test("xbbc") && copy.lastIndex > 0, "the copy matches like the original");
  assert_true(clone(/a/y).sticky, "the sticky flag too");
  assert_true(clone(/a/d).hasIndices, "and hasIndices");
  const slash = clone(new RegExp("a/b"));
  assert_true(slash.test("a/b"), "a slash in the source keeps its meaning");
}, "RegExps keep their source and flags");

test(() => {
  const buffer = new ArrayBuffer(4);
  new Uint8Array(buffer).set([1, 2, 3, 4]);
  const copy = clone(buffer);
  assert_true(copy instanceof ArrayBuffer);
  assert_not_equals(copy, buffer);
  assert_array_equals(Array.from(new Uint8Array(copy)), [1, 2, 3, 4]);
  new Uint8Array(copy)[0] = 9;
  assert_equals(new Uint8Array(buffer)[0], 1, "the bytes were copied, not shared");
}, "ArrayBuffers are copied");

test(() => {
  const shared = new SharedArrayBuffer(2);
  const copy = clone(shared);
  assert_true(copy instanceof SharedArrayBuffer);
  assert_not_equals(copy, shared, "a new object...");
  new Uint8Array(copy)[1] = 77;
  assert_equals(new Uint8Array(shared)[1], 77, "...over the same memory");
}, "a SharedArrayBuffer is shared, not copied, within the agent cluster");

test(() => {
  const kinds = [Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array,
    Float16Array, Float32Array, Float64Array, BigInt64Array, BigUint64Array];
  for (const Kind of kinds) {
    const buffer = new ArrayBuffer(Kind.BYTES_PER_ELEMENT * 4);
    const view = new Kind(buffer, Kind.BYTES_PER_ELEMENT, 2);
    view[0] = Kind.name.startsWith("Big") ? 5n : 5;
    const copy = clone(view);
    assert_equals(Object.getPrototypeOf(copy), Kind.prototype, Kind.name);
    assert_equals(copy.byteOffset, view.byteOffset, `${Kind.name} byteOffset`);
    assert_equals(copy.length, 2, `${Kind.name} length`);
    assert_equals(copy.buffer.byteLength, buffer.byteLength, `${Kind.name} views a copy of the whole buffer`);
    assert_equals(copy[0], view[0], `${Kind.name} element`);
  }
}, "every typed array kind keeps its kind, offset, length and whole buffer");

test(() => {
  const buffer = new ArrayBuffer(8);
  const view = new DataView(buffer, 2, 4);
  view.setInt16(0, -2);
  const copy = clone(view);
  assert_true(copy instanceof DataView);
  assert_equals(copy.byteOffset, 2);
  assert_equals(copy.byteLength, 4);
  assert_equals(copy.getInt16(0), -2);
}, "DataViews keep their offset and length");

test(() => {
  const key = { k: 1 };
  const map = new Map([[key, "object key"], ["s", 2], [NaN, 3]]);
  const copy = clone(map);
  assert_true(copy instanceof Map);
  assert_equals(copy.size, 3);
  const [[k0, v0], [k1, v1], [k2, v2]] = [...copy];
  assert_not_equals(k0, key, "object keys are cloned too");
  assert_equals(k0.k, 1);
  assert_equals(v0, "object key");
  assert_equals(k1, "s");
  assert_equals(v1, 2);
  assert_true(Number.isNaN(k2));
  assert_equals(v2, 3);
  const set = new Set(["b", "a", 1]);
  assert_array_equals([...clone(set)], ["b", "a", 1], "Set values keep their order");
}, "Maps and Sets keep their entries in order");

test(() => {
  const array = [1, , 3];
  array.named = "kept";
  array.length = 5;
  const copy = clone(array);
  assert_true(Array.isArray(copy));
  assert_equals(copy.length, 5, "length, holes at the end included");
  assert_false(1 in copy, "a hole stays a hole");
  assert_equals(copy[2], 3);
  assert_equals(copy.named, "kept", "non-index properties travel too");
}, "Arrays keep their length, holes and other properties");

test(() => {
  const object = { a: 1, nested: { b: [2] } };
  Object.defineProperty(object, "hidden", { value: 1, enumerable: false });
  object[Symbol("s")] = 1;
  const copy = clone(object);
  assert_equals(Object.getPrototypeOf(copy), Object.prototype);
  assert_equals(copy.nested.b[0], 2);
  assert_false("hidden" in copy, "non-enumerable properties are skipped");
  assert_equals(Object.getOwnPropertySymbols(copy).length, 0, "Symbol-keyed properties are skipped");
  class Point { constructor() { this.x = 1; } }
  const point = clone(new Point());
  assert_equals(Object.getPrototypeOf(point), Object.prototype, "the class is not kept");
  assert_equals(point.x, 1);
}, "ordinary objects become plain objects with their enumerable string-keyed properties");

test(() => {
  const exception = new DOMException("the message", "NotFoundError");
  const copy = clone(exception);
  assert_true(copy instanceof DOMException);
  assert_not_equals(copy, exception);
  assert_equals(copy.name, "NotFoundError");
  assert_equals(copy.message, "the message");
  assert_equals(copy.code, 8);
}, "DOMException is a serializable platform object");
