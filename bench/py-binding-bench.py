#!/usr/bin/env python3
"""The Python binding against Python jsonschema on the same dict orders.

    py-binding-bench.py SCHEMA PACKS_DIR ORDERS_NDJSON [--seconds S] [--profile]

Run by bench/run.py with CBECSTD_LIBRARY naming the library and PYTHONPATH
holding bindings/python.  The orders are read into dicts first (not
timed); then the binding validates every dict with the reference packs
(every rule: structure, codes, identifiers, texts, cross-field), and
jsonschema (a prebuilt validator of SCHEMA: structure only) validates the
same dicts, or as many as fit in the time given (it is some fifty times
slower).  The last line of stdout is the result as JSON:
{"binding_per_s": X, "jsonschema_per_s": Y}, jsonschema_per_s null when
jsonschema is not installed.  --profile prints a cProfile of the binding's
loop to stderr instead of timing.
"""
import argparse
import glob
import json
import os
import sys
import time


def load_dicts(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def rate(count, seconds):
    return count / seconds if seconds > 0 else 0.0


def time_binding(pack, messages, min_seconds):
    """Messages per second of pack.validate() (the thread-safe call, on
    the calling thread's validator), over whole passes of the list (at
    least one, and at least min_seconds); also the number of messages
    without error findings, as a sanity check."""
    validate = pack.validate
    for m in messages[:50]:             # warm: first-use allocations
        validate(m).close()
    done = valid = 0
    t0 = time.perf_counter()
    while True:
        for m in messages:
            r = validate(m)
            valid += r.valid
            r.close()
        done += len(messages)
        elapsed = time.perf_counter() - t0
        if elapsed >= min_seconds:
            break
    return rate(done, elapsed), valid * len(messages) // done


def references(cls, schema, schema_dir):
    """The schemas beside SCHEMA (order.schema.json refers to
    common.schema.json by its file name), for the validator to resolve."""
    docs = {}
    for path in glob.glob(os.path.join(schema_dir, "*.json")):
        with open(path, encoding="utf-8") as f:
            docs[os.path.basename(path)] = json.load(f)
    try:
        from referencing import Registry, Resource
        from referencing.jsonschema import specification_with
    except ImportError:          # jsonschema before 4.18
        import jsonschema
        return {"resolver": jsonschema.RefResolver("", schema, store=docs)}
    spec = specification_with(cls.META_SCHEMA["$schema"])
    return {"registry": Registry().with_resources(
        (name, Resource.from_contents(doc, default_specification=spec)) for name, doc in docs.items())}


def time_jsonschema(schema, schema_dir, orders, max_seconds):
    try:
        import jsonschema
    except ImportError:
        return None
    cls = jsonschema.validators.validator_for(schema)
    validator = cls(schema, **references(cls, schema, schema_dir))
    for d in orders[:20]:
        any(True for _ in validator.iter_errors(d))
    done = 0
    t0 = time.perf_counter()
    for d in orders:
        any(True for _ in validator.iter_errors(d))
        done += 1
        if done % 100 == 0 and time.perf_counter() - t0 >= max_seconds:
            break
    return rate(done, time.perf_counter() - t0)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("schema")
    ap.add_argument("packs")
    ap.add_argument("orders")
    ap.add_argument("--seconds", type=float, default=3.0,
                    help="least time for the binding, most for jsonschema (default 3)")
    ap.add_argument("--profile", action="store_true", help="cProfile the binding's loop (stderr)")
    a = ap.parse_args()

    import cbecstd

    with open(a.schema, encoding="utf-8") as f:
        schema = json.load(f)
    orders = load_dicts(a.orders)
    if not orders:
        sys.exit("no orders in %s" % a.orders)
    with cbecstd.Pack.load(a.packs) as pack:
        if a.profile:
            import cProfile
            import pstats
            prof = cProfile.Profile()
            prof.enable()
            time_binding(pack, orders, 0)
            prof.disable()
            pstats.Stats(prof, stream=sys.stderr).sort_stats("tottime").print_stats(25)
            return
        binding, valid = time_binding(pack, orders, a.seconds)
        # the same orders already serialised: how much of the time the
        # dict -> JSON step takes (json.dumps, the same for any binding)
        raw = [cbecstd.message_bytes(d) for d in orders]
        binding_bytes, _ = time_binding(pack, raw, a.seconds / 2)
    js = time_jsonschema(schema, os.path.dirname(os.path.abspath(a.schema)), orders, a.seconds)
    print("%d orders (%d valid for the packs); binding on dicts %.0f/s, on their JSON bytes %.0f/s; "
          "jsonschema %s" % (len(orders), valid, binding, binding_bytes,
                             "%.0f/s" % js if js is not None else "not installed"))
    if js:
        print("speed-up %.1fx" % (binding / js))
    print(json.dumps({"binding_per_s": round(binding, 1),
                      "jsonschema_per_s": round(js, 1) if js is not None else None,
                      "binding_bytes_per_s": round(binding_bytes, 1)}))


if __name__ == "__main__":
    main()
