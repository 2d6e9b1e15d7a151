// Workers: each runs its script in its own agent, on its own thread, with
// its own event loop. Ports shipped to a worker and back really move
// between event loops, and messages keep their order on the way.

async_test((t) => {
  const worker = new Worker("resources/echo.js");
  worker.onmessage = t.step_func_done((e) => {
    assert_true(e instanceof MessageEvent);
    assert_equals(e.target, worker);
    assert_equals(e.data.text, "hello");
    assert_array_equals(e.data.list, [1, 2, 3]);
  });
  worker.postMessage({ text: "hello", list: [1, 2, 3] });
}, "a worker receives and answers a message");

async_test((t) => {
  const worker = new Worker("resources/port-keeper.js");
  const { port1, port2 } = new MessageChannel();
  worker.postMessage({ take: 3 }, [port2]);
  for (let i = 0; i < 10; i++) port1.postMessage(i);
  worker.onmessage = t.step_func((e) => {
    assert_array_equals(e.data.seen, [0, 1, 2], "the worker read the first three");
    assert_equals(e.ports.length, 1, "and sent the port back");
    const rest = [];
    e.ports[0].onmessage = t.step_func((m) => {
      rest.push(m.data);
      if (rest.length === 9) {
        assert_array_equals(rest, [3, 4, 5, 6, 7, 8, 9, 10, 11],
          "what the worker left, then what was sent while the port came back");
        t.done();
      }
    });
    port1.postMessage(10);
    port1.postMessage(11);
  });
}, "a port shipped to a worker and back while messages flow keeps every message, in order");

async_test((t) => {
  const pinger = new Worker("resources/relay.js");
  const ponger = new Worker("resources/relay.js");
  const { port1, port2 } = new MessageChannel();
  ponger.postMessage("pong", [port2]);
  pinger.postMessage("ping", [port1]);
  pinger.onmessage = t.step_func_done((e) => {
    assert_equals(e.data, "pinger got ping pong", "the two workers talked directly");
  });
}, "both ends shipped, to two workers");

async_test((t) => {
  const worker = new Worker("resources/relay.js");
  const { port1, port2 } = new MessageChannel();
  worker.postMessage("both ends", [port1, port2]);
  worker.onmessage = t.step_func_done((e) => {
    assert_equals(e.data, "got back ping pong");
  });
}, "both ends shipped to the same worker");

async_test((t) => {
  const worker = new Worker("resources/echo.js");
  const { port1, port2 } = new MessageChannel();
  worker.postMessage("answer through the port", [port2]);
  port1.onmessage = t.step_func_done((e) => {
    assert_equals(e.data, "echo across threads");
  });
  port1.postMessage("across threads");
}, "a port answers from the worker's thread");

async_test((t) => {
  const worker = new Worker("resources/shared-memory.js");
  const memory = new SharedArrayBuffer(8);
  const cells = new Int32Array(memory);
  Atomics.store(cells, 1, 7);
  worker.onmessage = t.step_func_done(() => {
    assert_equals(Atomics.load(cells, 0), 42, "the worker's store is seen here");
    assert_equals(Atomics.load(cells, 1), 8, "one memory, two threads");
  });
  worker.postMessage(memory);
}, "a SharedArrayBuffer sent to a worker of the same agent cluster shares its memory");

test(() => {
  const worker = new Worker("resources/echo.js");
  assert_throws_dom("DataCloneError", () => worker.postMessage(Symbol("s")));
  const { port1 } = new MessageChannel();
  assert_throws_dom("DataCloneError", () => worker.postMessage(null, [port1, port1]));
  assert_throws_js(TypeError, () => worker.postMessage(null, 3));
  worker.terminate();
}, "worker.postMessage throws as port.postMessage does");

async_test((t) => {
  const worker = new Worker("resources/throws.js");
  worker.onerror = t.step_func_done((e) => {
    assert_true(e instanceof ErrorEvent, "an ErrorEvent at the Worker object");
    assert_true(e.message.includes("the worker script failed"), e.message);
    assert_true(e.filename.endsWith("throws.js"), e.filename);
    assert_equals(e.lineno, 3);
    e.preventDefault();
  });
}, "an exception the worker does not handle is an error event at the Worker");

async_test((t) => {
  const worker = new Worker("resources/no-such-script.js");
  worker.addEventListener("error", t.step_func_done((e) => {
    assert_equals(e.type, "error");
    assert_false(e instanceof ErrorEvent, "a load failure is a simple event");
  }));
}, "a worker script that cannot be loaded fires error at the Worker");

test(() => {
  assert_throws_js(TypeError, () => Worker("resources/echo.js"), "'new' is required");
  assert_throws_dom("NotSupportedError", () => new Worker("resources/echo.js", { type: "module" }));
  assert_throws_js(TypeError, () => new Worker("resources/echo.js", { agentCluster: "other" }));
}, "the Worker constructor's arguments");

async_test((t) => {
  const worker = new Worker("resources/echo.js");
  worker.onmessage = t.step_func((e) => {
    assert_equals(e.data, "before");
    worker.terminate();
    worker.postMessage("after terminate");
    worker.terminate();
    t.done();
  });
  worker.postMessage("before");
}, "terminate() stops a worker; posting to it afterwards does not throw");

async_test((t) => {
  const worker = new Worker("resources/echo.js");
  worker.onmessage = t.step_func_done((e) => {
    assert_true(e.data instanceof DOMException, "a DOMException of this realm, back from the worker's");
    assert_equals(e.data.name, "NotFoundError");
    assert_equals(e.data.message, "there and back");
    assert_equals(e.data.code, 8);
  });
  worker.postMessage(new DOMException("there and back", "NotFoundError"));
}, "a DOMException (serializable) goes to a worker and back");

async_test((t) => {
  const worker = new Worker("resources/handles-own-error.js");
  worker.onerror = t.unreached_func("the worker handled the exception itself");
  worker.onmessage = t.step_func_done((e) => {
    assert_equals(e.data.message, "Uncaught TypeError: handled in the worker");
    assert_equals(e.data.source, "handles-own-error.js");
    assert_equals(e.data.line, 8);
    assert_true(e.data.isError, "the fifth argument is the thrown error");
  });
}, "a worker's onerror gets (message, source, line, column, error) and can handle the exception");
