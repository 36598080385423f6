"""test_packaging.py - the in-tree build backend makes a correct wheel and
sdist with nothing but the standard library, and `pip install` of the
binding works offline."""
import base64
import csv
import hashlib
import importlib
import io
import json
import os
import re
import subprocess
import sys
import tarfile
import tempfile
import unittest
import zipfile

import support

import cbecstd

sys.path.insert(0, os.path.join(support.BINDING, "build_backend"))
backend = importlib.import_module("cbecstd_build")

MODULES = sorted(f for f in os.listdir(os.path.join(support.BINDING, "cbecstd"))
                 if f.endswith(".py") or f == "py.typed")


class WheelTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)

    def test_pure_wheel(self):
        """build_wheel writes every module, py.typed and valid RECORD hashes"""
        name = backend.build_wheel(self.tmp.name)
        self.assertEqual(name, "cbecstd-%s-py3-none-any.whl" % cbecstd.__version__)
        with zipfile.ZipFile(os.path.join(self.tmp.name, name)) as z:
            names = z.namelist()
            for m in MODULES:
                self.assertIn("cbecstd/" + m, names)
            self.assertFalse([n for n in names if "__pycache__" in n or n.endswith(".so.0")])
            dist = "cbecstd-%s.dist-info/" % cbecstd.__version__
            meta = z.read(dist + "METADATA").decode()
            self.assertIn("Name: cbecstd\n", meta)
            self.assertIn("Version: %s\n" % cbecstd.__version__, meta)
            self.assertIn("Root-Is-Purelib: true", z.read(dist + "WHEEL").decode())
            rows = list(csv.reader(io.StringIO(z.read(dist + "RECORD").decode())))
            self.assertEqual(sorted(r[0] for r in rows), sorted(names))
            for path, digest, size in rows:
                if path.endswith("RECORD"):
                    self.assertEqual((digest, size), ("", ""))
                    continue
                data = z.read(path)
                want = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
                self.assertEqual(digest, "sha256=" + want, path)
                self.assertEqual(int(size), len(data), path)

    def test_bundled_library(self):
        """bundle-library puts the library beside the package, with a platform tag"""
        lib = os.environ.get("CBECSTD_LIBRARY")
        if not lib or not os.path.isfile(lib):
            self.skipTest("CBECSTD_LIBRARY does not name a built library")
        name = backend.build_wheel(self.tmp.name, {"bundle-library": lib, "speedups": "no"})
        self.assertNotIn("none-any", name)
        self.assertRegex(name, r"-py3-none-linux_\w+\.whl$")
        with zipfile.ZipFile(os.path.join(self.tmp.name, name)) as z:
            self.assertIn("cbecstd/libcbecstd.so.0", z.namelist())
            self.assertIn("Root-Is-Purelib: false", z.read(
                "cbecstd-%s.dist-info/WHEEL" % cbecstd.__version__).decode())
        with self.assertRaises(FileNotFoundError):
            backend.build_wheel(self.tmp.name, {"bundle-library": "/nonexistent.so"})

    def test_bundled_accelerator(self):
        """a wheel that bundles the library carries the accelerator, linked
        to that copy: installed alone, the binding runs the C path"""
        lib = os.environ.get("CBECSTD_LIBRARY")
        if not lib or not os.path.isfile(lib):
            self.skipTest("CBECSTD_LIBRARY does not name a built library")
        try:
            name = backend.build_wheel(self.tmp.name, {"bundle-library": lib, "speedups": "yes"})
        except RuntimeError as e:
            if "Python.h" in str(e) or "C compiler" in str(e):
                self.skipTest(str(e))
            raise
        tag = "cp%d%d" % sys.version_info[:2]
        self.assertRegex(name, r"-%s-%s-linux_\w+\.whl$" % (tag, tag))
        site = os.path.join(self.tmp.name, "site")
        with zipfile.ZipFile(os.path.join(self.tmp.name, name)) as z:
            mods = [n for n in z.namelist() if n.startswith("cbecstd/_speedups") and n.endswith(".so")]
            self.assertEqual(len(mods), 1, z.namelist())
            z.extractall(site)
        for n in ("cbecstd/libcbecstd.so.0", mods[0]):
            os.chmod(os.path.join(site, n), 0o755)
        env = {k: v for k, v in os.environ.items()
               if k not in ("CBECSTD_LIBRARY", "CBECSTD_SPEEDUPS", "CBECSTD_NO_SPEEDUPS")}
        env["PYTHONPATH"] = site
        probe = ("import json, sys, cbecstd, cbecstd._ffi as f\n"
                 "m = f.speedups()\n"
                 "pack = cbecstd.Pack.load(sys.argv[1])\n"
                 "order = json.load(open(sys.argv[2]))\n"
                 "order['currency'] = 'XXX'\n"
                 "r = pack.validate(order)\n"
                 "print(json.dumps([m.__file__ if m else None, f.lib()._name, r.valid,\n"
                 "                  sorted(x.rule for x in r.findings)]))\n")
        out = subprocess.run([sys.executable, "-c", probe, os.path.join(support.SRC, "packs"),
                              os.path.join(support.SRC, "examples", "order.json")],
                             env=env, cwd=self.tmp.name, capture_output=True, text=True, timeout=120)
        self.assertEqual(out.returncode, 0, out.stderr)
        module, library, valid, rules = json.loads(out.stdout)
        self.assertEqual(module, os.path.join(site, mods[0]))
        self.assertEqual(library, os.path.join(site, "cbecstd", "libcbecstd.so.0"))
        self.assertFalse(valid)
        self.assertIn("ORD-014", rules)
        with self.assertRaises(ValueError):
            backend.build_wheel(self.tmp.name, {"speedups": "maybe"})

    def test_editable_and_sdist(self):
        """the editable wheel points at the source; the sdist can rebuild"""
        name = backend.build_editable(self.tmp.name)
        with zipfile.ZipFile(os.path.join(self.tmp.name, name)) as z:
            pth = [n for n in z.namelist() if n.endswith(".pth")]
            self.assertEqual(len(pth), 1)
            self.assertEqual(z.read(pth[0]).decode().strip(), support.BINDING)
        sdist = backend.build_sdist(self.tmp.name)
        with tarfile.open(os.path.join(self.tmp.name, sdist)) as t:
            names = t.getnames()
        base = sdist[:-len(".tar.gz")]
        for need in ("pyproject.toml", "build_backend/cbecstd_build.py", "PKG-INFO", "cbecstd/py.typed"):
            self.assertIn(base + "/" + need, names)

    def test_reproducible(self):
        """two builds give byte-identical wheels"""
        a = os.path.join(self.tmp.name, "a")
        b = os.path.join(self.tmp.name, "b")
        os.mkdir(a)
        os.mkdir(b)
        wa = backend.build_wheel(a)
        wb = backend.build_wheel(b)
        with open(os.path.join(a, wa), "rb") as fa, open(os.path.join(b, wb), "rb") as fb:
            self.assertEqual(fa.read(), fb.read())

    def test_toml_fallback(self):
        """the fallback [project] reader agrees with tomllib"""
        try:
            import tomllib
        except ImportError:
            self.skipTest("this Python has no tomllib to compare with")
        with open(os.path.join(support.BINDING, "pyproject.toml"), encoding="utf-8") as f:
            text = f.read()
        self.assertEqual(backend.parse_project_table(text), tomllib.loads(text)["project"])

    def test_versions_agree(self):
        """pyproject, the package and meson.build carry one version"""
        meta = backend.project_metadata()
        self.assertEqual(meta["version"], cbecstd.__version__)
        with open(os.path.join(support.SRC, "meson.build"), encoding="utf-8") as f:
            m = re.search(r"version\s*:\s*'([^']+)'", f.read())
        self.assertEqual(m.group(1), cbecstd.__version__)


class PipTest(unittest.TestCase):
    def test_pip_install_offline(self):
        """pip installs the binding with no index and no network"""
        try:
            import pip  # noqa: F401
        except ImportError:
            self.skipTest("pip is not installed for %s" % sys.executable)
        with tempfile.TemporaryDirectory() as d:
            target = os.path.join(d, "site")
            env = support.subprocess_env(PIP_NO_INDEX="1", PIP_DISABLE_PIP_VERSION_CHECK="1",
                                         PIP_NO_CACHE_DIR="1", PYTHONPATH=None,
                                         http_proxy="http://127.0.0.1:9", https_proxy="http://127.0.0.1:9")
            r = subprocess.run([sys.executable, "-m", "pip", "install", "--no-index", "--quiet",
                                "--target", target, support.BINDING],
                               env=env, capture_output=True, text=True, timeout=300)
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            self.assertTrue(os.path.exists(os.path.join(target, "cbecstd", "py.typed")))
            env["PYTHONPATH"] = target
            script = ("import cbecstd, sys; p = cbecstd.Pack.load(sys.argv[1]); "
                      "print(cbecstd.__file__, p.validate(open(sys.argv[2], 'rb').read()).valid)")
            r = subprocess.run([sys.executable, "-c", script, support.PACKS,
                                os.path.join(support.EXAMPLES, "order.json")],
                               env=env, capture_output=True, text=True, timeout=60, cwd=d)
            self.assertEqual(r.returncode, 0, r.stderr)
            path, valid = r.stdout.split()
            self.assertTrue(path.startswith(target), path)
            self.assertEqual(valid, "True")


if __name__ == "__main__":
    unittest.main()
