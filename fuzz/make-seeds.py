#!/usr/bin/env python3
"""Build the seed corpora of the fuzz targets (fuzz/corpus/<target>/) from
the data-driven test cases, the example messages, the reference packs and
small samples of the shared conformance suites.  Deterministic: run it again
after adding cases and commit what changes.  Seeds are kept small (at most
MAX_SEED bytes); crash reproducers are added by hand as crash-<what> files
and are never removed by this script (it only rewrites seed-* files).

usage: fuzz/make-seeds.py [--testsuites DIR]"""
import argparse
import glob
import hashlib
import json
import os
import struct

MAX_SEED = 16 * 1024
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def small(path):
    return os.path.getsize(path) <= MAX_SEED


def read(path):
    with open(path, "rb") as f:
        return f.read()


class Corpus:
    def __init__(self, target):
        self.dir = os.path.join(HERE, "corpus", target)
        os.makedirs(self.dir, exist_ok=True)
        self.seen = set()
        self.files = {}

    def add(self, name, data):
        if len(data) > MAX_SEED:
            return
        digest = hashlib.sha1(data).hexdigest()
        if digest in self.seen:
            return
        self.seen.add(digest)
        safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in name)[:80]
        self.files["seed-" + safe] = data

    def write(self):
        for old in glob.glob(os.path.join(self.dir, "seed-*")):
            if os.path.basename(old) not in self.files:
                os.remove(old)
        for name, data in sorted(self.files.items()):
            path = os.path.join(self.dir, name)
            if not os.path.exists(path) or read(path) != data:
                with open(path, "wb") as f:
                    f.write(data)
        return len(self.files)


def json_messages(testsuites):
    """(name, bytes) of JSON messages: cases, examples, schema-suite data."""
    for path in sorted(glob.glob(os.path.join(ROOT, "tests", "cases", "**", "message.json"), recursive=True)):
        if small(path):
            yield "case-" + os.path.basename(os.path.dirname(path)), read(path)
    for path in sorted(glob.glob(os.path.join(ROOT, "examples", "*.json"))):
        if small(path):
            yield "example-" + os.path.basename(path), read(path)
    # instances of the JSON Schema test suite: every JSON shape there is
    tests = os.path.join(testsuites, "json-schema-test-suite", "tests", "draft2020-12")
    picked = 0
    for path in sorted(glob.glob(os.path.join(tests, "*.json"))):
        try:
            groups = json.load(open(path, encoding="utf-8"))
        except ValueError:
            continue
        for g in groups[:1]:
            for t in g.get("tests", [])[:1]:
                data = json.dumps({"messageType": "order", "data": t["data"]}, ensure_ascii=False)
                yield "jsts-" + os.path.basename(path)[:-5], data.encode("utf-8")
                picked += 1
        if picked >= 40:
            break


def packs():
    for path in sorted(glob.glob(os.path.join(ROOT, "tests", "cases", "**", "pack.json"), recursive=True)):
        if small(path):
            yield "case-" + os.path.basename(os.path.dirname(path)), read(path)
    for path in sorted(glob.glob(os.path.join(ROOT, "packs", "*.pack.json"))):
        if small(path):
            yield "ref-" + os.path.basename(path), read(path)
    for path in sorted(glob.glob(os.path.join(ROOT, "tests", "hostile", "packs", "*.json"))):
        if small(path):
            yield "hostile-" + os.path.basename(path), read(path)


def files_under(root, patterns, limit):
    out = []
    for pat in patterns:
        out += sorted(glob.glob(os.path.join(root, "**", pat), recursive=True))
    picked = []
    for path in out:
        if os.path.isfile(path) and small(path) and "LICENSE" not in path.upper():
            picked.append(path)
        if len(picked) >= limit:
            break
    return picked


def wire_messages(testsuites, kind):
    """(name, bytes) of XML, EDIFACT or X12 messages: cases and suite samples."""
    ext = {"xml": ["message.xml"], "edifact": ["message.edi", "message.edifact"], "x12": ["message.x12"]}[kind]
    for pat in ext:
        for path in sorted(glob.glob(os.path.join(ROOT, "tests", "cases", "**", pat), recursive=True)):
            data = read(path)
            if small(path) and (kind != "edifact" or b"UN" in data[:10]) and (kind != "x12" or data.lstrip()[:3] == b"ISA"):
                yield "case-" + os.path.basename(os.path.dirname(path)), data
    if kind == "xml":
        for path in files_under(os.path.join(testsuites, "xml"), ["*.xml"], 40):
            yield "suite-" + os.path.basename(path), read(path)
    else:
        for path in files_under(os.path.join(testsuites, "edi", kind), ["*.edi", "*.txt", "*.x12", "*.edifact"], 60):
            data = read(path)
            head = data.lstrip()[:3]
            if (kind == "x12") == (head == b"ISA") and (kind == "x12" or head in (b"UNA", b"UNB")):
                yield "suite-" + os.path.basename(os.path.dirname(path)) + "-" + os.path.basename(path), data


def schema_pairs(testsuites):
    tests = os.path.join(testsuites, "json-schema-test-suite", "tests")
    for draft in ("draft2020-12", "draft7"):
        for path in sorted(glob.glob(os.path.join(tests, draft, "*.json"))):
            try:
                groups = json.load(open(path, encoding="utf-8"))
            except ValueError:
                continue
            for gi, g in enumerate(groups[:3]):
                for ti, t in enumerate(g.get("tests", [])[:1]):
                    data = (json.dumps(g["schema"]) + "\0" + json.dumps(t["data"])).encode("utf-8")
                    yield "%s-%s-%d" % (draft, os.path.basename(path)[:-5], gi), data


def logic_pairs(testsuites):
    path = os.path.join(testsuites, "json-logic", "tests.json")
    try:
        cases = json.load(open(path, encoding="utf-8"))
    except (OSError, ValueError):
        return
    n = 0
    for c in cases:
        if isinstance(c, list) and len(c) >= 2:
            n += 1
            yield "jsonlogic-%03d" % n, (json.dumps(c[0]) + "\0" + json.dumps(c[1])).encode("utf-8")
    for path in sorted(glob.glob(os.path.join(ROOT, "packs", "*.pack.json"))):
        try:
            pack = json.load(open(path, encoding="utf-8"))
        except ValueError:
            continue
        for t in pack.get("messages", {}).values():
            for r in t.get("rules", []):
                if "logic" in r:
                    yield "pack-" + r["id"], (json.dumps(r["logic"]) + "\0{}").encode("utf-8")


def render_prefix(limit, lang, source, index):
    lang_b = lang.encode("utf-8")
    src_b = source.encode("utf-8")
    return struct.pack("<H", limit) + bytes([len(lang_b)]) + lang_b + bytes([len(src_b)]) + src_b + struct.pack("<I", index)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--testsuites", default=os.path.join(ROOT, "..", "shared", "testsuites"))
    args = ap.parse_args()

    vj = Corpus("validate_json")
    msgs = list(json_messages(args.testsuites))
    for name, data in msgs:
        vj.add(name, data)
    # shapes the cases do not have
    vj.add("deep-arrays", b"[" * 70 + b"]" * 70)
    vj.add("big-number", b'{"messageType":"order","items":[{"qty":' + b"9" * 200 + b"}]}")
    vj.add("nul-in-string", b'{"messageType":"order","orderNo":"A\\u0000B"}')
    vj.add("raw-nul", b'{"messageType":"order","orderNo":"A\x00B"}')
    vj.add("overlong-utf8", b'{"messageType":"order","orderNo":"\xc0\xaf"}')
    vj.add("bom", b'\xef\xbb\xbf{"messageType":"note","text":"x"}')
    vj.add("duplicate-keys", b'{"messageType":"order","orderNo":"1","orderNo":"2"}')

    jm = Corpus("json_message")
    for name, data in vj.files.items():
        jm.add(name[len("seed-"):], data)
    jm.add("nan", b"[NaN, Infinity, -Infinity, 1.]")
    jm.add("raw-tab", b'{"a": "x\ty"}')
    jm.add("surrogates", b'["\\ud83d\\ude00", "\\ud800"]')
    jm.add("minus-zero", b"[-0, -0.0, 0e0]")

    rr = Corpus("report_render")
    params = [(5, "zh-CN", "orders.ndjson", 3), (1, "en", "a\x1b[31mred\n", 0),
              (64, "", "", 1), (2, "zh_TW", "\u8ba2\u5355.json", 2)]
    for i, (name, data) in enumerate(msgs[:24]):
        rr.add(name, render_prefix(*params[i % len(params)]) + data)

    corpora = [vj, jm, rr]
    for kind in ("xml", "edifact", "x12"):
        c = Corpus("validate_" + kind)
        for name, data in wire_messages(args.testsuites, kind):
            c.add(name, data)
        corpora.append(c)
    sc = Corpus("schema")
    for name, data in schema_pairs(args.testsuites):
        sc.add(name, data)
    lg = Corpus("logic")
    for name, data in logic_pairs(args.testsuites):
        lg.add(name, data)
    corpora += [sc, lg]

    pl = Corpus("pack_load")
    pl.add("embedded", read(os.path.join(HERE, "fuzz.pack.json")))
    for name, data in packs():
        pl.add(name, data)
    counts = {c.dir: c.write() for c in corpora + [pl]}
    for d, n in counts.items():
        print("%s: %d seeds" % (os.path.relpath(d, ROOT), n))


if __name__ == "__main__":
    main()
