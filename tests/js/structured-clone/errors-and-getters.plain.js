// Without testharness: DOMException as WebIDL defines it, and a clone whose
// getters run real code. Prints one line per check group; throws on any
// mismatch (which makes the run fail).

function check(condition, what) {
  if (!condition) {
    throw new Error(`check failed: ${what}`);
  }
}

const e = new DOMException("msg", "DataCloneError");
check(e instanceof DOMException && e instanceof Error, "DOMException is an Error");
check(Object.getPrototypeOf(DOMException.prototype) === Error.prototype, "its prototype's prototype");
check(e.code === 25 && e.name === "DataCloneError" && e.message === "msg", "name, message, code");
check(String(e) === "DataCloneError: msg", "Error.prototype.toString");
check(new DOMException().name === "Error" && new DOMException().message === "", "the defaults");
check(new DOMException("x", "NoSuchName").code === 0, "an unknown name has code 0");
check(DOMException.INVALID_STATE_ERR === 11 && e.INVALID_STATE_ERR === 11, "constants on both");
let threw = false;
try {
  Object.getOwnPropertyDescriptor(DOMException.prototype, "name").get.call({});
} catch (x) {
  threw = x instanceof TypeError;
}
check(threw, "the name getter checks its receiver");
console.log("ok DOMException");

let reads = 0;
const source = {
  get counted() { reads++; return reads; },
  nested: { get inner() { reads += 10; return "in"; } },
};
const copy = structuredClone(source);
check(reads === 11 && copy.counted === 1 && copy.nested.inner === "in", "getters ran once each");
console.log("ok getters", reads);
