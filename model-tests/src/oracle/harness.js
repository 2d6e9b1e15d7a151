// The node side of the differential oracle (see docs/oracle.md).
//
// Each case is a function body produced by model-tests' translator: given
// the helper object `H`, it builds a graph and returns
// `{root, objects, transfer}`. The harness runs
// `structuredClone(root, {transfer})` and prints the outcome in the graph
// notation, exactly as `webmessaging clone` prints its own:
//   {"result": DOCUMENT, "detached": [INDEX, ...]}
//   {"error": {"name": NAME, "message": TEXT[, "thrown": VALUE, "objects": [...]]}}
//
// Served mode (ORACLE_SERVE=1): one JSON line per case on stdin,
// {"id": N, "code": "..."}; one JSON line per case on stdout,
// {"id": N, "outcome": {...}} | {"id": N, "unsupported": "..."} |
// {"id": N, "harness_error": "..."}.
// Standalone mode (a repro file): the file ends with a call of `runOne`.
//
// The printing (`printing.js`) is appended to this file when the harness
// is handed to node: its functions and the `Printer` class are in place
// before any case runs.
'use strict';

const util = require('util');
const types = util.types;

const TypedArrayPrototype = Object.getPrototypeOf(Int8Array.prototype);
const getter = (proto, name) => Object.getOwnPropertyDescriptor(proto, name).get;
const typedArrayName = getter(TypedArrayPrototype, Symbol.toStringTag);
const typedArrayLength = getter(TypedArrayPrototype, 'length');
const typedArrayByteOffset = getter(TypedArrayPrototype, 'byteOffset');
const typedArrayBuffer = getter(TypedArrayPrototype, 'buffer');
const typedArrayKeys = TypedArrayPrototype.keys;
const dataViewBuffer = getter(DataView.prototype, 'buffer');
const dataViewByteLength = getter(DataView.prototype, 'byteLength');
const dataViewByteOffset = getter(DataView.prototype, 'byteOffset');
const abByteLength = getter(ArrayBuffer.prototype, 'byteLength');
const abMaxByteLength = getter(ArrayBuffer.prototype, 'maxByteLength');
const abResizable = getter(ArrayBuffer.prototype, 'resizable');
const abResize = ArrayBuffer.prototype.resize;
const sabByteLength = getter(SharedArrayBuffer.prototype, 'byteLength');
const sabMaxByteLength = getter(SharedArrayBuffer.prototype, 'maxByteLength');
const sabGrowable = getter(SharedArrayBuffer.prototype, 'growable');
const sabGrow = SharedArrayBuffer.prototype.grow;
const regExpSource = getter(RegExp.prototype, 'source');
// Flag letters in the order the `flags` getter writes them.
const regExpFlags = [
  ['d', 'hasIndices'], ['g', 'global'], ['i', 'ignoreCase'], ['m', 'multiline'],
  ['s', 'dotAll'], ['u', 'unicode'], ['v', 'unicodeSets'], ['y', 'sticky'],
].filter(([, name]) => Object.getOwnPropertyDescriptor(RegExp.prototype, name))
  .map(([letter, name]) => [letter, getter(RegExp.prototype, name)]);
const dateGetTime = Date.prototype.getTime;
const mapForEach = Map.prototype.forEach;
const setForEach = Set.prototype.forEach;
const weakRefDeref = WeakRef.prototype.deref;
const errorKinds = [Error, EvalError, RangeError, ReferenceError, SyntaxError, TypeError, URIError];
const objectPrototypeBaseline = new Set(Reflect.ownKeys(Object.prototype));
const weakRefTarget = {};

// ----- building (called by the translated case code) -----

/** The helpers a case's code receives as `H`; `meta` is what the printer
 *  needs to know about input objects that JS cannot observe. */
function helpers(meta) {
  const symbols = new Map();
  return {
    /** The case's Symbol of this description (null for none). */
    sym(description) {
      if (!symbols.has(description)) {
        symbols.set(description, description === null ? Symbol() : Symbol(description));
      }
      return symbols.get(description);
    },
    array(length) {
      const a = [];
      a.length = length;
      return a;
    },
    /** A function with no own properties that returns undefined, and whose
     *  source text is "function () { [native code] }". */
    fn() {
      const f = function () {}.bind();
      delete f.length;
      delete f.name;
      return f;
    },
    weakRef() {
      return new WeakRef(weakRefTarget);
    },
    promise() {
      return new Promise(() => {});
    },
    proxy() {
      return new Proxy({}, {});
    },
    error(kind, stack) {
      const e = new globalThis[kind]();
      if (stack === null) {
        delete e.stack;
      } else {
        e.stack = stack;
      }
      return e;
    },
    /** An ArrayBuffer or SharedArrayBuffer of `alloc` bytes (room for the
     *  views made over it before `finishBuffer` gives it its real length). */
    buffer(alloc, max, shared) {
      const options = max === null ? undefined : { maxByteLength: max };
      const b = shared ? new SharedArrayBuffer(alloc, options) : new ArrayBuffer(alloc, options);
      meta.buffers.set(b, { max });
      return b;
    },
    view(kind, buffer, offset, length) {
      const C = globalThis[kind];
      if (typeof C !== 'function') throw new Unsupported(`node has no ${kind}`);
      let v;
      if (length === null) {
        // V8 (node 20) wants the buffer's byte length past the offset to be
        // a multiple of the element size even for a length-tracking view,
        // which ECMA-262 does not ask; make the view at a length that is.
        const size = C.BYTES_PER_ELEMENT || 1;
        const shared = types.isSharedArrayBuffer(buffer);
        const current = shared ? sabByteLength.call(buffer) : abByteLength.call(buffer);
        if (offset <= current && (current - offset) % size !== 0) {
          if (shared) throw new Unsupported(`V8 cannot make this length-tracking ${kind}`);
          abResize.call(buffer, offset);
          v = new C(buffer, offset);
          abResize.call(buffer, current);
        } else {
          v = new C(buffer, offset);
        }
      } else {
        v = new C(buffer, offset, length);
      }
      meta.views.set(v, { kind, buffer, offset, length });
      return v;
    },
    /** Gives a buffer its final length and bytes (hex). */
    finishBuffer(b, length, hex) {
      if (types.isSharedArrayBuffer(b)) {
        if (sabByteLength.call(b) !== length) throw new Unsupported('a SharedArrayBuffer cannot shrink');
      } else if (abByteLength.call(b) !== length) {
        abResize.call(b, length);
      }
      const bytes = new Uint8Array(b);
      for (let i = 0; i < length; i++) bytes[i] = parseInt(hex.substr(2 * i, 2), 16);
    },
    detach(b) {
      structuredClone(b, { transfer: [b] });
    },
    data(o, key, value, enumerable) {
      Object.defineProperty(o, key, { value, writable: true, enumerable, configurable: true });
    },
    getter(o, key, throws, value, enumerable) {
      const get = throws ? function () { throw value; } : function () { return value; };
      meta.getters.set(get, { throws, value });
      Object.defineProperty(o, key, { get, enumerable, configurable: true });
    },
    message(e, value) {
      Object.defineProperty(e, 'message', { value, writable: true, enumerable: false, configurable: true });
    },
  };
}

/** Thrown by a helper when node cannot make what the document describes. */
class Unsupported extends Error {}

// ----- one case -----

/** Builds, clones and prints one case; returns the reply line's payload. */
function runOne(build) {
  const meta = {
    buffers: new WeakMap(),
    views: new WeakMap(),
    getters: new WeakMap(),
    objectPrototypeProps: [],
  };
  let built;
  let cloned;
  let threw = false;
  let thrown;
  try {
    try {
      built = build(helpers(meta));
    } catch (e) {
      const why = e instanceof Unsupported ? e.message : `${e && e.name}: ${e && e.message}`;
      return { unsupported: `node could not build the graph: ${why}` };
    }
    try {
      cloned = structuredClone(built.root, { transfer: built.transfer });
    } catch (e) {
      threw = true;
      thrown = e;
    }
  } finally {
    // Props the case gave %Object.prototype% are remembered for printing,
    // then removed so that they reach no other case.
    // While they are there, nothing here may [[Set]] an index or a name
    // they could intercept (Array.prototype.push would): filter and map
    // define their results' elements instead.
    const added = Reflect.ownKeys(Object.prototype)
      .filter((key) => !objectPrototypeBaseline.has(key))
      .map((key) => [key, Object.getOwnPropertyDescriptor(Object.prototype, key)]);
    for (const [key] of added) delete Object.prototype[key];
    meta.objectPrototypeProps = added;
  }
  if (!threw) {
    const result = new Printer(meta).text(cloned, 'root');
    const detached = [];
    built.objects.forEach((o, i) => {
      if (types.isArrayBuffer(o) && isDetached(o)) detached.push(i);
    });
    return { outcome: `{"result": {${result}}, "detached": [${detached.join(', ')}]}` };
  }
  let name;
  let message;
  let rest = '';
  if (thrown instanceof DOMException) {
    name = thrown.name;
    message = thrown.message;
  } else if (types.isNativeError(thrown)) {
    const own = Object.getOwnPropertyDescriptor(thrown, 'name');
    const native = errorKinds.find((C) => C.prototype === Object.getPrototypeOf(thrown));
    name = own && typeof own.value === 'string' ? own.value : native ? native.name : 'Error';
    const m = Object.getOwnPropertyDescriptor(thrown, 'message');
    message = m && typeof m.value === 'string' ? m.value : '';
  } else {
    name = 'Exception';
    message = 'uncaught exception';
    rest = `, ${new Printer(meta).text(thrown, 'thrown')}`;
  }
  // Names and messages are text for people, as the clone command's are.
  const text = (s) => JSON.stringify(s.toWellFormed());
  return { outcome: `{"error": {"name": ${text(name)}, "message": ${text(message)}${rest}}}` };
}

/** Runs one case and writes its reply line. */
function reply(id, build) {
  let payload;
  try {
    payload = runOne(build);
  } catch (e) {
    payload = { harness_error: `${e && e.name}: ${e && e.message}\n${e && e.stack}` };
  }
  const key = Object.keys(payload)[0];
  const value = key === 'outcome' ? payload.outcome : JSON.stringify(payload[key]);
  process.stdout.write(`{"id": ${id}, "${key}": ${value}}\n`);
}

function serve() {
  let pending = '';
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (chunk) => {
    pending += chunk;
    let newline;
    while ((newline = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, newline);
      pending = pending.slice(newline + 1);
      if (line.trim() === '') continue;
      const request = JSON.parse(line);
      let build;
      try {
        build = new Function('H', request.code);
      } catch (e) {
        process.stdout.write(`{"id": ${request.id}, "harness_error": ${JSON.stringify(`case code: ${e}`)}}\n`);
        continue;
      }
      reply(request.id, build);
    }
  });
}

if (process.env.ORACLE_SERVE === '1') serve();
