// A worker that answers its parent: it echoes each message (with the
// ports it carried), says when a message could not be deserialized, sends
// a SharedArrayBuffer when asked, and answers through any port it is given.
onmessage = (e) => {
  if (e.data === "send a SharedArrayBuffer") {
    postMessage(new SharedArrayBuffer(4));
    return;
  }
  if (e.data === "answer through the port") {
    const [port] = e.ports;
    port.onmessage = (m) => port.postMessage(`echo ${m.data}`);
    port.onmessageerror = (m) => port.postMessage(`messageerror at the port, data ${m.data}`);
    return;
  }
  postMessage(e.data, e.ports);
};
onmessageerror = (e) => postMessage({ messageerror: true, data: e.data, ports: e.ports.length });
