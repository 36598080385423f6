"""support.py - what the binding's tests share: where the source tree,
the packs and the cases are, and the package on sys.path.

meson passes CBEC_SOURCE_DIR and CBECSTD_LIBRARY (the freshly built
library); run by hand, the paths default to this checkout.
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
BINDING = os.path.dirname(HERE)
SRC = os.environ.get("CBEC_SOURCE_DIR") or os.path.dirname(os.path.dirname(BINDING))
PACKS = os.path.join(SRC, "packs")
EXAMPLES = os.path.join(SRC, "examples")
CASES = os.path.join(SRC, "tests", "cases")
HEADER = os.path.join(SRC, "include", "cbecstd.h")

if BINDING not in sys.path:
    sys.path.insert(0, BINDING)


def example(name):
    with open(os.path.join(EXAMPLES, name), "rb") as f:
        return f.read()


def subprocess_env(**changes):
    """os.environ with the binding importable and changes applied (a value
    of None removes the variable)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = BINDING + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    for k, v in changes.items():
        if v is None:
            env.pop(k, None)
        else:
            env[k] = v
    return env
