#!/usr/bin/env python3
"""The compiled examples of doc/examples do what the documentation says:
validate-message reports findings with positions in the caller's language
and the documented exit codes; gateway-threads gives the same totals with
one thread or many; and the pkg-config command of doc/quickstart.md builds
the example against this build tree.  Prints TAP."""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile

SRC = os.environ.get("CBEC_SOURCE_DIR", os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
PACKS = os.path.join(SRC, "packs")
EX = os.path.join(SRC, "examples")
NO_ITEMS = os.path.join(SRC, "tests", "cases", "json", "order-no-items", "message.json")

results = []


def case(name):
    def deco(fn):
        results.append((name, fn))
        return fn
    return deco


class Skip(Exception):
    pass


def check(cond, msg):
    if not cond:
        raise AssertionError(msg)


def run(*cmd, env=None):
    return subprocess.run(list(cmd), capture_output=True, text=True, timeout=300, env=env)


@case("validate-message: a valid example exits 0 and says so")
def _():
    r = run(A.validate_message, PACKS, os.path.join(EX, "order.json"))
    check(r.returncode == 0, (r.returncode, r.stdout, r.stderr))
    check(r.stdout.strip().endswith("order.json: order: valid"), r.stdout)


@case("validate-message: a defect exits 1 with rule, pointer, line and column")
def _():
    r = run(A.validate_message, PACKS, NO_ITEMS)
    check(r.returncode == 1, (r.returncode, r.stderr))
    check("message.json:55:12: error [ORD-022] /items: " in r.stdout, r.stdout)
    check(r.stdout.strip().endswith(": order: INVALID"), r.stdout)


@case("validate-message: findings in the language asked for")
def _():
    en = run(A.validate_message, PACKS, NO_ITEMS, "en").stdout
    zh = run(A.validate_message, PACKS, NO_ITEMS, "zh-CN").stdout
    check(en != zh, en)
    check(any("\u4e00" <= c <= "\u9fff" for c in zh), zh)


@case("validate-message: unreadable packs and files exit 2 with a reason")
def _():
    r = run(A.validate_message, "/nonexistent/packs", os.path.join(EX, "order.json"))
    check(r.returncode == 2 and "/nonexistent/packs" in r.stderr, (r.returncode, r.stderr))
    r = run(A.validate_message, PACKS, "/nonexistent/order.json")
    check(r.returncode == 2 and "/nonexistent/order.json" in r.stderr, (r.returncode, r.stderr))
    r = run(A.validate_message)
    check(r.returncode == 2 and "usage" in r.stderr, r.stderr)


@case("gateway-threads: one validator per thread, same totals for 1 and 8 threads")
def _():
    files = [os.path.join(EX, f) for f in ("order.json", "payment.json", "logistics-status.json")] + [NO_ITEMS]
    one = run(A.gateway, PACKS, "1", "50", *files)
    many = run(A.gateway, PACKS, "8", "50", *files)
    check(one.returncode == 0 and many.returncode == 0, (one.stderr, many.stderr))
    check(one.stdout == many.stdout, (one.stdout, many.stdout))
    check(one.stdout.startswith("200 messages: 150 valid, 50 invalid; 50 errors"), one.stdout)


@case("quick start: cc validate-message.c $(pkg-config --cflags --libs cbecstd) builds and runs")
def _():
    pc_dir = os.path.join(A.builddir, "meson-uninstalled")
    cc = shutil.which(os.environ.get("CC", "cc"))
    if not shutil.which("pkg-config") or not cc or not os.path.isdir(pc_dir):
        raise Skip("pkg-config, a C compiler or the uninstalled .pc file is missing")
    env = dict(os.environ, PKG_CONFIG_PATH=pc_dir)
    flags = run("pkg-config", "--cflags", "--libs", "cbecstd", env=env)
    check(flags.returncode == 0, flags.stderr)
    with tempfile.TemporaryDirectory() as d:
        exe = os.path.join(d, "validate-message")
        extra = ["-fsanitize=" + A.sanitize] if A.sanitize not in ("", "none") else []
        r = run(cc, os.path.join(SRC, "doc", "examples", "validate-message.c"), *flags.stdout.split(),
                *extra, "-o", exe)
        check(r.returncode == 0, r.stderr)
        libdir = [f[2:] for f in flags.stdout.split() if f.startswith("-L")]
        env = dict(os.environ, LD_LIBRARY_PATH=os.pathsep.join(libdir))
        r = run(exe, PACKS, os.path.join(EX, "payment.json"), env=env)
        check(r.returncode == 0 and "payment: valid" in r.stdout, (r.returncode, r.stdout, r.stderr))


@case("the documents point at the examples they describe")
def _():
    for doc, needles in (("quickstart.md", ["doc/examples/validate-message.c", "pkg-config --cflags --libs cbecstd"]),
                         ("integration-c.md", ["doc/examples/gateway-threads.c", "cbec_validator_new"])):
        path = os.path.join(SRC, "doc", doc)
        check(os.path.exists(path), "missing " + path)
        with open(path, encoding="utf-8") as f:
            text = f.read()
        for n in needles:
            check(n in text, "%s does not mention %s" % (doc, n))


def main():
    global A
    ap = argparse.ArgumentParser()
    ap.add_argument("--validate-message", required=True)
    ap.add_argument("--gateway", required=True)
    ap.add_argument("--builddir", required=True)
    ap.add_argument("--sanitize", default="none")
    A = ap.parse_args()
    print("1..%d" % len(results))
    failed = 0
    for i, (name, fn) in enumerate(results, 1):
        try:
            fn()
            print("ok %d - %s" % (i, name))
        except Skip as e:
            print("ok %d - %s # SKIP %s" % (i, name, e))
        except Exception as e:
            failed += 1
            print("not ok %d - %s" % (i, name))
            for line in str(e).splitlines():
                print("#   " + line)
    print("# %d passed, %d failed" % (len(results) - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
