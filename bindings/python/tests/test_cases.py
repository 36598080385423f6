"""test_cases.py - the C suite's data-driven cases (tests/cases/<family>/
<case>/), run through the Python binding, so that C and Python agree.

The case format is tests/run-cases.py's: message.*, an optional pack.json
and expected.json with "args" (cbecstd validate options), "exit",
"valid", "type", "findings" and "complete".  The CLI options that change
a validation are mapped onto the binding; a case using an option the
binding has no equivalent for is reported as a TAP skip naming it.
"""
import argparse
import glob
import json
import os
import unittest

import support

import cbecstd


def _parser():
    p = argparse.ArgumentParser(add_help=False, exit_on_error=False)
    p.add_argument("-p", "--pack", action="append", default=[])
    p.add_argument("-t", "--type")
    p.add_argument("-f", "--format", default="auto")
    p.add_argument("-o", "--output")             # rendering only
    p.add_argument("-L", "--lang", default="en")
    p.add_argument("--ndjson", action="store_true")
    p.add_argument("-q", "--quiet", action="store_true")
    p.add_argument("--stats", action="store_true")
    p.add_argument("-j", "--jobs")               # threads only
    p.add_argument("-D", "--date")
    p.add_argument("-A", "--allow-draft", action="store_true")
    p.add_argument("-P", "--previous-state")
    p.add_argument("--schema")
    p.add_argument("--draft")
    p.add_argument("-r", "--resource", action="append", default=[])
    p.add_argument("--format-assert", action="store_true")
    return p


class CaseSkip(Exception):
    pass


def parse_args(args):
    try:
        ns, rest = _parser().parse_known_args(args)
    except (argparse.ArgumentError, SystemExit) as e:
        raise CaseSkip("arguments %r: %s" % (args, e))
    if rest:
        raise CaseSkip("the CLI option(s) %s have no binding equivalent" % " ".join(rest))
    return ns


def message_file(case):
    for f in sorted(os.listdir(case)):
        if f.startswith("message."):
            return os.path.join(case, f)
    return None


def resolve(case, path):
    for base in (case, support.SRC):
        p = os.path.join(base, path)
        if os.path.exists(p):
            return p
    return path


_PACKS = {}


def load_packs(paths, **options):
    key = (tuple(paths), json.dumps(options, sort_keys=True))
    if key not in _PACKS:
        _PACKS[key] = cbecstd.Pack.load(*paths, **options)
    return _PACKS[key]


def load_options(ns):
    """The load options the CLI's JSON Schema options stand for."""
    options = {}
    if ns.draft:
        options["schema_draft"] = ns.draft
    if ns.format_assert:
        options["schema_format_assert"] = True
    dirs = {}
    for r in ns.resource:
        prefix, sep, directory = r.partition("=")
        if not sep:
            raise CaseSkip("malformed -r %r" % r)
        dirs[prefix] = directory
    if dirs:
        options["resource_dirs"] = dirs
    return options


def open_packs(paths, ns):
    """The Pack the CLI would validate with: the named packs, and with
    --schema the schema's pack (message type "schema")."""
    options = load_options(ns)
    if not ns.schema:
        return load_packs(paths, **options), ns.type
    pack = cbecstd.Pack()
    try:
        if paths:
            pack.reload(*paths, **options)
        schema = cbecstd.RulePack.from_schema(ns.schema, draft=ns.draft, format_assert=ns.format_assert,
                                              resource_dirs=options.get("resource_dirs"))
        with schema:
            pack.add(schema)
    except BaseException:
        pack.close()
        raise
    _OWNED.append(pack)
    return pack, "schema"


_OWNED = []


def run_case(case):
    """The list of differences from expected.json (empty: the case passes)."""
    with open(os.path.join(case, "expected.json"), encoding="utf-8") as f:
        exp = json.load(f)
    ns = parse_args([a.replace("{case}", case) for a in exp.get("args", [])])
    msg = message_file(case)
    if msg is None:
        return ["no message.* file"]
    packs = []
    if os.path.exists(os.path.join(case, "pack.json")):
        packs.append(os.path.join(case, "pack.json"))
    packs += [resolve(case, p) for p in ns.pack]
    if not packs and not ns.schema:
        packs = [support.PACKS]
    want_exit = exp.get("exit", 1 if exp.get("findings") else 0)
    with open(msg, "rb") as f:
        data = f.read()
    try:
        pack, msg_type = open_packs(packs, ns)
        options = {}
        if ns.date:
            options["date"] = ns.date
        if ns.allow_draft:
            options["allow_inactive"] = True
        if ns.previous_state is not None:
            options["previous_state"] = ns.previous_state
        with pack.validator(**options) as v:
            if ns.ndjson:
                reports = [v.validate(raw, type=msg_type, format=ns.format, lang=ns.lang)
                           for _, raw in cbecstd.iter_ndjson(data.splitlines(keepends=True))]
            else:
                reports = [v.validate(data, type=msg_type, format=ns.format, lang=ns.lang)]
    except cbecstd.CbecError as e:
        if want_exit == 2:
            return []
        return ["%s: %s" % (type(e).__name__, e)]
    if want_exit == 2:
        return ["expected a failure (exit 2), got %d report(s)" % len(reports)]
    if len(reports) != 1:
        return ["expected one report, got %d" % len(reports)]
    rep = reports[0]
    errors = []
    if rep.valid != (want_exit == 0):
        errors.append("valid is %s, but the expected exit is %d" % (rep.valid, want_exit))
    if "valid" in exp and rep.valid != exp["valid"]:
        errors.append("valid is %s, expected %s" % (rep.valid, exp["valid"]))
    if "type" in exp and rep.message_type != exp["type"]:
        errors.append("type is %r, expected %r" % (rep.message_type, exp["type"]))
    got = [f.to_dict() for f in rep.findings]
    for want in exp.get("findings", []):
        match = next((f for f in got if all(f.get(k) == v for k, v in want.items())), None)
        if match is None:
            errors.append("missing finding %s" % json.dumps(want, ensure_ascii=False))
        else:
            got.remove(match)
    if exp.get("complete", True):
        for f in got:
            if f["severity"] == "error":
                errors.append("unexpected finding %s %s: %s" % (f["rule"], f["path"], f["message"]))
    return errors


class CasesTest(unittest.TestCase):
    """One test per case directory (added below)."""

    @classmethod
    def tearDownClass(cls):
        for p in list(_PACKS.values()) + _OWNED:
            p.close()
        _PACKS.clear()
        del _OWNED[:]


def _make(case):
    def test(self):
        try:
            errs = run_case(case)
        except CaseSkip as e:
            self.skipTest(str(e))
        if errs:
            self.fail("\n".join(errs))
    test.__doc__ = os.path.relpath(case, support.CASES)
    return test


CASE_DIRS = sorted(os.path.dirname(p) for p in
                   glob.glob(os.path.join(support.CASES, "**", "expected.json"), recursive=True))
for _case in CASE_DIRS:
    _name = "test_" + os.path.relpath(_case, support.CASES).replace(os.sep, "__").replace("-", "_")
    setattr(CasesTest, _name, _make(_case))


class CasesFoundTest(unittest.TestCase):
    def test_cases_exist(self):
        """the case directories were found (the suite is not silently empty)"""
        self.assertGreater(len(CASE_DIRS), 10, support.CASES)


if __name__ == "__main__":
    unittest.main()
