#!/usr/bin/env python3
"""Conformance runner over the EDI interchanges of the shared test suites
($CBEC_TESTSUITES/edi, catalog.json): every sample is read and checked with
the reference message definitions (tests/edi/packs/structure.pack.json, or
the test pack expectations.json names for a file), and its findings of
severity error or warning must be exactly the ones expectations.json lists
for it (rule, segment ordinal, element position): none for a sound sample,
the broken place for a broken one.  Every file the catalog marks as
deliberately broken must have one, or a reason why it is sound after all.
Prints TAP.  --write prints the current findings in the expectations format
instead (to review, never to copy blindly)."""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

NOT_COUNTED = {"CBEC-EDI-NOT-CHECKED", "CBEC-EDI-UNKNOWN-TYPE"}


def findings(cbecstd, packdir, spec, path):
    pack = spec.get("pack", "structure")
    cmd = [cbecstd, "validate", "-o", "json", "-p", os.path.join(packdir, pack + ".pack.json")]
    if spec.get("type"):
        cmd += ["-t", spec["type"]]
    cmd.append(path)
    r = subprocess.run(cmd, capture_output=True, timeout=120)
    if r.returncode not in (0, 1):
        return None, "exit status %d: %s" % (r.returncode, r.stderr.decode("utf-8", "replace").strip())
    try:
        rep = json.loads(r.stdout.decode("utf-8").splitlines()[0])
    except (ValueError, IndexError) as e:
        return None, "no JSON report: %s" % e
    got = []
    for f in rep["findings"]:
        if f["severity"] == "info" or f["rule"] in NOT_COUNTED:
            continue
        got.append({"rule": f["rule"], "segment": f.get("segment", 0), "element": f.get("element", 0),
                    "severity": f["severity"], "message": f["message"]})
    return got, None


def matches(want, f):
    return want["rule"] == f["rule"] and want.get("segment", f["segment"]) == f["segment"] and \
        want.get("element", f["element"]) == f["element"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cbecstd", required=True)
    ap.add_argument("--source", required=True, help="the source tree (packs/edi, tests/edi)")
    ap.add_argument("--write", action="store_true")
    a = ap.parse_args()
    suites = os.environ.get("CBEC_TESTSUITES", "")
    catalog_path = os.path.join(suites, "edi", "catalog.json")
    if not os.path.exists(catalog_path):
        print("1..0 # SKIP no EDI test suite at %s" % catalog_path)
        return 0
    catalog = json.load(open(catalog_path, encoding="utf-8"))
    expect = json.load(open(os.path.join(a.source, "tests", "edi", "expectations.json"), encoding="utf-8"))
    files = expect["files"]
    packdir = tempfile.mkdtemp(prefix="cbec-edi-")
    try:
        # the test packs refer to the reference definitions as edi/...
        shutil.copytree(os.path.join(a.source, "packs", "edi"), os.path.join(packdir, "edi"))
        for name in os.listdir(os.path.join(a.source, "tests", "edi", "packs")):
            shutil.copy(os.path.join(a.source, "tests", "edi", "packs", name), packdir)
        entries = catalog["files"]
        if a.write:
            out = {}
            for e in entries:
                spec = files.get(e["file"], {})
                got, err = findings(a.cbecstd, packdir, spec, os.path.join(suites, "edi", e["file"]))
                if err or got:
                    out[e["file"]] = {"pack": spec.get("pack", "structure"), "type": spec.get("type"),
                                      "why": spec.get("why", ""),
                                      "findings": [{k: f[k] for k in ("rule", "segment", "element")} for f in got or []],
                                      "error": err}
            json.dump(out, sys.stdout, indent=1, ensure_ascii=False)
            return 0
        print("1..%d" % len(entries))
        failed = sound = broken = 0
        for n, e in enumerate(entries, 1):
            name = e["file"]
            spec = files.get(name, {})
            got, err = findings(a.cbecstd, packdir, spec, os.path.join(suites, "edi", name))
            errs = []
            if err:
                errs.append(err)
            else:
                want = spec.get("findings", [])
                left = list(got)
                for w in want:
                    m = next((f for f in left if matches(w, f)), None)
                    if m is None:
                        errs.append("missing %s" % json.dumps(w))
                    else:
                        left.remove(m)
                for f in left:
                    errs.append("unexpected %s at segment %d element %d: %s" % (f["rule"], f["segment"],
                                                                              f["element"], f["message"]))
                if e.get("negative_hint") and not want and not spec.get("sound"):
                    errs.append("the catalog marks this file as broken: list its findings or say why it is sound")
                if want:
                    broken += 1
                else:
                    sound += 1
            if errs:
                failed += 1
                print("not ok %d - %s" % (n, name))
                for x in errs:
                    print("#   " + x)
            else:
                print("ok %d - %s%s" % (n, name, " (%d findings as expected)" % len(spec.get("findings", []))
                                        if spec.get("findings") else ""))
        print("# %d files: %d read clean, %d with the expected findings; %d failed" %
              (len(entries), sound, broken, failed))
        return 1 if failed else 0
    finally:
        shutil.rmtree(packdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
