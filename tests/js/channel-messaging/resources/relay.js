// Holds one end of a channel. As "ping" it sends "ping" through it and
// tells its parent the answer; as "pong" it answers every message. Given
// both ends at once, it talks to itself across the channel.
onmessage = (e) => {
  if (e.data === "both ends") {
    const [a, b] = e.ports;
    b.onmessage = (m) => b.postMessage(`${m.data} pong`);
    a.onmessage = (m) => postMessage(`got back ${m.data}`);
    a.postMessage("ping");
    return;
  }
  const [port] = e.ports;
  if (e.data === "ping") {
    port.onmessage = (m) => postMessage(`pinger got ${m.data}`);
    port.postMessage("ping");
  } else {
    port.onmessage = (m) => port.postMessage(`${m.data} pong`);
  }
};
