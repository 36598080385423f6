"""logic.py - JSON Logic rules compiled once and evaluated many times
(cbec_logic), with the library's exact decimals, for services that want
to evaluate a pack's cross-field rules on their own data.
"""
from __future__ import annotations

import ctypes
import decimal
import json
import threading
from typing import Any, Optional

from . import _ffi
from .errors import CbecError, StateError

_LIMITS = {"max_operations": _ffi.LOGIC_LIMIT_OPERATIONS, "max_depth": _ffi.LOGIC_LIMIT_DEPTH,
           "max_memory": _ffi.LOGIC_LIMIT_MEMORY}


def json_bytes(value: Any) -> bytes:
    """JSON text as bytes: bytes-like and str are taken as JSON text
    already; anything else (dict, list, numbers, bool, None) is
    serialised.  Pass money as decimal strings ("0.10"), the way messages
    carry it: a Python float is binary and would not be exact."""
    if isinstance(value, bytes):
        return value
    if isinstance(value, (bytearray, memoryview)):
        return bytes(value)
    if isinstance(value, str):
        return value.encode("utf-8")
    return json.dumps(value, ensure_ascii=False, allow_nan=False,
                      separators=(",", ":")).encode("utf-8")


class Logic:
    """A compiled JSON Logic rule (jsonlogic.com plus the commerce
    extensions of doc/json-logic.md).

    ``Logic({"+": [{"var": "a"}, "0.10"]}).evaluate({"a": "0.20"})`` gives
    ``Decimal("0.30")``: numbers come back as Decimal, never float.
    Compiling raises InvalidArgumentError (with line, column and path) for
    a malformed rule; evaluating raises a CbecError whose ``error_type`` is
    the library's class of failure ("Data", "NaN", "Invalid Arguments",
    "Range", "Limit", or a thrown type).  One Logic may be shared between
    threads: evaluations run one at a time under its lock.
    """

    def __init__(self, rule: Any, *, max_operations: Optional[int] = None,
                 max_depth: Optional[int] = None, max_memory: Optional[int] = None) -> None:
        raw = json_bytes(rule)
        h = _ffi.LogicP()
        err = _ffi.ErrorP()
        self._handle: Any = None
        self._lock = threading.Lock()
        _ffi.lib().cbec_logic_compile(ctypes.byref(h), raw, len(raw), ctypes.byref(err))
        self._handle = h
        try:
            for name, value in (("max_operations", max_operations), ("max_depth", max_depth),
                                ("max_memory", max_memory)):
                if value is not None:
                    self.set_limit(name, value)
        except BaseException:
            self.close()
            raise

    def set_limit(self, name: str, value: int) -> None:
        """Set "max_operations", "max_depth" or "max_memory" (bytes) for
        later evaluations; 0 restores the default.  LimitError past a hard
        cap."""
        try:
            key = _LIMITS[name]
        except KeyError:
            raise ValueError("unknown limit %r (%s)" % (name, ", ".join(_LIMITS))) from None
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise ValueError("a limit is a non-negative int, not %r" % (value,))
        with self._lock:
            _ffi.lib().cbec_logic_set_limit(self._live(), key, value)

    def evaluate_json(self, data: Any = None) -> str:
        """Evaluate against data (see json_bytes; None is JSON null) and
        return the result as the library writes it: one line of JSON."""
        raw = json_bytes(data)
        text = ctypes.c_char_p()
        size = ctypes.c_size_t()
        err = _ffi.ErrorP()
        lib = _ffi.lib()
        with self._lock:
            h = self._live()
            try:
                lib.cbec_logic_eval(h, raw, len(raw), ctypes.byref(text), ctypes.byref(size),
                                    ctypes.byref(err))
            except CbecError as e:
                e.error_type = lib.cbec_logic_error_type(h) or ""  # type: ignore[attr-defined]
                raise
            return ctypes.string_at(text, size.value).decode("utf-8")

    def evaluate(self, data: Any = None) -> Any:
        """Evaluate and parse the result; numbers are Decimal (exact)."""
        return json.loads(self.evaluate_json(data), parse_float=decimal.Decimal)

    def _live(self) -> Any:
        if not self._handle:
            raise StateError("the logic rule is closed")
        return self._handle

    def close(self) -> None:
        """Free the compiled rule; idempotent."""
        with self._lock:
            h, self._handle = self._handle, None
        if h and _ffi._LIB is not None:
            _ffi._LIB.cbec_logic_free(h)

    def __enter__(self) -> "Logic":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            h, self._handle = self._handle, None
            if h and _ffi._LIB is not None:
                _ffi._LIB.cbec_logic_free(h)
        except Exception:
            pass

    def __reduce__(self) -> Any:
        raise TypeError("a Logic rule cannot be pickled: compile it where it is used")
