// The harness's printing: a cloned graph (or a thrown value) written in
// the graph notation, as `webmessaging clone` prints its own. Appended to
// `harness.js`, whose constants it reads.

function hex(n) {
  return (n < 16 ? '0' : '') + n.toString(16);
}

function str(s) {
  if (s.isWellFormed()) return JSON.stringify(s);
  const units = [];
  for (let i = 0; i < s.length; i++) units.push(s.charCodeAt(i));
  return `{"utf16": [${units.join(', ')}]}`;
}

function num(n) {
  if (Number.isNaN(n)) return '{"number": "NaN"}';
  if (n === Infinity) return '{"number": "Infinity"}';
  if (n === -Infinity) return '{"number": "-Infinity"}';
  if (Object.is(n, -0)) return '{"number": "-0"}';
  return JSON.stringify(n);
}

function symbolText(s) {
  return `{"symbol": ${s.description === undefined ? 'null' : str(s.description)}}`;
}

function isDetached(b) {
  try {
    new Uint8Array(b);
    return false;
  } catch (e) {
    return true;
  }
}

function isOutOfBounds(v) {
  if (types.isDataView(v)) {
    try {
      dataViewByteLength.call(v);
      return false;
    } catch (e) {
      return true;
    }
  }
  try {
    typedArrayKeys.call(v);
    return false;
  } catch (e) {
    return true;
  }
}

function elementSize(kind) {
  return kind === 'DataView' ? 1 : globalThis[kind].BYTES_PER_ELEMENT;
}

/** A view's observable length: elements, or bytes for a DataView; -1 when
 *  out of bounds. */
function viewLength(v) {
  if (isOutOfBounds(v)) return -1;
  return types.isDataView(v) ? dataViewByteLength.call(v) : typedArrayLength.call(v);
}

/** Prints `root` (and the objects it reaches) as a document; objects are
 *  numbered in depth-first first-visit order, fields before props. */
class Printer {
  constructor(meta) {
    this.meta = meta;
    this.number = new Map();
    this.order = [];
    this.described = [];
    // A buffer's bytes and length as first seen, before any probe.
    this.bufferState = new Map();
  }

  walk(root) {
    if (root === null || (typeof root !== 'object' && typeof root !== 'function')) return;
    const stack = [root];
    while (stack.length > 0) {
      const o = stack.pop();
      if (this.number.has(o)) continue;
      this.number.set(o, this.order.length);
      this.order.push(o);
      const d = this.describe(o);
      this.described.push(d);
      const children = d.refs.filter((v) => v !== null && (typeof v === 'object' || typeof v === 'function'));
      for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]);
    }
  }

  val(v) {
    switch (typeof v) {
      case 'undefined': return '{"undefined": true}';
      case 'boolean': return v ? 'true' : 'false';
      case 'number': return num(v);
      case 'bigint': return `{"bigint": "${v.toString()}"}`;
      case 'string': return str(v);
      case 'symbol': return symbolText(v);
      default:
        if (v === null) return 'null';
        if (!this.number.has(v)) throw new Error('printer: an object was not numbered');
        return `{"ref": ${this.number.get(v)}}`;
    }
  }

  snapshot(b) {
    if (!this.bufferState.has(b)) {
      const shared = types.isSharedArrayBuffer(b);
      const detached = !shared && isDetached(b);
      const bytes = detached ? [] : Array.from(new Uint8Array(b));
      this.bufferState.set(b, { shared, detached, bytes, length: bytes.length });
    }
    return this.bufferState.get(b);
  }

  /** The kind, fields and props of one object; `refs` lists the values it
   *  holds in printing order. */
  describe(o) {
    const refs = [];
    const fields = [];
    let kind;
    let skip = () => false;
    const inputView = this.meta.views.get(o);
    if (types.isProxy(o)) {
      kind = 'Proxy';
    } else if (o === Object.prototype) {
      kind = 'ObjectPrototype';
    } else if (Array.isArray(o)) {
      kind = 'Array';
      fields.push(`"length": ${o.length}`);
      skip = (k) => k === 'length';
    } else if (types.isBooleanObject(o)) {
      kind = 'Boolean';
      fields.push(`"value": ${Boolean.prototype.valueOf.call(o)}`);
    } else if (types.isNumberObject(o)) {
      kind = 'Number';
      fields.push(`"value": ${num(Number.prototype.valueOf.call(o))}`);
    } else if (types.isStringObject(o)) {
      kind = 'String';
      const s = String.prototype.valueOf.call(o);
      fields.push(`"value": ${str(s)}`);
      skip = (k) => k === 'length' || (isIndex(k) && Number(k) < s.length);
    } else if (types.isBigIntObject(o)) {
      kind = 'BigInt';
      fields.push(`"value": {"bigint": "${BigInt.prototype.valueOf.call(o).toString()}"}`);
    } else if (types.isSymbolObject(o)) {
      kind = 'SymbolObject';
    } else if (types.isDate(o)) {
      kind = 'Date';
      fields.push(`"time": ${num(dateGetTime.call(o))}`);
    } else if (types.isRegExp(o)) {
      kind = 'RegExp';
      fields.push(`"source": ${str(regExpSource.call(o))}`);
      fields.push(`"flags": ${str(regExpFlags.filter(([, get]) => get.call(o)).map(([l]) => l).join(''))}`);
      const d = Object.getOwnPropertyDescriptor(o, 'lastIndex');
      if (d && 'value' in d) {
        if (!Object.is(d.value, 0)) {
          fields.push({ name: 'lastIndex', value: d.value });
          refs.push(d.value);
        }
        skip = (k) => k === 'lastIndex';
      }
    } else if (types.isAnyArrayBuffer(o)) {
      kind = 'ArrayBuffer';
      const s = this.snapshot(o);
      fields.push(`"bytes": "${s.bytes.map(hex).join('')}"`);
      let max = null;
      if (s.shared) {
        if (sabGrowable.call(o)) max = sabMaxByteLength.call(o);
      } else if (abResizable.call(o)) {
        // A detached buffer's maximum reads 0: take the one it was made with.
        max = s.detached && this.meta.buffers.has(o) ? this.meta.buffers.get(o).max : abMaxByteLength.call(o);
      }
      if (max !== null) fields.push(`"maxByteLength": ${max}`);
      if (s.shared) fields.push('"shared": true');
      if (s.detached) fields.push('"detached": true');
    } else if (types.isArrayBufferView(o)) {
      const isDataView = types.isDataView(o);
      kind = isDataView ? 'DataView' : typedArrayName.call(o);
      const buffer = isDataView ? dataViewBuffer.call(o) : typedArrayBuffer.call(o);
      refs.push(buffer);
      const lengthName = isDataView ? 'byteLength' : 'length';
      if (inputView) {
        fields.push({ name: 'buffer', value: buffer });
        fields.push(`"byteOffset": ${inputView.offset}`);
        fields.push(`"${lengthName}": ${inputView.length === null ? 'null' : inputView.length}`);
      } else {
        this.snapshot(buffer);
        const probe = { view: o, kind, buffer, length: viewLength(o) };
        probe.offset = probe.length < 0 ? 0 : isDataView ? dataViewByteOffset.call(o) : typedArrayByteOffset.call(o);
        fields.push({ name: 'buffer', value: buffer });
        fields.push(`"byteOffset": ${probe.offset}`);
        fields.push({ probe, lengthName });
      }
      // A typed array's elements are not properties of its own.
      skip = (k) => !isDataView && isIndex(k);
    } else if (types.isMap(o)) {
      kind = 'Map';
      const entries = [];
      mapForEach.call(o, (v, k) => {
        entries.push([k, v]);
        refs.push(k, v);
      });
      fields.push({ name: 'entries', entries });
    } else if (types.isSet(o)) {
      kind = 'Set';
      const values = [];
      setForEach.call(o, (v) => {
        values.push(v);
        refs.push(v);
      });
      fields.push({ name: 'values', values });
    } else if (types.isNativeError(o)) {
      kind = 'Error';
      const proto = Object.getPrototypeOf(o);
      const native = errorKinds.find((C) => C.prototype === proto);
      if (!native) throw new Error('printer: an Error whose prototype is not a native error prototype');
      fields.push(`"name": "${native.name}"`);
      const m = Object.getOwnPropertyDescriptor(o, 'message');
      if (m && 'value' in m) {
        fields.push({ name: 'message', value: m.value });
        refs.push(m.value);
      }
      // V8 keeps [[Stack]] as an own "stack" data property.
      const s = Object.getOwnPropertyDescriptor(o, 'stack');
      if (s && 'value' in s && typeof s.value === 'string') fields.push(`"stack": ${str(s.value)}`);
      skip = (k, d) =>
        (k === 'message' && 'value' in d) ||
        (k === 'stack' && 'value' in d && (typeof d.value === 'string' || d.value === undefined));
    } else if (typeof o === 'function') {
      kind = 'Function';
    } else if (types.isWeakMap(o)) {
      kind = 'WeakMap';
    } else if (types.isWeakSet(o)) {
      kind = 'WeakSet';
    } else if (types.isPromise(o)) {
      kind = 'Promise';
    } else if (isWeakRef(o)) {
      kind = 'WeakRef';
    } else {
      kind = 'Object';
    }
    const props = [];
    const own = kind === 'ObjectPrototype' ? this.meta.objectPrototypeProps : ownProps(o);
    for (const [key, d] of own) {
      if (kind === 'ObjectPrototype' && objectPrototypeBaseline.has(key)) continue;
      if (skip(key, d)) continue;
      let value;
      if ('value' in d) {
        value = { data: d.value };
      } else {
        const g = this.meta.getters.get(d.get);
        if (!g) throw new Error('printer: an accessor the case did not make');
        value = g.throws ? { throws: g.value } : { returns: g.value };
      }
      const v = 'data' in value ? value.data : 'throws' in value ? value.throws : value.returns;
      refs.push(v);
      props.push({ key, value, enumerable: d.enumerable });
    }
    return { kind, fields, props, refs };
  }

  /** Whether a cloned view tracks its buffer's length: JS does not say, so
   *  the buffer is grown (and, if not shared, shrunk) and the view watched. */
  resolveProbe(p) {
    const s = this.bufferState.get(p.buffer);
    const size = elementSize(p.kind);
    const resizable = s.shared ? sabGrowable.call(p.buffer) : !s.detached && abResizable.call(p.buffer);
    if (!resizable || p.length < 0) return p.length < 0 ? 0 : p.length;
    const atL = p.length;
    if (s.shared) {
      const max = sabMaxByteLength.call(p.buffer);
      const tL = Math.floor((s.length - p.offset) / size);
      const tM = Math.floor((max - p.offset) / size);
      sabGrow.call(p.buffer, max);
      const atM = viewLength(p.view);
      return atL === tL && atM === tM && tL !== tM ? null : atL;
    }
    const max = abMaxByteLength.call(p.buffer);
    const tM = Math.floor((max - p.offset) / size);
    let tracking = false;
    try {
      abResize.call(p.buffer, max);
      if (viewLength(p.view) === tM && tM > 0) {
        abResize.call(p.buffer, p.offset + tM * size - 1);
        tracking = viewLength(p.view) >= 0;
      }
    } finally {
      abResize.call(p.buffer, s.length);
      new Uint8Array(p.buffer).set(s.bytes);
    }
    return tracking ? null : atL;
  }

  objectText(d) {
    const parts = [`"kind": ${str(d.kind)}`];
    for (const f of d.fields) {
      if (typeof f === 'string') {
        parts.push(f);
      } else if (f.probe) {
        const n = this.resolveProbe(f.probe);
        parts.push(`"${f.lengthName}": ${n === null ? 'null' : n}`);
      } else if (f.name === 'buffer') {
        parts.push(`"buffer": ${this.number.get(f.value)}`);
      } else if (f.name === 'entries') {
        parts.push(`"entries": [${f.entries.map(([k, v]) => `[${this.val(k)}, ${this.val(v)}]`).join(', ')}]`);
      } else if (f.name === 'values') {
        parts.push(`"values": [${f.values.map((v) => this.val(v)).join(', ')}]`);
      } else {
        parts.push(`"${f.name}": ${this.val(f.value)}`);
      }
    }
    if (d.props.length > 0) {
      const props = d.props.map((p) => {
        const key = typeof p.key === 'symbol' ? symbolText(p.key) : str(p.key);
        const value =
          'data' in p.value ? this.val(p.value.data)
            : 'throws' in p.value ? `{"getter": {"throws": ${this.val(p.value.throws)}}}`
              : `{"getter": {"returns": ${this.val(p.value.returns)}}}`;
        return `[${key}, ${value}${p.enumerable ? '' : ', {"enumerable": false}'}]`;
      });
      parts.push(`"props": [${props.join(', ')}]`);
    }
    return `{${parts.join(', ')}}`;
  }

  /** `"root": VALUE, "objects": [...]` with `rootName` for the root field. */
  text(root, rootName) {
    this.walk(root);
    const objects = this.described.map((d) => this.objectText(d));
    return `"${rootName}": ${this.val(root)}, "objects": [${objects.join(', ')}]`;
  }
}

function isIndex(k) {
  if (typeof k !== 'string') return false;
  const n = Number(k);
  return String(n >>> 0) === k && n !== 4294967295;
}

function isWeakRef(o) {
  try {
    weakRefDeref.call(o);
    return true;
  } catch (e) {
    return false;
  }
}

function ownProps(o) {
  return Reflect.ownKeys(o).map((k) => [k, Object.getOwnPropertyDescriptor(o, k)]);
}

