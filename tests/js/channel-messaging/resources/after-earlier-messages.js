// after_earlier_messages(t, then): runs `then` (as a step of test `t`) once
// every message posted before the call in this agent has had its chance to
// be delivered. Tasks run oldest first, so once a message posted later
// through a started channel arrives, an earlier message to an enabled
// queue would have arrived before it: a way to check that something was
// NOT delivered without waiting on a clock. The test files load it first.
function after_earlier_messages(t, then) {
  const marker = new MessageChannel();
  marker.port2.onmessage = t.step_func(() => then());
  marker.port1.postMessage("marker");
}
