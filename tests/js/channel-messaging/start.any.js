// A port message queue starts disabled: messages wait in it until start()
// is called or an onmessage handler is set (which starts it implicitly).
// addEventListener alone never starts it.

// after_earlier_messages: resources/after-earlier-messages.js, loaded first.

async_test((t) => {
  const { port1, port2 } = new MessageChannel();
  port2.onmessage = t.step_func_done((e) => {
    assert_equals(e.data, "first", "setting onmessage started the queue");
    assert_equals(e.target, port2);
  });
  port1.postMessage("first");
}, "setting onmessage starts the queue");

async_test((t) => {
  const { port1, port2 } = new MessageChannel();
  const seen = [];
  port2.addEventListener("message", (e) => seen.push(e.data));
  port1.postMessage("waits");
  after_earlier_messages(t, () => {
    assert_array_equals(seen, [], "a listener alone does not start the queue");
    port2.start();
    after_earlier_messages(t, () => {
      assert_array_equals(seen, ["waits"], "start() delivers what waited");
      t.done();
    });
  });
}, "addEventListener without start() receives nothing until start()");

async_test((t) => {
  const { port1, port2 } = new MessageChannel();
  const seen = [];
  port2.addEventListener("message", (e) => seen.push(e.data));
  for (let i = 0; i < 5; i++) port1.postMessage(i);
  port2.start();
  port2.start();
  port1.postMessage(5);
  port2.start();
  after_earlier_messages(t, () => {
    assert_array_equals(seen, [0, 1, 2, 3, 4, 5], "each message once, in order");
    t.done();
  });
}, "start() twice (and more) is the same as once");

async_test((t) => {
  const { port1, port2 } = new MessageChannel();
  const seen = [];
  const handler = (e) => seen.push(`handler ${e.data}`);
  port2.onmessage = handler;
  assert_equals(port2.onmessage, handler, "the handler reads back");
  port2.onmessage = null;
  assert_equals(port2.onmessage, null);
  port2.addEventListener("message", (e) => seen.push(`listener ${e.data}`));
  port1.postMessage("a");
  after_earlier_messages(t, () => {
    assert_array_equals(seen, ["listener a"], "the queue stayed started after the handler was removed");
    t.done();
  });
}, "the queue started by onmessage stays started when the handler is cleared");

async_test((t) => {
  const { port1, port2 } = new MessageChannel();
  const seen = [];
  port2.addEventListener("message", (e) => seen.push(`listener ${e.data}`));
  port2.onmessage = (e) => seen.push(`handler ${e.data}`);
  port2.addEventListener("message", (e) => seen.push(`late listener ${e.data}`));
  port1.postMessage(1);
  after_earlier_messages(t, () => {
    assert_array_equals(seen, ["listener 1", "handler 1", "late listener 1"],
      "the handler runs where it was first set among the listeners");
    t.done();
  });
}, "an event handler takes its place in the listener list when first set");

async_test((t) => {
  const { port1, port2 } = new MessageChannel();
  port2.onmessage = t.unreached_func("a non-object handler is null");
  port2.onmessage = 42;
  assert_equals(port2.onmessage, null, "a number sets the handler to null");
  port1.postMessage("x");
  after_earlier_messages(t, () => t.done());
}, "onmessage treats a value that is not an object as null");

async_test((t) => {
  const { port1, port2 } = new MessageChannel();
  const seen = [];
  const bounce = (from, port) => t.step_func((e) => {
    seen.push(`${from} ${e.data}`);
    if (e.data < 4) {
      port.postMessage(e.data + 1);
    } else {
      assert_array_equals(seen, ["port2 0", "port1 1", "port2 2", "port1 3", "port2 4"]);
      t.done();
    }
  });
  port1.onmessage = bounce("port1", port1);
  port2.onmessage = bounce("port2", port2);
  port1.postMessage(0);
}, "both ports of a channel send and receive");
