// Worker script of ping-pong.plain.js: answers every ping on the port it
// is given, and tells its parent when the port closes.
onmessage = (e) => {
  const [port] = e.ports;
  port.onmessage = (m) => port.postMessage(m.data.replace("ping", "pong"));
  port.onclose = () => postMessage("my port was closed");
};
