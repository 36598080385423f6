"""cbecstd_build.py - the PEP 517 build backend of the cbecstd binding,
written with the standard library only.

Why not setuptools: pip builds in an isolated environment and would fetch
setuptools from an index first, so ``pip install bindings/python`` could
not work offline.  This backend needs nothing but Python: it zips the
package into a wheel (and an sdist, and a PEP 660 editable wheel).

``--config-settings bundle-library=PATH`` (or $CBECSTD_BUNDLE_LIBRARY)
copies a built libcbecstd.so.0 into the package, where the binding's
loader looks right after $CBECSTD_LIBRARY; such a wheel is tagged for
this platform instead of ``py3-none-any``.

A wheel that bundles the library also carries the C accelerator,
cbecstd._speedups (_speedups.c), compiled for the running Python with its
C compiler and linked to the bundled copy ($ORIGIN), and is then tagged
for this Python too.  ``speedups=auto`` (the default) leaves it out when
no compiler or no Python headers are at hand; ``speedups=yes`` makes that
an error; ``speedups=no`` never builds it.  ``include-dir=DIR`` names the
directory of cbecstd.h (default: the source tree's include/).
"""
from __future__ import annotations

import base64
import hashlib
import io
import os
import re
import shlex
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import tarfile
import time
import zipfile
from typing import Any, Dict, List, Optional, Tuple

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PACKAGE = "cbecstd"
LIBRARY_NAME = "libcbecstd.so.0"


# ---- pyproject.toml --------------------------------------------------------

def _toml_value(text: str) -> Any:
    """A TOML string, string array or inline table of strings (the subset
    the [project] table of this package uses)."""
    text = text.strip()
    if text.startswith('"'):
        return text[1:text.index('"', 1)]
    if text.startswith("["):
        return re.findall(r'"((?:[^"\\]|\\.)*)"', text)
    if text.startswith("{"):
        return dict(re.findall(r'(\w[\w-]*)\s*=\s*"([^"]*)"', text))
    raise ValueError("unsupported TOML value: %s" % text)


def parse_project_table(text: str) -> Dict[str, Any]:
    """The [project] table from TOML text, for Pythons without tomllib:
    only the forms this package's pyproject.toml uses (strings, arrays of
    strings, possibly over several lines, and inline tables of strings)."""
    meta: Dict[str, Any] = {}
    table = None
    pending = ""
    for line in text.splitlines():
        if '"' not in line:
            line = line.split("#", 1)[0]
        line = line.strip()
        if pending:
            pending += " " + line
            if pending.count("[") == pending.count("]"):
                key, _, value = pending.partition("=")
                meta[key.strip()] = _toml_value(value)
                pending = ""
            continue
        m = re.match(r"^\[([^\]]+)\]$", line)
        if m:
            table = m.group(1).strip()
            continue
        if not line or "=" not in line:
            continue
        key, _, value = line.partition("=")
        key = key.strip()
        if table == "project":
            if value.strip().startswith("[") and value.count("[") != value.count("]"):
                pending = line
                continue
            meta[key] = _toml_value(value)
        elif table == "project.optional-dependencies":
            meta.setdefault("optional-dependencies", {})[key] = _toml_value(value)
    return meta


def project_metadata() -> Dict[str, Any]:
    """The [project] table of pyproject.toml (tomllib where Python has it)."""
    path = os.path.join(ROOT, "pyproject.toml")
    with open(path, "rb") as f:
        raw = f.read()
    try:
        import tomllib  # Python >= 3.11
    except ImportError:
        return parse_project_table(raw.decode("utf-8"))
    return dict(tomllib.loads(raw.decode("utf-8"))["project"])


def _dist_name(meta: Dict[str, Any]) -> str:
    return re.sub(r"[-_.]+", "_", meta["name"]).lower()


def metadata_text(meta: Dict[str, Any]) -> str:
    """Core metadata 2.1 (PKG-INFO / METADATA)."""
    lines = ["Metadata-Version: 2.1", "Name: %s" % meta["name"], "Version: %s" % meta["version"]]
    if meta.get("description"):
        lines.append("Summary: %s" % meta["description"])
    if meta.get("requires-python"):
        lines.append("Requires-Python: %s" % meta["requires-python"])
    lic = meta.get("license")
    if isinstance(lic, dict) and lic.get("text"):
        lines.append("License: %s" % lic["text"])
    for c in meta.get("classifiers", []):
        lines.append("Classifier: %s" % c)
    for extra, reqs in sorted(meta.get("optional-dependencies", {}).items()):
        lines.append("Provides-Extra: %s" % extra)
        for r in reqs:
            lines.append('Requires-Dist: %s; extra == "%s"' % (r, extra))
    body = ""
    readme = meta.get("readme")
    if isinstance(readme, str) and os.path.exists(os.path.join(ROOT, readme)):
        lines.append("Description-Content-Type: text/markdown")
        with open(os.path.join(ROOT, readme), encoding="utf-8") as f:
            body = "\n" + f.read()
    return "\n".join(lines) + "\n" + body


# ---- archives --------------------------------------------------------------

def _epoch() -> Tuple[int, int, int, int, int, int]:
    # Reproducible archives: SOURCE_DATE_EPOCH, else the zip format's first day.
    sde = os.environ.get("SOURCE_DATE_EPOCH")
    if sde and sde.isdigit():
        return time.gmtime(max(int(sde), 315532800))[:6]
    return (1980, 1, 1, 0, 0, 0)


def _package_files() -> List[str]:
    """The package's files, relative to ROOT, sorted; caches and any stray
    copy of the library or of the accelerator are left out."""
    found = []
    for dirpath, dirnames, filenames in os.walk(os.path.join(ROOT, PACKAGE)):
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
        for name in sorted(filenames):
            if name.endswith((".pyc", ".pyo")) or name.startswith(LIBRARY_NAME) or \
                    (name.startswith("_speedups") and name.endswith(".so")):
                continue
            found.append(os.path.relpath(os.path.join(dirpath, name), ROOT))
    return found


def _record_hash(data: bytes) -> str:
    digest = hashlib.sha256(data).digest()
    return "sha256=" + base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


class _Wheel:
    def __init__(self, path: str) -> None:
        self.zip = zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED)
        self.records: List[str] = []
        self.when = _epoch()

    def add(self, arcname: str, data: bytes, executable: bool = False) -> None:
        info = zipfile.ZipInfo(arcname, self.when)
        info.external_attr = (0o755 if executable else 0o644) << 16
        info.compress_type = zipfile.ZIP_DEFLATED
        self.zip.writestr(info, data)
        self.records.append("%s,%s,%d" % (arcname, _record_hash(data), len(data)))

    def close(self, dist_info: str) -> None:
        record = dist_info + "/RECORD"
        self.records.append(record + ",,")
        info = zipfile.ZipInfo(record, self.when)
        info.external_attr = 0o644 << 16
        self.zip.writestr(info, "\n".join(self.records) + "\n")
        self.zip.close()


def _bundled_library(config_settings: Optional[Dict[str, Any]]) -> Optional[str]:
    path = (config_settings or {}).get("bundle-library") or os.environ.get("CBECSTD_BUNDLE_LIBRARY")
    if not path:
        return None
    if not os.path.isfile(path):
        raise FileNotFoundError("bundle-library: no such file: %s" % path)
    return str(path)


def _platform_tag() -> str:
    return re.sub(r"[-.]", "_", sysconfig.get_platform())


def _setting(config_settings: Optional[Dict[str, Any]], key: str, default: str) -> str:
    return str((config_settings or {}).get(key) or default)


def _speedups_mode(config_settings: Optional[Dict[str, Any]]) -> str:
    mode = _setting(config_settings, "speedups", "auto")
    if mode not in ("auto", "yes", "no"):
        raise ValueError("speedups must be auto, yes or no, not %r" % mode)
    return mode


def build_speedups(library: str, config_settings: Optional[Dict[str, Any]],
                   workdir: str) -> Optional[str]:
    """Compile _speedups.c against the library to bundle; the module's
    path, or None (speedups=auto) when it cannot be built here."""
    mode = _speedups_mode(config_settings)
    if mode == "no":
        return None
    source = os.path.join(ROOT, "_speedups.c")
    include = _setting(config_settings, "include-dir",
                       os.path.join(os.path.dirname(os.path.dirname(ROOT)), "include"))
    py_include = sysconfig.get_paths()["include"]
    cc = shlex.split(sysconfig.get_config_var("CC") or "cc")
    problems = []
    if not os.path.isfile(source):
        problems.append("no %s" % source)
    if not os.path.isfile(os.path.join(include, "cbecstd.h")):
        problems.append("no cbecstd.h in %s (set include-dir)" % include)
    if not os.path.isfile(os.path.join(py_include, "Python.h")):
        problems.append("no Python.h in %s (Debian: python3-dev)" % py_include)
    if not shutil.which(cc[0]):
        problems.append("no C compiler %r" % cc[0])
    out = os.path.join(workdir, "_speedups" + (sysconfig.get_config_var("EXT_SUFFIX") or ".so"))
    if not problems:
        # the library by its path: the module needs libcbecstd.so.0 (its
        # soname), found beside it through $ORIGIN
        cmd = cc + ["-shared", "-fPIC", "-O2", "-fvisibility=hidden", "-I", py_include, "-I", include,
                    source, library, "-Wl,-rpath,$ORIGIN", "-o", out]
        r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        if r.returncode != 0:
            problems.append("%s failed:\n%s" % (" ".join(cmd), r.stdout.decode(errors="replace")))
    if problems:
        if mode == "yes":
            raise RuntimeError("cannot build cbecstd._speedups: " + "; ".join(problems))
        return None
    return out


def _python_tag() -> str:
    """cpXY-cpXY (or the implementation's own) for a module built here."""
    impl = {"cpython": "cp"}.get(sys.implementation.name, sys.implementation.name)
    ver = "%s%d%d" % (impl, sys.version_info[0], sys.version_info[1])
    return "%s-%s" % (ver, ver)


def _write_wheel(wheel_directory: str, config_settings: Optional[Dict[str, Any]],
                 editable: bool) -> str:
    meta = project_metadata()
    name, version = _dist_name(meta), meta["version"]
    library = None if editable else _bundled_library(config_settings)
    if not library:
        _speedups_mode(config_settings)  # a bad value is still an error
    with tempfile.TemporaryDirectory() as work:
        speedups = build_speedups(library, config_settings, work) if library else None
        tag = ("%s-%s" % (_python_tag(), _platform_tag()) if speedups
               else "py3-none-%s" % _platform_tag() if library else "py3-none-any")
        filename = "%s-%s-%s.whl" % (name, version, tag)
        _fill_wheel(os.path.join(wheel_directory, filename), meta, tag, editable, library, speedups)
    return filename


def _fill_wheel(path: str, meta: Dict[str, Any], tag: str, editable: bool, library: Optional[str],
                speedups: Optional[str]) -> None:
    name, version = _dist_name(meta), meta["version"]
    dist_info = "%s-%s.dist-info" % (name, version)
    w = _Wheel(path)
    try:
        if editable:
            # PEP 660: a .pth line puts the source directory on sys.path.
            w.add("__editable__.%s.pth" % name, (ROOT + "\n").encode("utf-8"))
        else:
            for rel in _package_files():
                with open(os.path.join(ROOT, rel), "rb") as f:
                    w.add(rel.replace(os.sep, "/"), f.read())
            if library:
                with open(library, "rb") as f:
                    w.add("%s/%s" % (PACKAGE, LIBRARY_NAME), f.read(), executable=True)
            if speedups:
                with open(speedups, "rb") as f:
                    w.add("%s/%s" % (PACKAGE, os.path.basename(speedups)), f.read(), executable=True)
        w.add(dist_info + "/METADATA", metadata_text(meta).encode("utf-8"))
        w.add(dist_info + "/WHEEL", ("Wheel-Version: 1.0\nGenerator: cbecstd_build\n"
                                     "Root-Is-Purelib: %s\nTag: %s\n"
                                     % ("false" if library else "true", tag)).encode("ascii"))
        w.add(dist_info + "/top_level.txt", (PACKAGE + "\n").encode("ascii"))
    finally:
        w.close(dist_info)


# ---- PEP 517 / PEP 660 hooks -----------------------------------------------

def get_requires_for_build_wheel(config_settings: Optional[Dict[str, Any]] = None) -> List[str]:
    return []


def get_requires_for_build_sdist(config_settings: Optional[Dict[str, Any]] = None) -> List[str]:
    return []


def get_requires_for_build_editable(config_settings: Optional[Dict[str, Any]] = None) -> List[str]:
    return []


def build_wheel(wheel_directory: str, config_settings: Optional[Dict[str, Any]] = None,
                metadata_directory: Optional[str] = None) -> str:
    return _write_wheel(wheel_directory, config_settings, editable=False)


def build_editable(wheel_directory: str, config_settings: Optional[Dict[str, Any]] = None,
                   metadata_directory: Optional[str] = None) -> str:
    return _write_wheel(wheel_directory, config_settings, editable=True)


def build_sdist(sdist_directory: str, config_settings: Optional[Dict[str, Any]] = None) -> str:
    meta = project_metadata()
    base = "%s-%s" % (_dist_name(meta), meta["version"])
    filename = base + ".tar.gz"
    files = ["pyproject.toml", "README.md", "build_backend/cbecstd_build.py", "_speedups.c"] + _package_files()
    sde = os.environ.get("SOURCE_DATE_EPOCH", "")
    mtime = max(int(sde), 315532800) if sde.isdigit() else 315532800
    with tarfile.open(os.path.join(sdist_directory, filename), "w:gz", format=tarfile.PAX_FORMAT) as tar:
        def add(arcname: str, data: bytes) -> None:
            info = tarfile.TarInfo("%s/%s" % (base, arcname))
            info.size = len(data)
            info.mtime = mtime
            info.mode = 0o644
            tar.addfile(info, io.BytesIO(data))

        for rel in files:
            path = os.path.join(ROOT, rel)
            if os.path.exists(path):
                with open(path, "rb") as f:
                    add(rel.replace(os.sep, "/"), f.read())
        add("PKG-INFO", metadata_text(meta).encode("utf-8"))
    return filename
