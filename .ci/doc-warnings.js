// Reads `cargo doc --message-format=json` on stdin and fails on any rustdoc
// warning, except an unresolved link written as the standards' internal-slot
// notation `[[Name]]` (rustdoc reads the inner `[Name]` as a link). Every
// other broken link, e.g. a renamed item or a Web IDL `[Attribute]` that was
// not escaped as `\[Attribute]`, is reported with its place.
"use strict";
let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", () => {
  const reported = [];
  let slots = 0;
  for (const line of input.split("\n")) {
    if (!line.startsWith("{")) continue;
    let item;
    try {
      item = JSON.parse(line);
    } catch {
      continue;
    }
    if (item.reason !== "compiler-message") continue;
    const message = item.message;
    if (message.level !== "warning" && message.level !== "error") continue;
    if (message.spans.length === 0) {
      // The closing "N warnings generated" summary has no place.
      if (/warnings? (generated|emitted)/.test(message.message)) continue;
    }
    if (isSlotNotation(message)) {
      slots += 1;
      continue;
    }
    reported.push(message.rendered || message.message);
  }
  for (const text of reported) process.stderr.write(text + "\n");
  console.log(`rustdoc: ${reported.length} warning(s); ${slots} [[Slot]] notation(s) allowed`);
  process.exit(reported.length === 0 ? 0 : 1);
});

function isSlotNotation(message) {
  if (!message.code || message.code.code !== "rustdoc::broken_intra_doc_links") return false;
  const name = /unresolved link to `([^`]*)`/.exec(message.message);
  if (!name) return false;
  const slot = `[[${name[1]}]]`;
  return message.spans.some((span) =>
    span.is_primary && span.text.some((text) => text.text.includes(slot)),
  );
}
