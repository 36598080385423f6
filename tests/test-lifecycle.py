#!/usr/bin/env python3
"""Standards lifecycle through the CLI: pack diff, impact analysis of a
revision over a corpus, evaluation statistics, effective dates and digest
output.  Prints TAP."""
import argparse
import copy
import json
import os
import shutil
import shutil
import subprocess
import sys
import tempfile

SRC = os.environ.get("CBEC_SOURCE_DIR", os.path.join(os.path.dirname(__file__), ".."))
results = []


def case(name):
    def deco(fn):
        results.append((name, fn))
        return fn
    return deco


def run(*args, stdin=None):
    return subprocess.run([CBECSTD, *args], input=stdin, capture_output=True, timeout=120)


def check(cond, msg):
    if not cond:
        raise AssertionError(msg)


def order_pack():
    with open(os.path.join(SRC, "packs", "order.pack.json"), encoding="utf-8") as f:
        return json.load(f)


def write(d, name, obj):
    p = os.path.join(d, name)
    # a copied reference pack reads the files it names (code lists, schemas)
    # from the directories beside it
    if name.endswith(".pack.json"):
        packs = os.path.join(SRC, "packs")
        for sub in os.listdir(packs):
            if os.path.isdir(os.path.join(packs, sub)) and not os.path.exists(os.path.join(d, sub)):
                shutil.copytree(os.path.join(packs, sub), os.path.join(d, sub))
    with open(p, "w", encoding="utf-8") as f:
        if isinstance(obj, str):
            f.write(obj)
        else:
            json.dump(obj, f, ensure_ascii=False, indent=1)
    return p


def pack_dir(d):
    """A copy of the reference packs (with the files they refer to), where
    revised packs can be written beside them; the originals are removed so
    each test loads exactly the packs it names."""
    dst = os.path.join(d, "packs")
    shutil.copytree(os.path.join(SRC, "packs"), dst)
    for f in os.listdir(dst):
        if f.endswith(".pack.json") and f != "base.pack.json":
            os.remove(os.path.join(dst, f))
    return dst


def revision(d):
    """v1.0.0 = the reference order pack; v1.1.0 drops one rule, adds one,
    changes one (trade modes narrowed to retail)."""
    d = pack_dir(d)
    old = order_pack()
    new = copy.deepcopy(old)
    new["version"] = "1.1.0"
    rules = new["messages"]["order"]["rules"]
    rules[:] = [r for r in rules if r["id"] != "ORD-010"]
    rules.append({"id": "ORD-900", "path": "/orderNo", "pattern": "^CBO", "ref": "Q/CBEC 001-2026 5.1",
                  "message": {"en": "order numbers start with CBO", "zh-CN": "订单编号以 CBO 开头"}})
    for r in rules:
        if r["id"] == "ORD-003":
            r["enum"] = ["9610", "1210"]
    return write(d, "old.pack.json", old), write(d, "new.pack.json", new)


@case("pack diff lists added, removed and changed rules (exit 1 when they differ)")
def _():
    with tempfile.TemporaryDirectory() as d:
        o, n = revision(d)
        r = run("pack", "diff", o, n)
        out = r.stdout.decode()
        check(r.returncode == 1, (r.returncode, r.stderr))
        check("CBEC-ORDER: 1.0.0 -> 1.1.0" in out, out)
        check("  + order/ORD-900" in out and "  - order/ORD-010" in out and "  ~ order/ORD-003" in out, out)
        check(out.strip().endswith("1 added, 1 removed, 1 changed"), out)


@case("impact lists the messages whose verdict changes, per rule")
def _():
    with tempfile.TemporaryDirectory() as d:
        o, n = revision(d)
        with open(os.path.join(SRC, "examples", "order.json"), encoding="utf-8") as f:
            base = json.load(f)
        corpus = []
        m = copy.deepcopy(base); corpus.append(m)                           # same verdict: valid
        m = copy.deepcopy(base); m["orderNo"] = "X1"; corpus.append(m)      # ORD-900 now fails
        m = copy.deepcopy(base); m["tradeMode"] = "9710"; corpus.append(m)  # ORD-003 now fails
        m = copy.deepcopy(base); m["originCountry"] = "jp"; corpus.append(m)  # ORD-010 no longer
        path = write(d, "corpus.ndjson", "".join(json.dumps(x, ensure_ascii=False) + "\n" for x in corpus))
        base = os.path.join(os.path.dirname(o), "base.pack.json")
        r = run("impact", "--old", base, "--old", o, "--new", base, "--new", n, "--ndjson", path)
        out = r.stdout.decode()
        check(r.returncode == 1, (r.returncode, out, r.stderr))
        check("4 messages: 3 change verdict (2 become invalid, 1 become valid)" in out, out)
        check("#2: valid -> INVALID (now failing: ORD-900)" in out, out)
        check("#3: valid -> INVALID (now failing: ORD-003)" in out, out)
        check("#4: INVALID -> valid (no longer failing: ORD-010)" in out, out)
        r = run("impact", "--old", base, "--old", o, "--new", base, "--new", n, "--ndjson", "-o", "json", path)
        summary = json.loads(r.stdout.decode().splitlines()[-1])
        check(summary["changed"] == 3 and summary["rules"]["ORD-900"]["now_failing"] == 1, summary)


@case("--stats counts per pack, module, type and rule")
def _():
    with open(os.path.join(SRC, "examples", "order.json"), encoding="utf-8") as f:
        base = json.load(f)
    bad = copy.deepcopy(base)
    bad["currency"] = "yuan"
    data = (json.dumps(base) + "\n" + json.dumps(bad) + "\n" + json.dumps(bad) + "\n").encode()
    r = run("validate", "--ndjson", "-q", "--stats", "-", stdin=data)
    lines = r.stdout.decode().splitlines()
    stats = json.loads(lines[-1])["stats"]
    check(stats["messages"] == 3 and stats["valid"] == 1 and stats["invalid"] == 2, stats)
    check(stats["packs"]["CBEC-ORDER@1.0.0"]["validated"] == 3, stats)  # the national pack decides
    check(stats["modules"]["compliance"]["passed"] == 1, stats)
    check(stats["types"]["order"]["findings"]["error"] == 2, stats)
    check(stats["rules"]["ORD-014"]["messages"] == 2 and stats["rules"]["ORD-014"]["pack"] == "CBEC-ORDER@1.0.0", stats)


@case("--date picks the pack version in force; reports name pack and digest")
def _():
    with tempfile.TemporaryDirectory() as d:
        p = order_pack()
        p["effective"] = {"from": "2026-01-01", "to": "2026-12-31"}
        pd = pack_dir(d)
        path = write(pd, "o.pack.json", p)
        base = os.path.join(pd, "base.pack.json")
        ex = os.path.join(SRC, "examples", "order.json")
        r = run("validate", "-p", base, "-p", path, "--date", "2026-06-01", "-o", "json", ex)
        rep = json.loads(r.stdout)
        check(r.returncode == 0 and rep["packs"][0]["pack"] == "CBEC-ORDER@1.0.0", rep)
        check(rep["packs"][0]["digest"].startswith("sha256:") and len(rep["packs"][0]["digest"]) == 71, rep)
        r = run("validate", "-p", base, "-p", path, "--date", "2027-01-01", "-o", "json", ex)
        rep = json.loads(r.stdout)
        check(r.returncode == 1 and rep["findings"][0]["rule"] == "CBEC-PACK", rep)
        r = run("validate", "-p", base, "-p", path, "--date", "2027-02-30", ex)
        check(r.returncode == 2, r.returncode)


@case("the platform pack (a draft) tightens the national packs only when drafts are picked")
def _():
    with open(os.path.join(SRC, "examples", "order.json"), encoding="utf-8") as f:
        base = json.load(f)
    m = copy.deepcopy(base)
    m["tradeMode"] = "9710"                               # national list: ok; platform: narrowed away
    m["consignee"]["name"]["latn"] = "ZHANG WEI " * 4     # ORD-029, waived by the platform until 2027-03-31
    data = json.dumps(m, ensure_ascii=False).encode()
    r = run("validate", "-o", "json", "-", stdin=data)
    national = json.loads(r.stdout)
    check(national["packs"][0]["pack"] == "CBEC-ORDER@1.0.0", national)
    rules = {f["rule"]: f for f in national["findings"]}
    check("ORD-003" not in rules and rules["ORD-029"]["severity"] == "error", national)
    r = run("validate", "--allow-draft", "--date", "2026-12-01", "-o", "json", "-", stdin=data)
    plat = json.loads(r.stdout)
    check(plat["packs"][0]["pack"] == "Q-CBEC-PLATFORM@1.0.0", plat)
    rules = {f["rule"]: f for f in plat["findings"]}
    check(rules["ORD-003"]["severity"] == "error" and rules["ORD-003"]["pack"] == "CBEC-ORDER@1.0.0", plat)
    check(rules["ORD-029"]["severity"] == "info" and "waived by Q-CBEC-PLATFORM@1.0.0" in rules["ORD-029"]["message"], plat)
    m = copy.deepcopy(base)
    m["items"] = [copy.deepcopy(base["items"][0]) for _ in range(60)]
    r = run("validate", "--allow-draft", "-o", "json", "-", stdin=json.dumps(m).encode())
    rules = {f["rule"]: f for f in json.loads(r.stdout)["findings"]}
    check(rules["ORD-022"]["pack"] == "Q-CBEC-PLATFORM@1.0.0" and "1 to 50" in rules["ORD-022"]["message"], rules)
    r = run("validate", "--allow-draft", *[os.path.join(SRC, "examples", f) for f in ("order.json", "payment.json", "logistics-status.json")])
    check(r.returncode == 0, r.stdout)


def main():
    global CBECSTD
    ap = argparse.ArgumentParser()
    ap.add_argument("--cbecstd", required=True)
    CBECSTD = ap.parse_args().cbecstd
    print("1..%d" % len(results))
    failed = 0
    for i, (name, fn) in enumerate(results, 1):
        try:
            fn()
            print("ok %d - %s" % (i, name))
        except Exception as e:
            failed += 1
            print("not ok %d - %s" % (i, name))
            for line in str(e).splitlines()[:20]:
                print("#   " + line[:800])
    print("# %d passed, %d failed" % (len(results) - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
