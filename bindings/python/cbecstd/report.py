"""report.py - the result of one validation (Report) and evaluation
counters over many (Stats).

A Report copies everything a caller usually needs (validity, findings in
one language, counts) out of the C report when it is made, and keeps the
C report only for what needs it later (render() in another language,
Stats.add()).  Closing it, leaving its ``with`` block or dropping the last
reference frees the C report; pickling keeps the copied data only.
"""
from __future__ import annotations

import ctypes
import json
import threading
from typing import Any, Dict, List, Optional, Union

from . import _ffi
from .errors import StateError
from .model import EdiPosition, Finding, Format, Severity

_RENDER = {"text": _ffi.RENDER_TEXT, "json": _ffi.RENDER_JSON}
_ACKS = {"x12-997": _ffi.ACK_X12_997, "x12-999": _ffi.ACK_X12_999,
         "edifact-contrl": _ffi.ACK_EDIFACT_CONTRL}


def _edi_position(lib: Any, handle: Any, i: int) -> Optional[EdiPosition]:
    seg = ctypes.c_ulong()
    elem = ctypes.c_uint()
    comp = ctypes.c_uint()
    tag = ctypes.c_char_p()
    if not lib.cbec_finding_edi_position(handle, i, ctypes.byref(seg), ctypes.byref(elem),
                                         ctypes.byref(comp), ctypes.byref(tag)):
        return None
    return EdiPosition(int(seg.value), int(elem.value), int(comp.value),
                       (tag.value or b"").decode("utf-8", "replace"))


# Enum members by number, looked up once rather than per report.
_SEVERITY_LEVELS = tuple((sev, sev.level) for sev in Severity)
_SEVERITIES = tuple(sev for sev, _ in _SEVERITY_LEVELS)
_BY_LEVEL = {level: sev for sev, level in _SEVERITY_LEVELS}
_FORMATS = {int(f): f for f in Format}
_NO_COUNTS = dict.fromkeys(Severity, 0)


def _render_code(output: str) -> int:
    try:
        return _RENDER[output]
    except KeyError:
        raise ValueError("unknown output %r (text, json)" % output) from None


class Report:
    """Findings of one validation.

    Attributes (read-only): valid (True when processing succeeded and no
    finding has error severity), findings (list of Finding, messages in
    ``lang``), message_type ("" when it could not be told), format (the
    Format the message was read as), truncated (more findings existed than
    the validator's findings limit kept), counts ({Severity: n}, counting
    the findings past the limit too), lang, source and index (the label
    given to validate(), "" and 0 when none).
    """

    __slots__ = ("valid", "findings", "message_type", "format", "truncated", "counts", "lang",
                 "source", "index", "_handle", "_lock")

    def __init__(self, handle: Any, lang: str = "en", source: str = "", index: int = 0) -> None:
        """Wrap a cbec_report* the caller owned; the Report now owns it."""
        self._handle = handle
        self._lock = threading.Lock()
        lib = _ffi.lib()
        self.lang = lang
        self.source = source
        self.index = index
        if source:
            lib.cbec_report_set_source(handle, source.encode("utf-8"), index)
        self.valid = bool(lib.cbec_report_valid(handle))
        self.message_type = lib.cbec_report_message_type(handle) or ""
        code = lib.cbec_report_format(handle)
        fmt = _FORMATS.get(code)
        self.format = fmt if fmt is not None else Format(code)
        self.truncated = bool(lib.cbec_report_truncated(handle))
        n = lib.cbec_report_count(handle)
        if n or self.truncated:
            count_severity = lib.cbec_report_count_severity
            self.counts = {sev: int(count_severity(handle, level)) for sev, level in _SEVERITY_LEVELS}
        else:
            # every finding is kept unless the report is truncated: none
            self.counts = dict.fromkeys(Severity, 0)
        blang = lang.encode("utf-8")
        found: List[Finding] = []
        self.findings = found
        for i in range(n):
            found.append(Finding(
                rule=lib.cbec_finding_rule(handle, i) or "",
                severity=Severity.from_level(lib.cbec_finding_severity(handle, i)),
                path=lib.cbec_finding_path(handle, i) or "",
                line=int(lib.cbec_finding_line(handle, i)),
                column=int(lib.cbec_finding_column(handle, i)),
                message=lib.cbec_finding_message(handle, i, blang),
                pack=lib.cbec_finding_pack(handle, i) or "",
                ref=lib.cbec_finding_ref(handle, i) or "",
                offset=int(lib.cbec_finding_offset(handle, i)),
                expected=lib.cbec_finding_expected(handle, i) or "",
                edi=_edi_position(lib, handle, i),
            ))

    # ---- convenience ----

    @property
    def errors(self) -> List[Finding]:
        """The findings of error severity."""
        return [f for f in self.findings if f.severity is Severity.ERROR]

    @property
    def warnings(self) -> List[Finding]:
        return [f for f in self.findings if f.severity is Severity.WARNING]

    @property
    def closed(self) -> bool:
        """True once the C report is freed (render() and Stats.add() then
        raise StateError; the copied data stays)."""
        return self._handle is None

    def to_dict(self) -> Dict[str, Any]:
        """The report as plain data, shaped like the CLI's JSON output."""
        d: Dict[str, Any] = {}
        if self.source:
            d["source"] = self.source
            d["index"] = self.index
        d["type"] = self.message_type
        d["valid"] = self.valid
        d["findings"] = [f.to_dict() for f in self.findings]
        if self.truncated:
            d["truncated"] = True
        return d

    def render(self, output: str = "text", lang: Optional[str] = None) -> str:
        """The report rendered by the library, as "text" (one line per
        finding and a verdict line) or "json" (one JSON object), in lang
        (default: the report's language)."""
        code = _render_code(output)
        lib = _ffi.lib()
        text = ctypes.c_char_p()
        size = ctypes.c_size_t()
        with self._lock:   # the render buffer belongs to the report
            h = self._live()
            lib.cbec_report_render(h, code, (lang or self.lang).encode("utf-8"),
                                   ctypes.byref(text), ctypes.byref(size))
            return ctypes.string_at(text, size.value).decode("utf-8", "replace")

    def render_ack(self, kind: str, control_number: Optional[str] = None,
                   timestamp: Optional[str] = None) -> str:
        """The functional acknowledgement of an EDI input: kind "x12-997",
        "x12-999" or "edifact-contrl"; control_number the digits of the new
        interchange's control references (None: "1"); timestamp
        "YYYYMMDDHHMM" (None: now, UTC).  StateError when the report is not
        of an EDI input that could be read; InvalidArgumentError for an X12
        acknowledgement of EDIFACT or the reverse."""
        try:
            code = _ACKS[kind]
        except KeyError:
            raise ValueError("unknown acknowledgement %r (%s)" % (kind, ", ".join(_ACKS))) from None
        lib = _ffi.lib()
        text = ctypes.c_char_p()
        size = ctypes.c_size_t()
        with self._lock:
            lib.cbec_report_render_ack(self._live(), code,
                                       control_number.encode("ascii") if control_number else None,
                                       timestamp.encode("ascii") if timestamp else None,
                                       ctypes.byref(text), ctypes.byref(size))
            return ctypes.string_at(text, size.value).decode("utf-8", "replace")

    # ---- lifetime ----

    def _live(self) -> Any:
        h = self._handle
        if h is None:
            raise StateError("the report is closed (or was unpickled): its C report is gone")
        if h.__class__ is int:   # made by the accelerator
            return ctypes.cast(h, _ffi.ReportP)
        return h

    def close(self) -> None:
        """Free the C report now; idempotent."""
        h, self._handle = self._handle, None
        if h is None:
            return
        if h.__class__ is int:
            speedups = _ffi._SPEEDUPS
            if speedups is not None:
                speedups.report_free(h)
                return
            h = ctypes.cast(h, _ffi.ReportP)
        if _ffi._LIB is not None:
            _ffi._LIB.cbec_report_free(h)

    def __enter__(self) -> "Report":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:   # interpreter shutdown: nothing left to free with
            pass

    def __getstate__(self) -> Dict[str, Any]:
        return {k: getattr(self, k) for k in self.__slots__ if not k.startswith("_")}

    def __setstate__(self, state: Dict[str, Any]) -> None:
        for k, v in state.items():
            object.__setattr__(self, k, v)
        self._handle = None
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return "<Report %s %s: %d findings>" % (self.message_type or "?",
                                                "valid" if self.valid else "INVALID",
                                                len(self.findings))


def _finding(rule: str, level: int, path: str, line: int, column: int, message: str, pack: str,
             ref: str, offset: int, expected: str, edi: Optional[tuple]) -> Finding:
    """A Finding from the accelerator's tuple of its fields."""
    severity = _BY_LEVEL.get(level)
    return Finding(rule, severity if severity is not None else Severity.from_level(level), path,
                   line, column, message, pack, ref, offset, expected,
                   EdiPosition._make(edi) if edi is not None else None)


_new_report = object.__new__   # a Report without __init__'s ctypes calls


def report_from_fields(fields: tuple, lang: str, source: str, index: int) -> Report:
    """A Report from what the accelerator's validate() returns: the C
    report's address, which the Report owns from here on, and the fields
    Report.__init__ would read through ctypes, already read."""
    r = _new_report(Report)
    r._handle, r.valid, code, r.message_type, r.truncated, counts, found = fields
    r._lock = threading.Lock()
    r.lang = lang
    r.source = source
    r.index = index
    fmt = _FORMATS.get(code)
    r.format = fmt if fmt is not None else Format(code)
    r.counts = dict(zip(_SEVERITIES, counts)) if counts is not None else _NO_COUNTS.copy()
    r.findings = [_finding(*f) for f in found] if found else found
    return r



class Stats:
    """Evaluation counters over many reports, per pack, module, message
    type and rule (cbec_stats).  add() may be called from any number of
    threads at once."""

    def __init__(self) -> None:
        lib = _ffi.lib()
        h = _ffi.StatsP()
        lib.cbec_stats_new(ctypes.byref(h))
        self._handle: Any = h
        self._lock = threading.Lock()

    def add(self, report: Union[Report, Any]) -> None:
        """Count one report; it must still hold its C report (not closed)."""
        if not isinstance(report, Report):
            raise TypeError("Stats.add() wants a Report, not %s" % type(report).__name__)
        with report._lock:
            _ffi.lib().cbec_stats_add(self._live(), report._live())

    def to_dict(self) -> Dict[str, Any]:
        """The counters: {"messages", "valid", "invalid", "findings":
        {"error", "warning", "info"}, "packs", "modules", "types", "rules"}."""
        text = ctypes.c_char_p()
        size = ctypes.c_size_t()
        with self._lock:   # the rendered text lives until the next render
            _ffi.lib().cbec_stats_render_json(self._live(), ctypes.byref(text), ctypes.byref(size))
            raw = ctypes.string_at(text, size.value)
        result: Dict[str, Any] = json.loads(raw.decode("utf-8"))
        return result

    def _live(self) -> Any:
        if self._handle is None:
            raise StateError("the stats object is closed")
        return self._handle

    def close(self) -> None:
        h, self._handle = self._handle, None
        if h is not None and _ffi._LIB is not None:
            _ffi._LIB.cbec_stats_free(h)

    def __enter__(self) -> "Stats":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:
            pass
