// Delivery within one agent: who receives a broadcast (every other open
// channel of the same name, never the one posting), in which order (the
// order the channels were made), what a closed channel gets (nothing), and
// what the event looks like.

async_test((t) => {
  const poster = new BroadcastChannel("self");
  const other = new BroadcastChannel("self");
  const seenByPoster = [];
  poster.onmessage = t.step_func((e) => seenByPoster.push(e.data));
  other.onmessage = t.step_func((e) => {
    assert_equals(e.data, "from the poster");
    // The poster's own message would have been delivered before this one's
    // reply, since tasks run oldest first.
    other.postMessage("reply");
  });
  poster.addEventListener("message", t.step_func((e) => {
    assert_array_equals(seenByPoster, ["reply"], "the poster never gets its own message");
    poster.close();
    other.close();
    t.done();
  }));
  poster.postMessage("from the poster");
}, "a channel does not receive its own messages; another of the same name and agent does");

async_test((t) => {
  const poster = new BroadcastChannel("order");
  const order = [];
  const receivers = ["first", "second", "third"].map((label) => {
    const channel = new BroadcastChannel("order");
    channel.onmessage = t.step_func((e) => {
      order.push(`${label}:${e.data}`);
      if (order.length === 6) {
        assert_array_equals(order, [
          "first:1", "second:1", "third:1",
          "first:2", "second:2", "third:2",
        ], "each message reaches the channels in creation order");
        for (const c of receivers) c.close();
        poster.close();
        t.done();
      }
    });
    return channel;
  });
  const elsewhere = new BroadcastChannel("Order");
  elsewhere.onmessage = t.unreached_func("another name (names are case-sensitive)");
  t.add_cleanup(() => elsewhere.close());
  poster.postMessage(1);
  poster.postMessage(2);
}, "messages reach every other channel of the name, in the order the channels were made");

async_test((t) => {
  const poster = new BroadcastChannel("closed receiver");
  const closedEarly = new BroadcastChannel("closed receiver");
  const closedLate = new BroadcastChannel("closed receiver");
  const open = new BroadcastChannel("closed receiver");
  closedEarly.onmessage = t.unreached_func("closed before the post");
  closedLate.onmessage = t.unreached_func("closed after the post, before delivery");
  closedEarly.close();
  open.onmessage = t.step_func_done((e) => {
    // closedLate was made before open: its task ran first, and did nothing.
    assert_equals(e.data, "only the open channel");
    open.close();
    poster.close();
  });
  poster.postMessage("only the open channel");
  closedLate.close();
}, "a channel closed before or after the post receives nothing");

async_test((t) => {
  const poster = new BroadcastChannel("close in handler");
  const closer = new BroadcastChannel("close in handler");
  const victim = new BroadcastChannel("close in handler");
  const witness = new BroadcastChannel("close in handler");
  const closerSaw = [];
  closer.onmessage = t.step_func((e) => {
    closerSaw.push(e.data);
    closer.close();
    victim.close();
  });
  victim.onmessage = t.unreached_func("closed by an earlier handler of the same message");
  const witnessSaw = [];
  witness.onmessage = t.step_func((e) => {
    witnessSaw.push(e.data);
    if (witnessSaw.length === 3) {
      assert_array_equals(closerSaw, ["a"], "closing in a handler stops later deliveries");
      assert_array_equals(witnessSaw, ["a", "b", "c"], "other channels go on receiving");
      assert_throws_dom("InvalidStateError", () => closer.postMessage("closed"));
      witness.close();
      poster.close();
      t.done();
    }
  });
  poster.postMessage("a");
  poster.postMessage("b");
  poster.postMessage("c");
}, "close() in a handler: no later delivery to that channel, even of messages already queued");

async_test((t) => {
  const poster = new BroadcastChannel("event");
  const receiver = new BroadcastChannel("event");
  const sent = { nested: { list: [1, 2, 3] }, when: new Date(0), map: new Map([["k", "v"]]) };
  receiver.onmessage = t.step_func_done((e) => {
    assert_true(e instanceof MessageEvent, "a MessageEvent");
    assert_equals(e.type, "message");
    assert_true(e.isTrusted, "fired by the user agent");
    assert_false(e.bubbles);
    assert_false(e.cancelable);
    assert_equals(e.target, receiver);
    assert_equals(e.currentTarget, receiver);
    assert_not_equals(e.data, sent, "a copy, not the object sent");
    assert_array_equals(e.data.nested.list, [1, 2, 3]);
    assert_true(e.data.when instanceof Date);
    assert_equals(e.data.map.get("k"), "v");
    assert_equals(typeof e.origin, "string");
    assert_equals(e.origin, "https://example.com", "the poster's origin (this host's one origin)");
    assert_equals(e.lastEventId, "");
    assert_equals(e.source, null, "no source for a broadcast");
    assert_true(Array.isArray(e.ports));
    assert_equals(e.ports.length, 0, "no ports for a broadcast");
    assert_true(Object.isFrozen(e.ports));
    receiver.close();
    poster.close();
  });
  poster.postMessage(sent);
}, "the event: a trusted MessageEvent with a copy of the data, the poster's origin, no source, no ports");

async_test((t) => {
  const poster = new BroadcastChannel("listeners");
  const receiver = new BroadcastChannel("listeners");
  const calls = [];
  const removed = t.unreached_func("a removed listener");
  receiver.addEventListener("message", () => calls.push("listener 1"));
  receiver.onmessage = () => calls.push("handler");
  receiver.addEventListener("message", removed);
  receiver.removeEventListener("message", removed);
  receiver.addEventListener("message", { handleEvent: () => calls.push("handleEvent") });
  receiver.addEventListener("message", t.step_func(() => {
    assert_array_equals(calls, ["listener 1", "handler", "handleEvent"],
      "listeners run in the order they were added, the handler in its place");
    const own = new MessageEvent("message", { data: "made by script" });
    let got = null;
    receiver.onmessage = (e) => { got = e; };
    assert_true(receiver.dispatchEvent(own));
    assert_equals(got, own, "dispatchEvent reaches the handler");
    assert_false(own.isTrusted);
    receiver.close();
    poster.close();
    t.done();
  }), { once: true });
  poster.postMessage("to every listener");
}, "addEventListener, removeEventListener, handleEvent objects and dispatchEvent");

async_test((t) => {
  const poster = new BroadcastChannel("shared memory");
  const receiver = new BroadcastChannel("shared memory");
  const memory = new SharedArrayBuffer(4);
  receiver.onmessageerror = t.unreached_func("one agent cluster: no messageerror");
  receiver.onmessage = t.step_func_done((e) => {
    assert_true(e.data instanceof SharedArrayBuffer);
    new Int32Array(e.data)[0] = 5;
    assert_equals(new Int32Array(memory)[0], 5, "the same memory");
    receiver.close();
    poster.close();
  });
  poster.postMessage(memory);
}, "a SharedArrayBuffer broadcast within one agent cluster shares its memory");

test(() => {
  const a = new BroadcastChannel("no listener");
  const b = new BroadcastChannel("no listener");
  a.postMessage("nobody listens");
  a.close();
  b.close();
}, "posting with nobody listening is fine (and the run still ends)");

async_test((t) => {
  const poster = new BroadcastChannel("reentrant");
  const receiver = new BroadcastChannel("reentrant");
  let madeDuring = null;
  const got = [];
  const finish = t.step_func(() => {
    if (got.length < 4) return;
    assert_array_equals(got, [
      "receiver:nested", "made during:nested",
      "receiver:outer", "made during:outer",
    ], "the nested post is queued first; each reaches both, the older channel first");
    // (node 20 delivers each channel's messages from a queue of its own:
    // receiver:nested, receiver:outer, made during:nested, made during:outer.
    // The standard queues every delivery task on one task source, the DOM
    // manipulation task source, so they run in the order they were queued.)
    assert_throws_dom("InvalidStateError", () => poster.postMessage("closed by the getter"));
    receiver.close();
    madeDuring.close();
    t.done();
  });
  receiver.onmessage = (e) => { got.push(`receiver:${e.data.text}`); finish(); };
  const message = {
    get text() {
      // During StructuredSerialize (step 3): a new channel of the name is
      // made before the destinations are gathered (step 6), and the poster
      // is closed, which does not stop the post already past step 2.
      madeDuring = new BroadcastChannel("reentrant");
      madeDuring.onmessage = (e) => { got.push(`made during:${e.data.text}`); finish(); };
      poster.postMessage({ text: "nested" });
      poster.close();
      return "outer";
    },
  };
  poster.postMessage(message);
}, "a getter run by the serialization may make channels, post, and close the poster");
