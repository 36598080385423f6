"""test_ffi.py - the binding's declarations agree with include/cbecstd.h,
the loader finds the library in the documented order, versions are
checked, and every status code has its exception."""
import ctypes
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

import support

import cbecstd
from cbecstd import _ffi, errors


def header_functions(path):
    """{name: (return type, [parameter types])} of every CBEC_API function
    declared in the header."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    text = re.sub(r"//[^\n]*", " ", text)
    text = re.sub(r"^\s*#.*$", " ", text, flags=re.M)
    found = {}
    for m in re.finditer(r"\bCBEC_API\s+([^;(]*?)\b(\w+)\s*\(([^)]*)\)\s*;", text):
        ret, name, params = " ".join(m.group(1).split()), m.group(2), m.group(3)
        plist = []
        if params.strip() != "void":
            for p in params.split(","):
                p = " ".join(p.split())
                # drop the parameter's name: the last identifier after a type
                p = re.sub(r"\s*\b\w+$", "", p) if re.search(r"[\w*]\s*\b\w+$", p) else p
                plist.append(p.replace(" *", "*").replace("* ", "*").strip())
        found[name] = (ret.replace(" *", "*").strip(), plist)
    return found


# How a C type of the header must be declared to ctypes.
_SCALARS = {
    "int": ctypes.c_int, "size_t": ctypes.c_size_t, "unsigned long": ctypes.c_ulong,
    "const char*": ctypes.c_char_p, "const void*": ctypes.c_void_p,
    "cbec_format": ctypes.c_int, "cbec_severity": ctypes.c_int, "cbec_render_format": ctypes.c_int,
    "char*": ctypes.c_char_p, "int*": _ffi.c_int_p, "unsigned*": _ffi.c_uint_p,
    "unsigned long*": _ffi.c_ulong_p, "cbec_ack_format": ctypes.c_int, "const char**": _ffi.c_char_pp, "const char*const*": _ffi.c_char_pp, "size_t*": _ffi.c_size_p,
}
_OPAQUE = {"cbec_error": _ffi.ErrorP, "cbec_options": _ffi.OptionsP, "cbec_pack": _ffi.PackP,
           "cbec_registry": _ffi.RegistryP, "cbec_validator": _ffi.ValidatorP,
           "cbec_report": _ffi.ReportP, "cbec_stats": _ffi.StatsP, "cbec_logic": _ffi.LogicP,
           "cbec_identifier_checker": _ffi.IdentifierCheckerP, "cbec_redaction": _ffi.RedactionP}


def expected_ctype(ctype):
    if ctype == "void":
        return None
    if ctype in _SCALARS:
        return _SCALARS[ctype]
    m = re.match(r"^(?:const )?(cbec_\w+)(\*+)$", ctype)
    if m and m.group(1) in _OPAQUE:
        t = _OPAQUE[m.group(1)]
        for _ in range(len(m.group(2)) - 1):
            t = ctypes.POINTER(t)
        return t
    raise AssertionError("the test does not know the C type %r: teach it" % ctype)


# int-returning functions that return a value, not a status.
NOT_STATUS = {"cbec_version_number", "cbec_error_status", "cbec_report_valid",
              "cbec_report_truncated", "cbec_finding_severity", "cbec_report_format",
              "cbec_finding_edi_position"}


class TableTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.header = header_functions(support.HEADER)

    def test_header_parsed(self):
        """the header parser sees the API (guards against a silent no-op)"""
        self.assertGreater(len(self.header), 60)
        self.assertEqual(self.header["cbec_validate"][1],
                         ["cbec_validator*", "const cbec_registry*", "const char*", "cbec_format",
                          "const void*", "size_t", "cbec_report**"])

    def test_every_header_function_declared(self):
        """every CBEC_API function of cbecstd.h is in the one table"""
        missing = sorted(set(self.header) - set(_ffi.FUNCTIONS))
        self.assertEqual(missing, [], "declare these in cbecstd/_ffi.py FUNCTIONS")

    def test_table_has_no_duplicate(self):
        """each function is declared once in the table's source"""
        import ast
        with open(_ffi.__file__, encoding="utf-8") as f:
            tree = ast.parse(f.read())
        keys = []
        for node in ast.walk(tree):
            if isinstance(node, ast.AnnAssign) and getattr(node.target, "id", "") == "FUNCTIONS":
                keys = [k.value for k in node.value.keys]
        self.assertGreater(len(keys), 60)
        self.assertEqual(sorted(k for k in set(keys) if keys.count(k) > 1), [])

    def test_no_function_beyond_header(self):
        """the table declares nothing the header lacks"""
        self.assertEqual(sorted(set(_ffi.FUNCTIONS) - set(self.header)), [])

    def test_types_match_header(self):
        """restype and argtypes match the prototypes"""
        for name, (ret, params) in sorted(self.header.items()):
            if name not in _ffi.FUNCTIONS:
                continue
            restype, argtypes, _ = _ffi.FUNCTIONS[name]
            with self.subTest(function=name):
                self.assertIs(restype, expected_ctype(ret), "restype of %s" % name)
                self.assertEqual(len(argtypes), len(params), "argument count of %s" % name)
                for i, (have, want) in enumerate(zip(argtypes, params)):
                    self.assertIs(have, expected_ctype(want), "argument %d (%s) of %s" % (i, want, name))

    def test_status_functions_raise(self):
        """every call returning a status has an errcheck that raises"""
        for name, (ret, params) in sorted(self.header.items()):
            if ret == "int" and name not in NOT_STATUS and name in _ffi.FUNCTIONS:
                with self.subTest(function=name):
                    check = _ffi.FUNCTIONS[name][2]
                    self.assertIsNotNone(check, name)
                    with self.assertRaises(errors.CbecError):
                        check(-1, getattr(_ffi.lib(), name), ())
                    self.assertEqual(check(0, getattr(_ffi.lib(), name), ()), 0)

    def test_error_out_parameter_read(self):
        """a status errcheck names the cbec_error** argument, if any"""
        for name, (ret, params) in sorted(self.header.items()):
            if "cbec_error**" in params and name in _ffi.FUNCTIONS:
                with self.subTest(function=name):
                    index = params.index("cbec_error**")
                    check = _ffi.FUNCTIONS[name][2]
                    err = _ffi.ErrorP()
                    args = [None] * len(params)
                    args[index] = ctypes.byref(err)
                    # an empty error pointer: the message comes from cbec_strerror
                    with self.assertRaises(errors.PackError) as cm:
                        check(-4, getattr(_ffi.lib(), name), tuple(args))
                    self.assertEqual(str(cm.exception), cbecstd.strerror(-4))

    def test_distinct_opaque_types(self):
        """passing one kind of handle where another is expected is refused"""
        lib = _ffi.lib()
        rep = _ffi.ReportP()
        with self.assertRaises(ctypes.ArgumentError):
            lib.cbec_pack_id(rep)
        with self.assertRaises(ctypes.ArgumentError):
            lib.cbec_report_valid(_ffi.PackP())
        with self.assertRaises(ctypes.ArgumentError):
            lib.cbec_validate(_ffi.ReportP(), _ffi.RegistryP(), None, 0, b"", 0, ctypes.byref(rep))

    def test_declare_reports_missing_symbol(self):
        """a library lacking a function is refused by name"""
        class Partial:
            _name = "libfake.so"

            def __getattr__(self, name):
                if name == "cbec_stats_render_json":
                    raise AttributeError(name)
                return type("Fn", (), {})()

        with self.assertRaises(cbecstd.LibraryError) as cm:
            _ffi.declare(Partial())
        self.assertIn("cbec_stats_render_json", str(cm.exception))


class VersionTest(unittest.TestCase):
    def test_library_version(self):
        """the loaded library reports a version this binding accepts"""
        v = cbecstd.library_version()
        self.assertRegex(v, r"^\d+\.\d+\.\d+$")
        major, minor, patch = map(int, v.split("."))
        self.assertEqual(_ffi.lib().cbec_version_number(), major * 10000 + minor * 100 + patch)

    def test_check_version(self):
        """another major version, or an older minor, is refused"""
        _ffi.check_version(100)          # 0.1.0
        _ffi.check_version(203)          # 0.2.3
        for bad in (10000, 10100, 99, 0):
            with self.subTest(number=bad), self.assertRaises(cbecstd.LibraryError):
                _ffi.check_version(bad)


class StatusTest(unittest.TestCase):
    def test_every_status_has_exception(self):
        """each CBEC_E... code maps to its own exception class and name"""
        seen = set()
        for status in range(-1, -12, -1):
            exc = errors.from_status(status, "f", message="m")
            with self.subTest(status=status):
                self.assertIsInstance(exc, cbecstd.CbecError)
                self.assertIsNot(type(exc), cbecstd.CbecError)
                self.assertEqual(exc.status, status)
                self.assertNotIn(type(exc), seen)
                self.assertNotEqual(cbecstd.strerror(status), cbecstd.strerror(12345))
            seen.add(type(exc))
        self.assertIs(type(errors.from_status(-99, message="x")), cbecstd.CbecError)

    def test_builtin_bases(self):
        """exceptions also derive from the closest built-in exception"""
        self.assertTrue(issubclass(cbecstd.ReadError, OSError))
        self.assertTrue(issubclass(cbecstd.InvalidArgumentError, ValueError))
        self.assertTrue(issubclass(cbecstd.NotFoundError, LookupError))
        self.assertTrue(issubclass(cbecstd.OutOfMemoryError, MemoryError))
        self.assertTrue(issubclass(cbecstd.LibraryError, ImportError))


class LoaderTest(unittest.TestCase):
    """Each loader test runs in a fresh interpreter: the library is loaded
    once per process."""

    SCRIPT = "import cbecstd, cbecstd._ffi as f; cbecstd.library_version(); print(f._LIB._name)"

    @classmethod
    def setUpClass(cls):
        cls.built = os.environ.get(_ffi.ENV_LIBRARY) or _ffi.lib()._name
        if not os.path.isabs(cls.built):
            raise unittest.SkipTest("the library under test was not given by path")

    def run_py(self, env, cwd=None, path=None):
        e = support.subprocess_env(**env)
        if path is not None:
            e["PYTHONPATH"] = path
        return subprocess.run([sys.executable, "-c", self.SCRIPT], env=e, cwd=cwd,
                              capture_output=True, text=True, timeout=60)

    def test_env_variable_first(self):
        """$CBECSTD_LIBRARY names the library, and a wrong one is an error"""
        r = self.run_py({_ffi.ENV_LIBRARY: self.built})
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout.strip(), self.built)
        r = self.run_py({_ffi.ENV_LIBRARY: "/nonexistent/libcbecstd.so.0"})
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("LibraryError", r.stderr)
        self.assertIn("/nonexistent/libcbecstd.so.0", r.stderr)

    def test_beside_the_package(self):
        """without the variable, a libcbecstd.so.0 in the package directory is used"""
        with tempfile.TemporaryDirectory() as d:
            pkg = os.path.join(d, "cbecstd")
            shutil.copytree(os.path.join(support.BINDING, "cbecstd"), pkg,
                            ignore=shutil.ignore_patterns("__pycache__", "libcbecstd.so*"))
            shutil.copy(self.built, os.path.join(pkg, _ffi.SONAME))
            r = self.run_py({_ffi.ENV_LIBRARY: None, "LD_LIBRARY_PATH": None}, path=d, cwd=d)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(r.stdout.strip(), os.path.join(pkg, _ffi.SONAME))

    def test_soname_from_system_path(self):
        """last, the SONAME through the dynamic linker's search path"""
        with tempfile.TemporaryDirectory() as d:
            os.symlink(self.built, os.path.join(d, _ffi.SONAME))
            r = self.run_py({_ffi.ENV_LIBRARY: None, "LD_LIBRARY_PATH": d})
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(r.stdout.strip(), _ffi.SONAME)

    def test_nothing_found(self):
        """no library anywhere: a LibraryError that says what to set"""
        with tempfile.TemporaryDirectory() as d:
            pkg = os.path.join(d, "cbecstd")
            shutil.copytree(os.path.join(support.BINDING, "cbecstd"), pkg,
                            ignore=shutil.ignore_patterns("__pycache__", "libcbecstd.so*"))
            probe = subprocess.run(["/sbin/ldconfig", "-p"], capture_output=True, text=True)
            if _ffi.SONAME in probe.stdout:
                self.skipTest("libcbecstd is installed system-wide")
            r = self.run_py({_ffi.ENV_LIBRARY: None, "LD_LIBRARY_PATH": None}, path=d, cwd=d)
            self.assertNotEqual(r.returncode, 0)
            self.assertIn(_ffi.ENV_LIBRARY, r.stderr)


if __name__ == "__main__":
    unittest.main()
