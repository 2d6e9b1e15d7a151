// messageerror: a message whose deserialization fails in the receiving
// realm. A SharedArrayBuffer cannot be deserialized outside the agent
// cluster it was serialized in; this host's `new Worker(path, {
// agentCluster: "separate" })` puts the worker in another cluster (as a
// browser does for a shared or service worker), so the failure is real.

async_test((t) => {
  const worker = new Worker("resources/echo.js", { agentCluster: "separate" });
  worker.onmessage = t.step_func_done((e) => {
    assert_true(e.data.messageerror, "the worker got messageerror, not message");
    assert_equals(e.data.data, null, "its data is null");
    assert_equals(e.data.ports, 0);
  });
  worker.postMessage(new SharedArrayBuffer(4));
}, "messageerror at the worker's global scope");

async_test((t) => {
  const worker = new Worker("resources/echo.js", { agentCluster: "separate" });
  worker.onmessage = t.unreached_func("the buffer cannot be deserialized here");
  worker.onmessageerror = t.step_func_done((e) => {
    assert_true(e instanceof MessageEvent);
    assert_equals(e.type, "messageerror");
    assert_equals(e.data, null);
    assert_equals(e.target, worker);
  });
  worker.postMessage("send a SharedArrayBuffer");
}, "messageerror at the Worker object");

async_test((t) => {
  const worker = new Worker("resources/echo.js", { agentCluster: "separate" });
  const { port1, port2 } = new MessageChannel();
  worker.postMessage("answer through the port", [port2]);
  const seen = [];
  port1.onmessage = t.step_func((e) => {
    seen.push(e.data);
    if (seen.length === 2) {
      assert_array_equals(seen, ["messageerror at the port, data null", "echo still works"],
        "the failed message is a messageerror, and the port goes on");
      t.done();
    }
  });
  port1.postMessage(new SharedArrayBuffer(1));
  port1.postMessage("still works");
}, "messageerror at a port in another agent cluster, and later messages still arrive");

async_test((t) => {
  const worker = new Worker("resources/echo.js");
  worker.onmessageerror = t.unreached_func("same cluster: no messageerror");
  worker.onmessage = t.step_func_done((e) => {
    assert_true(e.data instanceof SharedArrayBuffer, "within one agent cluster the buffer arrives");
  });
  worker.postMessage("send a SharedArrayBuffer");
}, "within one agent cluster a SharedArrayBuffer is no messageerror");
