"""pack.py - rule packs: one compiled pack file (RulePack) and the set of
packs a validation uses (Pack, over a cbec_registry).

A Pack is meant to be loaded once and shared: its validate() may be called
from any number of threads at once, each thread using a validator of its
own behind the scenes.
"""
from __future__ import annotations

import ctypes
import json
import os
import threading
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Dict, Iterator, List, Mapping, Optional, Tuple, Union

from . import _ffi
from .errors import StateError
from .model import Format

if TYPE_CHECKING:  # pragma: no cover
    from .report import Report
    from .validator import Validator

PathLike = Union[str, bytes, "os.PathLike[str]"]


#: The load options every loading call takes as keywords.
LOAD_OPTIONS = {
    "iso_codes_dir": "directory of Debian's iso-codes JSON tables",
    "allow_inactive": "True lets draft and withdrawn packs load",
    "pins": '{"ID@VERSION": "sha256:<hex>"}: digests the packs must have',
    "schema_draft": 'JSON Schema dialect of schemas without $schema: "2020-12" or "7"',
    "schema_format_assert": 'True makes JSON Schema "format" an assertion',
    "resource_dirs": '{"https://uri/prefix/": "dir"}: where referenced schemas are read from',
    "defer_compile": "True compiles XSDs and EDI message definitions when a message first needs them "
                     "(files still read and hashed at load; one that does not compile fails its messages "
                     "with CBEC-XSD or CBEC-EDI-DEFINITION)",
    "load_threads": "threads loading the pack files of a directory, the calling one included: "
                    "0 (default) one per processor, 1 the calling thread alone, up to 8",
    "cache_dir": "directory where loading keeps tables derived from iso-codes between processes "
                 "(used only while the files keep their identity; default: none)",
    "lazy_load": "True loads each pack's head (metadata, detection) and compiles the packs a message "
                 "type needs, cut down to it, when a message first needs them; an error in the rest of "
                 "a pack then fails only the messages that need it (a CBEC-PACK finding); \"auto\" does "
                 "so only for files an earlier whole load certified in cache_dir",
}


class _Options:
    """Load options (cbec_options), freed when the block ends."""

    def __init__(self, iso_codes_dir: Optional[PathLike] = None, allow_inactive: bool = False,
                 pins: Optional[Mapping[str, str]] = None, schema_draft: Optional[str] = None,
                 schema_format_assert: bool = False,
                 resource_dirs: Optional[Mapping[str, PathLike]] = None,
                 defer_compile: bool = False, load_threads: int = 0,
                 cache_dir: Optional[PathLike] = None, lazy_load: Union[bool, str] = False) -> None:
        lib = _ffi.lib()
        self.handle = _ffi.OptionsP()
        lib.cbec_options_new(ctypes.byref(self.handle))
        try:
            if iso_codes_dir is not None:
                lib.cbec_options_set_string(self.handle, _ffi.OPT_ISO_CODES_DIR,
                                            os.fsencode(iso_codes_dir))
            if allow_inactive:
                lib.cbec_options_set_string(self.handle, _ffi.OPT_ALLOW_INACTIVE, b"1")
            for label, digest in (pins or {}).items():
                lib.cbec_options_pin_digest(self.handle, label.encode("utf-8"), digest.encode("utf-8"))
            if schema_draft is not None:
                lib.cbec_options_set_string(self.handle, _ffi.OPT_SCHEMA_DRAFT, schema_draft.encode("ascii"))
            if schema_format_assert:
                lib.cbec_options_set_string(self.handle, _ffi.OPT_SCHEMA_FORMAT_ASSERT, b"1")
            if defer_compile:
                lib.cbec_options_set_string(self.handle, _ffi.OPT_DEFER_COMPILE, b"1")
            if load_threads:
                lib.cbec_options_set_string(self.handle, _ffi.OPT_LOAD_THREADS, str(int(load_threads)).encode("ascii"))
            if cache_dir is not None:
                lib.cbec_options_set_string(self.handle, _ffi.OPT_CACHE_DIR, os.fsencode(cache_dir))
            if lazy_load:
                lib.cbec_options_set_string(self.handle, _ffi.OPT_LAZY_LOAD,
                                            b"auto" if lazy_load == "auto" else b"1")
            for prefix, directory in (resource_dirs or {}).items():
                lib.cbec_options_add_resource_dir(self.handle, prefix.encode("utf-8"),
                                                  os.fsencode(directory))
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        h, self.handle = self.handle, None
        if h:
            _ffi.lib().cbec_options_free(h)

    def __enter__(self) -> Any:
        return self.handle

    def __exit__(self, *exc: object) -> None:
        self.close()


class RulePack:
    """One compiled rule pack file (cbec_pack): immutable, shareable, with
    its metadata.  Add it to a Pack to validate with it."""

    def __init__(self, handle: Any) -> None:
        """Wrap a cbec_pack* holding one reference the RulePack now owns."""
        self._handle = handle

    @classmethod
    def load(cls, path: PathLike, **options: Any) -> "RulePack":
        """Load and compile one pack file.  options are the load options
        (see LOAD_OPTIONS).  Raises ReadError when it cannot be read,
        PackError (with file, line, column, path) when invalid, DigestError
        when pins ({"ID@VERSION": "sha256:..."}) disagree."""
        h = _ffi.PackP()
        err = _ffi.ErrorP()
        with _Options(**options) as opts:
            _ffi.lib().cbec_pack_load_file(ctypes.byref(h), os.fsencode(path), opts, ctypes.byref(err))
        return cls(h)

    @classmethod
    def from_bytes(cls, data: Union[bytes, str, Dict[str, Any]], name: str = "<memory>",
                   base_dir: Optional[PathLike] = None, **options: Any) -> "RulePack":
        """Compile a pack from its JSON text (or a dict, serialised).
        name is used in messages; files the pack refers to are resolved in
        base_dir (None: the pack may refer to no file)."""
        if isinstance(data, (dict, list)):
            data = json.dumps(data, ensure_ascii=False)
        raw = data.encode("utf-8") if isinstance(data, str) else bytes(data)
        h = _ffi.PackP()
        err = _ffi.ErrorP()
        with _Options(**options) as opts:
            _ffi.lib().cbec_pack_load_buffer(ctypes.byref(h), raw, len(raw), name.encode("utf-8"),
                                             os.fsencode(base_dir) if base_dir is not None else None,
                                             opts, ctypes.byref(err))
        return cls(h)

    @classmethod
    def from_schema(cls, schema_path: PathLike, *, draft: Optional[str] = None,
                    format_assert: bool = False,
                    resource_dirs: Optional[Mapping[str, PathLike]] = None) -> "RulePack":
        """A pack with one message type, "schema", whose only rule (id
        "SCHEMA") is a bare JSON Schema (2020-12 or draft-07 as its $schema
        says, else draft "2020-12" or "7").  References resolve to files
        beside the schema, to resource_dirs ({"https://example.com/":
        "schemas/"}) and to the official metaschemas, never the network.
        Add it to a Pack and validate with type="schema"."""
        h = _ffi.PackP()
        err = _ffi.ErrorP()
        with _Options(schema_draft=draft, schema_format_assert=format_assert,
                      resource_dirs=resource_dirs) as opts:
            _ffi.lib().cbec_pack_from_schema(ctypes.byref(h), os.fsencode(schema_path), opts,
                                             ctypes.byref(err))
        return cls(h)

    # ---- metadata ----

    def _live(self) -> Any:
        if not self._handle:
            raise StateError("the rule pack is closed")
        return self._handle

    def _str(self, fn: str, *args: Any) -> str:
        return getattr(_ffi.lib(), fn)(self._live(), *args) or ""

    @property
    def id(self) -> str:
        return self._str("cbec_pack_id")

    @property
    def version(self) -> str:
        return self._str("cbec_pack_version")

    @property
    def label(self) -> str:
        """``id@version``, as findings name their pack."""
        return "%s@%s" % (self.id, self.version)

    @property
    def status(self) -> str:
        """draft, active or withdrawn."""
        return self._str("cbec_pack_status")

    @property
    def module(self) -> str:
        return self._str("cbec_pack_module")

    @property
    def effective(self) -> Tuple[str, str]:
        """(from, to) as YYYY-MM-DD; "" for an open end."""
        return self._str("cbec_pack_effective_from"), self._str("cbec_pack_effective_to")

    @property
    def file(self) -> str:
        return self._str("cbec_pack_file")

    @property
    def digest(self) -> str:
        """``sha256:<hex>`` over the canonical pack and the files it uses."""
        return self._str("cbec_pack_digest")

    def title(self, lang: str = "en") -> str:
        return self._str("cbec_pack_title", lang.encode("utf-8"))

    @property
    def refs(self) -> List[str]:
        """Ids of the external standards the pack implements."""
        lib, h = _ffi.lib(), self._live()
        return [lib.cbec_pack_ref_id(h, i) or "" for i in range(lib.cbec_pack_ref_count(h))]

    @property
    def message_types(self) -> List[str]:
        lib, h = _ffi.lib(), self._live()
        return [lib.cbec_pack_message_type(h, i) or ""
                for i in range(lib.cbec_pack_message_type_count(h))]

    @property
    def bases(self) -> List[Tuple[str, str]]:
        """The packs this one extends, as (id, version range)."""
        lib, h = _ffi.lib(), self._live()
        return [(lib.cbec_pack_base_id(h, i) or "", lib.cbec_pack_base_range(h, i) or "")
                for i in range(lib.cbec_pack_base_count(h))]

    def rule_count(self, message_type: Optional[str] = None) -> int:
        """Rules written in the pack for a type (None: for all types)."""
        return int(_ffi.lib().cbec_pack_rule_count(
            self._live(), message_type.encode("utf-8") if message_type is not None else None))

    def rules(self, message_type: str) -> Dict[str, Any]:
        """The rules of a message type as {id: definition}, each definition
        parsed from the pack's canonical JSON."""
        lib, h, t = _ffi.lib(), self._live(), message_type.encode("utf-8")
        found: Dict[str, Any] = {}
        for i in range(lib.cbec_pack_rule_count(h, t)):
            rid = lib.cbec_pack_rule_id(h, t, i)
            found[rid] = json.loads(lib.cbec_pack_rule_definition(h, t, i) or "null")
        return found

    # ---- lifetime ----

    def close(self) -> None:
        """Drop this object's reference; idempotent.  Packs and reports
        using the pack keep their own references."""
        h, self._handle = self._handle, None
        if h and _ffi._LIB is not None:
            _ffi._LIB.cbec_pack_free(h)

    def __enter__(self) -> "RulePack":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:
            pass

    def __reduce__(self) -> Any:
        raise TypeError("a RulePack cannot be pickled: load it where it is used (see doc/batch.md)")

    def __repr__(self) -> str:
        if not self._handle:
            return "<RulePack closed>"
        return "<RulePack %s %s>" % (self.label, self.status)


class Pack:
    """The rule packs a validation uses (a cbec_registry).

    Load once with ``Pack.load(path_or_dir, ...)`` and share: validate()
    is safe from any number of threads at once.  Loading more packs
    (add(), load_path(), reload()) swaps the set atomically: validations
    already running finish with the packs they started with.
    """

    def __init__(self) -> None:
        """An empty set of packs; see load()."""
        lib = _ffi.lib()
        h = _ffi.RegistryP()
        lib.cbec_registry_new(ctypes.byref(h))
        self._handle: Any = h
        # the same pointer as an int, for the accelerator (cbecstd._speedups)
        self._address: int = ctypes.cast(h, ctypes.c_void_p).value or 0
        self._lock = threading.Lock()     # guards _handle, _busy, changes
        self._busy = 0                    # calls in flight using _handle
        self._closing = False
        self._local = threading.local()   # one Validator per thread
        # The registry serialises changes itself; this lock also keeps the
        # packs property from holding a borrowed pointer a change frees.
        self._change_lock = threading.Lock()

    @classmethod
    def load(cls, *paths: PathLike, **options: Any) -> "Pack":
        """Load pack files, and every ``*.pack.json`` of directories, all or
        nothing.  Raises ReadError, PackError (file, line, column, path say
        where), NotFoundError (a base pack is missing), AmbiguousError,
        DigestError.  options are the load options (LOAD_OPTIONS): e.g.
        allow_inactive lets draft and withdrawn packs load, pins maps
        "ID@VERSION" to the digest it must have."""
        if not paths:
            raise TypeError("Pack.load() needs at least one path")
        pack = cls()
        try:
            pack.reload(*paths, **options)
        except BaseException:
            pack.close()
            raise
        return pack

    # ---- handle sharing ----

    @contextmanager
    def _use(self) -> Iterator[Any]:
        """The registry handle, kept alive (close() waits for the last
        user) for the duration of the block."""
        h = self._acquire()
        try:
            yield h
        finally:
            self._release()

    def _acquire(self) -> Any:
        """_use() without the context manager, for the per-message path:
        the handle, kept alive until the matching _release()."""
        with self._lock:
            if self._handle is None or self._closing:
                raise StateError("the pack is closed")
            self._busy += 1
            return self._handle

    def _release(self) -> None:
        with self._lock:
            self._busy -= 1
            if self._closing and self._busy == 0:
                self._free_locked()

    def _free_locked(self) -> None:
        h, self._handle = self._handle, None
        if h is not None and _ffi._LIB is not None:
            _ffi._LIB.cbec_registry_free(h)

    # ---- changing the set ----

    def add(self, pack: RulePack) -> None:
        """Add a compiled pack (the set takes its own reference)."""
        err = _ffi.ErrorP()
        with self._use() as h, self._change_lock:
            _ffi.lib().cbec_registry_add(h, pack._live(), ctypes.byref(err))

    def load_path(self, path: PathLike, **options: Any) -> None:
        """Add the packs of a file or directory to the set (all or nothing)."""
        err = _ffi.ErrorP()
        with _Options(**options) as opts, self._use() as h, self._change_lock:
            _ffi.lib().cbec_registry_load_path(h, os.fsencode(path), opts, ctypes.byref(err))

    def reload(self, *paths: PathLike, **options: Any) -> None:
        """Hot reload: replace all packs with those of paths, atomically.
        On error the set keeps its packs and the exception says why."""
        raw = [os.fsencode(p) for p in paths]
        arr = (ctypes.c_char_p * max(len(raw), 1))(*raw)
        err = _ffi.ErrorP()
        with _Options(**options) as opts, self._use() as h, self._change_lock:
            _ffi.lib().cbec_registry_reload(h, arr, len(raw), opts, ctypes.byref(err))

    # ---- reading the set ----

    @property
    def packs(self) -> List[RulePack]:
        """The packs loaded, each a RulePack with its own reference."""
        lib = _ffi.lib()
        found: List[RulePack] = []
        with self._use() as h, self._change_lock:
            for i in range(lib.cbec_registry_pack_count(h)):
                p = lib.cbec_registry_pack(h, i)
                if p:
                    found.append(RulePack(lib.cbec_pack_ref(p)))
        return found

    @property
    def message_types(self) -> List[str]:
        """Every message type some loaded pack defines, sorted."""
        names = set()
        for p in self.packs:
            names.update(p.message_types)
            p.close()
        return sorted(names)

    # ---- validating ----

    def validator(self, **options: Any) -> "Validator":
        """A new Validator over this pack (see Validator for options)."""
        from .validator import Validator
        return Validator(self, **options)

    def validate(self, data: Any, type: Optional[str] = None,
                 format: Union[Format, str, int] = "auto", lang: str = "en", *,
                 source: str = "", index: int = 0) -> "Report":
        """Validate one message; see Validator.validate().  Thread-safe: each
        thread uses a validator of its own, made on its first call."""
        try:
            v = self._local.validator
        except AttributeError:
            v = self._local.validator = self.validator()
        return v._validate(data, type, format, lang, source, index)

    def redact(self, data: Any, type: Optional[str] = None,
               format: Union[Format, str, int] = "auto", *, remove: bool = False,
               internal: bool = False) -> Any:
        """A copy of a message with its personal fields masked or removed;
        see Validator.redact().  Thread-safe like validate()."""
        v = getattr(self._local, "validator", None)
        if v is None:
            v = self._local.validator = self.validator()
        return v.redact(data, type=type, format=format, remove=remove, internal=internal)

    # ---- lifetime ----

    @property
    def closed(self) -> bool:
        return self._handle is None or self._closing

    def close(self) -> None:
        """Release the packs; validations running in other threads finish
        first, later calls raise StateError.  Reports stay usable."""
        with self._lock:
            self._closing = True
            if self._busy == 0:
                self._free_locked()

    def __enter__(self) -> "Pack":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            if getattr(self, "_handle", None) is not None:
                self._closing = True
                self._free_locked()
        except Exception:
            pass

    def __reduce__(self) -> Any:
        raise TypeError("a Pack cannot be pickled: load it once in each worker process "
                        "(see cbecstd.batch and doc/batch.md)")

    def __repr__(self) -> str:
        if self.closed:
            return "<Pack closed>"
        return "<Pack %s>" % ", ".join(p.label for p in self.packs)
