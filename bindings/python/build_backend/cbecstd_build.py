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
"""
from __future__ import annotations

import base64
import hashlib
import io
import os
import re
import sysconfig
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
    copy of the library are left out."""
    found = []
    for dirpath, dirnames, filenames in os.walk(os.path.join(ROOT, PACKAGE)):
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
        for name in sorted(filenames):
            if name.endswith((".pyc", ".pyo")) or name.startswith(LIBRARY_NAME):
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


def _write_wheel(wheel_directory: str, config_settings: Optional[Dict[str, Any]],
                 editable: bool) -> str:
    meta = project_metadata()
    name, version = _dist_name(meta), meta["version"]
    library = None if editable else _bundled_library(config_settings)
    tag = "py3-none-%s" % _platform_tag() if library else "py3-none-any"
    filename = "%s-%s-%s.whl" % (name, version, tag)
    dist_info = "%s-%s.dist-info" % (name, version)
    w = _Wheel(os.path.join(wheel_directory, filename))
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
        w.add(dist_info + "/METADATA", metadata_text(meta).encode("utf-8"))
        w.add(dist_info + "/WHEEL", ("Wheel-Version: 1.0\nGenerator: cbecstd_build\n"
                                     "Root-Is-Purelib: %s\nTag: %s\n"
                                     % ("false" if library else "true", tag)).encode("ascii"))
        w.add(dist_info + "/top_level.txt", (PACKAGE + "\n").encode("ascii"))
    finally:
        w.close(dist_info)
    return filename


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
    files = ["pyproject.toml", "README.md", "build_backend/cbecstd_build.py"] + _package_files()
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
