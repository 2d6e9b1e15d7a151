// What the collector may take and what it must leave, seen from script:
// gc() (this host's --expose-gc) collects now, and a WeakRef tells whether
// an object is gone. A WeakRef keeps its target until the end of the task
// that made it, so each check collects in a later task (`later_gc`).
// Objects are made inside helper functions, so that no variable of the
// test itself still refers to them.

// Resolves in a later task, after a collection there.
function later_gc() {
  return new Promise((resolve) => setTimeout(() => { gc(); resolve(); }, 0));
}

// A new channel: [WeakRef to port1, WeakRef to port2], after `setup`
// (given the two ports) ran.
function dropped_channel(setup) {
  const channel = new MessageChannel();
  setup(channel.port1, channel.port2);
  return [new WeakRef(channel.port1), new WeakRef(channel.port2)];
}

promise_test(async () => {
  const [weak1, weak2] = dropped_channel(() => {});
  await later_gc();
  assert_equals(weak1.deref(), undefined, "port1");
  assert_equals(weak2.deref(), undefined, "port2");
}, "an entangled pair nobody refers to is collected");

promise_test(async () => {
  let survivor;
  const [weak1] = dropped_channel((port1, port2) => { survivor = port2; });
  const closed = new Promise((resolve) => { survivor.onclose = resolve; });
  await later_gc();
  assert_equals(weak1.deref(), undefined, "port1 is gone");
  const event = await closed;
  assert_equals(event.type, "close");
  assert_equals(event.target, survivor);
}, "collecting a port disentangles it: its partner gets close");

promise_test(async () => {
  let sender;
  const received = new Promise((resolve) => {
    dropped_channel((port1, port2) => {
      sender = port1;
      port2.onmessage = (e) => resolve(e.data);
    });
  });
  await later_gc();
  sender.postMessage("after the collection");
  assert_equals(await received, "after the collection");
}, "a listening port is held by its entangled partner, which script holds");

promise_test(async () => {
  let weak;
  const received = new Promise((resolve) => {
    [, weak] = dropped_channel((port1, port2) => {
      port2.addEventListener("message", (e) => resolve(e.data));
      port2.start();
      port1.postMessage("queued before the collection");
    });
  });
  // In this very task: the message waits in an enabled queue.
  gc();
  assert_equals(await received, "queued before the collection");
  await later_gc();
  assert_equals(weak.deref(), undefined, "delivered, port2 may go");
}, "a port whose enabled queue holds a message is kept until it is delivered");

promise_test(async () => {
  const [weak1, weak2] = dropped_channel((port1, port2) => {
    port1.onmessage = () => {};
    port2.onmessage = () => {};
  });
  await later_gc();
  assert_equals(weak1.deref(), undefined, "port1");
  assert_equals(weak2.deref(), undefined, "port2");
}, "two listening ports that only hold each other are collected together");

promise_test(async () => {
  const [, weak2] = dropped_channel((port1, port2) => {
    port2.addEventListener("message", () => {});
    port1.postMessage("never read");
  });
  await later_gc();
  assert_equals(weak2.deref(), undefined);
}, "a message waiting in a queue never started keeps nothing alive");

promise_test(async () => {
  const received = new Promise((resolve) => {
    const listener = new BroadcastChannel("gc: listened");
    listener.onmessage = (e) => resolve(e.data);
  });
  await later_gc();
  const poster = new BroadcastChannel("gc: listened");
  poster.postMessage("still heard");
  assert_equals(await received, "still heard");
  poster.close();
}, "an open BroadcastChannel with a message listener is kept though script dropped it");

promise_test(async () => {
  const weak = [
    new WeakRef(new BroadcastChannel("gc: unlistened")),
    (() => {
      const closed = new BroadcastChannel("gc: closed");
      closed.onmessage = () => {};
      closed.close();
      return new WeakRef(closed);
    })(),
  ];
  await later_gc();
  assert_equals(weak[0].deref(), undefined, "no listener");
  assert_equals(weak[1].deref(), undefined, "closed");
}, "a BroadcastChannel script dropped, with no listener or closed, is collected");

promise_test(async () => {
  let sender;
  let arrived;
  const shipped = new Promise((resolve) => { arrived = resolve; });
  const received = new Promise((resolve) => {
    const carrier = new MessageChannel();
    const inner = new MessageChannel();
    sender = inner.port1;
    carrier.port2.onmessage = (e) => {
      e.ports[0].onmessage = (m) => resolve(m.data);
      arrived();
    };
    carrier.port1.postMessage("a port", [inner.port2]);
  });
  await shipped;
  await later_gc();
  sender.postMessage("to the received port");
  assert_equals(await received, "to the received port");
}, "a received port that listens is kept while its partner is held");

promise_test(async () => {
  const worker = new Worker("resources/holder.js");
  const received = new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = (e) => resolve(e.data);
    worker.postMessage(null, [channel.port2]);
  });
  // port1 is held by its partner, which lives in the worker's agent: a
  // collection here cannot see whether the worker still reaches it.
  await later_gc();
  const sent = new Promise((resolve) => { worker.onmessage = (e) => resolve(e.data); });
  worker.postMessage("send");
  assert_equals(await received, "from the worker");
  assert_equals(await sent, "sent");
  worker.terminate();
}, "a listening port whose partner is in a worker is kept, and so are the worker's ports");

test(() => {
  const weak = new WeakRef(new MessageChannel().port1);
  gc();
  assert_not_equals(weak.deref(), undefined);
}, "gc() inside a job leaves the target of a WeakRef made in that job (ECMAScript's kept objects)");
