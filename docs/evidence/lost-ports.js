// Measures what an engine does with MessagePorts whose message is never
// delivered, with `close` and queued messages, and with garbage collection
// while a port is in flight. Runs unchanged in node (lost-ports-node.mjs)
// and in a browser page (lost-ports.html). Each case prints one line:
// its name, then what was observed.
// Used by docs/shipping-ports.md; not part of the build or the tests.
"use strict";

function measureLostPorts(report, done) {
  const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  const tryPost = (port, data, transfer) => {
    try {
      port.postMessage(data, transfer);
      return "ok";
    } catch (e) {
      return `threw ${e.name}`;
    }
  };
  // A fresh channel whose ends record the events they get.
  const watched = (name, events) => {
    const ch = new MessageChannel();
    for (const [label, port] of [[`${name}.port1`, ch.port1], [`${name}.port2`, ch.port2]]) {
      port.addEventListener("message", (e) => events.push(`${label} message ${JSON.stringify(e.data)}`));
      port.addEventListener("close", () => events.push(`${label} close`));
    }
    return ch;
  };
  // After `ch.port1` was lost inside a message that is never delivered: does
  // its partner hear `close`, and does a post from the partner reach the
  // detached original?
  const afterLoss = async (name, ch, events) => {
    await wait(100);
    ch.port2.postMessage(`to the lost ${name}.port1`);
    await wait(100);
    const again = tryPost(new MessageChannel().port1, null, [ch.port1]);
    return `${events.join("; ") || "no events"}; transfer the lost port again: ${again}`;
  };

  const cases = [
    ["doomed post (target port in its own transfer list), with a second port r", async () => {
      const events = [];
      const ch = watched("ch", events);
      ch.port1.start();
      const r = watched("r", events);
      r.port1.start();
      r.port2.start();
      const outcome = tryPost(ch.port1, "doomed", [ch.port2, r.port1]);
      await wait(100);
      ch.port1.postMessage("after doom");
      return `post: ${outcome}; ${await afterLoss("r", r, events)}`;
    }],
    ["post with no target port (partner closed), carrying port r", async () => {
      const events = [];
      const ch = watched("ch", events);
      ch.port2.close();
      await wait(50);
      const r = watched("r", events);
      r.port1.start();
      r.port2.start();
      const outcome = tryPost(ch.port1, "nowhere", [r.port1]);
      return `post: ${outcome}; ${await afterLoss("r", r, events)}`;
    }],
    ["transfer list throws after port r was transferred (then a closed port)", async () => {
      const events = [];
      const ch = watched("ch", events);
      ch.port2.start();
      const r = watched("r", events);
      r.port1.start();
      r.port2.start();
      const closed = new MessageChannel().port1;
      closed.close();
      const outcome = tryPost(ch.port1, "throws", [r.port1, closed]);
      return `post: ${outcome}; ${await afterLoss("r", r, events)}`;
    }],
    ["transfer list throws after port r was transferred (then a detached buffer)", async () => {
      const events = [];
      const ch = watched("ch", events);
      ch.port2.start();
      const r = watched("r", events);
      r.port1.start();
      r.port2.start();
      const buffer = new ArrayBuffer(4);
      structuredClone(buffer, { transfer: [buffer] });
      const outcome = tryPost(ch.port1, "throws", [r.port1, buffer]);
      return `post: ${outcome}; ${await afterLoss("r", r, events)}`;
    }],
    ["close with a message queued at a port never started, started later", async () => {
      // Only a `close` listener: in node a `message` listener starts the port.
      const events = [];
      const ch = new MessageChannel();
      ch.port2.addEventListener("close", () => events.push("ch.port2 close"));
      ch.port1.postMessage("queued before close");
      ch.port1.close();
      await wait(100);
      events.push("(port2.onmessage set: the queue starts)");
      ch.port2.onmessage = (e) => events.push(`ch.port2 message ${JSON.stringify(e.data)}`);
      await wait(100);
      return events.join("; ");
    }],
    ["close at a port never started, nothing queued", async () => {
      const events = [];
      const ch = new MessageChannel();
      ch.port2.addEventListener("close", () => events.push("ch.port2 close"));
      ch.port1.close();
      await wait(100);
      events.push("(port2.start())");
      ch.port2.start();
      await wait(100);
      return events.join("; ");
    }],
    ["close with a message queued at a started port", async () => {
      const events = [];
      const ch = new MessageChannel();
      ch.port2.addEventListener("close", () => events.push("ch.port2 close"));
      ch.port2.onmessage = (e) => events.push(`ch.port2 message ${JSON.stringify(e.data)}`);
      ch.port1.postMessage("queued before close");
      ch.port1.close();
      await wait(100);
      return events.join("; ");
    }],
  ];

  (async () => {
    for (const [name, run] of cases) {
      try {
        report(`${name}: ${await run()}`);
      } catch (e) {
        report(`${name}: the measurement failed: ${e}`);
      }
    }
    done();
  })();
}

if (typeof module !== "undefined") module.exports = { measureLostPorts };
