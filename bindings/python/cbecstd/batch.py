"""batch.py - re-validating many messages: NDJSON splitting and totals
that add up across threads, processes and machines.

Totals are plain data (they pickle), so a distributed engine can compute
one per partition and sum them; the same code gives the same totals on one
process, which is what the tests compare.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Dict, Iterable, Iterator, Optional, Tuple, Union

from .model import Severity

if TYPE_CHECKING:  # pragma: no cover
    from .pack import Pack
    from .report import Report
    from .validator import Validator


@dataclass
class Totals:
    """Counts over many reports.  messages = valid + invalid; errors,
    warnings and infos count findings (including those past a report's
    findings limit); by_rule counts kept findings per rule id, by_type
    messages per message type."""
    messages: int = 0
    valid: int = 0
    invalid: int = 0
    errors: int = 0
    warnings: int = 0
    infos: int = 0
    by_rule: Counter = field(default_factory=Counter)
    by_type: Counter = field(default_factory=Counter)

    def add(self, report: "Report") -> None:
        """Count one report."""
        self.messages += 1
        if report.valid:
            self.valid += 1
        else:
            self.invalid += 1
        self.errors += report.counts[Severity.ERROR]
        self.warnings += report.counts[Severity.WARNING]
        self.infos += report.counts[Severity.INFO]
        self.by_rule.update(f.rule for f in report.findings)
        self.by_type[report.message_type or "?"] += 1

    def __add__(self, other: "Totals") -> "Totals":
        if not isinstance(other, Totals):
            return NotImplemented
        return Totals(self.messages + other.messages, self.valid + other.valid,
                      self.invalid + other.invalid, self.errors + other.errors,
                      self.warnings + other.warnings, self.infos + other.infos,
                      self.by_rule + other.by_rule, self.by_type + other.by_type)

    def __radd__(self, other: Any) -> "Totals":
        # lets sum(list_of_totals) start from 0
        if other == 0:
            return self + Totals()
        return self.__add__(other)

    def to_dict(self) -> Dict[str, Any]:
        return {"messages": self.messages, "valid": self.valid, "invalid": self.invalid,
                "errors": self.errors, "warnings": self.warnings, "infos": self.infos,
                "by_rule": dict(sorted(self.by_rule.items())),
                "by_type": dict(sorted(self.by_type.items()))}

    def summary(self) -> str:
        """One line, in the words the CLI uses."""
        return ("%d messages: %d valid, %d invalid; %d errors, %d warnings, %d infos"
                % (self.messages, self.valid, self.invalid, self.errors, self.warnings, self.infos))


def iter_ndjson(lines: Iterable[Union[bytes, str]]) -> Iterator[Tuple[int, bytes]]:
    """(1-based line number, message) for each non-blank line, numbered as
    the CLI's --ndjson numbers them (blank lines count but carry nothing)."""
    for n, line in enumerate(lines, 1):
        raw = line.encode("utf-8") if isinstance(line, str) else bytes(line)
        if raw.endswith(b"\n"):
            raw = raw[:-1]
        if raw.strip(b" \t"):
            yield n, raw


def validate_lines(target: Union["Pack", "Validator"], lines: Iterable[Union[bytes, str]], *,
                   type: Optional[str] = None, source: str = "", lang: str = "en") -> Totals:
    """Validate each NDJSON line with a Pack or a Validator and total the
    reports (freed as soon as they are counted)."""
    totals = Totals()
    for n, raw in iter_ndjson(lines):
        with target.validate(raw, type=type, lang=lang, source=source, index=n) as rep:
            totals.add(rep)
    return totals
