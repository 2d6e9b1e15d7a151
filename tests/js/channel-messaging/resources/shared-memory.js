// Writes into the SharedArrayBuffer it is sent, from its own thread.
onmessage = (e) => {
  const cells = new Int32Array(e.data);
  Atomics.store(cells, 0, 42);
  Atomics.add(cells, 1, 1);
  postMessage("stored");
};
