// A worker that keeps the port its parent sends it and, on the order
// "send", collects (gc(), which workers inherit from --expose-gc), then
// posts "from the worker" through that port and "sent" to its parent
// (through the implicit port, which a collection must not take).
let port = null;
onmessage = (e) => {
  if (e.ports.length > 0) {
    port = e.ports[0];
  } else if (e.data === "send") {
    gc();
    port.postMessage("from the worker");
    postMessage("sent");
  }
};
