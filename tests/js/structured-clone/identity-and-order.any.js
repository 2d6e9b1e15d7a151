// The memory map keeps identity: an object reached twice is cloned once,
// cycles close on the copies, and properties keep [[OwnPropertyKeys]] order.

test(() => {
  const shared = { s: 1 };
  const copy = structuredClone({ left: shared, right: shared, list: [shared] });
  assert_equals(copy.left, copy.right, "both paths reach one copy");
  assert_equals(copy.list[0], copy.left);
  assert_not_equals(copy.left, shared);
}, "an object reached twice is copied once");

test(() => {
  const ring = { name: "ring" };
  ring.self = ring;
  const a = { name: "a" };
  const b = { name: "b", a };
  a.b = b;
  const copy = structuredClone({ ring, a });
  assert_equals(copy.ring.self, copy.ring, "a self-cycle closes on the copy");
  assert_equals(copy.a.b.a, copy.a, "a two-object cycle closes on the copies");
  const map = new Map();
  map.set(map, map);
  const mapCopy = structuredClone(map);
  assert_equals(mapCopy.get(mapCopy), mapCopy, "a Map can hold itself as key and value");
  const set = new Set();
  set.add(set);
  const setCopy = structuredClone(set);
  assert_true(setCopy.has(setCopy));
}, "cycles come out as cycles");

test(() => {
  const buffer = new ArrayBuffer(8);
  const copy = structuredClone([new Uint8Array(buffer), new DataView(buffer, 4), buffer]);
  assert_equals(copy[0].buffer, copy[1].buffer, "two views of one buffer view one copy");
  assert_equals(copy[2], copy[0].buffer, "and that copy is the cloned buffer");
}, "views keep sharing their buffer");

test(() => {
  const object = {};
  object.zebra = 1;
  object[10] = "ten";
  object.apple = 2;
  object[2] = "two";
  object["-1"] = "minus one";
  object["01"] = "not an index";
  object[4294967295] = "not an index either";
  const keys = Object.keys(structuredClone(object));
  assert_array_equals(keys, ["2", "10", "zebra", "apple", "-1", "01", "4294967295"]);
}, "integer keys come first in ascending order, then strings in creation order");

test(() => {
  const deep = [];
  let node = deep;
  for (let i = 0; i < 2000; i++) {
    const next = [];
    node.push(next);
    node = next;
  }
  let copy = structuredClone(deep);
  let depth = 0;
  while (copy.length) {
    copy = copy[0];
    depth++;
  }
  assert_equals(depth, 2000);
}, "a deep chain clones whole");
