#!/usr/bin/env python3
"""validate.py - validate message files from Python, on a few threads
sharing one Pack, and print each finding where a person would look.

    python3 validate.py --packs packs --lang zh-CN examples/order.json bad-order.json

Exit status as the cbecstd command line: 0 all valid, 1 some message has
an error finding, 2 a pack or file could not be read.  See
doc/integration-python.md.
"""
from __future__ import annotations

import argparse
import os
import sys
from concurrent.futures import ThreadPoolExecutor
from typing import List, Optional, Sequence, Tuple

try:
    import cbecstd
except ImportError:  # run from a source checkout
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    import cbecstd


def main(argv: Optional[Sequence[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--packs", action="append", default=[], help="pack file or directory (repeatable)")
    ap.add_argument("--lang", default="en", help="language of the findings (en, zh-CN, ...)")
    ap.add_argument("--threads", type=int, default=4)
    ap.add_argument("files", nargs="+")
    a = ap.parse_args(argv)
    here = os.path.dirname(os.path.abspath(__file__))              # bindings/python/examples
    source = os.path.dirname(os.path.dirname(os.path.dirname(here)))   # the source tree
    try:
        pack = cbecstd.Pack.load(*(a.packs or [os.path.join(source, "packs")]))
    except cbecstd.CbecError as e:
        print("cannot load the packs: %s" % e, file=sys.stderr)
        return 2

    def one(path: str) -> Tuple[str, Optional[cbecstd.Report], str]:
        try:
            with open(path, "rb") as f:
                data = f.read()
        except OSError as e:
            return path, None, str(e)
        return path, pack.validate(data, lang=a.lang, source=path), ""

    status = 0
    with pack, ThreadPoolExecutor(max_workers=max(1, a.threads)) as pool:
        results: List[Tuple[str, Optional[cbecstd.Report], str]] = list(pool.map(one, a.files))
    for path, report, problem in results:
        if report is None:
            print("%s: %s" % (path, problem), file=sys.stderr)
            status = 2
            continue
        for f in report.findings:
            where = "%s:%d:%d" % (path, f.line, f.column) if f.line else path
            print("%s: %s [%s] %s: %s (%s%s)" % (where, f.severity, f.rule, f.path or "/", f.message,
                                                 f.pack, "; " + f.ref if f.ref else ""))
        print("%s: %s: %s" % (path, report.message_type or "?", "valid" if report.valid else "INVALID"))
        if not report.valid and status == 0:
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
