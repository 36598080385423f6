"""model.py - the plain data of the binding: formats, severities, findings.

Findings are frozen dataclasses holding copies of the library's strings,
so they outlive the C report they came from and pickle across processes
(a Dask worker returns them to the client as they are).
"""
from __future__ import annotations

import enum
from dataclasses import asdict, dataclass
from typing import Any, Dict, NamedTuple, Optional, Union

from . import _ffi


class Format(enum.IntEnum):
    """Wire formats (cbec_format); AUTO decides from the first bytes."""
    AUTO = _ffi.FORMAT_AUTO
    JSON = _ffi.FORMAT_JSON
    XML = _ffi.FORMAT_XML
    EDIFACT = _ffi.FORMAT_EDIFACT
    X12 = _ffi.FORMAT_X12

    @classmethod
    def parse(cls, value: Union["Format", str, int]) -> "Format":
        """A Format from itself, its name in any case ("auto", "json",
        "xml", "edifact", "x12") or its number."""
        if isinstance(value, cls):
            return value
        if isinstance(value, str):
            try:
                return cls[value.upper()]
            except KeyError:
                raise ValueError("unknown format %r (auto, json, xml, edifact, x12)" % value) from None
        if isinstance(value, int) and not isinstance(value, bool):
            return cls(value)
        raise TypeError("format must be a Format, a str or an int, not %s" % type(value).__name__)


class Severity(str, enum.Enum):
    """Severity of a finding.  Members are also the strings the JSON
    reports use, so ``finding.severity == "error"`` holds."""
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"

    @property
    def level(self) -> int:
        """The cbec_severity number: INFO 1 < WARNING 2 < ERROR 3."""
        return _LEVELS[self]

    @classmethod
    def from_level(cls, level: int) -> "Severity":
        for sev, lv in _LEVELS.items():
            if lv == level:
                return sev
        raise ValueError("unknown severity level %d" % level)

    def __str__(self) -> str:
        return self.value


_LEVELS = {Severity.INFO: _ffi.SEVERITY_INFO, Severity.WARNING: _ffi.SEVERITY_WARNING,
           Severity.ERROR: _ffi.SEVERITY_ERROR}


class EdiPosition(NamedTuple):
    """Where an EDI finding stands: the segment's ordinal in the input (1 =
    the first UNB/ISA), the data element and component positions (1-based,
    0 for the whole segment or element), and the segment's tag."""
    segment: int
    element: int
    component: int
    tag: str


@dataclass(frozen=True)
class Finding:
    """One finding of a report.

    rule: the rule id (``ORD-001``, or a built-in ``CBEC-...`` id);
    severity: a Severity; path: RFC 6901 JSON Pointer into the logical
    message; line, column: 1-based source position (column in characters),
    0 when unknown; message: rendered in the report's language; pack:
    ``id@version`` of the pack the rule belongs to; ref: the clause of the
    standard it enforces ("" when none); offset: byte offset in the message;
    expected: what the check expected, in no particular language (the
    pattern, the allowed values, the bound, a normalised text), "" when
    none; edi: the EdiPosition of a finding in an EDIFACT or X12 input.
    """
    rule: str
    severity: Severity
    path: str
    line: int
    column: int
    message: str
    pack: str
    ref: str
    offset: int = 0
    expected: str = ""
    edi: Optional[EdiPosition] = None

    def to_dict(self) -> Dict[str, Any]:
        """The finding as the JSON reports write it (severity as a string;
        for EDI, segment, tag, element and component as members of their
        own), with offset, and expected where the finding has one."""
        d = asdict(self)
        d["severity"] = self.severity.value
        if not self.expected:
            del d["expected"]
        del d["edi"]
        if self.edi is not None:
            d.update(self.edi._asdict())
        return d
