// Transferring MessagePorts within one agent: ports in e.ports are live,
// the transfer list's errors and their order, the doomed case, shipped
// originals, and the Web IDL forms of postMessage's second argument.

// after_earlier_messages: resources/after-earlier-messages.js, loaded first.

async_test((t) => {
  const carrier = new MessageChannel();
  const inner = new MessageChannel();
  inner.port1.onmessage = t.step_func_done((e) => {
    assert_equals(e.data, "answer from the received port");
  });
  carrier.port2.onmessage = t.step_func((e) => {
    const [received] = e.ports;
    received.postMessage("answer from the received port");
  });
  carrier.port1.postMessage("take this", [inner.port2]);
}, "a port received in e.ports posts from inside the handler");

async_test((t) => {
  const carrier = new MessageChannel();
  const inner = new MessageChannel();
  inner.port1.postMessage("sent while in flight 1");
  carrier.port2.onmessage = t.step_func((e) => {
    const seen = [];
    e.ports[0].onmessage = t.step_func((m) => {
      seen.push(m.data);
      if (seen.length === 3) {
        assert_array_equals(seen, ["sent while in flight 1", "sent while in flight 2", "sent after arrival"]);
        t.done();
      }
    });
    inner.port1.postMessage("sent after arrival");
  });
  carrier.port1.postMessage(null, [inner.port2]);
  inner.port1.postMessage("sent while in flight 2");
}, "messages sent before and while a port is in flight wait for it, in order");

async_test((t) => {
  const { port1, port2 } = new MessageChannel();
  port2.onmessage = t.unreached_func("a message carrying its own target is never delivered");
  port1.onclose = t.step_func_done((e) => {
    // The target port went with the message that is never delivered: it is
    // gone, so the sender's channel is lost (spec/deviations.md
    // lost-port-disentangles).
    assert_equals(e.target, port1);
  });
  port1.postMessage("doomed", [port2]);
}, "the doomed case: shipping the target port in a message to itself");

test(() => {
  const { port1 } = new MessageChannel();
  assert_throws_dom("DataCloneError", () => port1.postMessage("x", [port1]));
  assert_throws_dom("DataCloneError", () => port1.postMessage("x", { transfer: [port1] }));
}, "a port in its own transfer list is a DataCloneError");

test(() => {
  const { port1 } = new MessageChannel();
  const other = new MessageChannel();
  assert_throws_dom("DataCloneError", () => port1.postMessage("x", [other.port1, other.port1]));
  other.port2.postMessage("still entangled");
  assert_throws_dom("DataCloneError", () => structuredClone(null, { transfer: [other.port2, other.port2] }));
}, "a port listed twice is a DataCloneError");

test(() => {
  const { port1 } = new MessageChannel();
  const shipped = new MessageChannel();
  port1.postMessage(null, [shipped.port1]);
  assert_throws_dom("DataCloneError", () => port1.postMessage(null, [shipped.port1]),
    "a shipped port is detached");
}, "a shipped port cannot be transferred again");

async_test((t) => {
  const shipped = new MessageChannel();
  const carrier = new MessageChannel();
  shipped.port2.onmessage = t.unreached_func("the shipped original reaches nobody");
  carrier.port1.postMessage(null, [shipped.port1]);
  shipped.port1.postMessage("through the original");
  shipped.port1.start();
  shipped.port1.close();
  after_earlier_messages(t, () => t.done());
}, "postMessage on a shipped port does not throw and delivers nothing");

test(() => {
  const { port1 } = new MessageChannel();
  const victim = new MessageChannel();
  const other = new MessageChannel();
  const order = [];
  const message = {
    get first() {
      order.push("getter");
      // Ships the port listed in the outer transfer list, mid-serialization.
      other.port1.postMessage(null, [victim.port1]);
      return 1;
    },
  };
  assert_throws_dom("DataCloneError", () => port1.postMessage(message, [victim.port1]),
    "the listed port is detached by the time the transfer steps run");
  assert_array_equals(order, ["getter"], "the getter ran: the transfer list is checked again after serialization");
  assert_throws_dom("DataCloneError", () => structuredClone(null, { transfer: [victim.port1] }),
    "the port went with the getter's message");
}, "a getter that transfers a listed port mid-serialization");

test(() => {
  const { port1 } = new MessageChannel();
  const listed = new MessageChannel();
  const thrown = new Error("from the getter");
  assert_throws_exactly(thrown, () => port1.postMessage({ get x() { throw thrown; } }, [listed.port1]));
  listed.port1.postMessage("not transferred: serialization failed first");
  structuredClone(null, { transfer: [listed.port1] });
}, "an exception from a getter propagates and transfers nothing");

test(() => {
  const { port1 } = new MessageChannel();
  assert_throws_dom("DataCloneError", () => port1.postMessage(() => {}), "functions are not serializable");
  assert_throws_dom("DataCloneError", () => port1.postMessage({ port: port1 }), "ports are transferable, not serializable");
}, "DataCloneError for values that cannot be serialized");

async_test((t) => {
  const { port1, port2 } = new MessageChannel();
  const a = new MessageChannel();
  const b = new MessageChannel();
  const c = new MessageChannel();
  const seen = [];
  port2.onmessage = t.step_func((e) => {
    seen.push(e.ports.length);
    if (seen.length === 5) {
      assert_array_equals(seen, [0, 0, 1, 1, 1]);
      t.done();
    }
  });
  port1.postMessage("one argument");
  port1.postMessage("undefined options", undefined);
  port1.postMessage("a sequence", [a.port1]);
  port1.postMessage("any iterable", new Set([b.port1]));
  port1.postMessage("options", { transfer: [c.port1] });
  assert_throws_js(TypeError, () => port1.postMessage("x", 5), "a number is neither a sequence nor a dictionary");
  assert_throws_js(TypeError, () => port1.postMessage("x", { transfer: 5 }), "transfer must be iterable");
  assert_throws_js(TypeError, () => port1.postMessage("x", [5]), "transfer entries must be objects");
  assert_throws_js(TypeError, () => port1.postMessage(), "the message argument is required");
}, "postMessage's two overloads and the conversion of the transfer argument");

async_test((t) => {
  const original = new MessageChannel();
  const clone = structuredClone({ p: original.port2 }, { transfer: [original.port2] });
  assert_true(clone.p instanceof MessagePort, "structuredClone makes a new MessagePort");
  assert_not_equals(clone.p, original.port2);
  clone.p.onmessage = t.step_func_done((e) => {
    assert_equals(e.data, "through the cloned port");
  });
  original.port1.postMessage("through the cloned port");
}, "structuredClone transfers a port, which stays entangled");

test(() => {
  assert_throws_js(TypeError, () => new MessagePort(), "no constructor");
  const channel = new MessageChannel();
  assert_equals(channel.port1, channel.port1, "port1 is the same object each time");
  assert_true(channel.port1 instanceof EventTarget);
  assert_equals(Object.prototype.toString.call(channel), "[object MessageChannel]");
  assert_throws_js(TypeError, () => MessagePort.prototype.postMessage.call({}, 1), "the receiver must be a MessagePort");
}, "the interfaces");
