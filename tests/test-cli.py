#!/usr/bin/env python3
"""The cbecstd command line: exit codes, JSON output, NDJSON, languages,
pack lint/info, and bad input handled with clear errors.  Prints TAP."""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

SRC = os.environ.get("CBEC_SOURCE_DIR", os.path.join(os.path.dirname(__file__), ".."))
EX = os.path.join(SRC, "examples")
PACKS = os.path.join(SRC, "packs")

results = []


def case(name):
    def deco(fn):
        results.append((name, fn))
        return fn
    return deco


def run(*args, stdin=None, env=None):
    e = dict(os.environ)
    if env:
        e.update(env)
    return subprocess.run([CBECSTD, *args], input=stdin, capture_output=True, env=e, timeout=120)


def order_text():
    with open(os.path.join(EX, "order.json"), encoding="utf-8") as f:
        return f.read()


def check(cond, msg):
    if not cond:
        raise AssertionError(msg)


@case("examples validate clean with the bundled packs (exit 0)")
def _():
    r = run("validate", *[os.path.join(EX, f) for f in ("order.json", "payment.json", "logistics-status.json")])
    check(r.returncode == 0, "exit %d: %s %s" % (r.returncode, r.stdout, r.stderr))
    check(r.stdout.count(b": valid") == 3, r.stdout)


@case("a defect gives exit 1 and a JSON finding at the right pointer and line")
def _():
    with tempfile.TemporaryDirectory() as d:
        p = os.path.join(d, "bad.json")
        with open(p, "w", encoding="utf-8") as f:
            f.write(order_text().replace('"EA",\n      "quantity": "1"', '"EA",\n      "quantity": "-1"'))
        r = run("validate", "-p", PACKS, "-o", "json", p)
        check(r.returncode == 1, "exit %d" % r.returncode)
        rep = json.loads(r.stdout)
        check(set(rep) >= {"source", "index", "type", "valid", "findings"}, rep)
        check(rep["valid"] is False and rep["type"] == "order" and rep["source"] == p, rep)
        f = [x for x in rep["findings"] if x["rule"] == "ORD-025"]
        check(len(f) == 1, rep["findings"])
        f = f[0]
        check(f["path"] == "/items/1/quantity" and f["line"] == 82 and f["column"] == 19, f)
        check(set(f) == {"rule", "severity", "path", "line", "column", "message", "pack", "ref"}, f)
        check(f["pack"] == "CBEC-ORDER@1.0.0" and f["severity"] == "error", f)


@case("--lang zh-CN renders Chinese messages, default is English")
def _():
    bad = order_text().replace('"currency": "CNY"', '"currency": "yuan"').encode()
    r = run("validate", "--lang", "zh-CN", "-o", "json", "-", stdin=bad)
    msg = json.loads(r.stdout)["findings"][0]["message"]
    check("币制" in msg, msg)
    r = run("validate", "-o", "json", "-", stdin=bad)
    msg = json.loads(r.stdout)["findings"][0]["message"]
    check(msg.startswith("currency"), msg)


@case("--ndjson: one report per non-blank line, index is the line number")
def _():
    good = json.dumps(json.loads(order_text()))
    bad = good.replace('"tradeMode": "9610"', '"tradeMode": "12"')
    data = (good + "\n\n" + bad + "\n{oops\n").encode()
    r = run("validate", "--ndjson", "-o", "json", "-", stdin=data)
    check(r.returncode == 1, r.returncode)
    reps = [json.loads(l) for l in r.stdout.decode().splitlines()]
    check([x["index"] for x in reps] == [1, 3, 4], [x["index"] for x in reps])
    check([x["valid"] for x in reps] == [True, False, False], reps)
    check(reps[2]["findings"][0]["rule"] == "CBEC-JSON-SYNTAX", reps[2])


@case("-q prints only the summary")
def _():
    good = json.dumps(json.loads(order_text())) + "\n"
    r = run("validate", "--ndjson", "-q", "-", stdin=(good * 5).encode())
    check(r.returncode == 0, r.returncode)
    check(r.stdout.decode().strip() == "5 messages: 5 valid, 0 invalid; 0 errors, 0 warnings, 0 infos", r.stdout)


@case("-t names the type; an unknown type is a usage error (exit 2)")
def _():
    r = run("validate", "-t", "order", os.path.join(EX, "order.json"))
    check(r.returncode == 0, r.stderr)
    r = run("validate", "-t", "nosuchtype", os.path.join(EX, "order.json"))
    check(r.returncode == 2 and b"nosuchtype" in r.stderr, (r.returncode, r.stderr))
    check(len(r.stderr.strip().splitlines()) == 1, r.stderr)


@case("unreadable files, bad options and invalid packs exit 2 with a one-line reason")
def _():
    r = run("validate", "/nonexistent/file.json")
    check(r.returncode == 2 and b"/nonexistent/file.json" in r.stderr, r.stderr)
    r = run("validate", "-f", "yaml", os.path.join(EX, "order.json"))
    check(r.returncode == 2 and b"yaml" in r.stderr, r.stderr)
    r = run("validate", "-p", "/nonexistent/pack.json", os.path.join(EX, "order.json"))
    check(r.returncode == 2, r.returncode)
    with tempfile.TemporaryDirectory() as d:
        p = os.path.join(d, "x.pack.json")
        with open(p, "w") as f:
            f.write('{"cbecstd_pack": 1, "id": "X", "version": "1.0.0", "status": "active", "module": "data",\n'
                    ' "title": {"zh-CN": "x", "en": "x"}, "messages": {"m": {"rules": [{"id": "A", "path": "/a", "pattern": "(("}]}}}')
        r = run("validate", "-p", p, os.path.join(EX, "order.json"))
        check(r.returncode == 2, r.returncode)
        line = r.stderr.decode().strip()
        check(len(line.splitlines()) == 1 and "x.pack.json:2:" in line and "/messages/m/rules/0/pattern" in line, line)
        r = run("pack", "lint", p)
        check(r.returncode == 2, r.returncode)
    r = run("bogus")
    check(r.returncode == 2, r.returncode)


@case("malformed, empty and binary messages are findings (exit 1), never a crash")
def _():
    for data in (b"", b"{", b"\x00\x01\x02", b"\xff\xfe{}", b"[" * 100000, b'{"a": "\xc0\xaf"}', b"null"):
        r = run("validate", "-t", "order", "-o", "json", "-", stdin=data)
        check(r.returncode == 1, (data[:20], r.returncode, r.stderr))
        rep = json.loads(r.stdout)
        check(rep["valid"] is False and rep["findings"], rep)


@case("a 100 MB line is refused as too large without holding it all")
def _():
    big = b'{"messageType": "order", "orderNo": "' + b"A" * (100 << 20) + b'"}\n' + json.dumps(json.loads(order_text())).encode() + b"\n"
    r = run("validate", "--ndjson", "-o", "json", "-", stdin=big)
    reps = [json.loads(l) for l in r.stdout.decode().splitlines()]
    check(len(reps) == 2, len(reps))
    check(reps[0]["findings"][0]["rule"] == "CBEC-LIMIT-SIZE", reps[0])
    check(reps[1]["valid"] is True, reps[1])
    check(r.returncode == 1, r.returncode)


@case("--jobs N gives the same reports in the same order as one thread")
def _():
    base = json.loads(order_text())
    lines = []
    for i in range(5000):
        m = dict(base)
        m["orderNo"] = "CBO%08d" % i
        if i % 7 == 0:
            m["tradeMode"] = "1"
        lines.append(json.dumps(m, ensure_ascii=False))
    data = ("\n".join(lines) + "\n").encode()
    one = run("validate", "--ndjson", "-o", "json", "-", stdin=data)
    many = run("validate", "--ndjson", "-o", "json", "--jobs", "3", "-", stdin=data)
    check(one.returncode == 1 and many.returncode == 1, (one.returncode, many.returncode))
    check(one.stdout == many.stdout, "outputs differ")
    check(len(one.stdout.splitlines()) == 5000, len(one.stdout.splitlines()))
    r = run("validate", "--ndjson", "--jobs", "0", "-", stdin=data)
    check(r.returncode == 2, r.returncode)


@case("pack lint and pack info describe the reference packs")
def _():
    r = run("pack", "lint", PACKS)
    check(r.returncode == 0, r.stderr)
    check(b"CBEC-ORDER@1.0.0" in r.stdout, r.stdout)
    r = run("pack", "info", os.path.join(PACKS, "order.pack.json"))
    check(r.returncode == 0 and b"id:        CBEC-ORDER" in r.stdout and b"message:   order" in r.stdout, r.stdout)


@case("every command that validates compiles a broken XSD only for an XML message; pack lint refuses it")
def _():
    with tempfile.TemporaryDirectory() as d:
        with open(os.path.join(d, "broken.xsd"), "w") as f:
            f.write('<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">'
                    '<xs:element name="x" type="xs:noSuchType"/></xs:schema>')
        with open(os.path.join(d, "t.pack.json"), "w") as f:
            f.write('{"cbecstd_pack": 1, "id": "T-DEFER", "version": "1.0.0", "status": "active", "module": "data",'
                    ' "title": {"zh-CN": "x", "en": "x"}, "messages": {'
                    ' "m": {"json": {"detect": {"path": "/t", "equals": "m"}},'
                    '       "classification": {"/name": "personal"},'
                    '       "rules": [{"id": "M-1", "path": "/n", "required": true}]},'
                    ' "x": {"xml": {"root": {"name": "x"}, "xsd": {"file": "broken.xsd"}}, "rules": []}}}')
        msg = os.path.join(d, "m.json")
        with open(msg, "w") as f:
            f.write('{"t": "m", "n": 1, "name": "Zhang"}\n')
        xml = os.path.join(d, "x.xml")
        with open(xml, "w") as f:
            f.write("<x/>")
        r = run("pack", "lint", d)
        check(r.returncode == 2 and b"broken.xsd" in r.stderr, (r.returncode, r.stderr))
        r = run("validate", "-p", d, msg)
        check(r.returncode == 0, (r.returncode, r.stdout, r.stderr))
        r = run("validate", "-p", d, "-o", "json", xml)
        check(r.returncode == 1, (r.returncode, r.stdout, r.stderr))
        f = json.loads(r.stdout)["findings"]
        check(len(f) == 1 and f[0]["rule"] == "CBEC-XSD" and "does not compile" in f[0]["message"], f)
        r = run("redact", "-p", d, msg)
        check(r.returncode == 0 and b"Zhang" not in r.stdout and b'"t":"m"' in r.stdout.replace(b" ", b""),
              (r.returncode, r.stdout, r.stderr))
        r = run("impact", "--old", d, "--new", d, msg)
        check(r.returncode == 0, (r.returncode, r.stdout, r.stderr))
        r = run("pack", "diff", d, d)
        check(r.returncode == 0, (r.returncode, r.stdout, r.stderr))


@case("the cache between runs: where the environment says, the same reports, none when empty")
def _():
    with tempfile.TemporaryDirectory() as d:
        msg = os.path.join(d, "tags.json")
        with open(msg, "w", encoding="utf-8") as f:
            f.write(order_text().replace('"en": "Moisturizing Face Cream"',
                                         '"en": "Moisturizing Face Cream", "xq": "bad tag", "fre": "Creme"', 1))
        def entries(where):
            return sorted(os.listdir(where)) if os.path.isdir(where) else []
        plain = run("validate", "-o", "json", msg, env={"CBECSTD_CACHE_DIR": ""})
        check(plain.returncode == 1, "exit %d: %s" % (plain.returncode, plain.stderr))
        check(b'use the ISO 639-1 code \\"fr\\"' in plain.stdout and b'\\"xq\\" is not' in plain.stdout, plain.stdout)
        own = os.path.join(d, "own", "cache")
        # stored (the packs loaded whole, then certified), read back with the
        # packs loaded lazily (heads stored), then read back whole
        kinds = [{"langtab", "isoimport", "packset", "packsetok"},
                 {"langtab", "isoimport", "packset", "packsetok", "packhead", "packdeps"},
                 {"langtab", "isoimport", "packset", "packsetok", "packhead", "packdeps"}]
        for _round in range(3):
            r = run("validate", "-o", "json", msg, env={"CBECSTD_CACHE_DIR": own})
            check(r.returncode == 1 and r.stdout == plain.stdout, "round %d: %s" % (_round, r.stdout))
            names = entries(own)
            check({n.split("-")[0] for n in names} == kinds[_round], names)
            check(os.stat(own).st_mode & 0o777 == 0o700, oct(os.stat(own).st_mode))
        # XDG_CACHE_HOME, then HOME; a relative XDG_CACHE_HOME does not count
        env = {"XDG_CACHE_HOME": os.path.join(d, "xdg"), "HOME": os.path.join(d, "home")}
        del_env = dict(os.environ)
        del_env.pop("CBECSTD_CACHE_DIR", None)
        del_env.update(env)
        r = subprocess.run([CBECSTD, "validate", msg], capture_output=True, env=del_env, timeout=120)
        check(r.returncode == 1 and entries(os.path.join(d, "xdg", "cbecstd")), r.stderr)
        del_env["XDG_CACHE_HOME"] = "relative"
        r = subprocess.run([CBECSTD, "pack", "lint", PACKS], capture_output=True, env=del_env, timeout=120)
        check(r.returncode == 0 and entries(os.path.join(d, "home", ".cache", "cbecstd")), r.stderr)
        check(not os.path.exists(os.path.join(d, "relative")) and not os.path.exists("relative"), "relative")
        # a directory others may write to is left alone, and nothing fails
        shared = os.path.join(d, "shared")
        os.mkdir(shared)
        os.chmod(shared, 0o777)
        r = run("validate", "-o", "json", msg, env={"CBECSTD_CACHE_DIR": shared})
        check(r.returncode == 1 and r.stdout == plain.stdout and entries(shared) == [], entries(shared))


@case("--version and --help")
def _():
    r = run("--version")
    check(r.returncode == 0 and r.stdout.startswith(b"cbecstd "), r.stdout)
    r = run("--help")
    check(r.returncode == 0 and b"usage:" in r.stdout, r.stdout)


@case("--lazy gives the same reports, and fails only the messages whose packs do not compile")
def _():
    files = [os.path.join(EX, f) for f in sorted(os.listdir(EX)) if f.endswith(".json")]
    files.append(os.path.join(SRC, "tests", "xml", "order-ceb311.xml"))
    for args in (["-o", "json"], ["-o", "text", "--lang", "zh-CN"]):
        a, b = run("validate", *args, *files), run("validate", "--lazy", *args, *files)
        check(a.returncode == b.returncode == 0, "exit %d %d: %s" % (a.returncode, b.returncode, b.stderr))
        check(a.stdout == b.stdout and len(a.stdout) > 200, (a.stdout[:300], b.stdout[:300]))
    with tempfile.TemporaryDirectory() as d:
        d = os.path.join(d, "packs")
        shutil.copytree(PACKS, d)
        # a rule of the service ticket pack with a key no check knows
        t = os.path.join(d, "service-ticket.pack.json")
        with open(t, encoding="utf-8") as f:
            text = f.read()
        with open(t, "w", encoding="utf-8") as f:
            f.write(text.replace('"rules": [', '"rules": [{"id": "BROKEN-1", "path": "/x", "noSuchCheck": 1},', 1))
        r = run("validate", "-p", d, os.path.join(EX, "order.json"))
        check(r.returncode == 2 and b"noSuchCheck" in r.stderr, (r.returncode, r.stderr))
        r = run("validate", "--lazy", "-p", d, os.path.join(EX, "order.json"))
        check(r.returncode == 0 and b": valid" in r.stdout, (r.returncode, r.stdout, r.stderr))
        r = run("validate", "--lazy", "-p", d, "-o", "json", os.path.join(EX, "service-ticket.json"))
        check(r.returncode == 1, (r.returncode, r.stdout, r.stderr))
        rep = json.loads(r.stdout)
        check([x["rule"] for x in rep["findings"]] == ["CBEC-PACK"] and "noSuchCheck" in rep["findings"][0]["message"]
              and "service-ticket.pack.json:" in rep["findings"][0]["message"], rep)


@case("by default a run compiles lazily only packs an earlier whole load certified")
def _():
    with tempfile.TemporaryDirectory() as d:
        packs, cache = os.path.join(d, "packs"), os.path.join(d, "cache")
        shutil.copytree(PACKS, packs)
        time.sleep(2.2)  # the cache stores nothing for files changed in the last two seconds
        env = {"CBECSTD_CACHE_DIR": cache}
        order = os.path.join(EX, "order.json")
        first = run("validate", "-o", "json", "-p", packs, order, env=env)
        check(first.returncode == 0, first.stderr)
        kinds = {n.split("-")[0] for n in os.listdir(cache)}
        check("packsetok" in kinds and "packhead" not in kinds, kinds)  # whole, certified
        second = run("validate", "-o", "json", "-p", packs, order, env=env)
        check(second.returncode == 0 and second.stdout == first.stdout, (second.stdout, first.stdout))
        check("packhead" in {n.split("-")[0] for n in os.listdir(cache)}, os.listdir(cache))  # lazily
        # a file a pack reads breaks: the certificate no longer holds, the load fails
        with open(os.path.join(packs, "schemas", "order.schema.json"), "a", encoding="utf-8") as f:
            f.write("}")
        r = run("validate", "-p", packs, order, env=env)
        check(r.returncode == 2 and b"order.schema.json" in r.stderr, (r.returncode, r.stderr))


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
        except Exception as e:  # report and go on
            failed += 1
            print("not ok %d - %s" % (i, name))
            for line in str(e).splitlines()[:20]:
                print("#   " + line[:500])
    print("# %d passed, %d failed" % (len(results) - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
