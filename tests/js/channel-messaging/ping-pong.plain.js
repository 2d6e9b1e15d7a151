// The example of the top-level README: a port shipped to a worker (its own
// thread, its own event loop) while messages are already on their way to
// it, and the worker's answers coming back through it.
const worker = new Worker("resources/ponger.js");
const { port1, port2 } = new MessageChannel();

port1.postMessage("ping 1"); // queued at port2, which is still here
worker.postMessage("take this port", [port2]);
port1.postMessage("ping 2"); // port2 is in flight: this waits for it

let answers = 0;
port1.onmessage = (e) => {
  console.log("main got:", e.data);
  if (++answers === 2) port1.close(); // the worker's port gets `close`
};
worker.onmessage = (e) => console.log("worker says:", e.data);
