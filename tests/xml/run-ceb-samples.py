#!/usr/bin/env python3
"""Every China customs (CEB) sample of the shared XML test material gets the
verdict its catalog and the rules imply.  For each CEB entry of
testsuites/xml/catalog.json: the file is the one catalogued (sha256); it is
validated with the CEB pack of its edition (packs/ceb.pack.json for 2022-05
and the repository samples, packs/ceb/ceb-2018.pack.json for 2018); an XSD
finding appears exactly when the catalog's xmllint run found the sample
invalid, on the element and line xmllint named; and the findings are
exactly those ceb-samples.json lists for the sample (rule -> count, plus
the place of some).  Prints TAP and "N passed, N failed".

usage: run-ceb-samples.py --cbecstd PATH --packs DIR --suite DIR [EXPECTED]"""
import argparse
import collections
import hashlib
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def check(a, entry, exp):
    errs = []
    path = os.path.join(a.suite, entry["file"])
    data = open(path, "rb").read()
    if hashlib.sha256(data).hexdigest() != entry["sha256"]:
        return ["sha256 differs from the catalog"]
    if entry["version"] == "2018":
        cmd = ["-p", os.path.join(a.packs, "ceb", "ceb-2018.pack.json"), "--date", "2020-01-01"]
    else:
        cmd = ["-p", os.path.join(a.packs, "ceb.pack.json")]
    cmd += exp.get("args", [])
    r = subprocess.run([a.cbecstd, "validate", "-o", "json"] + cmd + [path], capture_output=True)
    if r.returncode not in (0, 1):
        return ["exit %d: %s" % (r.returncode, r.stderr.decode("utf-8", "replace")[:300])]
    rep = json.loads(r.stdout.decode("utf-8").splitlines()[0])
    want_type = exp.get("type", entry["message"].replace("Message", ""))
    if rep["type"] != want_type:
        errs.append("type %s, expected %s" % (rep["type"], want_type))
    found = [f for f in rep["findings"] if f["severity"] in ("error", "warning")]
    got = collections.Counter(f["rule"] for f in found)
    want = collections.Counter(exp.get("findings", {}))
    if got != want:
        errs.append("findings %s, expected %s" % (dict(got), dict(want)))
    errors = sum(n for (r_, n) in got.items() if any(f["rule"] == r_ and f["severity"] == "error" for f in found))
    if rep["valid"] != (errors == 0):
        errs.append("valid is %s with %d error findings" % (rep["valid"], errors))
    # the structure verdict agrees with the catalog's xmllint run
    xsd = [f for f in found if f["rule"].endswith("-XSD")]
    obs = entry["xmllint_observed"]
    if obs["valid"] and xsd:
        errs.append("XSD findings on a sample xmllint found valid: %s" % xsd[0]["message"])
    if not obs["valid"]:
        if not xsd:
            errs.append("no XSD finding on a sample xmllint found invalid")
        else:
            m = re.match(r".*?:(\d+): element (\S+?):", obs["first_errors"][0])
            line, elem = int(m.group(1)), m.group(2)
            # xmllint gives the line where the start tag ends, we the line it starts on
            if not (line - 2 <= xsd[0].get("line", 0) <= line) or not re.search(r"(^|[:/])%s(\[\d+\])?$" % re.escape(elem), xsd[0]["path"]):
                errs.append("first XSD finding at %s line %s; xmllint named %s line %d" %
                            (xsd[0]["path"], xsd[0].get("line"), elem, line))
    for spot in exp.get("at", []):
        hits = [f for f in found if f["rule"] == spot["rule"] and f["path"] == spot["path"]]
        if not hits:
            errs.append("no %s finding at %s" % (spot["rule"], spot["path"]))
        elif "line" in spot and hits[0].get("line") != spot["line"]:
            errs.append("%s at %s: line %s, expected %d" % (spot["rule"], spot["path"], hits[0].get("line"), spot["line"]))
    return errs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cbecstd", required=True)
    ap.add_argument("--packs", required=True)
    ap.add_argument("--suite", required=True, help="testsuites/xml: catalog.json and ceb/")
    ap.add_argument("expected", nargs="?", default=os.path.join(HERE, "ceb-samples.json"))
    a = ap.parse_args()
    catalog = json.load(open(os.path.join(a.suite, "catalog.json"), encoding="utf-8"))
    expected = json.load(open(a.expected, encoding="utf-8"))["samples"]
    entries = [e for e in catalog["files"] if e["family"] == "ceb"]
    print("1..%d" % (len(entries) + 1))
    failed = 0
    listed = {e["file"] for e in entries}
    stray = sorted(set(expected) - listed)
    missing = sorted(listed - set(expected))
    print(("not ok" if stray or missing else "ok") + " 1 - every catalogued CEB sample has expectations")
    for s in missing:
        print("#   no expectations for %s" % s)
    for s in stray:
        print("#   expectations for %s, which the catalog does not list" % s)
    failed += bool(stray or missing)
    for n, e in enumerate(entries, 2):
        exp = expected.get(e["file"], {})
        errs = check(a, e, exp)
        verdict = "invalid" if exp.get("findings") else "valid"
        print(("not ok" if errs else "ok") + " %d - %s (%s)" % (n, e["file"], verdict))
        for x in errs:
            print("#   " + x)
        failed += bool(errs)
    print("# %d passed, %d failed" % (len(entries) + 1 - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
