"""validator.py - Validator: reusable validation state (cbec_validator)
bound to a Pack, with its options and limits.

The C validator must be used by one thread at a time; a Validator holds a
lock around each call, so sharing one between threads is safe but runs
them one after another.  Pack.validate() gives each thread its own.
"""
from __future__ import annotations

import ctypes
import json
import threading
from typing import Any, NamedTuple, Optional, Union

from . import _ffi
from .errors import InternalError
from .model import Format
from .pack import Pack
from .report import Report, report_from_fields


class Redaction(NamedTuple):
    """A copy of a message with its personal and sensitive fields masked or
    removed: data (UTF-8 JSON: the message's logical form), count (fields
    masked or removed), message_type."""
    data: bytes
    count: int
    message_type: str

    def json(self) -> Any:
        """The redacted copy parsed."""
        return json.loads(self.data.decode("utf-8"))

_LIMITS = {
    "max_bytes": _ffi.LIMIT_MESSAGE_BYTES,
    "max_depth": _ffi.LIMIT_DEPTH,
    "max_findings": _ffi.LIMIT_FINDINGS,
    "max_nodes": _ffi.LIMIT_NODES,
}


# json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
# without making an encoder per message (encode() keeps no state between
# calls, so one encoder serves every thread).
_encode_json = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode


def _address(handle: Any) -> int:
    """A ctypes pointer as the int the accelerator takes."""
    return ctypes.cast(handle, ctypes.c_void_p).value or 0


# Formats by the names validate() is usually given, as numbers.
_FORMAT_NAMES = {f.name.lower(): int(f) for f in Format}


def _encode(data: Any) -> bytes:
    """data as compact JSON in UTF-8: the accelerator's encode() when the
    process has it, else json with the same settings (same bytes)."""
    speedups = _ffi.speedups()
    if speedups is not None:
        return speedups.encode(data)  # type: ignore[no-any-return]
    return _encode_json(data).encode("utf-8")


def message_bytes(data: Any) -> bytes:
    """The bytes of a message: bytes-like objects as they are, str as
    UTF-8, dict and list serialised as compact JSON (NaN and infinity are
    refused: JSON has no such numbers)."""
    kind = type(data)
    if kind is dict or kind is list:
        return _encode(data)
    if kind is bytes:
        return data
    if isinstance(data, bytes):
        return data
    if isinstance(data, (bytearray, memoryview)):
        return bytes(data)
    if isinstance(data, str):
        return data.encode("utf-8")
    if isinstance(data, (dict, list)):
        return _encode(data)
    raise TypeError("a message is bytes, str, dict or list, not %s" % type(data).__name__)


class Validator:
    """Validation state bound to a Pack.

    Options: date ("YYYY-MM-DD": picks the pack versions in force instead
    of the message's date or today), allow_inactive (draft and withdrawn
    packs may be picked), previous_state (state machines: the object's
    state before this message), and limits max_bytes (default 64 MiB),
    max_depth (256), max_findings (1000), max_nodes (4 million); None keeps
    the library default.  Raises InvalidArgumentError for a malformed
    value.
    """

    def __init__(self, pack: Pack, *, date: Optional[str] = None, allow_inactive: bool = False,
                 previous_state: Optional[str] = None, max_bytes: Optional[int] = None,
                 max_depth: Optional[int] = None, max_findings: Optional[int] = None,
                 max_nodes: Optional[int] = None) -> None:
        if not isinstance(pack, Pack):
            raise TypeError("Validator() wants a Pack, not %s" % type(pack).__name__)
        lib = _ffi.lib()
        h = _ffi.ValidatorP()
        lib.cbec_validator_new(ctypes.byref(h))
        self._handle: Any = h
        self._address = _address(h)
        self._lock = threading.Lock()
        self.pack = pack
        try:
            if date is not None:
                self.set_option("date", date)
            if allow_inactive:
                self.set_option("allow_inactive", "1")
            if previous_state is not None:
                self.set_option("previous_state", previous_state)
            for name, value in (("max_bytes", max_bytes), ("max_depth", max_depth),
                                ("max_findings", max_findings), ("max_nodes", max_nodes)):
                if value is not None:
                    self.set_limit(name, value)
        except BaseException:
            self.close()
            raise

    _OPTIONS = {"date": _ffi.VOPT_DATE, "allow_inactive": _ffi.VOPT_ALLOW_INACTIVE,
                "previous_state": _ffi.VOPT_PREVIOUS_STATE}

    def set_option(self, name: str, value: Optional[str]) -> None:
        """Set "date", "allow_inactive" ("1"/"0") or "previous_state" for
        the following validations; None restores the default."""
        try:
            key = self._OPTIONS[name]
        except KeyError:
            raise ValueError("unknown validator option %r (%s)" % (name, ", ".join(self._OPTIONS))) from None
        with self._lock:
            _ffi.lib().cbec_validator_set_option(self._live(), key,
                                                 value.encode("utf-8") if value is not None else None)

    def set_limit(self, name: str, value: int) -> None:
        """Set a limit ("max_bytes", "max_depth", "max_findings",
        "max_nodes"); 0 restores its default."""
        try:
            key = _LIMITS[name]
        except KeyError:
            raise ValueError("unknown limit %r (%s)" % (name, ", ".join(_LIMITS))) from None
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise ValueError("a limit is a non-negative int, not %r" % (value,))
        with self._lock:
            _ffi.lib().cbec_validator_set_limit(self._live(), key, value)

    def validate(self, data: Any, type: Optional[str] = None,
                 format: Union[Format, str, int] = "auto", lang: str = "en", *,
                 source: str = "", index: int = 0) -> Report:
        """Validate one message and return its Report.

        data: bytes, str, or a dict/list (serialised as JSON).  type: the
        message type, or None to tell it from the message.  format: "auto",
        "json", "xml", "edifact", "x12" (or a Format).  lang: the language of
        the findings' messages ("en", "zh-CN", ...).  source and index label
        the report (a file name and a 1-based line number for NDJSON).

        A message that breaks rules, or cannot even be parsed, gives a
        Report that is not valid: exceptions are only for failures, e.g.
        NotFoundError when type is given and no loaded pack defines it.
        """
        return self._validate(data, type, format, lang, source, index)

    def _validate(self, data: Any, type: Optional[str], format: Union[Format, str, int],
                  lang: str, source: str, index: int) -> Report:
        """validate() with positional arguments, for Pack.validate().

        The per-message path: no context managers, no enum lookups for the
        usual arguments.  With the accelerator one C call writes a dict or
        list as JSON, validates (the GIL released) and reads the report;
        without it json.dumps and ctypes do the same in steps."""
        speedups = _ffi._SPEEDUPS
        kind = data.__class__
        if speedups is None or (kind is not dict and kind is not bytes and kind is not list):
            data = message_bytes(data)
        fmt = _FORMAT_NAMES.get(format) if format.__class__ is str else None
        if fmt is None:
            fmt = int(Format.parse(format))
        if speedups is not None:
            pack = self.pack
            pack._acquire()
            try:
                with self._lock:
                    if self._handle is None:
                        self._live()   # raises StateError
                    fields = speedups.validate(self._address, pack._address, data, type, fmt,
                                               lang, source, index)
            finally:
                pack._release()
            return report_from_fields(fields, lang, source, index)
        raw = data
        btype = type.encode("utf-8") if type is not None else None
        rep = _ffi.ReportP()
        lib = _ffi.lib()
        pack = self.pack
        reg = pack._acquire()
        try:
            with self._lock:
                h = self._handle
                if h is None:
                    self._live()   # raises StateError
                lib.cbec_validate(h, reg, btype, fmt, raw, len(raw), ctypes.byref(rep))
        finally:
            pack._release()
        # The Report owns rep from its first line on (and frees it even if
        # copying the findings fails).
        return Report(rep, lang, source, index)

    def redact(self, data: Any, type: Optional[str] = None,
               format: Union[Format, str, int] = "auto", *, remove: bool = False,
               internal: bool = False) -> Redaction:
        """A copy of a message with the fields its pack classifies as
        personal or sensitive masked (remove=True: removed; internal=True:
        internal fields too), for logs and transfers.  The message is read
        and its type picked as validate() does.  Raises InvalidArgumentError
        when it cannot be read (the reason never quotes its values),
        NotFoundError when no pack defines or tells its type."""
        raw = message_bytes(data)
        fmt = Format.parse(format)
        flags = (_ffi.REDACT_REMOVE if remove else 0) | (_ffi.REDACT_INTERNAL if internal else 0)
        out = _ffi.RedactionP()
        err = _ffi.ErrorP()
        lib = _ffi.lib()
        with self.pack._use() as reg, self._lock:
            lib.cbec_redact(self._live(), reg, type.encode("utf-8") if type is not None else None,
                            int(fmt), raw, len(raw), flags, ctypes.byref(out), ctypes.byref(err))
        try:
            size = ctypes.c_size_t()
            text = lib.cbec_redaction_data(out, ctypes.byref(size)) or b""
            if len(text) != size.value:   # JSON text holds no NUL byte
                raise InternalError("redacted copy of %d bytes read as %d" % (size.value, len(text)))
            return Redaction(text, int(lib.cbec_redaction_count(out)),
                             lib.cbec_redaction_message_type(out) or "")
        finally:
            lib.cbec_redaction_free(out)

    def clone(self) -> "Validator":
        """A new Validator over the same pack with the same options and
        limits (none of the scratch): configure one, clone it per thread."""
        h = _ffi.ValidatorP()
        with self._lock:
            _ffi.lib().cbec_validator_clone(ctypes.byref(h), self._live())
        v = Validator.__new__(Validator)
        v._handle = h
        v._address = _address(h)
        v._lock = threading.Lock()
        v.pack = self.pack
        return v

    # ---- lifetime ----

    def _live(self) -> Any:
        if self._handle is None:
            from .errors import StateError
            raise StateError("the validator is closed")
        return self._handle

    def close(self) -> None:
        """Free the validator's state; idempotent."""
        with self._lock:
            h, self._handle = self._handle, None
        if h is not None and _ffi._LIB is not None:
            _ffi._LIB.cbec_validator_free(h)

    def __enter__(self) -> "Validator":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            h, self._handle = self._handle, None
            if h is not None and _ffi._LIB is not None:
                _ffi._LIB.cbec_validator_free(h)
        except Exception:
            pass

    def __reduce__(self) -> Any:
        raise TypeError("a Validator cannot be pickled: make one where it is used")
