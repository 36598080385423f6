// ajv-bench.js - the ajv peer: JSON.parse + a compiled JSON Schema (draft
// 2020-12), structure only, over an NDJSON file.  The schemas beside the
// schema are added under their file names (order.schema.json refers to
// common.schema.json so).  Prints the counts; exits 2 when it cannot run.
"use strict";
const fs = require("fs");
const path = require("path");
const Ajv2020 = require("ajv/dist/2020");

function main() {
  const [schemaPath, dataPath] = process.argv.slice(2);
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  const dir = path.dirname(schemaPath);
  for (const name of fs.readdirSync(dir)) {
    if (name.endsWith(".json") && name !== path.basename(schemaPath))
      ajv.addSchema(JSON.parse(fs.readFileSync(path.join(dir, name), "utf8")), name);
  }
  const validate = ajv.compile(JSON.parse(fs.readFileSync(schemaPath, "utf8")));
  const text = fs.readFileSync(dataPath, "utf8");
  let count = 0, valid = 0, start = 0;
  while (start < text.length) {
    let end = text.indexOf("\n", start);
    if (end < 0) end = text.length;
    if (end > start) {
      count++;
      let doc;
      try { doc = JSON.parse(text.slice(start, end)); } catch (e) { start = end + 1; continue; }
      if (validate(doc)) valid++;
    }
    start = end + 1;
  }
  console.log(`${count} messages, ${valid} valid`);
}

try {
  main();
} catch (e) {
  console.error(String(e && e.stack || e));
  process.exit(2);
}
