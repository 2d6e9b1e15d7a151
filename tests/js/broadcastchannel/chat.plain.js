// Two agents on one channel name: the main script and a worker, each on
// its own thread with its own event loop. The main script posts once the
// worker listens; the worker answers on the channel and closes its end.
// (The main script's channels are made before the worker's, so a post
// queues their tasks first: the output is the same on every run.)
const channel = new BroadcastChannel("chat");
const other = new BroadcastChannel("chat"); // same agent, same name: it receives too
const worker = new Worker("resources/chatter.js");
const otherGot = [];

other.onmessage = (e) => otherGot.push(e.data);
channel.onmessage = (e) => {
  console.log(`main got: ${e.data} (origin ${e.origin})`);
  console.log(`main's other channel got: ${otherGot.join(", ")}`);
  channel.close();
  other.close();
};
worker.onmessage = () => channel.postMessage("hello from main"); // the worker listens
