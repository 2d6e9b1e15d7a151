// Worker script of chat.plain.js: answers the first broadcast on "chat",
// then closes its channel.
const channel = new BroadcastChannel("chat");
channel.onmessage = (e) => {
  console.log(`worker got: ${e.data}`);
  channel.postMessage("bye from the worker");
  channel.close();
};
postMessage("listening");
