// A terminated worker's global is no longer eligible for messaging from the
// moment terminate() is called, even while one of its scripts is still
// running: none of its BroadcastChannels, old or new, sends anything after
// that. (By the letter, terminating a worker sets its closing flag at once,
// and a global whose worker's closing flag is set is not eligible.)

// Waits, one task at a time, until `flags[index]` is set by the worker.
async function until_set(flags, index) {
  while (Atomics.load(flags, index) === 0) {
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

promise_test(async (t) => {
  const name = "terminated mid-task";
  const flags = new Int32Array(new SharedArrayBuffer(8));
  const heard = [];
  const main = new BroadcastChannel(name);
  main.onmessage = (e) => heard.push(e.data);
  const worker = new Worker("resources/busy.js");
  await new Promise((resolve) => {
    worker.onmessage = t.step_func((e) => {
      assert_equals(e.data, "busy");
      resolve();
    });
    worker.postMessage({ name, flags });
  });
  worker.terminate();
  // Nothing of the worker's may hear this, and nothing fails for it.
  main.postMessage("to a terminated worker");
  Atomics.store(flags, 0, 1);
  await until_set(flags, 1);
  // Both posts were made before flags[1] was set: a task they queued
  // here would run before this timer's.
  await new Promise((resolve) => setTimeout(resolve, 0));
  assert_array_equals(heard, [], "nothing from the terminated worker");
  main.close();
}, "a worker terminated while its script runs posts nothing on its BroadcastChannels");

promise_test(async (t) => {
  const name = "after a terminated worker";
  const a = new BroadcastChannel(name);
  const b = new BroadcastChannel(name);
  const worker = new Worker("resources/listener.js");
  await new Promise((resolve) => {
    worker.onmessage = (e) => { if (e.data === "listening") resolve(); };
    worker.postMessage({ listen: name });
  });
  worker.terminate();
  // The channels of this agent still talk to each other as before.
  const got = new Promise((resolve) => { b.onmessage = (e) => resolve(e.data); });
  a.postMessage("still delivered here");
  assert_equals(await got, "still delivered here");
  a.close();
  b.close();
}, "terminating a worker leaves the other agents' channels working");
