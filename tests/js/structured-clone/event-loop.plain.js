// The agent's event loop: a task runs to completion, then every microtask
// (queueMicrotask and promise reactions alike, in the order queued), then
// timers in due order, each a task of its own followed by its microtasks.
// The timers are armed shortest first, so that their due order does not
// depend on how long the script takes between two of them.

const order = [];
function check(condition, what) {
  if (!condition) {
    throw new Error(`check failed: ${what} (order so far: ${order.join(", ")})`);
  }
}

const cancelled = setTimeout(() => order.push("cancelled timeout ran"), 0);
clearTimeout(cancelled);
setTimeout(() => {
  order.push("timeout 0 a");
  queueMicrotask(() => order.push("microtask after timeout 0 a"));
}, 0);
setTimeout(() => order.push("timeout 0 b"), 0);
setTimeout(() => order.push("timeout 5"), 5);
setTimeout(() => {
  order.push("timeout 20");
  check(order.join(" ") === [
    "script end", "microtask 1", "promise 1", "microtask from promise",
    "timeout 0 a", "microtask after timeout 0 a", "timeout 0 b", "timeout 5", "timeout 20",
  ].join(" "), "the whole order");
  console.log("ok event loop order:", order.length, "steps");
}, 20);
queueMicrotask(() => order.push("microtask 1"));
Promise.resolve().then(() => {
  order.push("promise 1");
  queueMicrotask(() => order.push("microtask from promise"));
});
let ticks = 0;
const interval = setInterval(() => {
  ticks++;
  if (ticks === 3) {
    clearInterval(interval);
    console.log("ok interval ran", ticks, "times and stopped");
  }
  check(ticks <= 3, "a cleared interval stays cleared");
}, 1);
order.push("script end");
check(typeof cancelled === "number" && cancelled > 0, "timer ids are positive integers");
