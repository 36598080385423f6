#!/usr/bin/env python3
"""The Python binding against Python jsonschema on the same dict orders.

    py-binding-bench.py SCHEMA PACKS_DIR ORDERS_NDJSON [--rounds R] [--limit N] [--profile]

Run by bench/run.py with CBECSTD_LIBRARY naming the library,
CBECSTD_SPEEDUPS the binding's C accelerator built beside it (when it was
built) and PYTHONPATH holding bindings/python.  The orders are read into
dicts first (not
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
"speedup": S, "bytes_speedup": B, "accelerator": A, "rounds": R},
jsonschema_per_s and the speed-ups null when jsonschema is not installed,
A true when the binding ran its C accelerator (cbecstd._speedups), false
when it ran its pure-Python path.  --profile prints a cProfile of one
binding pass to stderr instead.
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
    from cbecstd import _ffi

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
        accelerated = _ffi.speedups() is not None
        dict_rates, byte_rates, js_rates, ratios, byte_ratios = [], [], [], [], []
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
                byte_ratios.append(byte_rates[-1] / js_rates[-1])
    binding = statistics.median(dict_rates)
    on_bytes = statistics.median(byte_rates)
    js = statistics.median(js_rates) if js_rates else None
    speedup = statistics.median(ratios) if ratios else None
    bytes_speedup = statistics.median(byte_ratios) if byte_ratios else None
    print("%d orders (%d valid for the packs), %s, %d rounds; binding on dicts %.0f/s, "
          "on their JSON bytes %.0f/s; jsonschema %s"
          % (len(orders), valid, "C accelerator" if accelerated else "pure Python (no accelerator)",
             len(dict_rates), binding, on_bytes,
             "%.0f/s; speed-up %.1fx (bytes %.1fx)" % (js, speedup, bytes_speedup) if js
             else "not installed"))
    print(json.dumps({"binding_per_s": round(binding, 1),
                      "jsonschema_per_s": round(js, 1) if js else None,
                      "binding_bytes_per_s": round(on_bytes, 1),
                      "speedup": round(speedup, 2) if speedup else None,
                      "bytes_speedup": round(bytes_speedup, 2) if bytes_speedup else None,
                      "accelerator": accelerated,
                      "rounds": len(dict_rates)}))


if __name__ == "__main__":
    main()
