#!/usr/bin/env python3
"""The Python jsonschema peer: json.loads + a prebuilt validator (structure
only) over an NDJSON file."""
import json
import sys

import jsonschema

schema_path, data_path = sys.argv[1], sys.argv[2]
with open(schema_path, encoding="utf-8") as f:
    schema = json.load(f)
cls = jsonschema.validators.validator_for(schema)
validator = cls(schema)
count = valid = 0
with open(data_path, encoding="utf-8") as f:
    for line in f:
        if not line.strip():
            continue
        count += 1
        if not any(True for _ in validator.iter_errors(json.loads(line))):
            valid += 1
print("%d messages, %d valid" % (count, valid))
