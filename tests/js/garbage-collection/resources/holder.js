// A worker that keeps the port its parent sends it and, on the order
// "send", posts "from the worker" through that port.
let port = null;
onmessage = (e) => {
  if (e.ports.length > 0) port = e.ports[0];
  else if (e.data === "send") port.postMessage("from the worker");
};
