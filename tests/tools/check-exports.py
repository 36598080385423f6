#!/usr/bin/env python3
"""The shared library exports exactly the symbols of the version script,
all prefixed cbec_, and the SONAME is libcbecstd.so.0."""
import re
import subprocess
import sys

lib, mapfile = sys.argv[1], sys.argv[2]
text = open(mapfile, encoding="utf-8").read()
wanted = set(re.findall(r"^\s+(cbec_[a-z0-9_]+);", text, re.M))
out = subprocess.run(["nm", "-D", "--defined-only", lib], capture_output=True, text=True, check=True).stdout
exported = set()
for line in out.splitlines():
    parts = line.split()
    if len(parts) == 3 and parts[1] in "TtDdBbRrVWi":
        name = parts[2].split("@")[0]
        exported.add(name)
exported.discard("CBEC_0.1")
exported = {s for s in exported if not re.match(r"^CBEC_\d", s)}
dyn = subprocess.run(["readelf", "-d", lib], capture_output=True, text=True, check=True).stdout
soname = re.search(r"\(SONAME\).*\[(.*)\]", dyn)

checks = [
    ("every exported symbol starts with cbec_", sorted(s for s in exported if not s.startswith("cbec_"))),
    ("every map symbol is exported", sorted(wanted - exported)),
    ("nothing is exported beyond the map", sorted(exported - wanted)),
    ("SONAME is libcbecstd.so.0", [] if soname and soname.group(1) == "libcbecstd.so.0" else [soname.group(1) if soname else "none"]),
]
print("1..%d" % len(checks))
failed = 0
for i, (name, bad) in enumerate(checks, 1):
    if bad:
        failed += 1
        print("not ok %d - %s: %s" % (i, name, ", ".join(bad)))
    else:
        print("ok %d - %s" % (i, name))
print("# %d passed, %d failed" % (len(checks) - failed, failed))
sys.exit(1 if failed else 0)
