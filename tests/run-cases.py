#!/usr/bin/env python3
"""Run the data-driven cases: tests/cases/<family>/<case>/ holds a message
(message.json, message.xml, message.edi, ...), an optional pack.json (else
the bundled reference packs) and expected.json:

    {"args": [...extra cbecstd validate arguments; "{case}" stands for the case's directory...],
     "exit": 1, "valid": false, "type": "order",
     "findings": [{"rule": "ORD-001", "path": "/orderNo", "line": 4, "column": 14}, ...],
     "complete": true}

Each expected finding must appear in the report with the fields given
(fields left out are not compared); with "complete" (the default) the
report may hold no other error findings.  Prints TAP."""
import argparse
import glob
import json
import os
import subprocess
import sys


def load_cases(root):
    for exp in sorted(glob.glob(os.path.join(root, "**", "expected.json"), recursive=True)):
        yield os.path.dirname(exp)


def message_file(case):
    for f in sorted(os.listdir(case)):
        if f.startswith("message."):
            return os.path.join(case, f)
    return None


def run_case(cbecstd, case):
    exp = json.load(open(os.path.join(case, "expected.json"), encoding="utf-8"))
    msg = message_file(case)
    if msg is None:
        return ["no message.* file"]
    cmd = [cbecstd, "validate", "-o", "json"]
    pack = os.path.join(case, "pack.json")
    if os.path.exists(pack):
        cmd += ["-p", pack]
    cmd += [a.replace("{case}", case) for a in exp.get("args", [])]
    cmd.append(msg)
    r = subprocess.run(cmd, capture_output=True)
    errors = []
    want_exit = exp.get("exit", 1 if exp.get("findings") else 0)
    if r.returncode != want_exit:
        errors.append("exit %d, expected %d; stderr: %s" % (r.returncode, want_exit, r.stderr.decode("utf-8", "replace").strip()))
    if want_exit == 2:
        return errors
    try:
        lines = [json.loads(l) for l in r.stdout.decode("utf-8").splitlines() if l.strip()]
    except ValueError as e:
        return errors + ["output is not JSON lines: %s" % e]
    if len(lines) != 1:
        return errors + ["expected one report, got %d" % len(lines)]
    rep = lines[0]
    if "valid" in exp and rep["valid"] != exp["valid"]:
        errors.append("valid is %s, expected %s" % (rep["valid"], exp["valid"]))
    if "type" in exp and rep["type"] != exp["type"]:
        errors.append("type is %r, expected %r" % (rep["type"], exp["type"]))
    got = list(rep["findings"])
    for want in exp.get("findings", []):
        match = next((f for f in got if all(f.get(k) == v for k, v in want.items())), None)
        if match is None:
            errors.append("missing finding %s" % json.dumps(want, ensure_ascii=False))
        else:
            got.remove(match)
    if exp.get("complete", True):
        extra = [f for f in got if f["severity"] == "error"]
        for f in extra:
            errors.append("unexpected finding %s %s: %s" % (f["rule"], f["path"], f["message"]))
    return errors


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cbecstd", required=True)
    ap.add_argument("root")
    a = ap.parse_args()
    cases = list(load_cases(a.root))
    print("1..%d" % len(cases))
    failed = 0
    for i, case in enumerate(cases, 1):
        name = os.path.relpath(case, a.root)
        errs = run_case(a.cbecstd, case)
        if errs:
            failed += 1
            print("not ok %d - %s" % (i, name))
            for e in errs:
                print("#   " + e)
        else:
            print("ok %d - %s" % (i, name))
    print("# %d passed, %d failed" % (len(cases) - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
