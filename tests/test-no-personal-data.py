#!/usr/bin/env python3
"""No report of the test suite may hold a personal value unmasked.

Every data-driven case (tests/cases/**), example message and redacted copy
whose input holds the example resident ID number or phone number is run
through the CLI the way the suite runs it, in both output formats and both
languages, and everything the CLI writes (stdout and stderr) is scanned for
those values in any of their forms.  Prints TAP."""
import argparse
import glob
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

# the example values of shared/models and examples/, and the forms they take
FORBIDDEN = ["110105199003071239", "13812345678"]


def holds_personal(path):
    with open(path, "rb") as f:
        data = f.read()
    return any(v.encode() in data for v in FORBIDDEN)


def case_inputs():
    """(name, validate args, message) for each case whose message holds a value."""
    for exp in sorted(glob.glob(os.path.join(ROOT, "tests", "cases", "**", "expected.json"), recursive=True)):
        case = os.path.dirname(exp)
        msgs = [os.path.join(case, f) for f in sorted(os.listdir(case)) if f.startswith("message.")]
        if not msgs or not holds_personal(msgs[0]):
            continue
        with open(exp, encoding="utf-8") as f:
            spec = json.load(f)
        args = []
        pack = os.path.join(case, "pack.json")
        if os.path.exists(pack):
            args += ["-p", pack]
        args += spec.get("args", [])
        yield os.path.relpath(case, ROOT), args, msgs[0]
    for path in sorted(glob.glob(os.path.join(ROOT, "examples", "*.json"))):
        if holds_personal(path):
            yield os.path.relpath(path, ROOT), [], path


def classifies(pack):
    with open(pack, encoding="utf-8") as f:
        return '"classification"' in f.read()


def leaks(out):
    return [v for v in FORBIDDEN if v.encode() in out]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cbecstd", required=True)
    ap.add_argument("--quick", action="store_true",
                    help="two of the four format and language pairs, one redaction (sanitizer builds)")
    args = ap.parse_args()
    pairs = [("json", "en"), ("text", "zh-CN")] if args.quick else \
        [("json", "en"), ("json", "zh-CN"), ("text", "en"), ("text", "zh-CN")]
    runs = []
    for name, extra, msg in case_inputs():
        for fmt, lang in pairs:
            runs.append(("%s (validate -o %s --lang %s)" % (name, fmt, lang),
                         [args.cbecstd, "validate", "-o", fmt, "--lang", lang] + extra + [msg]))
        packs = [a for i, a in enumerate(extra) if i and extra[i - 1] == "-p"]
        if any(not classifies(p) for p in packs):
            continue  # a pack that classifies nothing protects nothing in a copy
        redact = [args.cbecstd, "redact"] + sum((["-p", p] for p in packs), [])
        runs.append(("%s (redact)" % name, redact + [msg]))
        if not args.quick:
            runs.append(("%s (redact --remove)" % name, redact + ["--remove", msg]))
    if len(runs) < 20:
        # the scan proves nothing unless the suite really feeds personal data
        print("Bail out! only %d runs hold the example personal values" % len(runs))
        return 1
    print("1..%d" % len(runs))
    failed = 0
    for n, (name, cmd) in enumerate(runs, 1):
        r = subprocess.run(cmd, capture_output=True, timeout=300)
        found = leaks(r.stdout + r.stderr)
        if r.returncode not in (0, 1, 2) or found:
            failed += 1
            print("not ok %d - %s" % (n, name))
            if found:
                text = (r.stdout + r.stderr).decode("utf-8", "replace")
                for v in found:
                    at = text.find(v)
                    print("#   unmasked %s: ...%s..." % (v, text[max(0, at - 120):at + 40].replace("\n", " ")))
            else:
                print("#   exit %d" % r.returncode)
        else:
            print("ok %d - %s" % (n, name))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
