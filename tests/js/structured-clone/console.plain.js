// What console.log prints for the values tests print most.
console.log("plain string", 'with "quotes"');
console.log(0, -0, 1.5, NaN, -Infinity, 10n, true, null, undefined);
console.log(Symbol("desc"), Symbol());
console.log([1, "two", [3]], [, , 1]);
console.log({ a: 1, "needs quotes": 2, nested: { deeper: { deepest: {} } } });
console.log(new Map([["k", { v: 1 }]]), new Set([1, 2]));
console.log(new Uint8Array([1, 2, 3]), new ArrayBuffer(2));
console.log(new Boolean(true), new Number(-0), new String("s"));
console.log(new Date(0), /re\.x/g);
console.log(function named() {}, () => {});
console.log(new TypeError("shown"));
console.log(new DOMException("gone", "NotFoundError"));
const cyclic = { name: "c" };
cyclic.self = cyclic;
console.log(cyclic);
