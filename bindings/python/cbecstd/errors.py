"""errors.py - exceptions of the cbecstd binding, one per library status.

Every exception raised for a failed library call is a CbecError carrying
the library's own message and, where the library knows them, the file,
line, column and JSON Pointer of the offending part of a pack.  Each also
derives from the closest built-in exception, so ``except ValueError`` or
``except OSError`` keep working for callers who do not know this package.
"""
from __future__ import annotations

from typing import Dict, Optional, Type


class CbecError(Exception):
    """A libcbecstd call failed.

    Attributes: status (the negative CBEC_E... code), function (the C
    function that failed), message (the library's message), file, line,
    column (1-based, 0 when unknown) and path (a JSON Pointer into the
    pack, "" when none).
    """

    status: int = 0

    def __init__(self, message: str, *, status: Optional[int] = None, function: str = "",
                 file: str = "", line: int = 0, column: int = 0, path: str = "") -> None:
        super().__init__(message)
        if status is not None:
            self.status = status
        self.message = message
        self.function = function
        self.file = file
        self.line = line
        self.column = column
        self.path = path

    def __str__(self) -> str:
        return self.message


class LibraryError(CbecError, ImportError):
    """libcbecstd could not be loaded, or is too old for this binding."""


class InvalidArgumentError(CbecError, ValueError):
    """CBEC_EINVAL: an argument is invalid (unknown option, malformed value)."""
    status = -1


class OutOfMemoryError(CbecError, MemoryError):
    """CBEC_ENOMEM: the library ran out of memory."""
    status = -2


class ReadError(CbecError, OSError):
    """CBEC_EIO: a file could not be read."""
    status = -3


class PackError(CbecError, ValueError):
    """CBEC_EPACK: a rule pack is invalid (file, line, column, path say where)."""
    status = -4


class NotFoundError(CbecError, LookupError):
    """CBEC_ENOTFOUND: a named thing (message type, base pack) is unknown."""
    status = -5


class LimitError(CbecError):
    """CBEC_ELIMIT: a configured limit was exceeded."""
    status = -6


class VersionError(CbecError, ValueError):
    """CBEC_EVERSION: an options version or pack format is unsupported."""
    status = -7


class StateError(CbecError, RuntimeError):
    """CBEC_ESTATE: the call is not allowed in the object's state (also
    raised by the binding for a closed object)."""
    status = -8


class AmbiguousError(CbecError, ValueError):
    """CBEC_EAMBIGUOUS: more than one pack could apply."""
    status = -9


class DigestError(CbecError, ValueError):
    """CBEC_EDIGEST: a pack's digest differs from the pinned one."""
    status = -10


class InternalError(CbecError, RuntimeError):
    """CBEC_EINTERNAL: a bug in libcbecstd; please report it."""
    status = -11


_BY_STATUS: Dict[int, Type[CbecError]] = {
    cls.status: cls
    for cls in (InvalidArgumentError, OutOfMemoryError, ReadError, PackError, NotFoundError,
                LimitError, VersionError, StateError, AmbiguousError, DigestError, InternalError)
}


def from_status(status: int, function: str = "", **details: object) -> CbecError:
    """The exception for a status code (a plain CbecError for a code this
    binding does not know yet: the library only ever appends codes)."""
    cls = _BY_STATUS.get(status, CbecError)
    message = str(details.pop("message", "") or "status %d" % status)
    exc = cls(message, status=status, function=function, **details)  # type: ignore[arg-type]
    return exc
