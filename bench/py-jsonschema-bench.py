#!/usr/bin/env python3
"""The Python jsonschema peer: json.loads + a prebuilt validator (structure
only, references resolved from the schema's directory) over an NDJSON file.

    py-jsonschema-bench.py SCHEMA ORDERS_NDJSON
"""
import json
import os
import sys

from pyschema import jsonschema_validator

schema_path, data_path = sys.argv[1], sys.argv[2]
with open(schema_path, encoding="utf-8") as f:
    schema = json.load(f)
validator = jsonschema_validator(schema, os.path.dirname(os.path.abspath(schema_path)))
if validator is None:
    sys.exit("jsonschema is not installed")
count = valid = 0
with open(data_path, encoding="utf-8") as f:
    for line in f:
        if not line.strip():
            continue
        count += 1
        if not any(True for _ in validator.iter_errors(json.loads(line))):
            valid += 1
print("%d messages, %d valid" % (count, valid))
