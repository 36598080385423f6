#!/usr/bin/env python3
"""The libcbecstd benchmark: builds what it needs, runs every comparison side
by side (A B A B ..., median of per-round ratios) and writes
doc/performance.md.  Not part of the test suite.

    python3 bench/run.py [--quick]

Comparisons (whole processes, NDJSON, one message per line):
  floor     json-c parse only, one reused tokener (bench/jsonc-floor.c)
  cbecstd   cbecstd validate --ndjson -q with the full reference packs
  jobs      the same with --jobs 2
  ajv       ajv 8 on Node: JSON.parse + compiled JSON Schema (structure only)
  pyjs      Python jsonschema with a prebuilt validator (structure only)
  xml       cbecstd on CEB311 XML orders vs xmllint parse + XSD validation
plus memory (peak RSS at 10 000 and 1 000 000 messages), scaling with the
number of order lines, start-up, and the Python binding vs jsonschema.
"""
import argparse
import datetime
import glob
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
BUILD = os.path.join(TOP, "build-bench")
CBECSTD = os.path.join(BUILD, "tools", "cbecstd")
FLOOR = os.path.join(BUILD, "jsonc-floor")
FILES_FLOOR = os.path.join(BUILD, "files-floor")
SCHEMA = os.path.join(TOP, "packs", "schemas", "order.schema.json")
# XML: CEB311 documents validated with the customs pack (its XSDs and rules)
# against xmllint with the same XSD; enough documents that start-up (both
# sides compile the XSDs) does not decide the ratio
CEB_PACK = os.path.join(TOP, "packs", "ceb.pack.json")
XML_DOCS = 10000
STARTUP_ROUNDS = 21    # one-message calls, each beside a process start


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def timed(cmd, stdin_path=None, env=None):
    """Wall time and peak RSS (KiB) of one run of cmd (in env, else this
    process's environment).  Its stderr goes to a file: xmllint writes a
    line per document, which would fill a pipe nobody reads while we wait."""
    stdin = open(stdin_path, "rb") if stdin_path else subprocess.DEVNULL
    with tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err, stdin=stdin, env=env)
        _, status, ru = os.wait4(p.pid, 0)
        dt = time.perf_counter() - t0
        if stdin_path:
            stdin.close()
        code = os.waitstatus_to_exitcode(status)
        if code not in (0, 1, 3):  # 3: xmllint's "fails to validate"
            err.seek(0)
            raise RuntimeError("%s exited %d: %s" % (cmd, code, err.read().decode(errors="replace")[-2000:]))
    return dt, ru.ru_maxrss


def cpu_time(cmd):
    """User plus system CPU seconds of one run of cmd (all its threads)."""
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, _, ru = os.wait4(p.pid, 0)
    return ru.ru_utime + ru.ru_stime


def peak_rss(cmd):
    """Peak RSS (KiB) of cmd alone.  rusage of a child forked from this
    process counts this process's memory until the exec (Linux keeps the
    high-water mark across it), so GNU time, a small process, runs it."""
    gnu_time = shutil.which("time") or "/usr/bin/time"
    if not os.path.exists(gnu_time):
        return timed(cmd)[1]
    with tempfile.NamedTemporaryFile(mode="r") as out:
        subprocess.run([gnu_time, "-o", out.name, "-f", "%M", *cmd], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        return int(out.read().split()[-1])


def versus(a, b, rounds):
    """Run a and b alternately; per-round ratio b/a; medians."""
    ta, tb, ratios = [], [], []
    for _ in range(rounds):
        x, _ = timed(a)
        y, _ = timed(b)
        ta.append(x)
        tb.append(y)
        ratios.append(y / x)
    return statistics.median(ta), statistics.median(tb), statistics.median(ratios)


def build():
    if not os.path.exists(os.path.join(BUILD, "build.ninja")):
        sh(["meson", "setup", BUILD, TOP, "-Dbuildtype=release", "-Db_ndebug=true", "-Dtests=false"],
           stdout=subprocess.DEVNULL)
    sh(["ninja", "-C", BUILD], stdout=subprocess.DEVNULL)
    cflags = subprocess.run(["pkg-config", "--cflags", "--libs", "json-c"], capture_output=True, text=True).stdout.split()
    sh(["cc", "-O2", "-o", FLOOR, os.path.join(HERE, "jsonc-floor.c"), *cflags])
    nettle = subprocess.run(["pkg-config", "--cflags", "--libs", "nettle"], capture_output=True, text=True).stdout.split()
    sh(["cc", "-O2", "-o", FILES_FLOOR, os.path.join(HERE, "files-floor.c"), *nettle])


def files_opened(cmd, skip=(), env=None):
    """The regular files cmd opens beyond its libraries and system set-up
    (strace; None without it), in the order it opens them."""
    if not shutil.which("strace"):
        return None
    with tempfile.NamedTemporaryFile(mode="r") as log:
        subprocess.run(["strace", "-f", "-qq", "-y", "-e", "trace=openat,openat2", "-o", log.name, *cmd],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        files = []
        for line in log:
            m = re.search(r"\)\s+= \d+<([^>]*)>$", line.rstrip())
            if not m or "O_DIRECTORY" in line or "O_PATH" in line:
                continue
            path = m.group(1)
            if path.startswith(("/lib", "/usr/lib", "/etc", "/sys", "/proc", "/dev")) or ".so" in path:
                continue
            if os.path.isfile(path) and path not in files and path not in skip:
                files.append(path)
        return files


def one_type_packs(dest, msgtype="order"):
    """The reference packs cut down to what a message of msgtype needs, in
    dest: the packs that name the type keep only it; they and the packs
    they extend, transitively, keep their code lists, state machines and
    waivers; every other pack keeps only its metadata.  Loading them
    measures what compiling only the message types a message needs (a lazy
    compile) could at best save."""
    src = os.path.join(TOP, "packs")
    shutil.copytree(src, dest)
    packs = {}
    for pf in glob.glob(os.path.join(dest, "*.pack.json")):
        with open(pf, encoding="utf-8") as f:
            packs[pf] = json.load(f)
    by_id = {}
    for pf, d in packs.items():
        by_id.setdefault(d["id"], []).append(pf)
    chain = [pf for pf, d in packs.items() if msgtype in d.get("messages", {})]
    keep = set()
    while chain:
        pf = chain.pop()
        if pf in keep:
            continue
        keep.add(pf)
        for e in packs[pf].get("extends", []):
            chain.extend(by_id.get(e["id"], []))
    for pf, d in packs.items():
        d["messages"] = {k: v for k, v in d.get("messages", {}).items() if k == msgtype}
        if pf not in keep:
            for k in ("codelists", "statemachines", "waivers"):
                d.pop(k, None)
        else:
            # a waiver of a rule of another type would name a rule no base defines now
            rules = set()
            for q in keep:
                for t in packs[q]["messages"].values():
                    rules.update(r["id"] for r in t.get("rules", []))
            d["waivers"] = [w for w in d.get("waivers", []) if w["rule"] in rules]
            if not d["waivers"]:
                d.pop("waivers")
        with open(pf, "w", encoding="utf-8") as f:
            json.dump(d, f, ensure_ascii=False)
    return sorted(os.path.basename(pf) for pf in keep)


def gen(path, kind="order", count=20000, lines=4, defects=0.1, xml=False):
    args = [sys.executable, os.path.join(HERE, "gen.py"), "--kind", kind, "--count", str(count),
            "--lines", str(lines), "--defects", str(defects)]
    if xml:
        args.append("--xml")
    with open(path, "w") as f:
        sh(args, stdout=f)


def have_ajv():
    if not shutil.which("node") or not os.path.exists(SCHEMA):
        return False
    if not os.path.isdir(os.path.join(HERE, "node_modules", "ajv")):
        r = subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--silent"], cwd=HERE)
        if r.returncode:
            return False
    return True


def python_with(module):
    for py in (sys.executable, "/usr/bin/python3"):
        if py and subprocess.run([py, "-c", "import " + module], capture_output=True).returncode == 0:
            return py
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="fewer rounds and messages")
    ap.add_argument("--out", default=os.path.join(TOP, "doc", "performance.md"))
    a = ap.parse_args()
    rounds = 3 if a.quick else 7
    n = 10000 if a.quick else 40000
    build()
    tmp = tempfile.mkdtemp(prefix="cbec-bench-")
    # the program's cache between runs (language tables derived from
    # iso-codes): the bench's own, so that it neither reads nor fills the
    # user's; a first run stores it, as a user's first run would
    os.environ["CBECSTD_CACHE_DIR"] = os.path.join(tmp, "cache")
    orders = os.path.join(tmp, "orders.ndjson")
    gen(orders, count=n)
    size = os.path.getsize(orders)
    rows, notes = [], []
    cb = [CBECSTD, "validate", "--ndjson", "-q", orders]
    floor = [FLOOR, orders]

    tf, tc, r = versus(floor, cb, rounds)
    rows.append(("JSON orders, full reference packs, 1 thread", "cbecstd validate --ndjson -q", n / tc, r, "≤ 1.25", r <= 1.25))
    rows.insert(0, ("json-c parse only (the floor)", "bench/jsonc-floor", n / tf, 1.0, "", None))
    # the two-core comparison is the noisiest on a shared machine: twice the rounds
    tj1, tj2, rj = versus(cb, [*cb[:-1], "--jobs", "2", orders], 2 * rounds)
    speedup = 1 / rj  # the median of the per-round speed-ups, as everywhere else
    rows.append(("JSON orders, --jobs 2 (2 cores)", "cbecstd validate --ndjson -q --jobs 2", n / tj2, None,
                 "speed-up ≥ 1.8", speedup >= 1.8))
    if have_ajv():
        _, ta, ra = versus(floor, ["node", os.path.join(HERE, "ajv-bench.js"), SCHEMA, orders], rounds)
        rows.append(("ajv 8, structure only", "node bench/ajv-bench.js", n / ta, ra, "(peer)", None))
        notes.append("cbecstd / ajv time ratio: %.2f (below 1 means cbecstd is faster)" % (tc / ta))
    else:
        notes.append("ajv not measured: node/npm or packs/schemas/order.schema.json missing")
    py = python_with("jsonschema")
    if py and os.path.exists(SCHEMA):
        small = os.path.join(tmp, "orders-small.ndjson")
        gen(small, count=2000)
        tfs, tps, _ = versus([FLOOR, small], [py, os.path.join(HERE, "py-jsonschema-bench.py"), SCHEMA, small], max(1, rounds // 2))
        rows.append(("Python jsonschema, structure only", "bench/py-jsonschema-bench.py", 2000 / tps, tps / tfs, "(peer)", None))
    else:
        notes.append("Python jsonschema not measured: module or schema missing")

    # memory: constant in the number of messages
    big = os.path.join(tmp, "orders-1m.ndjson")
    with open(orders, "rb") as src, open(big, "wb") as dst:
        data = src.read()
        for _ in range(max(1, 1000000 // n)):
            dst.write(data)
    small10k = os.path.join(tmp, "orders-10k.ndjson")
    with open(orders, "rb") as src, open(small10k, "wb") as dst:
        dst.write(b"".join(src.read().splitlines(True)[:10000]))
    # medians of three: the CLI's heap is in 2 MiB pages while the packs
    # load, and how many of them the calling thread fills depends on which
    # packs it happened to load, so one run's peak can differ by a page
    rss10k = statistics.median(peak_rss([CBECSTD, "validate", "--ndjson", "-q", small10k]) for _ in range(3))
    tbig, _ = timed([CBECSTD, "validate", "--ndjson", "-q", big])
    rss1m = statistics.median(peak_rss([CBECSTD, "validate", "--ndjson", "-q", big]) for _ in range(3))
    mem_ok = rss1m <= rss10k * 1.1 + 1024 and rss1m < 32 * 1024

    # scaling with order lines
    scaling = []
    for lines in (1, 10, 100, 1000):
        p = os.path.join(tmp, "orders-%d.ndjson" % lines)
        count = max(20, 40000 // lines)
        gen(p, count=count, lines=lines, defects=0)
        # median of three: one run of a tenth of a second can catch a busy moment
        t = statistics.median(timed([CBECSTD, "validate", "--ndjson", "-q", p])[0] for _ in range(3))
        scaling.append((lines, count, t / count * 1e6, t / (count * lines) * 1e6))

    # start-up: one message, packs loaded each time
    one = os.path.join(TOP, "examples", "order.json")
    # side by side with process start of the CLI itself (exec and the
    # dynamic linking of its libraries), round after round, so that a burst
    # of machine noise hits both alike
    starts, start_cpus, trues, bare, load, floors, colds, lazies = [], [], [], [], [], [], [], []
    # the same call with --lazy (pack heads at load, from the cache; the
    # packs of the order type compiled for it, cut down to it)
    lazy_calls, lazy_cpus = [], []
    timed([CBECSTD, "validate", "--lazy", one])  # stores the heads, if they are not yet
    # the same call with packs that hold only what an order needs: the
    # most a lazy compile (message types compiled when a message first
    # needs them) could save
    lazy_dir = os.path.join(tmp, "order-packs")
    lazy_chain = one_type_packs(lazy_dir)
    lazy_cmd = [CBECSTD, "validate", "-p", lazy_dir, one]
    r_ = subprocess.run(lazy_cmd, capture_output=True, text=True)
    if r_.returncode != 0 or ": order: valid" not in r_.stdout:
        notes.append("the order-only packs did not validate the example: " + (r_.stdout + r_.stderr).strip()[-300:])
        lazy_cmd = None
    else:
        # a fair floor only if they find what the whole packs find: the
        # same findings on the orders with defects (the digests differ)
        def findings(packs_args):
            out = subprocess.run([CBECSTD, "validate", "--ndjson", "-o", "json", *packs_args, orders],
                                 capture_output=True, text=True).stdout
            return re.sub(r'"digest":"[^"]*"', "", out)
        if findings([]) != findings(["-p", lazy_dir]):
            notes.append("the order-only packs find otherwise than the reference packs on the generated orders")
            lazy_cmd = None
    no_cache = dict(os.environ, CBECSTD_CACHE_DIR="")
    # the first run loads the packs whole and certifies them in the cache, the
    # second loads them lazily and stores their heads: the calls below are
    # what every later run is
    timed([CBECSTD, "validate", one])
    timed([CBECSTD, "validate", one])
    # the floor of the loading as it is designed (every file a pack names is
    # read and hashed at load, for the pack's digest): the same files read
    # and hashed by a program that does nothing else
    # (the call without a cache, which loads every pack whole)
    opened = files_opened([CBECSTD, "validate", one], skip=(os.path.realpath(one),), env=no_cache)
    if opened:
        # iso-codes tables are hashed when a pack imports them as a code list
        imported = set()
        for pf in glob.glob(os.path.join(TOP, "packs", "*.pack.json")):
            for std in re.findall(r'"iso-codes:([0-9-]+)', open(pf, encoding="utf-8").read()):
                imported.add("639-2" if std == "639-1" else std)
        read_only = [f for f in opened if re.search(r"/iso_([0-9-]+)\.json$", f)
                     and re.search(r"/iso_([0-9-]+)\.json$", f).group(1) not in imported]
        floor_cmd = [FILES_FLOOR, *[f for f in opened if f not in read_only], "--read", *read_only]
    for _ in range(STARTUP_ROUNDS):
        if opened:
            floors.append(timed(floor_cmd)[0])
        starts.append(timed([CBECSTD, "validate", one])[0])
        colds.append(timed([CBECSTD, "validate", one], env=no_cache)[0])
        bare.append(timed([CBECSTD, "--version"])[0])
        trues.append(timed(["/bin/true"])[0])
        start_cpus.append(cpu_time([CBECSTD, "validate", one]))
        load.append(timed([CBECSTD, "pack", "lint", os.path.join(TOP, "packs")])[0])
        if lazy_cmd:
            lazies.append(timed(lazy_cmd)[0])
        lazy_calls.append(timed([CBECSTD, "validate", "--lazy", one])[0])
        lazy_cpus.append(cpu_time([CBECSTD, "validate", "--lazy", one]))

    # XML: CEB311 orders with XSD + customs rules vs xmllint parse + XSD
    xml_row = None
    xsd = os.path.join(TOP, "packs", "ceb", "xsd", "ceb-import-202205.xsd")  # CEB311Message is in it
    if shutil.which("xmllint") and os.path.exists(xsd):
        xdir = os.path.join(tmp, "xml")
        os.makedirs(xdir)
        xml = os.path.join(tmp, "orders.xml.ndjson")
        r_ = subprocess.run([sys.executable, os.path.join(HERE, "gen.py"), "--count", str(XML_DOCS), "--xml"], capture_output=True)
        if r_.returncode == 0:
            docs = r_.stdout.decode().splitlines()
            files = []
            for i, d in enumerate(docs):
                fp = os.path.join(xdir, "o%05d.xml" % i)
                with open(fp, "w") as f:
                    f.write(d)
                files.append(fp)
            with open(xml, "w") as f:
                f.write("\n".join(docs) + "\n")
            tx, tcx, rx = versus(["xmllint", "--noout", "--nonet", "--schema", xsd, *files],
                                 [CBECSTD, "validate", "--ndjson", "-q", "-f", "xml", "-p", CEB_PACK, xml], rounds)
            xml_row = (len(files) / tcx, len(files) / tx, rx, rx <= 1.15)
    if not xml_row:
        notes.append("XML not measured: xmllint, the CEB311 XSD in packs/ceb or gen.py --xml missing")

    # Python binding vs jsonschema on dicts
    pyrow = None
    pb = os.path.join(HERE, "py-binding-bench.py")
    if py and os.path.exists(pb) and os.path.exists(SCHEMA):
        env = dict(os.environ, CBECSTD_LIBRARY=os.path.join(BUILD, "src", "libcbecstd.so.0"),
                   PYTHONPATH=os.path.join(TOP, "bindings", "python"))
        # the binding's C accelerator, when meson built it (python3-dev)
        for accel in glob.glob(os.path.join(BUILD, "bindings", "python", "_speedups*.so")):
            env["CBECSTD_SPEEDUPS"] = accel
        r_ = subprocess.run([py, pb, SCHEMA, os.path.join(TOP, "packs"), orders], capture_output=True, text=True, env=env)
        if r_.returncode == 0:
            pyrow = json.loads(r_.stdout.strip().splitlines()[-1])
        else:
            notes.append("Python binding not measured: " + r_.stderr.strip()[-300:])
    else:
        notes.append("Python binding not measured: bench/py-binding-bench.py, jsonschema or the schema missing")

    floor_row = (len(opened), sum(os.path.getsize(f) for f in opened), statistics.median(floors)) if opened else None
    shutil.rmtree(tmp, ignore_errors=True)
    write_report(a.out, n, size, rounds, rows, notes, speedup, rss10k, rss1m, tbig, mem_ok, scaling,
                 statistics.median(starts), statistics.median(trues), statistics.median(load), xml_row, pyrow,
                 statistics.median(bare), statistics.median(start_cpus), statistics.median(colds),
                 floor_row, (lazy_chain, statistics.median(lazies)) if lazies else None,
                 (statistics.median(lazy_calls), statistics.median(lazy_cpus)))
    print(open(a.out).read())


def versions():
    def out(cmd):
        try:
            return subprocess.run(cmd, capture_output=True, text=True).stdout.strip().splitlines()[0]
        except Exception:
            return "n/a"
    return {
        "cpu": out(["sh", "-c", "grep -m1 'model name' /proc/cpuinfo | cut -d: -f2"]).strip(),
        "cores": str(os.cpu_count()),
        "kernel": platform.release(),
        "cc": out(["cc", "--version"]),
        "json-c": out(["pkg-config", "--modversion", "json-c"]),
        "libxml2": out(["pkg-config", "--modversion", "libxml-2.0"]),
        "pcre2": out(["pkg-config", "--modversion", "libpcre2-8"]),
        "node": out(["node", "--version"]),
        "ajv": json.load(open(os.path.join(HERE, "node_modules", "ajv", "package.json")))["version"]
        if os.path.exists(os.path.join(HERE, "node_modules", "ajv", "package.json")) else "n/a",
        "python jsonschema": out([python_with("jsonschema") or "python3", "-c",
                                  "import importlib.metadata as m; print(m.version('jsonschema'))"]),
        "cbecstd": out([CBECSTD, "--version"]),
    }


def write_report(path, n, size, rounds, rows, notes, speedup, rss10k, rss1m, tbig, mem_ok, scaling, start, true_,
                 load, xml_row, pyrow, bare, start_cpu, cold, files_floor, lazy, lazy_call):
    v = versions()
    ok = lambda b: "met" if b else ("—" if b is None else "**not met**")
    L = []
    L.append("# Performance\n")
    L.append("Measured by `python3 bench/run.py` on %s; every figure below comes from one run of it. "
             "Each comparison runs the two commands alternately (%d rounds) and reports the median of the per-round "
             "ratios, so machine noise hits both sides alike.\n" % (datetime.date.today().isoformat(), rounds))
    L.append("## Machine and versions\n")
    for k, val in v.items():
        L.append("- %s: %s" % (k, val))
    L.append("\n## JSON orders (%d messages, %.0f bytes each on average, ~10%% with defects)\n" % (n, size / n))
    L.append("| what | command | messages/s | time vs floor | goal | |")
    L.append("| --- | --- | ---: | ---: | --- | --- |")
    for name, cmd, rate, ratio, goal, met in rows:
        L.append("| %s | `%s` | %.0f | %s | %s | %s |" % (name, cmd, rate, "%.2f" % ratio if ratio else "", goal, ok(met)))
    L.append("\n`--jobs 2` speed-up over one thread: **%.2f×** (goal ≥ 1.8: %s).\n" % (speedup, ok(speedup >= 1.8)))
    L.append("## Memory\n")
    L.append("Peak RSS of `cbecstd validate --ndjson -q` (median of three runs): %.1f MiB at 10 000 messages, "
             "%.1f MiB at 1 000 000 (%.1f s). Goal: constant, under 32 MiB: %s.\n"
             % (rss10k / 1024, rss1m / 1024, tbig, ok(mem_ok)))
    L.append("## Scaling with order size\n")
    L.append("| lines per order | orders | µs per order | µs per line |")
    L.append("| ---: | ---: | ---: | ---: |")
    for lines, count, per, perline in scaling:
        L.append("| %d | %d | %.1f | %.2f |" % (lines, count, per, perline))
    L.append("\nTime per line stays flat from 10 to 1000 lines: no rule family is quadratic in the number of lines.\n")
    L.append("## Start-up\n")
    L.append("One-message `cbecstd validate examples/order.json`, as every run after the first two with the same "
             "files: the first loaded every reference pack whole, without an error, and certified that in the "
             "program's cache between runs, so the packs load lazily (each pack's head, its metadata and detection, "
             "from the cache; the packs the order type needs compiled for the message, cut down to that type and to "
             "JSON; language tables and iso-codes imports from the cache; see doc/api.md, \"Lazy loading\"): "
             "%.1f ms (CPU time of all its threads: %.1f ms); the same without a cache (`CBECSTD_CACHE_DIR=`: every "
             "pack compiled whole, on one thread per core, XSDs only when an XML message needs them): %.1f ms; "
             "process start of the same binary (`cbecstd --version`: "
             "exec and dynamic linking): %.1f ms; `/bin/true`: %.1f ms; `cbecstd pack lint packs/` (load and compile "
             "everything, XSDs included): %.1f ms; medians of %d rounds that run each of them in turn. Goal: the call "
             "dominated by process start (pack loading at most as long as process start): %s.\n"
             % (start * 1e3, start_cpu * 1e3, cold * 1e3, bare * 1e3, true_ * 1e3, load * 1e3, STARTUP_ROUNDS,
                ok(start - bare <= bare)))
    tl, tl_cpu = lazy_call
    L.append("The same call with `--lazy` (lazily without the certificate): %.1f ms (CPU time %.1f ms), %.1f ms above "
             "process start, in the same rounds.\n" % (tl * 1e3, tl_cpu * 1e3, (tl - bare) * 1e3))
    if files_floor:
        nfiles, nbytes, tfloor = files_floor
        L.append("The floor of loading as designed: every file a pack names is read and hashed at load, for the "
                 "pack's digest. The %d files the one-message call without a cache opens (%.0f KiB: pack files, schemas, XSDs, EDI "
                 "definitions, code tables, iso-codes tables) read into new buffers and hashed (the iso-codes tables "
                 "no pack imports only read) by a program that does nothing else (`bench/files-floor.c`, one thread): "
                 "%.1f ms, of which process start of a small program (`/bin/true`) is %.1f ms. In the same rounds, the difference between that call and process start: "
                 "%.1f ms.\n" % (nfiles, nbytes / 1024, tfloor * 1e3, true_ * 1e3, (cold - bare) * 1e3))
    if lazy:
        chain, tlazy = lazy
        L.append("What compiling only the message types a message needs could at best give: the same call on the "
                 "reference packs cut down to what an order needs (the `order` type of the packs that name it; the "
                 "code lists, state machines and waivers of those packs and of the packs they extend: %s; the "
                 "metadata of the others; `one_type_packs()` in `bench/run.py` writes them to a temporary directory): "
                 "%.1f ms, %.1f ms above process start, in the same rounds.\n"
                 % (", ".join(chain), tlazy * 1e3, (tlazy - bare) * 1e3))
    if xml_row:
        L.append("## XML (CEB311)\n")
        L.append("%d CEB311 documents, `cbecstd validate --ndjson -q -f xml -p packs/ceb.pack.json` (XSD + customs rules): %.0f docs/s; xmllint parse + XSD: %.0f docs/s; time ratio %.2f "
                 "(goal ≤ 1.15: %s).\n" % (XML_DOCS, xml_row[0], xml_row[1], xml_row[2], ok(xml_row[3])))
    if pyrow:
        L.append("## Python\n")
        L.append("Binding validating `dict` orders (full reference packs): %.0f/s; jsonschema (prebuilt validator, "
                 "structure only): %.0f/s; speed-up %.1f× (goal ≥ 20: %s). The same binding on the orders' JSON bytes: "
                 "%.0f/s (%.1f× jsonschema). %s\n"
                 % (pyrow["binding_per_s"], pyrow["jsonschema_per_s"],
                    pyrow["binding_per_s"] / pyrow["jsonschema_per_s"],
                    ok(pyrow["binding_per_s"] / pyrow["jsonschema_per_s"] >= 20),
                    pyrow.get("binding_bytes_per_s") or 0,
                    (pyrow.get("binding_bytes_per_s") or 0) / pyrow["jsonschema_per_s"],
                    "The binding ran its C accelerator (`cbecstd._speedups`: dicts written as JSON in C, "
                    "one call per message)." if pyrow.get("accelerator") else
                    "The binding ran its pure-Python path (no `cbecstd._speedups`: python3-dev missing "
                    "at build time): the difference is `json.dumps`."))
    if notes:
        L.append("## Notes\n")
        for note in notes:
            L.append("- " + note)
    profile = os.path.join(HERE, "PROFILE.md")
    if os.path.exists(profile):
        L.append("")
        L.append(open(profile, encoding="utf-8").read().rstrip())
    L.append("\n## Reproduce\n")
    L.append("```sh\nscripts/install-deps.sh && python3 bench/run.py   # --quick for a shorter run\n```")
    with open(path, "w") as f:
        f.write("\n".join(L) + "\n")


if __name__ == "__main__":
    main()
