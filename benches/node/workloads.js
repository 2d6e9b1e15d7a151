// The workloads of `cargo bench --bench compare`, node side.
//
//   node benches/node/workloads.js NAME REPS
//
// Builds the same inputs as benches/compare/workloads.rs (not timed), times
// the same operation REPS times, and prints one line:
//   result seconds=MEDIAN rss_kib=PEAK        or   result error=WHY
// Messaging runs a MessageChannel between the main thread and a
// worker_thread.
'use strict';

const { Worker, isMainThread, parentPort } = require('node:worker_threads');

const MIB = 1024 * 1024;

function objects(n) {
  const a = new Array(n);
  for (let i = 0; i < n; i++) a[i] = { a: i, b: 'x' + i };
  return a;
}

function numbers(n) {
  const a = new Array(n);
  for (let i = 0; i < n; i++) a[i] = i;
  return a;
}

function buffer(n) {
  return new Uint8Array(n).fill(7).buffer;
}

function nested(depth) {
  let v = [];
  for (let d = 0; d < depth; d++) v = [v];
  return v;
}

// Each rep builds its input afresh (as the Rust side does) and times one call.
function cloneTimed(make, transfer) {
  let input = make();
  const options = transfer ? { transfer: [input] } : undefined;
  const start = process.hrtime.bigint();
  let copy = structuredClone(input, options);
  const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  input = copy = undefined;
  return elapsed;
}

const clones = {
  'objects-10k': () => cloneTimed(() => objects(10_000)),
  'objects-100k': () => cloneTimed(() => objects(100_000)),
  'objects-1m': () => cloneTimed(() => objects(1_000_000)),
  'numbers-1m': () => cloneTimed(() => numbers(1_000_000)),
  'buffer-copy-1mib': () => cloneTimed(() => buffer(MIB)),
  'buffer-copy-16mib': () => cloneTimed(() => buffer(16 * MIB)),
  'buffer-copy-64mib': () => cloneTimed(() => buffer(64 * MIB)),
  'buffer-transfer-1mib': () => cloneTimed(() => buffer(MIB), true),
  'buffer-transfer-16mib': () => cloneTimed(() => buffer(16 * MIB), true),
  'buffer-transfer-64mib': () => cloneTimed(() => buffer(64 * MIB), true),
  'nested-3000': () => cloneTimed(() => nested(3_000)),
  'nested-1m': () => cloneTimed(() => nested(1_000_000)),
};

// Messaging: the worker holds port2 and either counts (one way) or echoes.
const messages = {
  'messages-numbers-200k': { n: 200_000, mode: 'count', make: (i) => i },
  'messages-objects-200k': { n: 200_000, mode: 'count', make: (i) => ({ a: i, b: 'x' + i }) },
  'round-trips-20k': { n: 20_000, mode: 'echo', make: (i) => i },
  'flat-memory-objects-10m': { n: 10_000_000, mode: 'count', make: (i) => ({ a: i, b: 'x' + i }) },
};

function worker() {
  parentPort.once('message', ({ port, mode, n }) => {
    let received = 0;
    port.on('message', (data) => {
      if (mode === 'echo') {
        port.postMessage(data);
      } else if (++received === n) {
        port.postMessage('done');
        received = 0;
      }
    });
    parentPort.postMessage('ready');
  });
}

function once(port) {
  return new Promise((resolve) => port.once('message', resolve));
}

async function messagingTimed(spec, reps) {
  const { n, mode, make } = spec;
  const w = new Worker(__filename);
  const { port1, port2 } = new MessageChannel();
  w.postMessage({ port: port2, mode, n }, [port2]);
  await once(w);
  const times = [];
  for (let r = 0; r < reps; r++) {
    let start;
    if (mode === 'count') {
      const done = once(port1);
      start = process.hrtime.bigint();
      for (let i = 0; i < n; i++) port1.postMessage(make(i));
      await done;
    } else {
      await new Promise((resolve) => {
        let received = 0;
        const onMessage = () => {
          if (++received === n) {
            port1.off('message', onMessage);
            resolve();
          } else {
            port1.postMessage(make(received));
          }
        };
        port1.on('message', onMessage);
        start = process.hrtime.bigint();
        port1.postMessage(make(0));
      });
    }
    times.push(Number(process.hrtime.bigint() - start) / 1e9);
  }
  port1.close();
  await w.terminate();
  return times;
}

function report(times) {
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  console.log(`result seconds=${median.toFixed(9)} rss_kib=${process.resourceUsage().maxRSS}`);
}

async function main() {
  const [name, repsText] = process.argv.slice(2);
  const reps = Math.max(1, Number(repsText) || 1);
  try {
    if (clones[name]) {
      const times = [];
      for (let r = 0; r < reps; r++) times.push(clones[name]());
      report(times);
    } else if (messages[name]) {
      report(await messagingTimed(messages[name], reps));
    } else {
      console.log(`result error=no workload ${name}`);
    }
  } catch (e) {
    console.log(`result error=${String(e && e.message ? `${e.name}: ${e.message}` : e).replace(/\n/g, ' ')}`);
  }
}

if (isMainThread) {
  main();
} else {
  worker();
}
