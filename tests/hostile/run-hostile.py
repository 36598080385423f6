#!/usr/bin/env python3
"""Run the hostile-input catalogue (tests/hostile/catalogue.json) through the
cbecstd command-line tool and check every item's expected outcome: its exit
status, the findings or the error it must produce, and that it stays within
its time and memory bounds and reads nothing the input names.  Prints TAP.

Each item builds its input from "parts" (text or hex, each repeated), so a
100 MB message or a JSON text nested a million deep costs a few bytes of
catalogue.  A "packdir" item writes a directory of packs (and symlinks)
first.  With strace installed, an item's "no_open" paths and "no_connect"
are checked on the system calls the process really made.

usage: run-hostile.py --cbecstd PATH [--slow N] [--only ID] CATALOGUE"""
import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def expand(text, subst):
    for k, v in subst.items():
        text = text.replace("{" + k + "}", v)
    return text


def build_input(spec, path, subst):
    """Write the parts of an input to path; returns its size."""
    size = 0
    with open(path, "wb") as f:
        for part in spec["parts"]:
            if "hex" in part:
                chunk = bytes.fromhex(part["hex"])
            else:
                chunk = expand(part["text"], subst).encode("utf-8")
            n = part.get("repeat", 1)
            if not chunk or n <= 0:
                continue
            # write big repeats in blocks so the runner stays small too
            block = chunk * max(1, min(n, (1 << 20) // max(1, len(chunk))))
            per = len(block) // max(1, len(chunk))
            left = n
            while left > 0:
                k = min(left, per)
                f.write(block if k == per else chunk * k)
                left -= k
            size += len(chunk) * n
    return size


def pack_head(pid, extra=""):
    return ('{"cbecstd_pack":1,"id":"%s","version":"1.0.0","status":"active","module":"compliance",'
            '"title":{"zh-CN":"生成","en":"generated"}%s,' % (pid, extra))


def generated_packs(kind):
    """Packs too big or too regular to write out in the catalogue: name -> text."""
    if kind == "gen-chain":
        # each extends the next; the last defines the type
        out = {}
        for i in range(40):
            ext = ',"extends":[{"id":"CHAIN-%d","version":"^1"}]' % (i + 1) if i < 39 else ""
            out["p%02d.pack.json" % i] = pack_head("CHAIN-%d" % i, ext) + \
                '"messages":{"m":{"rules":[{"id":"C-%d","path":"/x","type":"number"}]}}}' % i
        return out
    if kind == "gen-regex-nest":
        pat = "(" * 10000 + "a" + ")" * 10000
        return {"a.pack.json": pack_head("NEST") + '"messages":{"m":{"rules":[{"id":"R","path":"/x","pattern":"%s"}]}}}' % pat}
    if kind == "gen-deep-pack":
        return {"a.pack.json": pack_head("DEEP") + '"messages":{"m":{"rules":[],"description":' +
                '{"a":' * 1000000 + '1' + '}' * 1000000 + '}}}'}
    if kind == "gen-big-codelist":
        codes = ",".join('"C%06d"' % i for i in range(500000))
        return {"a.pack.json": pack_head("BIG") + '"codelists":{"c":{"codes":[%s]}},' % codes +
                '"messages":{"m":{"rules":[{"id":"R","path":"/x","codelist":"c"}]}}}'}
    raise ValueError("unknown generator " + kind)


def write_packdir(spec, d, subst):
    for name, content in spec.items():
        if name.startswith("gen-"):
            for fname, text in generated_packs(name).items():
                with open(os.path.join(d, fname), "w", encoding="utf-8") as f:
                    f.write(text)
            continue
        if name == "links":
            for link, target in content.items():
                os.symlink(expand(target, subst), os.path.join(d, link))
            continue
        with open(os.path.join(d, name), "w", encoding="utf-8") as f:
            if isinstance(content, str):
                f.write(expand(content, subst))
            else:
                f.write(expand(json.dumps(content, ensure_ascii=False), subst))


def run_limited(cmd, seconds, trace_file=None):
    """Run cmd; returns (exit, stdout, stderr, wall seconds, max RSS MiB, timed out)."""
    if trace_file:
        cmd = ["strace", "-f", "-qq", "-e", "trace=open,openat,openat2,connect", "-o", trace_file] + cmd
    # The peak RSS comes from GNU time when it is there: a child forked from
    # this (large) Python process would count the parent's pages in its own
    # ru_maxrss, since Linux keeps the high-water mark across exec.
    rss_file = None
    if os.path.exists("/usr/bin/time"):
        fd, rss_file = tempfile.mkstemp(prefix="cbec-rss-")
        os.close(fd)
        cmd = ["/usr/bin/time", "-f", "%M", "-o", rss_file] + cmd
    t0 = time.monotonic()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        p = subprocess.Popen(cmd, stdout=out, stderr=err, start_new_session=True)
        timed_out = False
        while True:
            pid, status, ru = os.wait4(p.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() - t0 > seconds:
                timed_out = True
                os.killpg(p.pid, signal.SIGKILL)
                pid, status, ru = os.wait4(p.pid, 0)
                break
            time.sleep(0.01)
        p.returncode = os.waitstatus_to_exitcode(status)
        wall = time.monotonic() - t0
        out.seek(0)
        err.seek(0)
        # never hold a runaway output whole: the checks need its head, tail and size
        o = out.read(64 << 20)
        e = err.read(1 << 20)
    rss = ru.ru_maxrss / 1024.0
    if rss_file:
        try:
            with open(rss_file) as f:
                lines = [l for l in f.read().split() if l.isdigit()]
            if lines:
                rss = int(lines[-1]) / 1024.0
        finally:
            os.remove(rss_file)
    return p.returncode, o, e, wall, rss, timed_out


def traced_opens(trace_file):
    opened, connects = [], []
    if not os.path.exists(trace_file):
        return opened, connects
    for line in open(trace_file, encoding="utf-8", errors="replace"):
        m = re.search(r'open(?:at2?)?\((?:AT_FDCWD|\d+, )?,? ?"([^"]*)"', line)
        if m:
            opened.append(m.group(1))
        if "connect(" in line and "AF_UNIX" not in line:
            connects.append(line.strip())
    return opened, connects


def check(item, tmp, args):
    exp = item.get("expect", {})
    lim = item.get("limits", {})
    seconds = lim.get("seconds", 10) * args.slow
    rss_mb = lim.get("rss_mb", 256) * (args.slow if args.slow > 1 else 1)
    errors = []

    # A canary: a file only a broken reader would open, holding a secret that
    # must never reach the output.  Inputs name it as {canary} or {canary_url}.
    secret = "CANARY-%d-%d" % (os.getpid(), int(time.time() * 1000))
    canary = os.path.join(tmp, "canary.txt")
    with open(canary, "w") as f:
        f.write("root:x:0:0:%s:/root:/bin/sh\n" % secret)
    subst = {"canary": canary, "canary_url": "file://" + canary, "secret": secret}

    pack_args = []
    pack = item.get("pack", "hostile.pack.json")
    if "packdir" in item:
        pd = os.path.join(tmp, "packs")
        os.mkdir(pd)
        write_packdir(item["packdir"], pd, subst)
        pack_args = [pd]
    elif pack != "reference":
        pack_args = [os.path.join(HERE, "packs", pack)]

    msg = None
    if "input" in item:
        msg = os.path.join(tmp, item["input"].get("name", "message.json"))
        build_input(item["input"], msg, subst)

    command = item.get("command", "validate")
    if command == "validate":
        cmd = [args.cbecstd, "validate", "-o", "json"]
        for p in pack_args:
            cmd += ["-p", p]
        cmd += item.get("args", [])
        cmd.append(msg)
    elif command == "lint":
        target = pack_args[0]
        if os.path.isdir(target):
            target = os.path.join(target, item.get("lint", sorted(os.listdir(target))[0]))
        cmd = [args.cbecstd, "pack", "lint", target]
    else:
        return ["unknown command %r" % command]

    trace = None
    if (exp.get("no_open") or exp.get("no_connect")) and shutil.which("strace") and not args.no_trace:
        trace = os.path.join(tmp, "trace.txt")
    code, out, err, wall, rss, timed_out = run_limited(cmd, seconds, trace)

    if timed_out:
        return ["did not finish within %.0f s" % seconds]
    if code < 0 or code > 2:
        errors.append("crashed or aborted: exit %d; stderr: %s" % (code, err.decode("utf-8", "replace")[-2000:]))
        return errors
    if rss > rss_mb:
        errors.append("used %.0f MiB, bound is %.0f MiB" % (rss, rss_mb))
    if "exit" in exp and code != exp["exit"]:
        errors.append("exit %d, expected %d; stderr: %s" % (code, exp["exit"], err.decode("utf-8", "replace")[:500]))
    if "max_output_bytes" in exp and len(out) > exp["max_output_bytes"]:
        errors.append("%d bytes of output, bound is %d" % (len(out), exp["max_output_bytes"]))
    for s in exp.get("output_excludes", []) + ([secret] if "no_open" in exp else []):
        s = expand(s, subst)
        if s.encode("utf-8") in out or s.encode("utf-8") in err:
            errors.append("output holds %r" % s)
    if b"\x00" in out or b"\x00" in err:
        errors.append("output holds a NUL byte")
    if re.search(rb"[\x01-\x08\x0b-\x1f\x7f]", out + err):
        errors.append("output holds a raw control character")
    if "stderr" in exp and exp["stderr"] not in err.decode("utf-8", "replace"):
        errors.append("stderr lacks %r: %s" % (exp["stderr"], err.decode("utf-8", "replace")[:500]))
    if trace:
        opened, connects = traced_opens(trace)
        for bad in exp.get("no_open", []):
            bad = expand(bad, subst)
            hits = [o for o in opened if o == bad or os.path.realpath(o) == os.path.realpath(bad)]
            if hits:
                errors.append("opened %s" % hits[0])
        if exp.get("no_connect") and connects:
            errors.append("network: %s" % connects[0])

    if command == "validate" and code in (0, 1) and ("rules" in exp or "truncated" in exp or "total" in exp):
        try:
            rep = json.loads(out.decode("utf-8").splitlines()[0])
        except (ValueError, IndexError) as e:
            return errors + ["output is not a JSON report: %s" % e]
        rules = {f["rule"] for f in rep.get("findings", [])}
        for r in exp.get("rules", []):
            if r not in rules:
                errors.append("no %s finding (got %s)" % (r, sorted(rules)[:10]))
        if "truncated" in exp and bool(rep.get("truncated")) != exp["truncated"]:
            errors.append("truncated is %s" % rep.get("truncated"))
        if "total" in exp and rep.get("total") != exp["total"]:
            errors.append("total is %s, expected %s" % (rep.get("total"), exp["total"]))
        if "findings" in exp and len(rep.get("findings", [])) != exp["findings"]:
            errors.append("%d findings kept, expected %d" % (len(rep.get("findings", [])), exp["findings"]))
        for m in exp.get("message_contains", []):
            if not any(m in f.get("message", "") for f in rep.get("findings", [])):
                errors.append("no finding message holds %r" % m)
    item["_measured"] = "%.2f s, %.0f MiB" % (wall, rss)
    return errors


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cbecstd", required=True)
    ap.add_argument("--slow", type=float, default=1.0,
                    help="multiply time and memory bounds (sanitizer builds)")
    ap.add_argument("--only", action="append", default=[])
    ap.add_argument("--no-trace", action="store_true")
    ap.add_argument("catalogue", nargs="?", default=os.path.join(HERE, "catalogue.json"))
    args = ap.parse_args()
    items = json.load(open(args.catalogue, encoding="utf-8"))["items"]
    if args.only:
        items = [i for i in items if i["id"] in args.only]
    ids = [i["id"] for i in items]
    if len(ids) != len(set(ids)):
        print("Bail out! duplicate ids in the catalogue")
        return 1
    print("1..%d" % len(items))
    failed = 0
    for n, item in enumerate(items, 1):
        tmp = tempfile.mkdtemp(prefix="cbec-hostile-")
        try:
            errors = check(item, tmp, args)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        if errors:
            failed += 1
            print("not ok %d - %s: %s" % (n, item["id"], item["what"]))
            for e in errors:
                print("#   " + e)
        else:
            print("ok %d - %s: %s (%s)" % (n, item["id"], item["what"], item.get("_measured", "")))
        sys.stdout.flush()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
