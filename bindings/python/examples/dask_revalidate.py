#!/usr/bin/env python3
"""dask_revalidate.py - re-validate a large archive of NDJSON messages on a
Dask distributed cluster, each worker loading the rule packs once.

When a standard is revised, a platform re-validates a year of archived
messages against the new packs to see what would change.  A validation is
a pure function of (packs, message), so the archive is split into byte
ranges that end on line boundaries, every range is a task, and the totals
of the tasks add up.  The packs are loaded by a worker plugin when a worker
joins (a Pack cannot travel between processes, and loading it per task
would repeat the expensive part); each task then uses its worker's Pack,
which is safe from the worker's threads at once.

    # a local cluster of two worker processes
    python3 dask_revalidate.py --packs packs/ --local-workers 2 archive/*.ndjson
    # an existing cluster (every worker needs libcbecstd, the binding and the packs)
    python3 dask_revalidate.py --packs /srv/packs --scheduler tcp://sched:8786 archive/*.ndjson
    # without Dask, for comparison
    python3 dask_revalidate.py --packs packs/ --single archive/*.ndjson
    # a synthetic archive to try it on
    python3 dask_revalidate.py --make-corpus /tmp/archive --messages 100000 --files 8

See doc/batch.md.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from typing import Any, Dict, Iterable, Iterator, List, Optional, Sequence, Tuple

try:
    import cbecstd
except ImportError:  # run from a source checkout
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    import cbecstd

Range = Tuple[str, int, int]     # (file, first byte, end byte)

PLUGIN_NAME = "cbecstd-pack"


# ---- splitting the archive -------------------------------------------------

def split_ranges(paths: Iterable[str], chunk_bytes: int = 16 << 20) -> List[Range]:
    """Byte ranges of about chunk_bytes over every file.  A range owns the
    lines that start inside it, so ranges need not be aligned here: the
    task reading one finds the line boundaries itself."""
    ranges = []
    for path in paths:
        size = os.path.getsize(path)
        start = 0
        while start < size:
            end = min(size, start + chunk_bytes)
            ranges.append((path, start, end))
            start = end
        if size == 0:
            ranges.append((path, 0, 0))
    return ranges


def read_range(path: str, start: int, end: int) -> Iterator[bytes]:
    """The lines that start in [start, end) of a file, newline included.
    A line that starts before start belongs to the previous range."""
    with open(path, "rb") as f:
        if start > 0:
            f.seek(start - 1)
            if f.read(1) != b"\n":
                f.readline()            # finish the previous range's line
        while f.tell() < end:
            line = f.readline()
            if not line:
                break
            yield line


# ---- on the workers ----------------------------------------------------------

try:
    from distributed import WorkerPlugin as _PluginBase
except ImportError:  # the single-process mode needs no Dask
    _PluginBase = object  # type: ignore[misc, assignment]


class PackPlugin(_PluginBase):  # type: ignore[misc, valid-type]
    """Loads the packs once per worker, when the worker starts or joins."""

    name = PLUGIN_NAME

    def __init__(self, paths: Sequence[str], **load_options: Any) -> None:
        self.paths = [os.path.abspath(p) for p in paths]
        self.load_options = load_options
        self.pack: Optional[cbecstd.Pack] = None
        self.loads = 0                  # how often this worker loaded the packs
        self.tasks = 0                  # ranges this worker validated

    def setup(self, worker: Any) -> None:
        self.pack = cbecstd.Pack.load(*self.paths, **self.load_options)
        self.loads += 1

    def teardown(self, worker: Any) -> None:
        if self.pack is not None:
            self.pack.close()
            self.pack = None

    def __getstate__(self) -> Dict[str, Any]:
        # The client ships the plugin to each worker; the Pack itself
        # never travels (each worker loads its own in setup).
        state = dict(self.__dict__)
        state["pack"] = None
        return state


def _worker_plugin() -> PackPlugin:
    from distributed import get_worker
    plugin: PackPlugin = get_worker().plugins[PLUGIN_NAME]
    return plugin


def validate_range(rng: Range, message_type: Optional[str] = None,
                   pack: Optional[cbecstd.Pack] = None) -> cbecstd.Totals:
    """Totals of one range, with the given Pack or the worker's."""
    path, start, end = rng
    if pack is None:
        plugin = _worker_plugin()
        plugin.tasks += 1
        pack = plugin.pack
        if pack is None:
            raise RuntimeError("the worker has no packs: its plugin did not set up")
    return cbecstd.validate_lines(pack, read_range(path, start, end), type=message_type)


# ---- driving -----------------------------------------------------------------

def revalidate_single(pack_paths: Sequence[str], ranges: Sequence[Range],
                      message_type: Optional[str] = None) -> cbecstd.Totals:
    """The same work in this process, one range after another."""
    with cbecstd.Pack.load(*pack_paths) as pack:
        return sum((validate_range(r, message_type, pack) for r in ranges), cbecstd.Totals())


def register_packs(client: Any, pack_paths: Sequence[str]) -> None:
    """Install the plugin on every worker (present and future)."""
    plugin = PackPlugin(pack_paths)
    register = getattr(client, "register_plugin", None) or client.register_worker_plugin
    register(plugin, name=PLUGIN_NAME)


def revalidate(client: Any, ranges: Sequence[Range], message_type: Optional[str] = None,
               progress: bool = False) -> cbecstd.Totals:
    """Validate every range on the cluster and add up the totals."""
    from distributed import as_completed
    futures = client.map(validate_range, list(ranges), message_type=message_type, pure=False)
    total = cbecstd.Totals()
    started = time.monotonic()
    for done, fut in enumerate(as_completed(futures), 1):
        total = total + fut.result()
        if progress:
            rate = total.messages / max(time.monotonic() - started, 1e-9)
            print("\r%d/%d ranges, %d messages (%.0f/s), %d invalid"
                  % (done, len(futures), total.messages, rate, total.invalid),
                  end="", file=sys.stderr, flush=True)
    if progress:
        print(file=sys.stderr)
    return total


def worker_counters(client: Any) -> Dict[str, Dict[str, int]]:
    """{worker address: {"loads", "tasks"}} from every worker's plugin."""
    def counters(dask_worker: Any) -> Dict[str, int]:
        p = dask_worker.plugins[PLUGIN_NAME]
        return {"loads": p.loads, "tasks": p.tasks}
    result: Dict[str, Dict[str, int]] = client.run(counters)
    return result


# ---- a synthetic archive -------------------------------------------------------

def make_corpus(directory: str, examples_dir: str, messages: int = 10000, files: int = 4,
                seed: int = 20261127) -> Dict[str, int]:
    """Write NDJSON files of orders, payments and logistics events made from
    the example messages, about one in four with a defect the reference
    packs reject.  Returns {"messages", "defective"} as written."""
    def load(name: str) -> Any:
        with open(os.path.join(examples_dir, name), encoding="utf-8") as f:
            return json.load(f)

    order, payment, status = load("order.json"), load("payment.json"), load("logistics-status.json")
    defects = [
        lambda m: m.__setitem__("tradeMode", "0000") if "tradeMode" in m else None,
        lambda m: m["items"][0].__setitem__("quantity", "-1") if "items" in m else None,
        lambda m: m["buyer"].__setitem__("phone", "12345") if "buyer" in m else None,
    ]
    rng = random.Random(seed)
    os.makedirs(directory, exist_ok=True)
    outs = [open(os.path.join(directory, "part-%03d.ndjson" % i), "w", encoding="utf-8")
            for i in range(files)]
    defective = 0
    try:
        for i in range(messages):
            kind = rng.random()
            msg = json.loads(json.dumps(order if kind < 0.6 else payment if kind < 0.8 else status))
            if "orderNo" in msg:
                msg["orderNo"] = "CBO%014d" % i
            if "items" in msg and rng.random() < 0.25:
                rng.choice(defects)(msg)
                defective += 1
            outs[i % files].write(json.dumps(msg, ensure_ascii=False) + "\n")
            if rng.random() < 0.01:
                outs[i % files].write("\n")   # blank lines carry nothing
    finally:
        for f in outs:
            f.close()
    return {"messages": messages, "defective": defective}


def main(argv: Optional[Sequence[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--packs", action="append", default=[], help="pack file or directory (repeatable)")
    ap.add_argument("-t", "--type", help="message type (default: told by each message)")
    ap.add_argument("--scheduler", help="address of a running Dask scheduler")
    ap.add_argument("--local-workers", type=int, default=2, help="workers of a local cluster (default 2)")
    ap.add_argument("--threads", type=int, default=2, help="threads per local worker (default 2)")
    ap.add_argument("--single", action="store_true", help="no Dask: validate in this process")
    ap.add_argument("--chunk-mib", type=float, default=16, help="MiB per task (default 16)")
    ap.add_argument("--make-corpus", metavar="DIR", help="write a synthetic archive to DIR and exit")
    ap.add_argument("--messages", type=int, default=10000)
    ap.add_argument("--files", type=int, default=4)
    ap.add_argument("--json", action="store_true", help="print the totals as JSON")
    ap.add_argument("files_", nargs="*", metavar="FILE")
    a = ap.parse_args(argv)
    here = os.path.dirname(os.path.abspath(__file__))
    source = os.path.dirname(os.path.dirname(os.path.dirname(here)))
    if a.make_corpus:
        made = make_corpus(a.make_corpus, os.path.join(source, "examples"), a.messages, a.files)
        print("%d messages, %d with a defect, in %s" % (made["messages"], made["defective"], a.make_corpus))
        return 0
    if not a.files_:
        ap.error("no FILE to validate")
    packs = a.packs or [os.path.join(source, "packs")]
    ranges = split_ranges(a.files_, max(1, int(a.chunk_mib * (1 << 20))))
    started = time.monotonic()
    if a.single:
        total = revalidate_single(packs, ranges, a.type)
    else:
        from distributed import Client, LocalCluster
        if a.scheduler:
            client = Client(a.scheduler)
            cluster = None
        else:
            cluster = LocalCluster(n_workers=a.local_workers, threads_per_worker=a.threads,
                                   processes=True, dashboard_address=None)
            client = Client(cluster)
        try:
            register_packs(client, packs)
            total = revalidate(client, ranges, a.type, progress=sys.stderr.isatty())
            for addr, c in sorted(worker_counters(client).items()):
                print("%s: packs loaded %d time(s), %d ranges" % (addr, c["loads"], c["tasks"]),
                      file=sys.stderr)
        finally:
            client.close()
            if cluster is not None:
                cluster.close()
    took = time.monotonic() - started
    if a.json:
        print(json.dumps(total.to_dict(), ensure_ascii=False))
    else:
        print(total.summary())
        for rule, n in total.by_rule.most_common(10):
            print("  %-16s %d" % (rule, n))
        print("%.1f s, %.0f messages/s" % (took, total.messages / max(took, 1e-9)), file=sys.stderr)
    return 1 if total.invalid else 0


if __name__ == "__main__":
    sys.exit(main())
