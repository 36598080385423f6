#!/usr/bin/env python3
"""cbecstd check: identifiers on their own through the CLI (one line per
value, exact reasons, exit status 0/1/2, standard input, languages, the
iso-codes country table).  Prints TAP."""
import argparse
import os
import subprocess
import sys

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
    r = subprocess.run([CBECSTD, "check", *args], input=stdin, capture_output=True, timeout=60, env=e)
    return r.returncode, r.stdout.decode("utf-8"), r.stderr.decode("utf-8")


def check(cond, msg):
    if not cond:
        raise AssertionError(msg)


@case("--list names at least the kinds of the standard, one per line with a summary")
def _():
    rc, out, _ = run("--list")
    check(rc == 0, rc)
    names = [l.split()[0] for l in out.splitlines() if l.strip()]
    for k in ["gtin", "iban", "bic", "lei", "s10", "iso6346", "uscc", "cn-ric", "hs", "unlocode", "e164",
              "email", "uuid", "masked-pan"]:
        check(k in names, (k, names))
    rc, out, _ = run("--list", "--lang", "zh-CN")
    check(rc == 0 and "商品条码" in out, out)


@case("all valid: exit 0, one line per value")
def _():
    rc, out, err = run("gtin", "6901234567892", "4901234567894", "96385074")
    check(rc == 0, (rc, err))
    check(out.splitlines() == ["6901234567892: valid", "4901234567894: valid", "96385074: valid"], out)


@case("one invalid: exit 1, the exact reason on its line")
def _():
    rc, out, _ = run("iban", "DE89370400440532013000", "DE88370400440532013000", "GB82WEST1234569876543")
    check(rc == 1, rc)
    lines = out.splitlines()
    check(lines[0] == "DE89370400440532013000: valid", lines)
    check(lines[1] == "DE88370400440532013000: invalid: check digits are 88, expected 89", lines)
    check(lines[2] == "GB82WEST1234569876543: invalid: an IBAN of GB has 22 characters, got 21", lines)


@case("unknown kind: exit 2 and a message on standard error")
def _():
    rc, out, err = run("isbn", "9780306406157")
    check(rc == 2 and out == "" and "unknown identifier kind \"isbn\"" in err, (rc, out, err))
    rc, _, _ = run("gtin")
    check(rc == 2, rc)


@case("values from standard input with -, CR LF tolerated")
def _():
    rc, out, _ = run("s10", "-", stdin=b"EE202611270JP\r\nEE202611271JP\n\n")
    check(rc == 1, rc)
    lines = out.splitlines()
    check(lines[0] == "EE202611270JP: valid", lines)
    check(lines[1] == "EE202611271JP: invalid: check digit is 1, expected 0", lines)
    check(lines[2].startswith(": invalid: "), lines)


@case("reasons in Chinese; the keywords stay English")
def _():
    rc, out, _ = run("--lang", "zh-CN", "cn-ric", "110105199002301236")
    check(rc == 1 and out.startswith("110105199002301236: invalid: ") and "出生日期" in out, out)


@case("countries from iso-codes; --no-countries skips them")
def _():
    rc, out, _ = run("bic", "DEUTDEFF", "DEUTXXFF")
    check(rc == 1 and "DEUTXXFF: invalid: unknown country code 'XX' at position 5" in out, out)
    rc, out, _ = run("--no-countries", "bic", "DEUTXXFF")
    check(rc == 0, (rc, out))
    rc, out, err = run("bic", "DEUTDEFF", env={"CBECSTD_ISO_CODES_DIR": "/nonexistent/iso-codes"})
    check(rc == 2 and "/nonexistent/iso-codes/iso_3166-1.json" in err and "--no-countries" in err, (rc, err))


@case("a value cannot forge output: control bytes are escaped")
def _():
    rc, out, _ = run("e164", "+86\n138\x1b[2J")
    check(rc == 1 and out.count("\n") == 1 and "\\x0A" in out and "\\x1B" in out, repr(out))


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
        except Exception as e:  # report and continue with the next case
            failed += 1
            print("not ok %d - %s" % (i, name))
            for line in str(e).splitlines():
                print("#   " + line)
    print("# %d passed, %d failed" % (len(results) - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
