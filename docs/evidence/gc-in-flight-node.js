// node --expose-gc docs/evidence/gc-in-flight-node.js
// p listens and script drops it; q is posted to a worker that has not even
// started yet, and a full collection runs at once, while q is in flight;
// then the worker answers through q. Does p hear it?
"use strict";
const { Worker, MessageChannel } = require("worker_threads");
const worker = new Worker(
  `const { parentPort } = require("worker_threads");
   parentPort.once("message", ({ q }) => {
     q.postMessage("answer through q");
     q.close();
     parentPort.close();
   });`,
  { eval: true },
);
{
  const { port1: p, port2: q } = new MessageChannel();
  p.onmessage = (e) => {
    console.log(`node ${process.version}: p received ${JSON.stringify(e.data)} after gc ran while q was in flight`);
    p.close();
    worker.terminate();
  };
  worker.postMessage({ q }, [q]);
  // Script lets go of p here: only its listener is left.
}
global.gc();
setTimeout(() => {
  console.log("p received nothing");
  process.exit(1);
}, 3000).unref();
