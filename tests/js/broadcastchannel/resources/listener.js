// A worker that takes part in broadcasts on its parent's orders:
//   { listen: name }        opens a channel of that name, reports every
//                           event it gets there, and answers "listening";
//   { post: name, data }    opens a channel of that name, posts `data` on
//                           it, closes it, and answers "posted";
//   { close: name }         closes the channels it listens on with that
//                           name, and answers "closed";
//   { closeSelfThenPost: name }
//                           calls the worker's own close(), then opens a
//                           channel of that name and posts on it (no
//                           longer eligible for messaging: nothing goes
//                           out, nothing is thrown), and answers "closed
//                           itself".
// Each report is { name, type, data, origin, source, ports } sent to the
// parent with postMessage.
const listening = [];

function report(name, e) {
  postMessage({
    name,
    type: e.type,
    data: e.type === "message" ? e.data : null,
    origin: e.origin,
    sourceIsNull: e.source === null,
    ports: e.ports.length,
    trusted: e.isTrusted,
    targetIsChannel: e.target instanceof BroadcastChannel,
  });
}

onmessage = (e) => {
  const order = e.data;
  if (order.listen !== undefined) {
    const channel = new BroadcastChannel(order.listen);
    channel.onmessage = (m) => report(order.listen, m);
    channel.onmessageerror = (m) => report(order.listen, m);
    listening.push(channel);
    postMessage("listening");
  } else if (order.post !== undefined) {
    const channel = new BroadcastChannel(order.post);
    channel.postMessage(order.data);
    channel.close();
    postMessage("posted");
  } else if (order.closeSelfThenPost !== undefined) {
    close();
    const channel = new BroadcastChannel(order.closeSelfThenPost);
    channel.postMessage("after the worker closed");
    for (const open of listening) open.postMessage("from an older channel, after close");
    postMessage("closed itself");
  } else if (order.close !== undefined) {
    for (const channel of listening) {
      if (channel.name === order.close) channel.close();
    }
    postMessage("closed");
  }
};
