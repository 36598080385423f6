"""identifiers.py - the identifier checks of the "identifier" rule kind
(GTIN, IBAN, BIC, LEI, UPU S10, ISO 6346, USCC, Chinese resident ID, ...)
callable on single values, without a pack."""
from __future__ import annotations

import ctypes
import os
from typing import Any, Dict, NamedTuple, Optional, Union

from . import _ffi
from .errors import StateError
from .pack import _Options

_REASON_BYTES = 512


class IdentifierResult(NamedTuple):
    """valid, and when it is not, the exact reason (length, character set,
    check digit, unknown country...) in the language asked for."""
    valid: bool
    reason: str


def identifier_kinds(lang: str = "en") -> Dict[str, str]:
    """{kind name: one-line description in lang} of every identifier kind."""
    lib = _ffi.lib()
    blang = lang.encode("utf-8")
    return {lib.cbec_identifier_kind_name(i): lib.cbec_identifier_kind_summary(i, blang) or ""
            for i in range(lib.cbec_identifier_kind_count())}


class IdentifierChecker:
    """Checks identifier values.  It holds the ISO 3166-1 country codes
    the kinds with a country part (bic, s10, unlocode) are checked against,
    read from Debian's iso-codes (iso_codes_dir, else
    $CBECSTD_ISO_CODES_DIR, else the build default).  Immutable: any
    number of threads may use one at once.  Raises ReadError when the
    iso-codes table cannot be read."""

    def __init__(self, *, iso_codes_dir: Optional[Union[str, "os.PathLike[str]"]] = None) -> None:
        h = _ffi.IdentifierCheckerP()
        err = _ffi.ErrorP()
        self._handle: Any = None
        with _Options(iso_codes_dir=iso_codes_dir) as opts:
            _ffi.lib().cbec_identifier_checker_new(ctypes.byref(h), opts, ctypes.byref(err))
        self._handle = h

    def check(self, kind: str, value: Union[str, bytes], lang: str = "en") -> IdentifierResult:
        """Check value as an identifier of kind ("gtin", "iban", ...), as
        given: no spaces removed, no case folded.  Raises NotFoundError for
        an unknown kind."""
        if self._handle is None:
            raise StateError("the identifier checker is closed")
        raw = value.encode("utf-8") if isinstance(value, str) else bytes(value)
        valid = ctypes.c_int(0)
        reason = ctypes.create_string_buffer(_REASON_BYTES)
        _ffi.lib().cbec_identifier_check(self._handle, kind.encode("utf-8"), raw, len(raw),
                                         lang.encode("utf-8"), ctypes.byref(valid), reason,
                                         _REASON_BYTES)
        return IdentifierResult(bool(valid.value), reason.value.decode("utf-8", "replace"))

    def close(self) -> None:
        """Free the checker; idempotent."""
        h, self._handle = self._handle, None
        if h and _ffi._LIB is not None:
            _ffi._LIB.cbec_identifier_checker_free(h)

    def __enter__(self) -> "IdentifierChecker":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:
            pass
