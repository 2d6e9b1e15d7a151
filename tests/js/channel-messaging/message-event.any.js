// MessageEvent: the event a port fires for a message, and its constructor.

async_test((t) => {
  const { port1, port2 } = new MessageChannel();
  port2.onmessage = t.step_func_done((e) => {
    assert_true(e instanceof MessageEvent, "a MessageEvent");
    assert_equals(Object.prototype.toString.call(e), "[object MessageEvent]");
    assert_equals(e.type, "message");
    assert_equals(e.data, "payload");
    assert_equals(e.origin, "", "a port's messages have the empty origin");
    assert_equals(e.lastEventId, "", "and the empty lastEventId");
    assert_equals(e.source, null, "and no source");
    assert_true(Array.isArray(e.ports), "ports is an array");
    assert_equals(e.ports.length, 0);
    assert_true(Object.isFrozen(e.ports), "a frozen array");
    assert_equals(e.ports, e.ports, "the same array each time");
    assert_true(e.isTrusted);
    assert_false(e.bubbles);
    assert_false(e.cancelable);
  });
  port1.postMessage("payload");
}, "the attributes of a delivered message event");

async_test((t) => {
  const { port1, port2 } = new MessageChannel();
  const carried = new MessageChannel();
  port2.onmessage = t.step_func_done((e) => {
    assert_equals(e.ports.length, 1);
    assert_true(e.ports[0] instanceof MessagePort);
    assert_not_equals(e.ports[0], carried.port2, "a new port object, not the sent one");
    assert_true(Object.isFrozen(e.ports));
    assert_throws_js(TypeError, () => { "use strict"; e.ports.push(1); }, "the array cannot grow");
    assert_equals(e.data.port, e.ports[0], "the data refers to the same new port");
  });
  port1.postMessage({ port: carried.port2 }, [carried.port2]);
}, "ports carried by a message are in a frozen ports array");

test(() => {
  const { port1 } = new MessageChannel();
  const e = new MessageEvent("custom", {
    data: { n: 1 }, origin: "https://example.test", lastEventId: "7", source: port1, ports: [port1],
    bubbles: true, cancelable: true,
  });
  assert_equals(e.type, "custom");
  assert_equals(e.data.n, 1);
  assert_equals(e.origin, "https://example.test");
  assert_equals(e.lastEventId, "7");
  assert_equals(e.source, port1);
  assert_array_equals(e.ports, [port1]);
  assert_true(Object.isFrozen(e.ports));
  assert_true(e.bubbles && e.cancelable);
  assert_false(e.isTrusted, "made by script");
  const plain = new MessageEvent("m");
  assert_equals(plain.data, null, "data defaults to null");
  assert_equals(plain.origin, "");
  assert_equals(plain.source, null);
  assert_array_equals(plain.ports, []);
}, "the MessageEvent constructor and its init dictionary");

test(() => {
  assert_throws_js(TypeError, () => new MessageEvent("m", { ports: [{}] }), "ports must be MessagePorts");
  assert_throws_js(TypeError, () => new MessageEvent("m", { ports: 5 }), "ports must be iterable");
  assert_throws_js(TypeError, () => new MessageEvent("m", { source: {} }), "source must be a MessagePort or null");
  assert_throws_js(TypeError, () => new MessageEvent("m", 5), "the init dictionary must be an object");
  assert_throws_js(TypeError, () => MessageEvent("m"), "'new' is required");
}, "MessageEvent's constructor converts its arguments");

test(() => {
  const { port1 } = new MessageChannel();
  const e = new MessageEvent("a");
  e.initMessageEvent("b", true, false, 12, "o", "id", port1, [port1]);
  assert_equals(e.type, "b");
  assert_true(e.bubbles);
  assert_false(e.cancelable);
  assert_equals(e.data, 12);
  assert_equals(e.origin, "o");
  assert_equals(e.lastEventId, "id");
  assert_equals(e.source, port1);
  assert_array_equals(e.ports, [port1]);
}, "initMessageEvent re-initializes an event");

async_test((t) => {
  const { port1, port2 } = new MessageChannel();
  port2.onmessage = t.step_func_done((e) => {
    assert_equals(e.data, "dispatched by script");
    assert_false(e.isTrusted);
  });
  port2.dispatchEvent(new MessageEvent("message", { data: "dispatched by script" }));
}, "a port dispatches a script-made MessageEvent to its handler");

async_test((t) => {
  const { port1, port2 } = new MessageChannel();
  const sent = new DOMException("through a port", "DataCloneError");
  port2.onmessage = t.step_func_done((e) => {
    assert_true(e.data instanceof DOMException);
    assert_not_equals(e.data, sent, "a copy");
    assert_equals(e.data.name, "DataCloneError");
    assert_equals(e.data.message, "through a port");
    assert_equals(e.data.code, 25);
  });
  port1.postMessage(sent);
}, "a DOMException is serializable through a port");
