#!/usr/bin/env python3
"""The Python binding against Python jsonschema on the same dict orders.

    py-binding-bench.py SCHEMA PACKS_DIR ORDERS_NDJSON [--rounds R] [--limit N] [--profile]

Run by bench/run.py with CBECSTD_LIBRARY naming the library and PYTHONPATH
holding bindings/python.  The orders are read into dicts first (not
timed; the first 10000 by default).  Then, in R rounds side by side
(binding, binding on bytes, jsonschema, binding, ...), the binding
validates every dict with the reference packs (every rule: structure,
codes, identifiers, texts, cross-field); the binding validates the same
orders as JSON bytes, to show what json.dumps takes; and jsonschema (a
prebuilt validator of SCHEMA: structure only, its references resolved
from SCHEMA's directory) validates a slice of the same dicts (it is much
slower).  Rates are medians over the rounds, the speed-up the median of
the per-round ratios.  The last line of stdout is the result as JSON:
{"binding_per_s": X, "jsonschema_per_s": Y, "binding_bytes_per_s": Z,
"speedup": S}, jsonschema_per_s and speedup null when jsonschema is not
installed.  --profile prints a cProfile of one binding pass to stderr
instead.
"""
import argparse
import json
import os
import statistics
import sys
import time

from pyschema import jsonschema_validator

JSONSCHEMA_SLICE = 200   # dicts per round for jsonschema


def load_dicts(path, limit):
    """The first limit orders of the file as dicts (some 12 KB each)."""
    orders = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                orders.append(json.loads(line))
                if len(orders) == limit:
                    break
    return orders


def binding_pass(validate, messages):
    """Seconds for pack.validate() (the thread-safe call, on the calling
    thread's validator) over every message, and how many were valid."""
    valid = 0
    t0 = time.perf_counter()
    for m in messages:
        r = validate(m)
        valid += r.valid
        r.close()
    return time.perf_counter() - t0, valid


def jsonschema_pass(validator, dicts):
    """Seconds for the prebuilt validator over dicts (stopping at a dict's
    first error, as bench/py-jsonschema-bench.py does)."""
    t0 = time.perf_counter()
    for d in dicts:
        any(True for _ in validator.iter_errors(d))
    return time.perf_counter() - t0


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("schema")
    ap.add_argument("packs")
    ap.add_argument("orders")
    ap.add_argument("--rounds", type=int, default=5, help="rounds side by side (default 5)")
    ap.add_argument("--limit", type=int, default=10000,
                    help="orders read from the file (default 10000: some 120 MB of dicts)")
    ap.add_argument("--profile", action="store_true", help="cProfile one binding pass (stderr)")
    a = ap.parse_args()

    import cbecstd

    with open(a.schema, encoding="utf-8") as f:
        schema = json.load(f)
    orders = load_dicts(a.orders, a.limit)
    if not orders:
        sys.exit("no orders in %s" % a.orders)
    raw = [cbecstd.message_bytes(d) for d in orders]
    validator = jsonschema_validator(schema, os.path.dirname(os.path.abspath(a.schema)))
    with cbecstd.Pack.load(a.packs) as pack:
        validate = pack.validate
        for m in orders[:50]:           # warm: first-use allocations
            validate(m).close()
        if a.profile:
            import cProfile
            import pstats
            prof = cProfile.Profile()
            prof.enable()
            binding_pass(validate, orders)
            prof.disable()
            pstats.Stats(prof, stream=sys.stderr).sort_stats("tottime").print_stats(25)
            return
        dict_rates, byte_rates, js_rates, ratios = [], [], [], []
        valid = 0
        for k in range(max(1, a.rounds)):
            t, valid = binding_pass(validate, orders)
            dict_rates.append(len(orders) / t)
            t, _ = binding_pass(validate, raw)
            byte_rates.append(len(raw) / t)
            if validator is not None:
                start = k * JSONSCHEMA_SLICE % len(orders)
                part = (orders[start:] + orders[:start])[:JSONSCHEMA_SLICE]
                js_rates.append(len(part) / jsonschema_pass(validator, part))
                ratios.append(dict_rates[-1] / js_rates[-1])
    binding = statistics.median(dict_rates)
    on_bytes = statistics.median(byte_rates)
    js = statistics.median(js_rates) if js_rates else None
    speedup = statistics.median(ratios) if ratios else None
    print("%d orders (%d valid for the packs); binding on dicts %.0f/s, on their JSON bytes %.0f/s; "
          "jsonschema %s" % (len(orders), valid, binding, on_bytes,
                             "%.0f/s; speed-up %.1fx" % (js, speedup) if js else "not installed"))
    print(json.dumps({"binding_per_s": round(binding, 1),
                      "jsonschema_per_s": round(js, 1) if js else None,
                      "binding_bytes_per_s": round(on_bytes, 1),
                      "speedup": round(speedup, 2) if speedup else None}))


if __name__ == "__main__":
    main()
