// node docs/evidence/lost-ports-node.js
"use strict";
const { measureLostPorts } = require("./lost-ports.js");
console.log(`node ${process.version} (V8 ${process.versions.v8})`);
measureLostPorts((line) => console.log(line), () => process.exit(0));
