"""cbecstd - Python binding of libcbecstd, the validator of cross-border
e-commerce messages against rule packs.

    import cbecstd
    with cbecstd.Pack.load("/usr/share/cbecstd/packs") as pack:
        report = pack.validate(open("order.json", "rb").read(), lang="zh-CN")
        if not report.valid:
            for f in report.findings:
                print(f.path, f.line, f.column, f.rule, f.message)

The library is found through $CBECSTD_LIBRARY, then beside this package,
then as libcbecstd.so.0 on the system's library path.  See
doc/integration-python.md.
"""
from . import _ffi
from .batch import Totals, iter_ndjson, validate_lines
from .errors import (AmbiguousError, CbecError, DigestError, InternalError, InvalidArgumentError,
                     LibraryError, LimitError, NotFoundError, OutOfMemoryError, PackError,
                     ReadError, StateError, VersionError)
from .identifiers import IdentifierChecker, IdentifierResult, identifier_kinds
from .logic import Logic
from .model import EdiPosition, Finding, Format, Severity
from .pack import Pack, RulePack
from .report import Report, Stats
from .validator import Redaction, Validator, message_bytes

__version__ = "0.1.0"

__all__ = [
    "Pack", "RulePack", "Validator", "Logic", "IdentifierChecker", "IdentifierResult",
    "identifier_kinds", "Report", "Finding", "EdiPosition", "Severity", "Format", "Stats",
    "Redaction", "Totals", "iter_ndjson", "validate_lines", "message_bytes", "library_version", "strerror",
    "CbecError", "LibraryError", "InvalidArgumentError", "OutOfMemoryError", "ReadError",
    "PackError", "NotFoundError", "LimitError", "VersionError", "StateError", "AmbiguousError",
    "DigestError", "InternalError",
]


def library_version() -> str:
    """The loaded libcbecstd's version, "MAJOR.MINOR.PATCH"."""
    return str(_ffi.lib().cbec_version())


def strerror(status: int) -> str:
    """The library's English description of a status code."""
    return str(_ffi.lib().cbec_strerror(status))
