// Broadcasts between the main agent and Workers, each agent on its own
// thread with its own event loop: channels of the same name see each
// other across agents (here: one origin, one storage key), in both
// directions, and a SharedArrayBuffer sent to a worker in another agent
// cluster is a messageerror there.

// Starts a worker of resources/listener.js and resolves once it listens on
// `name`; the worker's reports then go to `onreport`.
function listening_worker(t, name, options, onreport) {
  return new Promise((resolve) => {
    const worker = new Worker("resources/listener.js", options);
    worker.onmessage = t.step_func((e) => {
      // Strings answer orders; objects report events.
      if (e.data === "listening") resolve(worker);
      else if (typeof e.data !== "string") onreport(e.data, worker);
    });
    worker.postMessage({ listen: name });
  });
}

promise_test((t) => new Promise((resolve) => {
  const name = "to a worker";
  const main = new BroadcastChannel(name);
  listening_worker(t, name, undefined, (report, worker) => {
    assert_equals(report.name, name);
    assert_equals(report.type, "message");
    assert_equals(report.data.text, "hello, worker");
    assert_array_equals(report.data.list, [1, 2]);
    assert_equals(report.origin, "https://example.com", "the poster's origin");
    assert_true(report.sourceIsNull);
    assert_equals(report.ports, 0);
    assert_true(report.trusted);
    assert_true(report.targetIsChannel);
    main.close();
    worker.terminate();
    resolve();
  }).then((worker) => main.postMessage({ text: "hello, worker", list: [1, 2] }));
}), "a broadcast from the main agent reaches a channel in a worker");

async_test((t) => {
  const name = "from a worker";
  const main = new BroadcastChannel(name);
  const worker = new Worker("resources/listener.js");
  main.onmessage = t.step_func_done((e) => {
    assert_equals(e.data, "hello, main");
    assert_equals(e.origin, "https://example.com");
    assert_equals(e.source, null);
    assert_equals(e.target, main);
    main.close();
    worker.terminate();
  });
  worker.postMessage({ post: name, data: "hello, main" });
}, "a broadcast from a worker reaches a channel in the main agent");

promise_test(async (t) => {
  const name = "to two workers";
  const reports = [];
  const mainSaw = [];
  let allArrived;
  const done = new Promise((resolve) => { allArrived = resolve; });
  // The workers run on their own threads: a worker may get its message and
  // report back before the post has queued the task for the main agent's
  // other channel, so the test waits for the three deliveries in any order.
  const check = () => {
    if (reports.length === 2 && mainSaw.length === 1) allArrived();
  };
  const onreport = (report) => {
    reports.push(report.data);
    check();
  };
  const first = await listening_worker(t, name, undefined, onreport);
  const second = await listening_worker(t, name, undefined, onreport);
  const main = new BroadcastChannel(name);
  const sibling = new BroadcastChannel(name);
  sibling.onmessage = t.step_func((e) => {
    mainSaw.push(e.data);
    check();
  });
  main.postMessage("to everyone");
  await done;
  // Once more through each worker, so that a second delivery to any of the
  // channels would have shown by now.
  for (const worker of [first, second]) {
    await new Promise((resolve) => {
      worker.addEventListener("message", (e) => { if (e.data === "listening") resolve(); });
      worker.postMessage({ listen: "a name nobody posts on" });
    });
  }
  assert_array_equals(reports, ["to everyone", "to everyone"], "each worker's channel got it once");
  assert_array_equals(mainSaw, ["to everyone"], "and so did the other channel of the main agent");
  main.close();
  sibling.close();
  first.terminate();
  second.terminate();
}, "one broadcast reaches the channels of several workers and of the poster's own agent");

promise_test(async (t) => {
  const name = "closed in a worker";
  const reports = [];
  const worker = await listening_worker(t, name, undefined, (report) => reports.push(report.data));
  const closed = new Promise((resolve) => {
    worker.addEventListener("message", (e) => { if (e.data === "closed") resolve(); });
  });
  worker.postMessage({ close: name });
  await closed;
  const main = new BroadcastChannel(name);
  main.postMessage("after the worker closed its channel");
  // A message through the worker comes back only after the worker's event
  // loop ran everything queued for it before.
  const echoed = new Promise((resolve) => {
    worker.addEventListener("message", (e) => { if (e.data === "listening") resolve(); });
  });
  worker.postMessage({ listen: "something else" });
  await echoed;
  assert_array_equals(reports, [], "the worker's closed channel got nothing");
  main.close();
  worker.terminate();
}, "a channel a worker closed receives nothing from the main agent");

promise_test((t) => new Promise((resolve) => {
  const name = "across clusters";
  const main = new BroadcastChannel(name);
  listening_worker(t, name, { agentCluster: "separate" }, (report, worker) => {
    assert_equals(report.type, "messageerror", "the buffer cannot be deserialized there");
    assert_equals(report.data, null);
    assert_equals(report.origin, "https://example.com", "messageerror carries the origin too");
    assert_true(report.trusted);
    main.close();
    worker.terminate();
    resolve();
  }).then(() => main.postMessage(new SharedArrayBuffer(8)));
}), "a SharedArrayBuffer broadcast to a worker in another agent cluster is a messageerror there");

promise_test((t) => new Promise((resolve) => {
  const name = "within the cluster";
  const main = new BroadcastChannel(name);
  listening_worker(t, name, undefined, (report, worker) => {
    assert_equals(report.type, "message", "one agent cluster: the buffer arrives");
    assert_true(report.data instanceof SharedArrayBuffer, "the worker sends it back");
    main.close();
    worker.terminate();
    resolve();
  }).then(() => main.postMessage(new SharedArrayBuffer(8)));
}), "a SharedArrayBuffer broadcast to a worker of the same agent cluster is a message");

promise_test(async (t) => {
  const name = "after the worker closed";
  const worker = await listening_worker(t, name, undefined, t.unreached_func("a report"));
  const main = new BroadcastChannel(name);
  main.onmessage = t.unreached_func("a worker that closed itself is not eligible for messaging");
  await new Promise((resolve) => {
    worker.addEventListener("message", (e) => { if (e.data === "closed itself") resolve(); });
    worker.postMessage({ closeSelfThenPost: name });
  });
  // Tasks run oldest first: a broadcast the worker posted before its
  // answer would have been delivered here before the answer.
  main.close();
}, "after a worker's close(), its channels post nothing (and throw nothing)");
