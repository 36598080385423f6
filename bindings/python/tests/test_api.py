"""test_api.py - the Pythonic API: loading packs, validating bytes, str and
dicts, reports and findings, exceptions with the library's message,
context managers, validators and their options, statistics, JSON Logic."""
import copy
import json
import os
import pickle
import tempfile
import unittest
from decimal import Decimal

import support

import cbecstd
from cbecstd import Finding, Format, Severity

ORDER = support.example("order.json")
PAYMENT = support.example("payment.json")

WARN_PACK = {
    "cbecstd_pack": 1, "id": "T-API", "version": "1.0.0", "status": "active", "module": "data",
    "title": {"zh-CN": "测试", "en": "Test"},
    "refs": [{"id": "GB/T 0000"}],
    "messages": {"note": {
        "json": {"detect": {"path": "/kind", "equals": "note"}},
        "rules": [
            {"id": "N-1", "path": "/text", "required": True, "type": "string", "ref": "GB/T 0000 4.1",
             "message": {"en": "text missing or not a string", "zh-CN": "缺少文本"}},
            {"id": "N-2", "path": "/text", "maxLength": 5, "severity": "warning"},
            {"id": "N-3", "path": "/n", "minimum": "0"},
        ],
    }},
}


def bad_order(**changes):
    d = json.loads(ORDER)
    for path, value in changes.items():
        node = d
        keys = path.split("/")
        for k in keys[:-1]:
            node = node[int(k)] if isinstance(node, list) else node[k]
        node[keys[-1]] = value
    return d


class PackTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.pack = cbecstd.Pack.load(support.PACKS)

    @classmethod
    def tearDownClass(cls):
        cls.pack.close()

    def test_load_directory_and_files(self):
        """Pack.load takes a directory, files, or several"""
        types = self.pack.message_types
        self.assertTrue({"order", "payment", "logisticsStatus"} <= set(types), types)
        labels = [p.label for p in self.pack.packs]
        self.assertIn("CBEC-ORDER@1.0.0", labels)
        files = [p.file for p in self.pack.packs]
        with cbecstd.Pack.load(*files) as again:
            self.assertEqual(sorted(p.label for p in again.packs), sorted(labels))

    def test_load_missing(self):
        """an unreadable path raises ReadError with the library's message"""
        with self.assertRaises(cbecstd.ReadError) as cm:
            cbecstd.Pack.load("/nonexistent/packs.pack.json")
        self.assertIn("/nonexistent/packs.pack.json", str(cm.exception))
        self.assertEqual(cm.exception.status, -3)
        self.assertIsInstance(cm.exception, OSError)

    def test_invalid_pack_position(self):
        """an invalid pack raises PackError naming file, line, column and pointer"""
        with tempfile.TemporaryDirectory() as d:
            p = os.path.join(d, "x.pack.json")
            bad = copy.deepcopy(WARN_PACK)
            bad["messages"]["note"]["rules"][1]["patern"] = "x"
            with open(p, "w", encoding="utf-8") as f:
                json.dump(bad, f, indent=1)
            with self.assertRaises(cbecstd.PackError) as cm:
                cbecstd.Pack.load(p)
            e = cm.exception
            self.assertEqual(e.file, p)
            self.assertGreater(e.line, 1)
            self.assertGreater(e.column, 0)
            self.assertEqual(e.path, "/messages/note/rules/1/patern")
            self.assertIn("patern", e.message)
            self.assertEqual(str(e), e.message)

    def test_rule_pack_metadata(self):
        """RulePack exposes id, version, status, digest, refs and rules"""
        with cbecstd.RulePack.from_bytes(WARN_PACK, name="mem.pack.json") as rp:
            self.assertEqual((rp.id, rp.version, rp.status, rp.module), ("T-API", "1.0.0", "active", "data"))
            self.assertEqual(rp.label, "T-API@1.0.0")
            self.assertEqual(rp.title("zh-CN"), "测试")
            self.assertEqual(rp.title("fr"), "Test")
            self.assertEqual(rp.refs, ["GB/T 0000"])
            self.assertEqual(rp.message_types, ["note"])
            self.assertRegex(rp.digest, r"^sha256:[0-9a-f]{64}$")
            self.assertEqual(rp.rule_count(), 3)
            self.assertEqual(rp.rule_count("note"), 3)
            self.assertEqual(rp.rule_count("none"), 0)
            rules = rp.rules("note")
            self.assertEqual(list(rules), ["N-1", "N-2", "N-3"])
            self.assertEqual(rules["N-2"]["maxLength"], 5)
            self.assertEqual(rp.bases, [])
            self.assertEqual(rp.effective, ("", ""))
        self.assertEqual(repr(rp), "<RulePack closed>")
        with self.assertRaises(cbecstd.StateError):
            rp.id

    def test_digest_pin(self):
        """a pinned digest that differs raises DigestError; the right one loads"""
        with cbecstd.RulePack.from_bytes(WARN_PACK) as rp:
            good = rp.digest
        bad = "sha256:" + "0" * 64
        with self.assertRaises(cbecstd.DigestError):
            cbecstd.RulePack.from_bytes(WARN_PACK, pins={"T-API@1.0.0": bad})
        with self.assertRaises(cbecstd.InvalidArgumentError):
            cbecstd.RulePack.from_bytes(WARN_PACK, pins={"T-API@1.0.0": "sha256:xyz"})
        cbecstd.RulePack.from_bytes(WARN_PACK, pins={"T-API@1.0.0": good}).close()

    def test_inactive_packs(self):
        """a draft pack decides only for validators that allow it"""
        draft = dict(WARN_PACK, status="draft")
        with cbecstd.Pack() as pack:
            with cbecstd.RulePack.from_bytes(draft, allow_inactive=True) as rp:
                self.assertEqual(rp.status, "draft")
                pack.add(rp)
            rep = pack.validate({"kind": "note", "text": "abc"})
            self.assertFalse(rep.valid)
            self.assertEqual(rep.findings[0].rule, "CBEC-PACK")
            with pack.validator(allow_inactive=True) as v:
                self.assertTrue(v.validate({"kind": "note", "text": "abc"}).valid)

    def test_add_and_reload(self):
        """add() extends the set; a failing reload keeps the packs"""
        with cbecstd.Pack() as pack:
            self.assertEqual(pack.packs, [])
            with cbecstd.RulePack.from_bytes(WARN_PACK) as rp:
                pack.add(rp)
            self.assertEqual(pack.message_types, ["note"])
            with self.assertRaises(cbecstd.AmbiguousError):
                with cbecstd.RulePack.from_bytes(WARN_PACK) as rp:
                    pack.add(rp)
            with self.assertRaises(cbecstd.ReadError):
                pack.reload("/nonexistent")
            self.assertEqual(pack.message_types, ["note"])
            pack.reload(os.path.join(support.PACKS))
            self.assertIn("order", pack.message_types)
            self.assertNotIn("note", pack.message_types)

    def test_dropped_pack_is_freed(self):
        """a Pack used from threads is freed once dropped (no cycle through its validators)"""
        import gc
        import threading
        import weakref
        pack = cbecstd.Pack.load(support.PACKS)
        pack.validate(ORDER)
        t = threading.Thread(target=pack.validate, args=(ORDER,))
        t.start()
        t.join()
        ref = weakref.ref(pack)
        del pack
        gc.collect()
        self.assertIsNone(ref())

    def test_not_picklable(self):
        """a Pack refuses to pickle, pointing at the batch guide"""
        with self.assertRaises(TypeError) as cm:
            pickle.dumps(self.pack)
        self.assertIn("batch", str(cm.exception))


class ValidateTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.pack = cbecstd.Pack.load(support.PACKS)

    @classmethod
    def tearDownClass(cls):
        cls.pack.close()

    def test_valid_example(self):
        """the example order is valid, from bytes, str and dict alike"""
        for data in (ORDER, ORDER.decode("utf-8"), json.loads(ORDER), bytearray(ORDER), memoryview(ORDER)):
            with self.subTest(kind=type(data).__name__):
                rep = self.pack.validate(data)
                self.assertTrue(rep.valid, rep.findings)
                self.assertEqual(rep.message_type, "order")
                self.assertIs(rep.format, Format.JSON)
                self.assertEqual(rep.findings, [])
                self.assertFalse(rep.truncated)

    def test_finding_fields(self):
        """a finding carries rule, severity, path, position, message, pack and ref"""
        text = ORDER.decode("utf-8").replace('"quantity": "1"', '"quantity": "-1"')
        rep = self.pack.validate(text)
        self.assertFalse(rep.valid)
        f = [f for f in rep.findings if f.rule == "ORD-025"]
        self.assertEqual(len(f), 1, rep.findings)
        f = f[0]
        self.assertIsInstance(f, Finding)
        self.assertIs(f.severity, Severity.ERROR)
        self.assertEqual(f.severity, "error")
        self.assertEqual(f.path, "/items/1/quantity")
        lines = text.splitlines()
        self.assertIn('"quantity": "-1"', lines[f.line - 1])
        self.assertEqual(lines[f.line - 1][f.column - 1:f.column + 3], '"-1"')
        self.assertEqual(text.encode("utf-8")[f.offset:f.offset + 4], b'"-1"')
        self.assertEqual(f.pack, "CBEC-ORDER@1.0.0")
        self.assertTrue(f.ref)
        self.assertIn("-1", f.message)
        self.assertIn(f, rep.errors)
        self.assertEqual(rep.counts[Severity.ERROR], len(rep.errors))

    def test_languages(self):
        """findings are rendered in the language asked for"""
        d = bad_order(**{"buyer/phone": "12345"})
        en = self.pack.validate(d, lang="en").findings[0].message
        zh = self.pack.validate(d, lang="zh-CN").findings[0].message
        self.assertNotEqual(en, zh)
        self.assertTrue(any("\u4e00" <= c <= "\u9fff" for c in zh), zh)
        self.assertTrue(en.isascii(), en)

    def test_message_type_and_format(self):
        """type and format may be given; unknown ones are errors"""
        rep = self.pack.validate(ORDER, type="order", format="json")
        self.assertTrue(rep.valid)
        rep = self.pack.validate(ORDER, type="payment", format=Format.JSON)
        self.assertFalse(rep.valid)
        self.assertEqual(rep.message_type, "payment")
        with self.assertRaises(cbecstd.NotFoundError) as cm:
            self.pack.validate(ORDER, type="nosuchtype")
        self.assertEqual(cm.exception.function, "cbec_validate")
        with self.assertRaises(ValueError):
            self.pack.validate(ORDER, format="yaml")
        with self.assertRaises(TypeError):
            self.pack.validate(42)

    def test_malformed_is_a_report(self):
        """malformed messages give invalid reports, never exceptions"""
        for data in (b"", b"{", b"\x00\x01", b'{"a": "\xc0\xaf"}', "[" * 5000, [1, 2], {}):
            with self.subTest(data=repr(data)[:30]):
                rep = self.pack.validate(data, type="order")
                self.assertFalse(rep.valid)
                self.assertTrue(rep.findings)

    def test_dict_serialisation_refuses_nan(self):
        """a dict with NaN is refused before it reaches the library"""
        with self.assertRaises(ValueError):
            self.pack.validate({"messageType": "order", "x": float("nan")})

    def test_dict_serialisation_is_compact_json(self):
        """dicts and lists (and their subclasses) become compact UTF-8 JSON,
        so finding positions are those of that text"""
        from collections import OrderedDict
        samples = [json.loads(ORDER), [1, "二", {"a": None}], OrderedDict([("b", 1.5), ("a", [True])]),
                   {"s": "tab\t \"q\" \u2028 \U0001F600"}]
        for data in samples:
            want = json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode("utf-8")
            self.assertEqual(cbecstd.message_bytes(data), want)
        self.assertEqual(cbecstd.message_bytes(b"{}"), b"{}")
        self.assertEqual(cbecstd.message_bytes(bytearray(b"[]")), b"[]")
        self.assertEqual(cbecstd.message_bytes("{\"a\":\"二\"}"), "{\"a\":\"二\"}".encode("utf-8"))
        with self.assertRaises(ValueError):
            cbecstd.message_bytes([float("inf")])
        d = bad_order(**{"items/1/quantity": "-1"})
        text = cbecstd.message_bytes(d)
        f = [f for f in self.pack.validate(d).findings if f.rule == "ORD-025"][0]
        self.assertEqual(text[f.offset:f.offset + 4], b'"-1"')
        for fmt in ("json", "JSON", "Json", Format.JSON, 1):
            self.assertEqual(self.pack.validate(ORDER, format=fmt).format, Format.JSON)
        for fmt in (True, 2.0, None):
            with self.assertRaises(TypeError):
                self.pack.validate(ORDER, format=fmt)

    def test_report_render_and_dict(self):
        """render() gives the library's text and JSON; to_dict() matches it"""
        d = bad_order(**{"tradeMode": "0000"})
        with self.pack.validate(d, source="bad.json", index=3) as rep:
            text = rep.render()
            self.assertIn("bad.json#3", text)
            self.assertIn("INVALID", text)
            self.assertIn("无效", rep.render("text", lang="zh-CN"))
            js = json.loads(rep.render("json"))
            mine = rep.to_dict()
            for k in ("source", "index", "type", "valid"):
                self.assertEqual(js[k], mine[k])
            for f in mine["findings"]:
                self.assertGreater(f.pop("offset"), 0)
                self.assertEqual(f.pop("expected"), "customsTradeMode")
            self.assertEqual(js["findings"], mine["findings"])
            with self.assertRaises(ValueError):
                rep.render("yaml")
        self.assertTrue(rep.closed)
        with self.assertRaises(cbecstd.StateError):
            rep.render()
        self.assertFalse(rep.valid)     # copied data outlives the C report

    def test_report_pickles(self):
        """reports and findings pickle as plain data"""
        rep = self.pack.validate(bad_order(**{"tradeMode": "0000"}))
        back = pickle.loads(pickle.dumps(rep))
        self.assertEqual(back.findings, rep.findings)
        self.assertEqual(back.valid, rep.valid)
        self.assertEqual(back.counts, rep.counts)
        self.assertTrue(back.closed)
        self.assertEqual(repr(back), repr(rep))

    def test_report_outlives_pack(self):
        """a report stays usable after its pack is closed"""
        pack = cbecstd.Pack.load(support.PACKS)
        rep = pack.validate(bad_order(**{"tradeMode": "0000"}))
        pack.close()
        self.assertIn("ORD-", rep.render())
        with self.assertRaises(cbecstd.StateError):
            pack.validate(ORDER)
        self.assertEqual(repr(pack), "<Pack closed>")
        pack.close()   # idempotent

    def test_context_manager_closes(self):
        """leaving a with block closes the pack"""
        with cbecstd.Pack.load(support.PACKS) as pack:
            self.assertTrue(pack.validate(ORDER).valid)
        self.assertTrue(pack.closed)
        with self.assertRaises(cbecstd.StateError):
            pack.validate(ORDER)


class ValidatorTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.pack = cbecstd.Pack.load(support.PACKS)

    @classmethod
    def tearDownClass(cls):
        cls.pack.close()

    def test_reuse(self):
        """one validator validates many messages"""
        with cbecstd.Validator(self.pack) as v:
            for _ in range(50):
                self.assertTrue(v.validate(ORDER).valid)
                self.assertTrue(v.validate(PAYMENT).valid)
        with self.assertRaises(cbecstd.StateError):
            v.validate(ORDER)

    def test_limits(self):
        """limits become findings, and bad limits are refused"""
        many = bad_order(**{"items": [{"quantity": "-1"}] * 20})
        with self.pack.validator(max_findings=3) as v:
            rep = v.validate(many)
            self.assertEqual(len(rep.findings), 3)
            self.assertTrue(rep.truncated)
            self.assertGreater(rep.counts[Severity.ERROR], 3)
        with self.pack.validator(max_bytes=100) as v:
            self.assertEqual(v.validate(ORDER).findings[0].rule, "CBEC-LIMIT-SIZE")
        with self.pack.validator(max_depth=3) as v:
            self.assertEqual(v.validate(ORDER).findings[0].rule, "CBEC-LIMIT-DEPTH")
        with self.assertRaises(ValueError):
            self.pack.validator(max_depth=-1)
        with self.assertRaises(ValueError):
            cbecstd.Validator(self.pack).set_limit("max_whatever", 1)

    def test_options(self):
        """date and other options are checked by the library"""
        with self.assertRaises(cbecstd.InvalidArgumentError):
            self.pack.validator(date="tomorrow")
        with self.pack.validator(date="2026-12-01", allow_inactive=True, previous_state="CREATED") as v:
            self.assertTrue(v.validate(ORDER).valid)
            v.set_option("date", None)
            self.assertTrue(v.validate(ORDER).valid)
            with self.assertRaises(ValueError):
                v.set_option("colour", "blue")

    def test_clone(self):
        """a clone keeps the settings of its original"""
        many = bad_order(**{"items": [{"quantity": "-1"}] * 20})
        with self.pack.validator(max_findings=2) as v, v.clone() as c:
            self.assertEqual(len(c.validate(many).findings), 2)
            self.assertIs(c.pack, self.pack)

    def test_wrong_pack_type(self):
        """a Validator wants a Pack"""
        with self.assertRaises(TypeError):
            cbecstd.Validator("packs/")


class StatsTest(unittest.TestCase):
    def test_counts(self):
        """Stats counts messages and findings per pack and rule"""
        with cbecstd.Pack.load(support.PACKS) as pack, cbecstd.Stats() as st:
            for data in (ORDER, PAYMENT, bad_order(**{"tradeMode": "0000"})):
                with pack.validate(data) as rep:
                    st.add(rep)
            d = st.to_dict()
            self.assertEqual((d["messages"], d["valid"], d["invalid"]), (3, 2, 1))
            self.assertEqual(d["types"]["order"]["validated"], 2)
            self.assertTrue(any(r.startswith("ORD-") for r in d["rules"]), d["rules"])
            closed = pack.validate(ORDER)
            closed.close()
            with self.assertRaises(cbecstd.StateError):
                st.add(closed)
            with self.assertRaises(TypeError):
                st.add({"valid": True})


class BatchTest(unittest.TestCase):
    def test_totals_match_cli(self):
        """validate_lines totals equal the CLI's summary of the same NDJSON"""
        import subprocess
        cli = os.environ.get("CBECSTD_CLI")
        lines = []
        for i in range(30):
            d = json.loads(ORDER)
            if i % 3 == 0:
                d["tradeMode"] = "0000"
            if i % 5 == 0:
                d["buyer"]["phone"] = "123"
            lines.append(json.dumps(d, ensure_ascii=False))
            if i % 7 == 0:
                lines.append("   ")
        lines.append(json.dumps(json.loads(PAYMENT)))
        with cbecstd.Pack.load(support.PACKS) as pack:
            totals = cbecstd.validate_lines(pack, lines)
        self.assertEqual(totals.messages, 31)
        self.assertEqual(totals.invalid, 10 + 6 - 2)
        self.assertEqual(totals.by_type["order"], 30)
        half = cbecstd.validate_lines(cbecstd.Pack.load(support.PACKS), lines[:10])
        rest = cbecstd.validate_lines(cbecstd.Pack.load(support.PACKS), lines[10:])
        self.assertEqual(half + rest, totals)
        self.assertEqual(sum([half, rest]), totals)
        if not cli:
            self.skipTest("CBECSTD_CLI not set: no CLI to compare with")
        r = subprocess.run([cli, "validate", "--ndjson", "-q", "-p", support.PACKS, "-"],
                           input="\n".join(lines).encode("utf-8"), capture_output=True, timeout=120)
        self.assertEqual(r.stdout.decode().strip(), totals.summary())

    def test_iter_ndjson_numbers_lines(self):
        """blank lines are skipped but counted, as the CLI numbers them"""
        got = list(cbecstd.iter_ndjson([b"{}\n", b"\n", b" \t\n", "[1]\n", b"x"]))
        self.assertEqual(got, [(1, b"{}"), (4, b"[1]"), (5, b"x")])


class LogicTest(unittest.TestCase):
    def test_exact_decimals(self):
        """JSON Logic results come back as exact Decimals"""
        with cbecstd.Logic({"+": [{"var": "a"}, "0.10"]}) as rule:
            self.assertEqual(rule.evaluate({"a": "0.20"}), Decimal("0.30"))
            self.assertEqual(rule.evaluate_json('{"a": "1"}'), "1.10")

    def test_errors(self):
        """compile and evaluation errors carry the library's details"""
        with self.assertRaises(cbecstd.InvalidArgumentError) as cm:
            cbecstd.Logic('{"no_such_op": [1]}')
        self.assertEqual((cm.exception.line, cm.exception.column), (1, 1))
        self.assertIn("no_such_op", str(cm.exception))
        with cbecstd.Logic({"var": "a"}) as rule:
            with self.assertRaises(cbecstd.CbecError) as cm:
                rule.evaluate("{bad")
            self.assertEqual(cm.exception.error_type, "Data")

    def test_limits(self):
        """an operation limit stops a long evaluation"""
        big = {"+": [{"var": "a"}] * 200}
        with cbecstd.Logic(big, max_operations=10) as rule:
            with self.assertRaises(cbecstd.CbecError) as cm:
                rule.evaluate({"a": 1})
            self.assertEqual(cm.exception.error_type, "Limit")
        with self.assertRaises(ValueError):
            cbecstd.Logic(True, max_depth=-5)


class IdentifierTest(unittest.TestCase):
    def test_kinds(self):
        """every identifier kind has a name and a description in both languages"""
        en = cbecstd.identifier_kinds()
        zh = cbecstd.identifier_kinds("zh-CN")
        self.assertIn("gtin", en)
        self.assertEqual(set(en), set(zh))
        self.assertTrue(all(en.values()))

    def test_check(self):
        """values are checked with a reason in the caller's language"""
        with cbecstd.IdentifierChecker() as c:
            self.assertEqual(c.check("gtin", "6901234567892"), (True, ""))
            bad = c.check("gtin", "6901234567893")
            self.assertFalse(bad.valid)
            self.assertTrue(bad.reason)
            self.assertNotEqual(c.check("gtin", b"6901234567893", "zh-CN").reason, bad.reason)
            self.assertFalse(c.check("bic", "DEUTXXFF").valid)      # no country XX
            with self.assertRaises(cbecstd.NotFoundError):
                c.check("no-such-kind", "1")
        with self.assertRaises(cbecstd.StateError):
            c.check("gtin", "6901234567892")
        with self.assertRaises(cbecstd.ReadError):
            cbecstd.IdentifierChecker(iso_codes_dir="/nonexistent")


EDIFACT = ("UNA:+.? '\nUNB+UNOC:3+SENDER:14+RECEIVER:14+261201:0930+1'\nUNH+1+ORDERS:D:96A:UN'\n"
           "BGM+220+PO1+9'\nUNT+9+1'\nUNZ+1+1'\n")


class EdiTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.pack = cbecstd.Pack.load(support.PACKS)

    @classmethod
    def tearDownClass(cls):
        cls.pack.close()

    def test_edi_position(self):
        """EDI findings carry segment, element, component and tag"""
        rep = self.pack.validate(EDIFACT)
        self.assertIs(rep.format, Format.EDIFACT)
        count = [f for f in rep.findings if f.rule == "CBEC-EDI-COUNT"]
        self.assertEqual(len(count), 1, rep.findings)
        self.assertEqual(count[0].edi, cbecstd.EdiPosition(segment=4, element=1, component=0, tag="UNT"))
        d = count[0].to_dict()
        self.assertEqual((d["segment"], d["tag"], d["element"], d["component"]), (4, "UNT", 1, 0))
        # the same members as the command line's JSON report
        js = json.loads(self.pack.validate(EDIFACT).render("json"))
        cli = next(f for f in js["findings"] if f["rule"] == "CBEC-EDI-COUNT")
        self.assertEqual({k: d[k] for k in cli}, cli)
        self.assertTrue(all(f.edi is None for f in self.pack.validate(ORDER).findings))

    def test_acknowledgement(self):
        """a CONTRL acknowledgement answers the interchange, sender and recipient swapped"""
        with self.pack.validate(EDIFACT) as rep:
            ack = rep.render_ack("edifact-contrl", "5", "202612010930")
            self.assertIn("UNB+UNOC:3+RECEIVER:14+SENDER:14+261201:0930+5'", ack)
            self.assertIn("CONTRL", ack)
            with self.assertRaises(cbecstd.InvalidArgumentError):
                rep.render_ack("x12-997")
            with self.assertRaises(ValueError):
                rep.render_ack("fax")
        with self.pack.validate(ORDER) as rep, self.assertRaises(cbecstd.StateError):
            rep.render_ack("edifact-contrl")


class SchemaTest(unittest.TestCase):
    def test_bare_schema(self):
        """a bare JSON Schema becomes a pack with the message type "schema" """
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "thing.json")
            with open(path, "w") as f:
                json.dump({"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
                           "required": ["a"], "properties": {"a": {"type": "integer", "minimum": 3}}}, f)
            with cbecstd.RulePack.from_schema(path) as rp, cbecstd.Pack() as pack:
                self.assertEqual(rp.message_types, ["schema"])
                pack.add(rp)
                self.assertTrue(pack.validate({"a": 5}, type="schema").valid)
                bad = pack.validate({"a": 1}, type="schema").findings
                self.assertEqual([(f.rule, f.path, f.expected) for f in bad], [("SCHEMA", "/a", "3")])
            with open(path, "w") as f:
                f.write('{"type": "no-such-type"}')
            with self.assertRaises(cbecstd.PackError):
                cbecstd.RulePack.from_schema(path)
            with self.assertRaises(cbecstd.ReadError):
                cbecstd.RulePack.from_schema(os.path.join(d, "missing.json"))

    def test_load_options(self):
        """unknown load options are refused by name"""
        with self.assertRaises(TypeError):
            cbecstd.Pack.load(support.PACKS, iso_code_dir="/x")
        self.assertIn("resource_dirs", cbecstd.pack.LOAD_OPTIONS)
        self.assertIn("defer_compile", cbecstd.pack.LOAD_OPTIONS)
        with cbecstd.Pack.load(support.PACKS, load_threads=1) as one, cbecstd.Pack.load(support.PACKS) as many:
            self.assertEqual([(p.label, p.digest) for p in one.packs], [(p.label, p.digest) for p in many.packs])
        with self.assertRaises(cbecstd.InvalidArgumentError):
            cbecstd.Pack.load(support.PACKS, load_threads=9)

    def test_cache_dir(self):
        """cache_dir: the language tables kept there, the same packs and findings read back"""
        with tempfile.TemporaryDirectory() as d:
            cache = os.path.join(d, "cache")
            order = json.loads(ORDER)
            order["items"][0]["name"].update({"xq": "bad tag", "fre": "Creme"})
            with cbecstd.Pack.load(support.PACKS) as plain:
                want = [(p.label, p.digest) for p in plain.packs]
                found = [(f.rule, f.path, f.message) for f in plain.validate(order).findings]
            self.assertEqual(len(found), 2, found)
            for _round in range(2):  # stored, then read back
                with cbecstd.Pack.load(support.PACKS, cache_dir=cache) as cached:
                    self.assertEqual([(p.label, p.digest) for p in cached.packs], want)
                    self.assertEqual([(f.rule, f.path, f.message) for f in cached.validate(order).findings],
                                     found)
                names = os.listdir(cache)
                self.assertEqual({n.split("-")[0] for n in names}, {"langtab", "isoimport"}, names)
        self.assertIn("cache_dir", cbecstd.pack.LOAD_OPTIONS)

    def test_lazy_load(self):
        """lazy_load: the same findings and digests; a pack that does not compile fails only its messages"""
        order = json.loads(ORDER)
        order["items"][0]["name"].update({"xq": "bad tag"})
        with cbecstd.Pack.load(support.PACKS) as whole, cbecstd.Pack.load(support.PACKS, lazy_load=True) as lazy:
            for msg in (order, json.loads(ORDER)):
                a, b = whole.validate(msg), lazy.validate(msg)
                self.assertEqual([(f.rule, f.path, f.message) for f in a.findings],
                                 [(f.rule, f.path, f.message) for f in b.findings])
                self.assertEqual(a.valid, b.valid)
            self.assertEqual([(p.label, p.digest) for p in lazy.packs], [(p.label, p.digest) for p in whole.packs])
        with tempfile.TemporaryDirectory() as d:
            with open(os.path.join(support.PACKS, "base.pack.json"), encoding="utf-8") as f:
                base = json.load(f)
            broken = dict(base, id="T-BROKEN", messages={"other": {
                "json": {"detect": {"path": "/messageType", "equals": "other"}},
                "rules": [{"id": "X-1", "path": "/x", "noSuchCheck": 1}]}})
            broken.pop("codelists", None)
            with open(os.path.join(d, "broken.pack.json"), "w", encoding="utf-8") as f:
                json.dump(broken, f)
            with self.assertRaises(cbecstd.PackError):
                cbecstd.Pack.load(d)
            with cbecstd.Pack.load(d, lazy_load=True) as lazy:
                rep = lazy.validate({"messageType": "other", "x": 1})
                self.assertFalse(rep.valid)
                self.assertEqual([f.rule for f in rep.findings], ["CBEC-PACK"])
                self.assertIn("noSuchCheck", rep.findings[0].message)
            with self.assertRaises(cbecstd.PackError):  # "auto" never defers an error
                cbecstd.Pack.load(d, lazy_load="auto", cache_dir=os.path.join(d, "cache"))
        self.assertIn("lazy_load", cbecstd.pack.LOAD_OPTIONS)

    def test_defer_compile(self):
        """defer_compile: a broken XSD loads, and fails the XML messages that need it"""
        with tempfile.TemporaryDirectory() as d:
            os.mkdir(os.path.join(d, "x"))
            with open(os.path.join(d, "x", "s.xsd"), "w") as f:
                f.write('<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:t">'
                        '<xs:element name="M" type="Nope"/></xs:schema>')
            pack_json = {
                "cbecstd_pack": 1, "id": "T-DEFER", "version": "1.0.0", "status": "active",
                "module": "compliance", "title": {"zh-CN": "测", "en": "t"},
                "messages": {"m": {"xml": {"root": {"name": "M", "namespace": "urn:t"}, "xsd": "x/s.xsd"}}}}
            path = os.path.join(d, "t.pack.json")
            with open(path, "w") as f:
                json.dump(pack_json, f)
            with self.assertRaises(cbecstd.PackError) as e:
                cbecstd.Pack.load(path)
            self.assertIn("does not compile", str(e.exception))
            eager_digest = None
            with cbecstd.Pack.load(path, defer_compile=True) as pack:
                r = pack.validate(b'<t:M xmlns:t="urn:t"/>', format="xml")
                self.assertFalse(r.valid)
                self.assertEqual([f.rule for f in r.findings], ["CBEC-XSD"])
                self.assertIn('XSD "x/s.xsd" of pack T-DEFER@1.0.0 does not compile', r.findings[0].message)
                r.close()
                deferred_digest = pack.packs[0].digest
            # fixed, it loads either way with the same digest
            with open(os.path.join(d, "x", "s.xsd"), "w") as f:
                f.write('<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:t">'
                        '<xs:element name="M" type="xs:string"/></xs:schema>')
            with cbecstd.Pack.load(path) as pack:
                eager_digest = pack.packs[0].digest
                self.assertTrue(pack.validate(b'<t:M xmlns:t="urn:t">a</t:M>', format="xml").valid)
            with cbecstd.Pack.load(path, defer_compile=True) as pack:
                self.assertEqual(pack.packs[0].digest, eager_digest)
                self.assertTrue(pack.validate(b'<t:M xmlns:t="urn:t">a</t:M>', format="xml").valid)
            self.assertNotEqual(deferred_digest, eager_digest)


PRIVATE_PACK = {
    "cbecstd_pack": 1, "id": "T-PRIV", "version": "1.0.0", "status": "active", "module": "data",
    "title": {"zh-CN": "隐私", "en": "Privacy"},
    "messages": {"note": {
        "json": {"detect": {"path": "/kind", "equals": "note"}},
        "classification": {"/buyer/idNumber": "sensitive-personal", "/buyer/phone": "personal",
                           "/memo": "internal"},
        "rules": [{"id": "N-1", "path": "/buyer/phone", "pattern": "^[+][0-9]{8,15}$"}],
    }},
}
PRIVATE_MSG = {"kind": "note", "memo": "call back",
               "buyer": {"idNumber": "110105199003071239", "phone": "+8613812345678x", "name": "Zhang"}}


class RedactTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.pack = cbecstd.Pack()
        with cbecstd.RulePack.from_bytes(PRIVATE_PACK) as rp:
            cls.pack.add(rp)

    @classmethod
    def tearDownClass(cls):
        cls.pack.close()

    def test_mask(self):
        """personal fields are masked in the copy; internal ones only on request"""
        r = self.pack.redact(PRIVATE_MSG)
        self.assertEqual((r.count, r.message_type), (2, "note"))
        copy = r.json()
        self.assertNotIn("110105199003071239", r.data.decode())
        self.assertNotIn("13812345678", r.data.decode())
        self.assertEqual(copy["buyer"]["name"], "Zhang")
        self.assertEqual(copy["memo"], "call back")
        self.assertTrue(copy["buyer"]["idNumber"].startswith("1101"))

    def test_remove(self):
        """remove=True drops the fields; internal=True also drops internal ones"""
        copy = self.pack.redact(PRIVATE_MSG, remove=True, internal=True).json()
        self.assertEqual(copy, {"kind": "note", "buyer": {"name": "Zhang"}})

    def test_findings_never_quote_personal_values(self):
        """a finding on a personal field quotes it masked"""
        msg = self.pack.validate(PRIVATE_MSG).findings[0].message
        self.assertNotIn("13812345678", msg)

    def test_errors(self):
        """unreadable messages and unknown types raise, without quoting the message"""
        with self.assertRaises(cbecstd.InvalidArgumentError) as cm:
            self.pack.redact(b'{"secret-value-123": ')
        self.assertNotIn("secret-value-123", str(cm.exception))
        with self.assertRaises(cbecstd.NotFoundError):
            self.pack.redact(b"{}", type="nope")


class ExampleScriptTest(unittest.TestCase):
    def test_validate_example(self):
        """examples/validate.py prints findings with positions and exits like the CLI"""
        import subprocess
        import sys
        script = os.path.join(support.BINDING, "examples", "validate.py")
        with tempfile.TemporaryDirectory() as d:
            bad = os.path.join(d, "bad.json")
            with open(bad, "wb") as f:
                f.write(ORDER.replace(b'"tradeMode": "9610"', b'"tradeMode": "0000"'))
            good = os.path.join(support.EXAMPLES, "order.json")
            env = support.subprocess_env()
            r = subprocess.run([sys.executable, script, "--packs", support.PACKS, good], env=env,
                               capture_output=True, text=True, timeout=120)
            self.assertEqual((r.returncode, r.stdout.strip()), (0, good + ": order: valid"), r.stderr)
            r = subprocess.run([sys.executable, script, "--packs", support.PACKS, "--lang", "zh-CN", bad, good],
                               env=env, capture_output=True, text=True, timeout=120)
            self.assertEqual(r.returncode, 1, r.stderr)
            self.assertRegex(r.stdout, r"bad\.json:\d+:\d+: error \[ORD-003\] /tradeMode: ")
            r = subprocess.run([sys.executable, script, os.path.join(d, "missing.json")], env=env,
                               capture_output=True, text=True, timeout=120)
            self.assertEqual(r.returncode, 2)
            self.assertIn("missing.json", r.stderr)


if __name__ == "__main__":
    unittest.main()
