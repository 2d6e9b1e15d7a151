// close(): the port is disentangled; the other port gets a `close` event
// (queued as a task after the messages already in its queue, see
// spec/deviations.md close-is-a-task), and from then on nothing posted
// through either port is delivered. close() never throws.

// after_earlier_messages: resources/after-earlier-messages.js, loaded first.

async_test((t) => {
  const { port1, port2 } = new MessageChannel();
  port1.onclose = t.unreached_func("the port that closes gets no close event");
  port2.onclose = t.step_func_done((e) => {
    assert_equals(e.type, "close");
    assert_true(e instanceof Event, "an Event");
    assert_false(e instanceof MessageEvent, "not a MessageEvent");
    assert_true(e.isTrusted, "fired by the user agent");
    assert_equals(e.target, port2);
  });
  port1.close();
}, "close() fires close at the other port");

async_test((t) => {
  const { port1, port2 } = new MessageChannel();
  const seen = [];
  port2.onmessage = (e) => seen.push(e.data);
  port2.addEventListener("close", t.step_func_done(() => {
    assert_array_equals(seen, ["one", "two"], "messages sent before close() arrive before the close event");
  }));
  port1.postMessage("one");
  port1.postMessage("two");
  port1.close();
}, "the close event comes after the messages already sent");

async_test((t) => {
  const { port1, port2 } = new MessageChannel();
  port2.onmessage = t.unreached_func("nothing crosses a closed channel");
  port1.onmessage = t.unreached_func("nothing crosses a closed channel");
  port1.close();
  port1.postMessage("from the closed port");
  port2.postMessage("to the closed port");
  port1.close();
  after_earlier_messages(t, () => t.done());
}, "postMessage on a closed port, or to one, does not throw and delivers nothing");

test(() => {
  const { port1 } = new MessageChannel();
  port1.close();
  const other = new MessageChannel();
  assert_throws_dom("DataCloneError", () => other.port1.postMessage(null, [port1]),
    "a closed port is detached and cannot be transferred");
  assert_throws_dom("DataCloneError", () => structuredClone(null, { transfer: [port1] }));
}, "a closed port cannot be transferred");

async_test((t) => {
  const { port1, port2 } = new MessageChannel();
  let closes = 0;
  port2.onclose = () => closes++;
  port1.onclose = () => closes++;
  port1.close();
  port2.close();
  after_earlier_messages(t, () => {
    after_earlier_messages(t, () => {
      assert_equals(closes, 1, "one close event: the second close() found the channel gone");
      t.done();
    });
  });
}, "closing both ends fires one close event");

async_test((t) => {
  const { port1, port2 } = new MessageChannel();
  port2.addEventListener("close", t.step_func_done((e) => {
    assert_equals(e.type, "close", "a close event reaches a listener even though the queue was never started");
  }));
  port1.close();
}, "close reaches a port whose queue was never started");
