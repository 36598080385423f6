#!/usr/bin/env python3
"""cbecstd ack: the acknowledgements of the EDI cases must equal the ones
in tests/edi/ack (written by hand-checked runs: positions and codes of
each finding), and every acknowledgement must itself be a sound
interchange: 997 and 999 pass the reference definitions, CONTRL has no
syntax finding.  Prints TAP."""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cbecstd", required=True)
    ap.add_argument("--source", required=True)
    a = ap.parse_args()
    ackdir = os.path.join(a.source, "tests", "edi", "ack")
    golden = sorted(os.listdir(ackdir))
    print("1..%d" % (2 * len(golden) + 1))
    packdir = tempfile.mkdtemp(prefix="cbec-ack-")
    failed = 0
    n = 0
    try:
        shutil.copytree(os.path.join(a.source, "packs", "edi"), os.path.join(packdir, "edi"))
        shutil.copy(os.path.join(a.source, "tests", "edi", "packs", "structure.pack.json"), packdir)
        for g in golden:
            case, fmt = g.rsplit(".", 1)
            cdir = os.path.join(a.source, "tests", "cases", "edi", case)
            msg = next(os.path.join(cdir, f) for f in sorted(os.listdir(cdir)) if f.startswith("message."))
            r = subprocess.run([a.cbecstd, "ack", "--format", fmt, "--control", "42", "--timestamp", "202603011200",
                                msg], capture_output=True)
            want = open(os.path.join(ackdir, g), "rb").read()
            n += 1
            if r.returncode not in (0, 1) or r.stdout != want:
                failed += 1
                print("not ok %d - %s: acknowledgement as recorded" % (n, g))
                print("#   exit %d; got:\n#   %s" % (r.returncode, r.stdout.decode("utf-8", "replace").replace("\n", "\n#   ")))
            else:
                print("ok %d - %s: acknowledgement as recorded" % (n, g))
            # the acknowledgement itself passes the definitions
            cmd = [a.cbecstd, "validate", "-o", "json", "-p", os.path.join(packdir, "structure.pack.json")]
            if fmt != "contrl":
                cmd += ["-t", "x" + fmt]
            v = subprocess.run(cmd + ["-"], input=r.stdout, capture_output=True)
            n += 1
            try:
                rep = json.loads(v.stdout.decode("utf-8").splitlines()[0])
                bad = [f for f in rep["findings"] if f["severity"] != "info"]
            except (ValueError, IndexError):
                bad = ["no report: %s" % v.stderr.decode("utf-8", "replace")]
            if bad:
                failed += 1
                print("not ok %d - %s: the acknowledgement is itself sound" % (n, g))
                for f in bad:
                    print("#   %s" % (f if isinstance(f, str) else "%s %s: %s" % (f["rule"], f["path"], f["message"])))
            else:
                print("ok %d - %s: the acknowledgement is itself sound" % (n, g))
        # a JSON message has nothing to acknowledge
        n += 1
        p = os.path.join(packdir, "m.json")
        open(p, "w").write('{"messageType": "order"}')
        r = subprocess.run([a.cbecstd, "ack", p], capture_output=True)
        if r.returncode == 2 and b"not an EDIFACT or X12" in r.stderr:
            print("ok %d - a JSON message is refused with exit status 2" % n)
        else:
            failed += 1
            print("not ok %d - a JSON message is refused with exit status 2 (got %d)" % (n, r.returncode))
    finally:
        shutil.rmtree(packdir, ignore_errors=True)
    print("# %d passed, %d failed" % (n - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
