"""_ffi.py - loads libcbecstd and declares every C function it exports.

The one table FUNCTIONS below gives each function's restype, argtypes and
errcheck; nothing else in the package touches ctypes prototypes.  Opaque
handles get distinct pointer types so that passing a report where a pack
is expected is a ctypes.ArgumentError, not a crash.

It also finds the optional C accelerator, cbecstd._speedups (see
speedups()), which the per-message path uses when it is there.
"""
from __future__ import annotations

import ctypes
import importlib.util
import os
import sys
from ctypes import (POINTER, c_char_p, c_int, c_size_t, c_uint, c_ulong, c_void_p)
from types import ModuleType
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

from . import errors

#: Oldest library this binding works with (it calls every function below).
REQUIRED_VERSION = (0, 1, 0)
SONAME = "libcbecstd.so.0"
ENV_LIBRARY = "CBECSTD_LIBRARY"
ENV_SPEEDUPS = "CBECSTD_SPEEDUPS"        # the accelerator's file, instead of cbecstd/
ENV_NO_SPEEDUPS = "CBECSTD_NO_SPEEDUPS"  # set (not "" or "0"): the pure-Python path only


# Distinct opaque types: ctypes checks them on every call.
class Error(ctypes.Structure):
    """struct cbec_error (opaque)."""


class Options(ctypes.Structure):
    """struct cbec_options (opaque)."""


class Pack(ctypes.Structure):
    """struct cbec_pack (opaque)."""


class Registry(ctypes.Structure):
    """struct cbec_registry (opaque)."""


class Validator(ctypes.Structure):
    """struct cbec_validator (opaque)."""


class Report(ctypes.Structure):
    """struct cbec_report (opaque)."""


class Stats(ctypes.Structure):
    """struct cbec_stats (opaque)."""


class Logic(ctypes.Structure):
    """struct cbec_logic (opaque)."""


class IdentifierChecker(ctypes.Structure):
    """struct cbec_identifier_checker (opaque)."""


class Redaction(ctypes.Structure):
    """struct cbec_redaction (opaque)."""


ErrorP = POINTER(Error)
OptionsP = POINTER(Options)
PackP = POINTER(Pack)
RegistryP = POINTER(Registry)
ValidatorP = POINTER(Validator)
ReportP = POINTER(Report)
StatsP = POINTER(Stats)
LogicP = POINTER(Logic)
IdentifierCheckerP = POINTER(IdentifierChecker)
RedactionP = POINTER(Redaction)
c_int_p = POINTER(c_int)
c_uint_p = POINTER(c_uint)
c_ulong_p = POINTER(c_ulong)
c_char_pp = POINTER(c_char_p)
c_size_p = POINTER(c_size_t)


# ---- errcheck helpers ----------------------------------------------------

def _take_error(args: Sequence[Any], index: Optional[int]) -> Optional[Any]:
    """The cbec_error* a failed call stored through its out-parameter."""
    if index is None or index >= len(args):
        return None
    ref = args[index]
    holder = getattr(ref, "_obj", ref)   # byref() wraps the pointer object
    if isinstance(holder, ErrorP) and holder:
        return holder
    return None


def _error_details(lib: Any, e: Any) -> Dict[str, Any]:
    def text(fn: str) -> str:
        raw = getattr(lib, fn)(e)
        return raw.decode("utf-8", "replace") if raw else ""

    return {
        "message": text("cbec_error_message"),
        "file": text("cbec_error_file"),
        "path": text("cbec_error_path"),
        "line": int(lib.cbec_error_line(e)),
        "column": int(lib.cbec_error_column(e)),
    }


def _status_check(err_index: Optional[int]) -> Callable[..., int]:
    """errcheck for int status returns: a negative status raises the
    exception of its code, carrying the cbec_error's details (which it
    frees) or else cbec_strerror()."""

    def check(result: int, func: Any, args: Sequence[Any]) -> int:
        if result >= 0:
            return result
        lib = _LIB
        details: Dict[str, Any] = {}
        e = _take_error(args, err_index)
        if e is not None and lib is not None:
            try:
                details = _error_details(lib, e)
            finally:
                lib.cbec_error_free(e)
        if not details.get("message") and lib is not None:
            details["message"] = lib.cbec_strerror(result)
        details.setdefault("message", "status %d" % result)
        raise errors.from_status(result, func.__name__, **details)

    return check


def _string(result: Optional[bytes], func: Any, args: Sequence[Any]) -> Optional[str]:
    """errcheck for borrowed "const char *": decoded; NULL stays None."""
    if result is None:
        return None
    return result.decode("utf-8", "replace")


def _string_or_oom(result: Optional[bytes], func: Any, args: Sequence[Any]) -> str:
    """errcheck for strings whose NULL means the library ran out of memory."""
    if result is None:
        raise errors.from_status(-2, func.__name__, message="out of memory")
    return result.decode("utf-8", "replace")


_STATUS = _status_check(None)

# ---- the table -----------------------------------------------------------
# name: (restype, argtypes, errcheck).  Keep in header order; the test
# suite checks that every CBEC_API function of include/cbecstd.h is here.
FUNCTIONS: Dict[str, Tuple[Any, List[Any], Optional[Callable[..., Any]]]] = {
    # library
    "cbec_version": (c_char_p, [], _string),
    "cbec_version_number": (c_int, [], None),
    "cbec_strerror": (c_char_p, [c_int], _string),
    # errors (never raise: they describe an error already being raised)
    "cbec_error_status": (c_int, [ErrorP], None),
    "cbec_error_message": (c_char_p, [ErrorP], None),
    "cbec_error_file": (c_char_p, [ErrorP], None),
    "cbec_error_path": (c_char_p, [ErrorP], None),
    "cbec_error_line": (c_ulong, [ErrorP], None),
    "cbec_error_column": (c_ulong, [ErrorP], None),
    "cbec_error_free": (None, [ErrorP], None),
    # options
    "cbec_options_new": (c_int, [POINTER(OptionsP)], _STATUS),
    "cbec_options_set_string": (c_int, [OptionsP, c_int, c_char_p], _STATUS),
    "cbec_options_pin_digest": (c_int, [OptionsP, c_char_p, c_char_p], _STATUS),
    "cbec_options_add_resource_dir": (c_int, [OptionsP, c_char_p, c_char_p], _STATUS),
    "cbec_options_free": (None, [OptionsP], None),
    # packs
    "cbec_pack_load_file": (c_int, [POINTER(PackP), c_char_p, OptionsP, POINTER(ErrorP)],
                            _status_check(3)),
    "cbec_pack_load_buffer": (c_int, [POINTER(PackP), c_char_p, c_size_t, c_char_p, c_char_p,
                                      OptionsP, POINTER(ErrorP)], _status_check(6)),
    "cbec_pack_from_schema": (c_int, [POINTER(PackP), c_char_p, OptionsP, POINTER(ErrorP)],
                              _status_check(3)),
    "cbec_pack_ref": (PackP, [PackP], None),
    "cbec_pack_free": (None, [PackP], None),
    "cbec_pack_id": (c_char_p, [PackP], _string),
    "cbec_pack_version": (c_char_p, [PackP], _string),
    "cbec_pack_status": (c_char_p, [PackP], _string),
    "cbec_pack_module": (c_char_p, [PackP], _string),
    "cbec_pack_effective_from": (c_char_p, [PackP], _string),
    "cbec_pack_effective_to": (c_char_p, [PackP], _string),
    "cbec_pack_file": (c_char_p, [PackP], _string),
    "cbec_pack_digest": (c_char_p, [PackP], _string),
    "cbec_pack_title": (c_char_p, [PackP, c_char_p], _string),
    "cbec_pack_ref_count": (c_size_t, [PackP], None),
    "cbec_pack_ref_id": (c_char_p, [PackP, c_size_t], _string),
    "cbec_pack_message_type_count": (c_size_t, [PackP], None),
    "cbec_pack_message_type": (c_char_p, [PackP, c_size_t], _string),
    "cbec_pack_rule_count": (c_size_t, [PackP, c_char_p], None),
    "cbec_pack_rule_id": (c_char_p, [PackP, c_char_p, c_size_t], _string),
    "cbec_pack_rule_definition": (c_char_p, [PackP, c_char_p, c_size_t], _string),
    "cbec_pack_base_count": (c_size_t, [PackP], None),
    "cbec_pack_base_id": (c_char_p, [PackP, c_size_t], _string),
    "cbec_pack_base_range": (c_char_p, [PackP, c_size_t], _string),
    # registry
    "cbec_registry_new": (c_int, [POINTER(RegistryP)], _STATUS),
    "cbec_registry_free": (None, [RegistryP], None),
    "cbec_registry_add": (c_int, [RegistryP, PackP, POINTER(ErrorP)], _status_check(2)),
    "cbec_registry_load_path": (c_int, [RegistryP, c_char_p, OptionsP, POINTER(ErrorP)],
                                _status_check(3)),
    "cbec_registry_reload": (c_int, [RegistryP, c_char_pp, c_size_t, OptionsP, POINTER(ErrorP)],
                             _status_check(4)),
    "cbec_registry_pack_count": (c_size_t, [RegistryP], None),
    "cbec_registry_pack": (PackP, [RegistryP, c_size_t], None),
    # validation
    "cbec_validator_new": (c_int, [POINTER(ValidatorP)], _STATUS),
    "cbec_validator_free": (None, [ValidatorP], None),
    "cbec_validator_set_limit": (c_int, [ValidatorP, c_int, c_ulong], _STATUS),
    "cbec_validator_clone": (c_int, [POINTER(ValidatorP), ValidatorP], _STATUS),
    "cbec_validator_set_option": (c_int, [ValidatorP, c_int, c_char_p], _STATUS),
    "cbec_validate": (c_int, [ValidatorP, RegistryP, c_char_p, c_int, c_void_p, c_size_t,
                              POINTER(ReportP)], _STATUS),
    # reports
    "cbec_report_free": (None, [ReportP], None),
    "cbec_report_valid": (c_int, [ReportP], None),
    "cbec_report_message_type": (c_char_p, [ReportP], _string),
    "cbec_report_format": (c_int, [ReportP], None),
    "cbec_report_count": (c_size_t, [ReportP], None),
    "cbec_report_truncated": (c_int, [ReportP], None),
    "cbec_report_count_severity": (c_size_t, [ReportP, c_int], None),
    "cbec_report_set_source": (c_int, [ReportP, c_char_p, c_ulong], _STATUS),
    "cbec_finding_rule": (c_char_p, [ReportP, c_size_t], _string),
    "cbec_finding_severity": (c_int, [ReportP, c_size_t], None),
    "cbec_finding_path": (c_char_p, [ReportP, c_size_t], _string),
    "cbec_finding_line": (c_ulong, [ReportP, c_size_t], None),
    "cbec_finding_column": (c_ulong, [ReportP, c_size_t], None),
    "cbec_finding_offset": (c_ulong, [ReportP, c_size_t], None),
    "cbec_finding_pack": (c_char_p, [ReportP, c_size_t], _string),
    "cbec_finding_ref": (c_char_p, [ReportP, c_size_t], _string),
    "cbec_finding_expected": (c_char_p, [ReportP, c_size_t], _string),
    "cbec_finding_message": (c_char_p, [ReportP, c_size_t, c_char_p], _string_or_oom),
    "cbec_report_render": (c_int, [ReportP, c_int, c_char_p, c_char_pp, c_size_p], _STATUS),
    "cbec_finding_edi_position": (c_int, [ReportP, c_size_t, c_ulong_p, c_uint_p, c_uint_p, c_char_pp],
                                  None),
    "cbec_report_render_ack": (c_int, [ReportP, c_int, c_char_p, c_char_p, c_char_pp, c_size_p],
                               _STATUS),
    "cbec_severity_name": (c_char_p, [c_int], _string),
    # personal data
    "cbec_redact": (c_int, [ValidatorP, RegistryP, c_char_p, c_int, c_void_p, c_size_t, c_int,
                            POINTER(RedactionP), POINTER(ErrorP)], _status_check(8)),
    "cbec_redaction_data": (c_char_p, [RedactionP, c_size_p], None),
    "cbec_redaction_count": (c_size_t, [RedactionP], None),
    "cbec_redaction_message_type": (c_char_p, [RedactionP], _string),
    "cbec_redaction_free": (None, [RedactionP], None),
    # evaluation statistics
    "cbec_stats_new": (c_int, [POINTER(StatsP)], _STATUS),
    "cbec_stats_free": (None, [StatsP], None),
    "cbec_stats_add": (c_int, [StatsP, ReportP], _STATUS),
    "cbec_stats_render_json": (c_int, [StatsP, c_char_pp, c_size_p], _STATUS),
    # JSON Logic
    "cbec_logic_compile": (c_int, [POINTER(LogicP), c_char_p, c_size_t, POINTER(ErrorP)],
                           _status_check(3)),
    "cbec_logic_set_limit": (c_int, [LogicP, c_int, c_ulong], _STATUS),
    "cbec_logic_eval": (c_int, [LogicP, c_char_p, c_size_t, c_char_pp, c_size_p, POINTER(ErrorP)],
                        _status_check(5)),
    "cbec_logic_error_type": (c_char_p, [LogicP], _string),
    "cbec_logic_free": (None, [LogicP], None),
    # identifiers on their own
    "cbec_identifier_kind_count": (c_size_t, [], None),
    "cbec_identifier_kind_name": (c_char_p, [c_size_t], _string),
    "cbec_identifier_kind_summary": (c_char_p, [c_size_t, c_char_p], _string),
    "cbec_identifier_checker_new": (c_int, [POINTER(IdentifierCheckerP), OptionsP, POINTER(ErrorP)],
                                    _status_check(2)),
    "cbec_identifier_checker_free": (None, [IdentifierCheckerP], None),
    "cbec_identifier_check": (c_int, [IdentifierCheckerP, c_char_p, c_char_p, c_size_t, c_char_p,
                                      c_int_p, c_char_p, c_size_t], _STATUS),
}

# Enum values of include/cbecstd.h (fixed forever by the ABI promise).
FORMAT_AUTO, FORMAT_JSON, FORMAT_XML, FORMAT_EDIFACT, FORMAT_X12 = 0, 1, 2, 3, 4
RENDER_TEXT, RENDER_JSON = 1, 2
SEVERITY_INFO, SEVERITY_WARNING, SEVERITY_ERROR = 1, 2, 3
OPT_ISO_CODES_DIR, OPT_ALLOW_INACTIVE, OPT_SCHEMA_DRAFT, OPT_SCHEMA_FORMAT_ASSERT = 1, 2, 3, 4
OPT_DEFER_COMPILE, OPT_LOAD_THREADS, OPT_CACHE_DIR, OPT_LAZY_LOAD = 5, 6, 7, 8
ACK_X12_997, ACK_X12_999, ACK_EDIFACT_CONTRL = 1, 2, 3
REDACT_REMOVE, REDACT_INTERNAL = 1, 2
VOPT_DATE, VOPT_ALLOW_INACTIVE, VOPT_PREVIOUS_STATE = 1, 2, 3
LIMIT_MESSAGE_BYTES, LIMIT_DEPTH, LIMIT_FINDINGS, LIMIT_NODES = 1, 2, 3, 4
LOGIC_LIMIT_OPERATIONS, LOGIC_LIMIT_DEPTH, LOGIC_LIMIT_MEMORY = 1, 2, 3

_LIB: Optional[ctypes.CDLL] = None
# The accelerator module, or None for the pure-Python path; set with _LIB.
_SPEEDUPS: Optional[ModuleType] = None


def candidates() -> List[str]:
    """Where the library is looked for, in order: $CBECSTD_LIBRARY, the
    package's own directory, then the SONAME through the system's search
    path (ld.so.conf, LD_LIBRARY_PATH)."""
    env = os.environ.get(ENV_LIBRARY)
    if env:
        return [env]   # an explicit choice never falls back to another copy
    found = []
    here = os.path.join(os.path.dirname(os.path.abspath(__file__)), SONAME)
    if os.path.exists(here):
        found.append(here)
    found.append(SONAME)
    return found


def declare(lib: ctypes.CDLL) -> ctypes.CDLL:
    """Apply FUNCTIONS to lib; a missing symbol means the library is older
    than this binding."""
    for name, (restype, argtypes, errcheck) in FUNCTIONS.items():
        try:
            fn = getattr(lib, name)
        except AttributeError:
            raise errors.LibraryError(
                "%s lacks %s: libcbecstd %d.%d.%d or newer is needed"
                % (getattr(lib, "_name", "libcbecstd"), name, *REQUIRED_VERSION)) from None
        fn.restype = restype
        fn.argtypes = argtypes
        if errcheck is not None:
            fn.errcheck = errcheck
    return lib


def check_version(number: int) -> None:
    """The library must have the binding's major version and be at least
    REQUIRED_VERSION (0.x minor releases may add calls the binding uses)."""
    major, minor, patch = number // 10000, number // 100 % 100, number % 100
    if major != REQUIRED_VERSION[0] or (major, minor, patch) < REQUIRED_VERSION:
        raise errors.LibraryError(
            "libcbecstd %d.%d.%d found; this binding needs %d.x, at least %d.%d.%d"
            % (major, minor, patch, REQUIRED_VERSION[0], *REQUIRED_VERSION))


def load(path: Optional[str] = None) -> ctypes.CDLL:
    """Load, declare and version-check the library (once per process,
    unless path names a library explicitly)."""
    global _LIB
    if path is None and _LIB is not None:
        return _LIB
    tried = []
    lib = None
    for cand in ([path] if path else candidates()):
        try:
            lib = ctypes.CDLL(cand)
            break
        except OSError as e:
            tried.append("%s (%s)" % (cand, e))
    if lib is None:
        raise errors.LibraryError(
            "cannot load libcbecstd; tried: %s.  Set %s to the library's path."
            % ("; ".join(tried), ENV_LIBRARY))
    declare(lib)
    check_version(lib.cbec_version_number())
    if path is None:
        global _SPEEDUPS
        _SPEEDUPS = load_speedups(lib)
        _LIB = lib
    return lib


def load_speedups(lib: ctypes.CDLL) -> Optional[ModuleType]:
    """The C accelerator for lib, or None (then the binding runs its
    pure-Python path, which gives the same results more slowly).

    $CBECSTD_NO_SPEEDUPS (any value but "" and "0") turns it off.
    $CBECSTD_SPEEDUPS names its file (a build tree's
    bindings/python/_speedups*.so); like $CBECSTD_LIBRARY it is an explicit
    choice, so a file that cannot be used raises LibraryError.  Otherwise
    cbecstd/_speedups is used when it can be imported.  Either way the
    module must be linked to the very library ctypes loaded (the binding
    hands it that library's pointers): another copy is refused."""
    if os.environ.get(ENV_NO_SPEEDUPS, "") not in ("", "0"):
        return None
    path = os.environ.get(ENV_SPEEDUPS)
    name = __name__.rpartition(".")[0] + "._speedups"
    try:
        if path:
            spec = importlib.util.spec_from_file_location(name, path)
            if spec is None or spec.loader is None:
                raise ImportError("not a Python extension module: %s" % path)
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            sys.modules[name] = module
        else:
            from . import _speedups as module  # type: ignore[attr-defined]
    except ImportError as e:
        if path:
            raise errors.LibraryError("cannot load the accelerator %s=%s: %s"
                                      % (ENV_SPEEDUPS, path, e)) from None
        return None
    if module.library_address() != ctypes.cast(lib.cbec_validate, ctypes.c_void_p).value:
        if path:
            raise errors.LibraryError(
                "the accelerator %s is linked to another copy of libcbecstd than %s"
                % (path, getattr(lib, "_name", "the one loaded")))
        return None
    return module


def speedups() -> Optional[ModuleType]:
    """The accelerator the process uses, or None: the pure-Python path."""
    lib()
    return _SPEEDUPS


def lib() -> ctypes.CDLL:
    """The process's library, loaded on first use."""
    return _LIB if _LIB is not None else load()
