#!/usr/bin/env python3
"""cbecstd validate shows progress on stderr when it is a terminal (count,
rate, findings so far) and ends a long run with a summary; it stays silent
on pipes, and --progress/--no-progress override the terminal test.  Runs
the CLI with stderr on a pseudo-terminal.  Prints TAP."""
import argparse
import json
import os
import pty
import select
import subprocess
import sys
import threading
import time

SRC = os.environ.get("CBEC_SOURCE_DIR", os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
EX = os.path.join(SRC, "examples")
CLEAR = b"\r\x1b[K"

results = []


def case(name):
    def deco(fn):
        results.append((name, fn))
        return fn
    return deco


def check(cond, msg):
    if not cond:
        raise AssertionError(msg)


def lines(n, bad_every=4):
    with open(os.path.join(EX, "order.json"), encoding="utf-8") as f:
        order = json.load(f)
    out = []
    for i in range(n):
        d = json.loads(json.dumps(order))
        if i % bad_every == 0:
            d["tradeMode"] = "0000"
        out.append((json.dumps(d, ensure_ascii=False) + "\n").encode("utf-8"))
    return out


def run(args, chunks, pause=0.0, stderr_tty=True, stdout_tty=False):
    """Run cbecstd validate ARGS, feeding stdin chunk by chunk with pauses;
    returns (exit code, stdout bytes, stderr bytes)."""
    fds = []
    if stderr_tty or stdout_tty:
        master, slave = pty.openpty()
        fds = [master, slave]
    p = subprocess.Popen([CBECSTD, "validate", *args], stdin=subprocess.PIPE,
                         stdout=slave if stdout_tty else subprocess.PIPE,
                         stderr=slave if stderr_tty else subprocess.PIPE)
    if fds:
        os.close(slave)

    def feed():
        try:
            for c in chunks:
                p.stdin.write(c)
                p.stdin.flush()
                if pause:
                    time.sleep(pause)
        finally:
            p.stdin.close()

    feeder = threading.Thread(target=feed)
    feeder.start()
    tty_out = b""
    pipe_out = {}

    def drain(name, f):
        pipe_out[name] = f.read()

    drains = []
    for name, f in (("stdout", p.stdout), ("stderr", p.stderr)):
        if f is not None:
            t = threading.Thread(target=drain, args=(name, f))
            t.start()
            drains.append(t)
    if fds:
        while True:
            r, _, _ = select.select([master], [], [], 60)
            if not r:
                break
            try:
                data = os.read(master, 65536)
            except OSError:   # the other side closed: the child is done
                break
            if not data:
                break
            tty_out += data
        os.close(master)
    feeder.join()
    for t in drains:
        t.join()
    rc = p.wait(timeout=60)
    out = tty_out if stdout_tty else pipe_out.get("stdout", b"")
    err = tty_out if stderr_tty else pipe_out.get("stderr", b"")
    return rc, out, err


def slow_stream(n=400, parts=8, pause=0.2):
    msgs = lines(n)
    size = n // parts
    return [b"".join(msgs[i:i + size]) for i in range(0, n, size)], pause


@case("on a terminal: progress lines with count, rate and findings, then the summary")
def _():
    chunks, pause = slow_stream()
    rc, out, err = run(["--ndjson", "-o", "json", "-"], chunks, pause)
    check(rc == 1, (rc, err))
    check(CLEAR in err, err[:300])
    text = err.replace(b"\r\n", b"\n").decode()
    progress = [seg for seg in text.split("\r\x1b[K") if seg.strip()]
    check(any(" messages, " in s and "/s; " in s and " invalid, " in s and " errors, " in s for s in progress),
          progress[:3])
    check("400 messages: 300 valid, 100 invalid; 100 errors, 0 warnings, 0 infos\n" in text, text[-300:])
    check(" messages/s\n" in text, text[-200:])
    reports = [json.loads(l) for l in out.decode().splitlines()]
    check(len(reports) == 400, len(reports))   # stdout carries only the reports


@case("several files: progress names the file being read")
def _():
    import tempfile
    with tempfile.TemporaryDirectory() as d:
        paths = [os.path.join(d, "a.ndjson"), os.path.join(d, "slow.fifo"), os.path.join(d, "c.ndjson")]
        for p in (paths[0], paths[2]):
            with open(p, "wb") as f:
                f.write(b"".join(lines(40)))
        os.mkfifo(paths[1])
        chunks, pause = slow_stream(n=200, parts=5, pause=0.25)

        def writer():   # the second "file" arrives slowly, as from a network share
            with open(paths[1], "wb") as f:
                for c in chunks:
                    f.write(c)
                    f.flush()
                    time.sleep(pause)

        t = threading.Thread(target=writer)
        t.start()
        rc, out, err = run(["--ndjson", "-q", *paths], [])
        t.join()
    check(rc == 1, rc)
    check(b"280 messages: 210 valid, 70 invalid" in out, out)
    check(b"[2/3] " in err, err[:400])
    check(b" messages/s\r\n" in err, err[-200:])


@case("--jobs: progress and summary count every message")
def _():
    rc, out, err = run(["--ndjson", "-q", "--jobs", "3", "--progress", "-"], [b"".join(lines(9000))])
    check(rc == 1, rc)
    check(out.strip() == b"9000 messages: 6750 valid, 2250 invalid; 2250 errors, 0 warnings, 0 infos", out)
    check(b" messages/s\r\n" in err, err[-200:])


@case("on pipes: no progress and no extra summary for JSON output")
def _():
    chunks, pause = slow_stream(n=80, parts=4, pause=0.2)
    rc, out, err = run(["--ndjson", "-o", "json", "-"], chunks, pause, stderr_tty=False)
    check(rc == 1, rc)
    check(err == b"", err)


@case("--no-progress keeps a terminal quiet; --progress draws on a pipe")
def _():
    chunks, pause = slow_stream()
    rc, out, err = run(["--ndjson", "-o", "json", "--no-progress", "-"], chunks, pause)
    check(CLEAR not in err and b"messages/s" not in err, err[:300])
    rc, out, err = run(["--ndjson", "-o", "json", "--progress", "-"], chunks, pause, stderr_tty=False)
    check(CLEAR in err, err[:300])
    check(b"400 messages: 300 valid" in err, err[-300:])


@case("reports on the same terminal: no progress line drawn under them, -q draws it")
def _():
    chunks, pause = slow_stream(n=160, parts=4, pause=0.25)
    rc, out, err = run(["--ndjson", "-"], chunks, pause, stderr_tty=True, stdout_tty=True)
    check(CLEAR not in out, out[:300])
    check(b"160 messages: 120 valid" in out, out[-300:])
    rc, out, err = run(["--ndjson", "-q", "-"], chunks, pause, stderr_tty=True, stdout_tty=True)
    check(CLEAR in out, out[:300])


def main():
    global CBECSTD
    ap = argparse.ArgumentParser()
    ap.add_argument("--cbecstd", required=True)
    CBECSTD = os.path.abspath(ap.parse_args().cbecstd)
    print("1..%d" % len(results))
    failed = 0
    for i, (name, fn) in enumerate(results, 1):
        try:
            fn()
            print("ok %d - %s" % (i, name))
        except Exception as e:
            failed += 1
            print("not ok %d - %s" % (i, name))
            for line in str(e).splitlines():
                print("#   " + line)
    print("# %d passed, %d failed" % (len(results) - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
