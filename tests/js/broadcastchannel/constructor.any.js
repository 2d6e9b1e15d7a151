// The BroadcastChannel interface: its constructor and the Web IDL
// conversion of the name, the `name` getter, the shape of the interface,
// and what postMessage and close() throw.

test(() => {
  assert_equals(typeof BroadcastChannel, "function");
  assert_equals(BroadcastChannel.length, 1, "one required argument");
  assert_equals(BroadcastChannel.name, "BroadcastChannel");
  const channel = new BroadcastChannel("shape");
  assert_true(channel instanceof EventTarget, "a BroadcastChannel is an EventTarget");
  assert_equals(Object.getPrototypeOf(channel), BroadcastChannel.prototype);
  assert_equals(Object.prototype.toString.call(channel), "[object BroadcastChannel]");
  for (const member of ["name", "postMessage", "close", "onmessage", "onmessageerror"]) {
    assert_true(member in BroadcastChannel.prototype, member);
    assert_false(Object.prototype.hasOwnProperty.call(channel, member), `${member} is not an own property`);
  }
  assert_equals(channel.onmessage, null);
  assert_equals(channel.onmessageerror, null);
  channel.close();
}, "the interface: an EventTarget with name, postMessage, close and two event handlers");

test(() => {
  assert_throws_js(TypeError, () => BroadcastChannel("x"), "'new' is required");
  assert_throws_js(TypeError, () => new BroadcastChannel(), "the name is required");
}, "the constructor needs 'new' and a name");

test(() => {
  const names = [
    ["plain", "plain"],
    ["", ""],
    [42, "42"],
    [-0, "0"],
    [null, "null"],
    [undefined, "undefined"],
    [true, "true"],
    [10n, "10"],
    [{ toString() { return "from toString"; } }, "from toString"],
    [[1, 2], "1,2"],
    ["\u{1F600} \uD800", "\u{1F600} \uD800"],
  ];
  for (const [given, expected] of names) {
    const channel = new BroadcastChannel(given);
    assert_equals(channel.name, expected, `new BroadcastChannel(${String(given)})`);
    channel.close();
  }
}, "the name is converted to a DOMString (ToString), lone surrogates kept");

test(() => {
  assert_throws_js(TypeError, () => new BroadcastChannel(Symbol("s")), "a Symbol has no string value");
  const thrown = new Error("no name");
  const bad = { toString() { throw thrown; } };
  try {
    new BroadcastChannel(bad);
    assert_unreached("the conversion should throw");
  } catch (e) {
    assert_equals(e, thrown, "an exception of toString propagates as it was thrown");
  }
}, "a name that cannot be converted throws");

test(() => {
  const channel = new BroadcastChannel("closed for names");
  channel.close();
  assert_equals(channel.name, "closed for names", "the name outlives close()");
  const getter = Object.getOwnPropertyDescriptor(BroadcastChannel.prototype, "name").get;
  assert_equals(typeof getter, "function");
  assert_equals(Object.getOwnPropertyDescriptor(BroadcastChannel.prototype, "name").set, undefined,
    "name is read-only");
  assert_throws_js(TypeError, () => getter.call({}), "the getter checks its receiver");
  assert_throws_js(TypeError, () => BroadcastChannel.prototype.postMessage.call(new EventTarget(), 1));
  assert_throws_js(TypeError, () => BroadcastChannel.prototype.close.call(null));
}, "name is a read-only getter that checks its receiver; so do the operations");

test(() => {
  class Named extends BroadcastChannel {
    shout() { return this.name.toUpperCase(); }
  }
  const channel = new Named("subclass");
  assert_true(channel instanceof Named);
  assert_true(channel instanceof BroadcastChannel);
  assert_equals(channel.shout(), "SUBCLASS");
  channel.close();
}, "BroadcastChannel can be subclassed");

test(() => {
  const channel = new BroadcastChannel("throws");
  assert_throws_js(TypeError, () => channel.postMessage(), "the message is required");
  assert_throws_dom("DataCloneError", () => channel.postMessage(Symbol("s")));
  assert_throws_dom("DataCloneError", () => channel.postMessage(() => 1));
  const thrown = new Error("from a getter");
  try {
    channel.postMessage({ get field() { throw thrown; } });
    assert_unreached("the getter's exception should propagate");
  } catch (e) {
    assert_equals(e, thrown, "a getter's exception reaches the caller unchanged");
  }
  channel.postMessage(undefined);
  channel.close();
  channel.close();
  assert_throws_dom("InvalidStateError", () => channel.postMessage("after close"));
  assert_throws_dom("InvalidStateError", () => channel.postMessage(Symbol("s")),
    "the closed flag is checked before serializing");
}, "postMessage: TypeError without a message, DataCloneError, InvalidStateError once closed");
