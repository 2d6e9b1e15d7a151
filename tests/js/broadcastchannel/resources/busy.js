// A worker that is still running a script when its parent terminates it
// (this host cannot interrupt a running script: the worker stops at its
// next turn). On { name, flags } (an Int32Array over a SharedArrayBuffer)
// it opens a listening channel of that name, tells its parent "busy", and
// waits in the same task until the parent sets flags[0]. Then, terminated
// by now, it posts on that channel and on one it opens afterwards, and
// sets flags[1] once both posts are done.
onmessage = (e) => {
  const { name, flags } = e.data;
  const channel = new BroadcastChannel(name);
  channel.onmessage = () => {};
  postMessage("busy");
  // (Atomics.wait is refused here: this host's agents cannot block.)
  while (Atomics.load(flags, 0) === 0) {}
  channel.postMessage("from the old channel of a terminated worker");
  new BroadcastChannel(name).postMessage("from a new channel of a terminated worker");
  Atomics.store(flags, 1, 1);
};
