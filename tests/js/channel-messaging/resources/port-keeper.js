// Receives a port, reads `take` messages from it, then sends the port back
// to its parent with what it read.
onmessage = (e) => {
  const { take } = e.data;
  const [port] = e.ports;
  const seen = [];
  port.onmessage = (m) => {
    seen.push(m.data);
    if (seen.length === take) {
      postMessage({ seen }, [port]);
    }
  };
};
