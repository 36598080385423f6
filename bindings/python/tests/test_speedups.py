"""test_speedups.py - the C accelerator (cbecstd._speedups) against the
pure-Python path it replaces: the same JSON bytes for every document of
the shared test suites and for the hard cases, the same exception types
for what JSON cannot hold, the same reports, no leaked references, and
the loader's choices ($CBECSTD_SPEEDUPS, $CBECSTD_NO_SPEEDUPS, a module
linked to another library).

meson runs this module twice: with the accelerator it built
($CBECSTD_SPEEDUPS set) and with CBECSTD_NO_SPEEDUPS=1, where the tests
that need the module are skipped and the fallback is checked instead.
"""
import collections
import ctypes
import decimal
import enum
import gc
import glob
import json
import math
import os
import random
import subprocess
import sys
import tempfile
import tracemalloc
import unittest
from unittest import mock

import support

import cbecstd
from cbecstd import _ffi, errors, report, validator

SUITES = os.environ.get("CBEC_TESTSUITES") or os.path.join(os.path.dirname(support.SRC), "shared",
                                                           "testsuites")
SCHEMA_SUITE = os.path.join(SUITES, "json-schema-test-suite")
ORDER = support.example("order.json")

# json.dumps with message_bytes()'s settings: the reference.
_reference = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode


def pure(obj):
    return _reference(obj).encode("utf-8")


def speedups():
    """The accelerator, or skip the test."""
    module = _ffi.speedups()
    if module is None:
        raise unittest.SkipTest("the accelerator is not in use (%s)" % (
            "%s is set" % _ffi.ENV_NO_SPEEDUPS if os.environ.get(_ffi.ENV_NO_SPEEDUPS)
            else "not built"))
    return module


def outcome(fn, obj):
    """("ok", bytes) or ("raises", exception type)."""
    try:
        return ("ok", fn(obj))
    except Exception as e:   # noqa: BLE001 - the type is what is compared
        return ("raises", type(e))


def same_value(a, b):
    """Equal JSON values, where 1 and 1.0 and True differ."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same_value(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same_value(x, y) for x, y in zip(a, b))
    if isinstance(a, float) and a == 0.0:
        return math.copysign(1, a) == math.copysign(1, b)
    return a == b


def suite_documents():
    """(relative path, parsed document) of every JSON file of the shared
    test suites."""
    found = []
    for path in sorted(glob.glob(os.path.join(SUITES, "**", "*.json"), recursive=True)):
        with open(path, "rb") as f:
            raw = f.read()
        try:
            found.append((os.path.relpath(path, SUITES), json.loads(raw.decode("utf-8"))))
        except (UnicodeDecodeError, ValueError):
            continue   # not JSON after all (a sample named .json)
    return found


# ---- subclasses and odd values ------------------------------------------

class Str(str):
    def __str__(self):
        return "not me"


class Int(int):
    def __repr__(self):
        return "not me"


class Float(float):
    def __repr__(self):
        return "not me"


class Level(enum.IntEnum):
    HIGH = 3


class List(list):
    """json writes a list subclass through its iterator."""
    def __iter__(self):
        return iter(["from __iter__"])


class Tuple(tuple):
    def __iter__(self):
        return iter(["from __iter__"])


class BadList(list):
    def __iter__(self):
        raise RuntimeError("no iterating")


class Dict(dict):
    pass


class ItemsDict(dict):
    """json writes a dict subclass through its items()."""
    def items(self):
        return [("from_items", 1)]


class BadItemsDict(dict):
    def items(self):
        return [("a", 1, 2)]


def nested(depth, make=list):
    root = node = make()
    for _ in range(depth - 1):
        child = make()
        if isinstance(node, dict):
            node["k"] = child
        else:
            node.append(child)
        node = child
    return root


EDGE_VALUES = {
    "scalars": [0, -1, 1, True, False, None, 1.0, -0.0, 0.0, 1.5, 1e-7, 1e16, 1e22, 5e-324,
                1.7976931348623157e308, 0.1 + 0.2, -1e-300],
    "big ints": [2**63 - 1, -2**63, 2**63, -2**63 - 1, 2**64, 10**100, -10**300],
    "bool is not int": {"t": True, "one": 1, "f": False, "zero": 0, "list": [True, 1, 0, False]},
    "escapes": "".join(chr(c) for c in range(0, 0x80)) + "\\\"/",
    "non-ASCII": ["é", "ÿ\x80", "二", "\u2028\u2029", "\uffff", "\U0001F600", "\U0010FFFF",
                  "a\u00e9\u4e8c\U0001F600\x00"],
    "long strings": ["x" * 70000, "二" * 5000 + "\"" * 5000, "\U0001F600" * 4097, "\x01" * 9000],
    "keys": {1: "int", 2.5: "float", True: "true", False: "false", None: "null", -0.0: "zero",
             10**30: "big", Level.HIGH: "enum", Int(7): "int subclass", Str("k"): "str subclass"},
    "subclasses": [Str("s\n"), Int(5), Float(2.5), Level.HIGH, List([1, 2]), List(), Tuple((1,)),
                   Dict(a=Dict(b=[1])),
                   collections.OrderedDict([("z", 1), ("a", 2)])],
    "tuples": (1, (2, 3), [4, (5,)], collections.namedtuple("P", "x y")(1, 2)),
    "items()": ItemsDict(ignored=0),
    "empty": [[], {}, "", [[]], {"": {}}, ItemsDict()],
    "shared, not cyclic": (lambda x: [x, x, {"a": x}])([1, 2]),
    "deep 500 lists": nested(500),
    "deep 200 dicts": nested(200, dict),
    "big": [{"n": i, "s": "二" * (i % 7), "f": i / 7} for i in range(3000)],
}


if hasattr(sys, "get_int_max_str_digits"):   # Python 3.11+: repr refuses such ints
    FAILING_VALUES_EXTRA = {"int past the digit limit": [10**5000]}
else:
    FAILING_VALUES_EXTRA = {}


def cyclic_list():
    x = []
    x.append([x])
    return x


def cyclic_dict():
    d = {"a": {}}
    d["a"]["b"] = [d]
    return d


def cyclic_through_subclass():
    d = Dict()
    d["self"] = [d]
    return d


FAILING_VALUES = {
    "NaN": float("nan"),
    "infinity": [float("inf")],
    "-infinity": {"x": -math.inf},
    "1e400 parsed": json.loads('{"x": 1e400}'),
    "NaN key": {float("nan"): 1},
    "infinite key": {math.inf: 1},
    "lone surrogate": "a\ud800b",
    "surrogate in a key": {"\udfff": 1},
    "surrogate pair written apart": ["\ud83d\ude00"],
    "surrogate in a UCS4 string": "\U0001F600\udc00",
    "tuple key": {(1, 2): 3},
    "bytes key": {b"k": 1},
    "frozenset key": {frozenset(): 1},
    "bytes": [b"x"],
    "bytearray": {"b": bytearray(b"x")},
    "Decimal": [decimal.Decimal("1.5")],
    "set": {"s": {1}},
    "object": [object()],
    "complex": [1j],
    "items() not pairs": BadItemsDict(a=1),
    "__iter__ raises": [BadList([1])],
    "cyclic list": cyclic_list(),
    "cyclic dict": cyclic_dict(),
    "cyclic through a subclass": cyclic_through_subclass(),
    "deep 10000": nested(10000),
    "deep 10000 dicts": nested(10000, dict),
    **FAILING_VALUES_EXTRA,
}


class EncodeTest(unittest.TestCase):
    """speedups.encode() writes the bytes message_bytes()'s json.dumps
    writes, or fails with the same exception type."""

    @classmethod
    def setUpClass(cls):
        cls.encode = staticmethod(speedups().encode)

    def check(self, obj):
        want = outcome(pure, obj)
        got = outcome(self.encode, obj)
        self.assertEqual(got, want)
        return got

    def test_suite_documents(self):
        """every JSON document of the shared test suites, whole and each
        schema and instance of JSON-Schema-Test-Suite on its own"""
        docs = suite_documents()
        self.assertGreater(len(docs), 200, "the shared test suites were not found in " + SUITES)
        parts = 0
        for rel, doc in docs:
            with self.subTest(file=rel):
                got = self.encode(doc)
                self.assertEqual(got, pure(doc))
                self.assertTrue(same_value(json.loads(got.decode("utf-8")), doc))
                if isinstance(doc, list) and rel.startswith("json-schema-test-suite/tests/"):
                    for group in doc:
                        values = [group.get("schema")] + [t.get("data") for t in group.get("tests", [])]
                        for value in values:
                            parts += 1
                            got = self.encode(value)
                            self.assertEqual(got, pure(value))
                            self.assertTrue(same_value(json.loads(got.decode("utf-8")), value))
        self.assertGreater(parts, 2000)

    def test_edge_values(self):
        """numbers, big ints, escapes, every width of str, keys of every
        kind json converts, subclasses, tuples, deep and big documents"""
        for name, value in EDGE_VALUES.items():
            with self.subTest(case=name):
                got = self.check(value)
                self.assertEqual(got[0], "ok")
                json.loads(got[1].decode("utf-8"))
        for value in EDGE_VALUES["scalars"] + EDGE_VALUES["big ints"]:
            self.assertTrue(same_value(json.loads(self.encode([value]))[0], value), value)

    def test_values_json_cannot_hold(self):
        """NaN, infinities, surrogates, non-str keys json does not convert,
        unsupported types, cycles and too deep a nesting: the same
        exception types as the pure path"""
        for name, value in FAILING_VALUES.items():
            with self.subTest(case=name):
                got = self.check(value)
                self.assertEqual(got[0], "raises")

    def test_exceptions_say_the_same(self):
        """the messages of the exceptions callers see are json's"""
        for name in ("tuple key", "Decimal", "cyclic dict", "items() not pairs", "deep 10000"):
            with self.subTest(case=name):
                value = FAILING_VALUES[name]
                with self.assertRaises(Exception) as want:
                    pure(value)
                with self.assertRaises(Exception) as got:
                    self.encode(value)
                self.assertEqual(str(got.exception), str(want.exception))
        with self.assertRaises(UnicodeEncodeError) as got:
            self.encode(["ok", "a\ud800\udbffb"])
        self.assertEqual((got.exception.object, got.exception.start, got.exception.end),
                         ("a\ud800\udbffb", 1, 3))

    def test_random_documents(self):
        """seeded random documents with strings of every width"""
        rng = random.Random(20240601)
        alphabet = ([chr(c) for c in range(0x20)] + list("\"\\/ azAZ09") + ["\x7f", "é", "ÿ", "二",
                    "\u2028", "\uffff", "\U0001F600", "\U0010FFFF"])

        def text():
            return "".join(rng.choice(alphabet) for _ in range(rng.randrange(12)))

        def value(depth):
            kind = rng.randrange(9 if depth < 6 else 6)
            if kind == 0:
                return rng.choice([None, True, False])
            if kind == 1:
                return rng.randrange(-2**70, 2**70) >> rng.randrange(70)
            if kind == 2:
                return rng.choice([rng.uniform(-1e6, 1e6), rng.random() * 10 ** rng.randrange(-300, 300),
                                   float(rng.randrange(100)), -0.0])
            if kind in (3, 4, 5):
                return text()
            if kind == 6:
                return [value(depth + 1) for _ in range(rng.randrange(5))]
            return {text(): value(depth + 1) for _ in range(rng.randrange(5))}

        for i in range(3000):
            doc = value(0)
            with self.subTest(i=i):
                self.assertEqual(self.encode(doc), pure(doc))

    def test_message_bytes_uses_it(self):
        """message_bytes() gives the accelerator's bytes for dicts and
        lists, and the pure path's when it is switched off"""
        doc = json.loads(ORDER)
        with mock.patch.object(_ffi, "_SPEEDUPS", None):
            self.assertEqual(cbecstd.message_bytes(doc), pure(doc))
        self.assertEqual(cbecstd.message_bytes(doc), self.encode(doc))
        self.assertEqual(cbecstd.message_bytes(Dict(doc)), pure(doc))


def report_data(rep):
    """Everything a Report tells, as plain data."""
    return (rep.valid, rep.message_type, rep.format, rep.truncated, rep.counts, rep.lang,
            rep.source, rep.index, rep.findings)


class ValidateTest(unittest.TestCase):
    """validate() through the accelerator gives the reports of the pure
    path: same findings, messages, counts, labels and failures."""

    @classmethod
    def setUpClass(cls):
        cls.speedups = speedups()
        cls.pack = cbecstd.Pack.load(support.PACKS)

    @classmethod
    def tearDownClass(cls):
        cls.pack.close()

    def both(self, v, data, *args, **kwargs):
        """(accelerated report data, pure report data), or the exception
        types when validate() raises."""
        got = outcome(lambda d: report_data(v.validate(d, *args, **kwargs)), data)
        with mock.patch.object(_ffi, "_SPEEDUPS", None):
            want = outcome(lambda d: report_data(v.validate(d, *args, **kwargs)), data)
        return got, want

    def test_in_use(self):
        """Pack.validate() runs the accelerated path: the report holds the
        C report's address"""
        rep = self.pack.validate(json.loads(ORDER))
        self.assertIs(type(rep._handle), int)
        self.assertTrue(rep.valid, rep.findings)
        rep.close()
        self.assertTrue(rep.closed)
        rep.close()

    def test_messages_and_options(self):
        """examples and broken examples, as dicts, bytes, str and lists,
        with types, formats, languages and labels"""
        v = self.pack.validator()
        self.addCleanup(v.close)
        broken = json.loads(ORDER)
        broken["items"][0]["quantity"] = "-1"
        broken["buyer"]["idNumber"] = "110105199003071230"
        broken["tradeMode"] = "0000"
        messages = [json.loads(support.example(name)) for name in sorted(os.listdir(support.EXAMPLES))
                    if name.endswith(".json")] + [broken, [], {}, [1, "二"], {"messageType": 5}]
        calls = [((), {}), (("order",), {}), ((None, "json", "zh-CN"), {}),
                 ((), {"lang": "zh-CN", "source": "orders.ndjson", "index": 7}),
                 ((), {"format": cbecstd.Format.JSON}), (("no-such-type",), {})]
        for i, msg in enumerate(messages):
            for form in (msg, pure(msg), pure(msg).decode("utf-8")):
                for args, kwargs in calls:
                    with self.subTest(message=i, kind=type(form).__name__, args=args, kwargs=kwargs):
                        got, want = self.both(v, form, *args, **kwargs)
                        self.assertEqual(got, want)
        got, want = self.both(v, broken)
        self.assertFalse(got[1][0])
        self.assertGreaterEqual(len(got[1][-1]), 3)

    def test_findings_limit(self):
        """a truncated report counts past the limit on both paths"""
        with self.pack.validator(max_findings=1) as v:
            bad = json.loads(ORDER)
            bad["tradeMode"] = "0000"
            bad["currency"] = "XXX"
            got, want = self.both(v, bad)
            self.assertEqual(got, want)
            self.assertTrue(got[1][3])

    def test_edi_positions(self):
        """EDI findings carry their positions through the accelerator"""
        cases = sorted(glob.glob(os.path.join(support.CASES, "edi", "*", "message.*")))
        seen = 0
        for path in cases:
            with open(path, "rb") as f:
                data = f.read()
            got, want = self.both(self.pack, data)
            self.assertEqual(got, want, path)
            if got[0] == "ok":
                seen += sum(1 for f in got[1][-1] if f.edi is not None)
        if cases and not seen:
            self.skipTest("no EDI case with positioned findings")

    def test_failures(self):
        """what cannot be validated raises the same exceptions"""
        v = self.pack.validator()
        for data in ({"x": math.nan}, ["\ud800"], {(1,): 1}, [decimal.Decimal(1)], 42, None,
                     cyclic_dict()):
            with self.subTest(data=repr(data)[:40]):
                got, want = self.both(v, data)
                self.assertEqual(got, want)
                self.assertEqual(got[0], "raises")
        got, want = self.both(v, ORDER, "no-such-type")
        self.assertEqual(got, ("raises", errors.NotFoundError))
        self.assertEqual(want, got)
        with self.assertRaises(errors.NotFoundError) as e:
            v.validate({}, "no-such-type")
        self.assertEqual(e.exception.function, "cbec_validate")
        self.assertTrue(e.exception.message)
        v.close()
        self.assertEqual(self.both(v, {}), (("raises", errors.StateError),) * 2)
        pack = cbecstd.Pack.load(support.PACKS)
        v = pack.validator()
        pack.close()
        self.assertEqual(self.both(v, {}), (("raises", errors.StateError),) * 2)
        v.close()

    def test_report_methods(self):
        """an accelerated report renders, counts into Stats, pickles and
        closes like any other"""
        bad = json.loads(ORDER)
        bad["tradeMode"] = "0000"
        rep = self.pack.validate(bad, source="a.json", index=2)
        self.assertIs(type(rep._handle), int)
        with mock.patch.object(_ffi, "_SPEEDUPS", None):
            ref = self.pack.validate(bad, source="a.json", index=2)
        self.assertEqual(rep.render(), ref.render())
        self.assertEqual(rep.render("json", lang="zh-CN"), ref.render("json", lang="zh-CN"))
        self.assertEqual(rep.to_dict(), ref.to_dict())
        with cbecstd.Stats() as st:
            st.add(rep)
            st.add(ref)
            self.assertEqual(st.to_dict()["invalid"], 2)
        import pickle
        back = pickle.loads(pickle.dumps(rep))
        self.assertEqual(report_data(back), report_data(rep))
        rep.close()
        ref.close()
        with self.assertRaises(errors.StateError):
            rep.render()
        # a report made with the accelerator is freed even after it is off
        rep = self.pack.validate(bad)
        with mock.patch.object(_ffi, "_SPEEDUPS", None):
            rep.close()
        self.assertTrue(rep.closed)

    def test_schema_suite_reports(self):
        """JSON-Schema-Test-Suite instances (objects and arrays) validated
        against their schemas: the same reports on both paths"""
        if not os.path.isdir(SCHEMA_SUITE):
            self.skipTest("no JSON-Schema-Test-Suite in " + SUITES)
        remotes = {"http://localhost:1234/": os.path.join(SCHEMA_SUITE, "remotes")}
        checked = 0
        with tempfile.TemporaryDirectory() as tmp:
            for draft, folder in (("2020-12", "draft2020-12"), ("7", "draft7")):
                for path in sorted(glob.glob(os.path.join(SCHEMA_SUITE, "tests", folder, "*.json"))):
                    with open(path, encoding="utf-8") as f:
                        groups = json.load(f)
                    for g, group in enumerate(groups):
                        tests = [t["data"] for t in group["tests"] if isinstance(t["data"], (dict, list))]
                        if not tests:
                            continue
                        schema = os.path.join(tmp, "schema.json")
                        with open(schema, "w", encoding="utf-8") as f:
                            json.dump(group["schema"], f)
                        try:
                            rp = cbecstd.RulePack.from_schema(schema, draft=draft, resource_dirs=remotes)
                        except cbecstd.CbecError:
                            continue
                        with rp, cbecstd.Pack() as pack:
                            pack.add(rp)
                            with pack.validator() as v:
                                for data in tests:
                                    with self.subTest(file=os.path.basename(path), group=g):
                                        got, want = self.both(v, data, "schema")
                                        self.assertEqual(got, want)
                                        checked += 1
        self.assertGreater(checked, 1000)


class LeakTest(unittest.TestCase):
    """Many accelerated calls leave every object's reference count and
    Python's memory where they were."""

    @classmethod
    def setUpClass(cls):
        speedups()
        cls.pack = cbecstd.Pack.load(support.PACKS)

    @classmethod
    def tearDownClass(cls):
        cls.pack.close()

    def test_reference_counts(self):
        """the message, its keys and values, and the arguments keep their
        counts over successes and every kind of failure"""
        key, text, big, flt = Str("k"), "二" * 3, 10**40, 2.5
        inner = [text, big, flt, Int(3), (1, 2)]
        msg = {key: inner, "order": json.loads(ORDER)}
        bad = [{"a": inner}, {"x": math.nan, "k": inner}, [inner, {(1,): 2}], [inner, object()],
               [inner, "\ud800"], cyclic_dict(), BadItemsDict(a=inner)]
        lang, source, mtype = "zh-CN", "s.json", "order"
        watched = [msg, key, inner, text, big, flt, lang, source, mtype] + bad
        v = self.pack.validator()
        self.addCleanup(v.close)
        encode = _ffi.speedups().encode

        def run():
            for _ in range(200):
                v.validate(msg, mtype, "json", lang, source=source, index=1).close()
                self.pack.validate(msg).close()
                encode(msg)
                for b in bad:
                    try:
                        v.validate(b)
                    except Exception:   # noqa: BLE001
                        pass
                    try:
                        encode(b)
                    except Exception:   # noqa: BLE001
                        pass
                try:
                    v.validate(msg, "no-such-type")
                except errors.NotFoundError:
                    pass

        run()   # first-use caches
        gc.collect()
        before = [sys.getrefcount(o) for o in watched]
        run()
        gc.collect()
        after = [sys.getrefcount(o) for o in watched]
        self.assertEqual(after, before)

    def test_python_memory(self):
        """tracemalloc sees no growth over many validations and encodings"""
        msg = json.loads(ORDER)
        bad = json.loads(ORDER)
        bad["tradeMode"] = "0000"
        encode = _ffi.speedups().encode
        validate = self.pack.validate

        def run(n):
            for _ in range(n):
                validate(msg).close()
                rep = validate(bad, lang="zh-CN")
                rep.findings
                del rep   # freed by __del__
                encode(bad)

        run(200)
        gc.collect()
        tracemalloc.start()
        try:
            run(100)
            gc.collect()
            first, _ = tracemalloc.get_traced_memory()
            run(3000)
            gc.collect()
            second, _ = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        self.assertLess(second - first, 64 * 1024, "Python memory grew by %d bytes" % (second - first))


class LoaderTest(unittest.TestCase):
    """Where the accelerator comes from, and when it is not used."""

    SCRIPT = ("import cbecstd, cbecstd._ffi as f; m = f.speedups(); "
              "print(m.__file__ if m else 'pure'); "
              "r = cbecstd.Pack.load(%r).validate({'messageType': 'order'}); print(type(r._handle).__name__)"
              % support.PACKS)

    def run_py(self, env, path=None):
        e = support.subprocess_env(**env)
        if path is not None:
            e["PYTHONPATH"] = path
        return subprocess.run([sys.executable, "-c", self.SCRIPT], env=e, capture_output=True,
                              text=True, timeout=120)

    def built(self):
        path = os.environ.get(_ffi.ENV_SPEEDUPS)
        if not path or os.environ.get(_ffi.ENV_NO_SPEEDUPS):
            self.skipTest("no accelerator named by %s" % _ffi.ENV_SPEEDUPS)
        return path

    def test_meson_build_uses_it(self):
        """with the accelerator meson built, the binding uses it; with
        CBECSTD_NO_SPEEDUPS=1 it runs the pure path"""
        if os.environ.get(_ffi.ENV_NO_SPEEDUPS, "") not in ("", "0"):
            self.assertIsNone(_ffi.speedups())
            rep = cbecstd.Pack.load(support.PACKS).validate({"messageType": "order"})
            self.assertIsInstance(rep._handle, _ffi.ReportP)
            return
        path = self.built()
        self.assertIsNotNone(_ffi.speedups())
        self.assertEqual(os.path.realpath(_ffi.speedups().__file__), os.path.realpath(path))

    def test_switched_off(self):
        """CBECSTD_NO_SPEEDUPS=1 wins over CBECSTD_SPEEDUPS; "0" does not"""
        path = self.built()
        r = self.run_py({_ffi.ENV_SPEEDUPS: path, _ffi.ENV_NO_SPEEDUPS: "1"})
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout.split(), ["pure", "LP_Report"])
        r = self.run_py({_ffi.ENV_SPEEDUPS: path, _ffi.ENV_NO_SPEEDUPS: "0"})
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout.split(), [path, "int"])

    def test_absent_means_pure(self):
        """no variable and no module in the package: the pure path"""
        r = self.run_py({_ffi.ENV_SPEEDUPS: None, _ffi.ENV_NO_SPEEDUPS: None})
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout.split(), ["pure", "LP_Report"])

    def test_inside_the_package(self):
        """a _speedups module inside cbecstd/ is imported without a variable"""
        path = self.built()
        with tempfile.TemporaryDirectory() as d:
            pkg = os.path.join(d, "cbecstd")
            os.mkdir(pkg)
            for name in os.listdir(os.path.join(support.BINDING, "cbecstd")):
                if name.endswith(".py"):
                    os.symlink(os.path.join(support.BINDING, "cbecstd", name), os.path.join(pkg, name))
            target = os.path.join(pkg, os.path.basename(path))
            os.symlink(path, target)
            r = self.run_py({_ffi.ENV_SPEEDUPS: None, _ffi.ENV_NO_SPEEDUPS: None}, path=d)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(r.stdout.split(), [target, "int"])

    def test_explicit_file_must_work(self):
        """a file named by CBECSTD_SPEEDUPS that cannot be loaded is a
        LibraryError, not a silent fallback"""
        r = self.run_py({_ffi.ENV_SPEEDUPS: "/nonexistent/_speedups.cpython-311-x86_64-linux-gnu.so",
                         _ffi.ENV_NO_SPEEDUPS: None})
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("LibraryError", r.stderr)
        self.assertIn(_ffi.ENV_SPEEDUPS, r.stderr)

    def test_other_library_refused(self):
        """a module whose libcbecstd is not the one ctypes loaded is
        refused: named explicitly, with a LibraryError; found in the
        package, by running the pure path"""
        with tempfile.TemporaryDirectory() as d:
            fake = os.path.join(d, "_speedups.py")
            with open(fake, "w") as f:
                f.write("def library_address():\n    return 1\n")
            r = self.run_py({_ffi.ENV_SPEEDUPS: fake, _ffi.ENV_NO_SPEEDUPS: None})
            self.assertNotEqual(r.returncode, 0)
            self.assertIn("another copy of libcbecstd", r.stderr)
            pkg = os.path.join(d, "cbecstd")
            os.mkdir(pkg)
            for name in os.listdir(os.path.join(support.BINDING, "cbecstd")):
                if name.endswith(".py"):
                    os.symlink(os.path.join(support.BINDING, "cbecstd", name), os.path.join(pkg, name))
            os.rename(fake, os.path.join(pkg, "_speedups.py"))
            r = self.run_py({_ffi.ENV_SPEEDUPS: None, _ffi.ENV_NO_SPEEDUPS: None}, path=d)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(r.stdout.split(), ["pure", "LP_Report"])


if __name__ == "__main__":
    unittest.main()
