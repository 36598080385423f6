#!/usr/bin/env python3
"""Docs follow code: every public function is in doc/api.md, every status
code and built-in finding in doc/errors.md, every check kind in
doc/authoring.md, every command-line option in doc/cbecstd.1; every pack,
rule and code-list example of doc/authoring.md loads, and every example
message gives the verdict and findings the guide claims; relative links in
README.md and doc/*.md lead to files that exist.  Prints TAP."""
import argparse
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

SRC = os.environ.get("CBEC_SOURCE_DIR", os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
DOC = os.path.join(SRC, "doc")

results = []


def case(name):
    def deco(fn):
        results.append((name, fn))
        return fn
    return deco


def check(cond, msg):
    if not cond:
        raise AssertionError(msg)


def read(*parts):
    with open(os.path.join(SRC, *parts), encoding="utf-8") as f:
        return f.read()


def header_functions():
    text = re.sub(r"/\*.*?\*/", " ", read("include", "cbecstd.h"), flags=re.S)
    return sorted(set(re.findall(r"\bCBEC_API\b[^;(]*?\b(cbec_\w+)\s*\(", text)))


def check_kinds():
    """The rule keys of every registered check kind."""
    keys = set()
    for path in glob.glob(os.path.join(SRC, "src", "rules", "*.c")):
        with open(path, encoding="utf-8") as f:
            keys.update(re.findall(r"const cbec_check_kind cbec__kind_\w+\s*=\s*\{\s*\"(\w+)\"", f.read()))
    return sorted(keys)


def builtin_rules():
    ids = set()
    for path in glob.glob(os.path.join(SRC, "src", "**", "*.c"), recursive=True):
        with open(path, encoding="utf-8") as f:
            ids.update(re.findall(r'"(CBEC-[A-Z0-9-]*[A-Z0-9])"', f.read()))
    return sorted(ids)


@case("doc/api.md covers every public function of cbecstd.h")
def _():
    api = read("doc", "api.md")
    fns = header_functions()
    check(len(fns) > 60, fns)
    missing = [f for f in fns if not re.search(r"\b%s\b" % f, api)]
    check(not missing, "document in doc/api.md: %s" % ", ".join(missing))


@case("doc/errors.md lists every status code with its value, and every built-in finding")
def _():
    errors = read("doc", "errors.md")
    header = read("include", "cbecstd.h")
    codes = re.findall(r"\b(CBEC_(?:OK|E[A-Z]+))\s*=\s*(-?\d+)", header)
    check(len(codes) >= 12, codes)
    for name, value in codes:
        check(re.search(r"`%s` \| %s \|" % (name, value), errors), "doc/errors.md: no row for %s = %s" % (name, value))
    ids = builtin_rules()
    check(len(ids) > 10, ids)
    missing = [i for i in ids if "`%s`" % i not in errors]
    check(not missing, "document these built-in findings in doc/errors.md: %s" % ", ".join(missing))


@case("doc/authoring.md explains every check kind, and a tested example uses each")
def _():
    guide = read("doc", "authoring.md")
    kinds = check_kinds()
    check(len(kinds) > 15, kinds)
    missing = [k for k in kinds if "`%s`" % k not in guide]
    check(not missing, "explain these check kinds in doc/authoring.md: %s" % ", ".join(missing))
    used = set()
    for kind, _, obj in authoring_blocks():
        for rule in rules_of(kind, obj):
            used.update(rule)
    unused = [k for k in kinds if k not in used]
    check(not unused, "no example in doc/authoring.md uses: %s" % ", ".join(unused))


@case("doc/cbecstd.1 documents every long option of every subcommand")
def _():
    man = read("doc", "cbecstd.1").replace("\\-", "-")
    opts = set()
    for path in glob.glob(os.path.join(SRC, "tools", "*.[ch]")):
        with open(path, encoding="utf-8") as f:
            opts.update(re.findall(r'\{"([a-z][a-z0-9-]*)",\s*(?:no|required|optional)_argument', f.read()))
    opts.discard("help")
    check(len(opts) > 10, opts)
    missing = sorted(o for o in opts if not re.search(r"--%s\b" % re.escape(o), man))
    check(not missing, "document in doc/cbecstd.1: %s" % ", ".join("--" + o for o in missing))


@case("relative links in README.md and doc/*.md lead to existing files")
def _():
    bad = []
    for path in [os.path.join(SRC, "README.md")] + glob.glob(os.path.join(DOC, "*.md")) + \
            [os.path.join(SRC, "bindings", "python", "README.md")]:
        with open(path, encoding="utf-8") as f:
            text = f.read()
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text):
            if re.match(r"^[a-z]+:", target):
                continue
            if not os.path.exists(os.path.join(os.path.dirname(path), target)):
                bad.append("%s -> %s" % (os.path.relpath(path, SRC), target))
    check(not bad, "broken links: %s" % "; ".join(bad))


# ---- the examples of doc/authoring.md ----

SNIPPET_PACK = {
    "cbecstd_pack": 1, "id": "DOC-SNIPPET", "version": "1.0.0", "status": "active", "module": "data",
    "title": {"zh-CN": "示例", "en": "Snippet"},
    "codelists": {
        "tradeMode": {"codes": ["9610", "1210", "9710", "9810", "0110"]},
        "currency": {"import": "iso-codes:4217/alpha_3", "exclude": ["XTS", "XXX"]},
        "minorUnits": {"codes": [{"code": "CNY", "attributes": {"minorUnit": "2"}},
                                 {"code": "JPY", "attributes": {"minorUnit": "0"}}]},
        "customsCurrency": {"codes": [{"code": "142", "attributes": {"iso": "CNY"}}],
                            "mapsTo": {"currency": "iso"}},
    },
    "statemachines": {"parcel": {"states": ["CREATED", "DELIVERED"], "terminal": ["DELIVERED"],
                                 "transitions": {"CREATED": ["DELIVERED"]}}},
    "messages": {"demo": {"json": {"detect": {"path": "/messageType", "equals": "demo"}}, "rules": []}},
}


def authoring_blocks():
    """(kind, note, value) of every JSON code block of doc/authoring.md:
    kind is "pack:NAME", "message:NAME" (note: the expectation), "rule",
    "codelists", "pack" (a full pack with no name) or "skip"."""
    text = read("doc", "authoring.md")
    out = []
    for m in re.finditer(r"(?:<!--\s*(pack|message):\s*(.*?)\s*-->\s*\n)?```json\n(.*?)```", text, re.S):
        tag, note, body = m.group(1), m.group(2), m.group(3)
        if "…" in body:                      # an outline with elisions
            out.append(("skip", "", None))
            continue
        try:
            value = json.loads(body)
        except ValueError:
            value = json.loads("{" + body + "}")     # a member, e.g. "codelists": {...}
            if set(value) != {"codelists"}:
                raise AssertionError("doc/authoring.md: a JSON block that is neither whole nor a codelists member: %s" % body[:80])
            out.append(("codelists", "", value["codelists"]))
            continue
        if tag == "pack":
            out.append(("pack:" + note.split()[0], note, value))
        elif tag == "message":
            out.append(("message:" + note.split()[0], note, value))
        elif isinstance(value, dict) and "cbecstd_pack" in value:
            out.append(("pack", "", value))
        elif isinstance(value, dict) and "id" in value and "path" in value:
            out.append(("rule", "", value))
        else:
            raise AssertionError("doc/authoring.md: a JSON block with no role: %s" % body[:80])
    return out


def rules_of(kind, obj):
    if kind == "rule":
        return [obj]
    if kind.startswith("pack") and obj:
        return [r for m in obj.get("messages", {}).values() for r in m.get("rules", [])]
    return []


def validate(packs, message):
    """Run the CLI on one message; the parsed JSON report."""
    cmd = [CBECSTD, "validate", "-o", "json"]
    for p in packs:
        cmd += ["-p", p]
    r = subprocess.run(cmd + ["-"], input=message, capture_output=True, timeout=120)
    check(r.returncode in (0, 1), "cbecstd validate failed (%d): %s" % (r.returncode, r.stderr.decode()))
    return json.loads(r.stdout)


def write_pack(d, name, obj):
    path = os.path.join(d, name + ".pack.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(obj, f, ensure_ascii=False, indent=1)
    return path


def lint(path):
    r = subprocess.run([CBECSTD, "pack", "lint", path], capture_output=True, timeout=120)
    check(r.returncode == 0, "%s: %s" % (os.path.basename(path), r.stderr.decode().strip()))


@case("doc/authoring.md: every rule snippet and code list loads in a pack")
def _():
    blocks = authoring_blocks()
    snippets = [v for k, _, v in blocks if k == "rule"]
    check(len(snippets) >= 15, len(snippets))
    with tempfile.TemporaryDirectory() as d:
        shutil.copytree(os.path.join(SRC, "packs", "data"), os.path.join(d, "data"))
        for i, rule in enumerate(snippets):
            pack = json.loads(json.dumps(SNIPPET_PACK))
            pack["messages"]["demo"]["rules"] = [rule]
            lint(write_pack(d, "rule-%02d-%s" % (i, rule["id"]), pack))
            os.remove(os.path.join(d, "rule-%02d-%s.pack.json" % (i, rule["id"])))
        for i, lists in enumerate(v for k, _, v in blocks if k == "codelists"):
            pack = json.loads(json.dumps(SNIPPET_PACK))
            pack["codelists"] = lists
            pack.pop("statemachines")
            lint(write_pack(d, "codelists-%d" % i, pack))


@case("doc/authoring.md: the worked packs load and their messages give the findings shown")
def _():
    blocks = authoring_blocks()
    named = {k.split(":", 1)[1]: v for k, _, v in blocks if k.startswith("pack:")}
    check(len(named) >= 4, sorted(named))
    messages = [(k.split(":", 1)[1], note, v) for k, note, v in blocks if k.startswith("message:")]
    check(len(messages) >= 2 * len(named), len(messages))
    with tempfile.TemporaryDirectory() as d:
        paths = {}
        for name, obj in named.items():
            paths[name] = write_pack(d, name, obj)
            lint(paths[name])
        for name, note, msg in messages:
            check(name in paths, "message for unknown pack %s" % name)
            words = note.split()
            verdict = words[1]
            rep = validate([paths[name]], json.dumps(msg, ensure_ascii=False).encode())
            check(rep["valid"] == (verdict == "valid"),
                  "%s: expected %s, got %s: %s" % (name, verdict, rep["valid"], rep["findings"]))
            want = words[2:]
            check(len(want) % 2 == 0, note)
            got = {(f["rule"], f["path"]) for f in rep["findings"]}
            for rule, path in zip(want[::2], want[1::2]):
                path = "" if path == '""' else path
                check((rule, path) in got, "%s: no finding %s at %r; got %s" % (name, rule, path, sorted(got)))
            if verdict == "invalid":
                errors = {(f["rule"], f["path"]) for f in rep["findings"] if f["severity"] == "error"}
                extra = errors - {(r, "" if p == '""' else p) for r, p in zip(want[::2], want[1::2])}
                check(not extra, "%s: findings the guide does not mention: %s" % (name, sorted(extra)))


@case("doc/authoring.md: the layering example extends the reference packs")
def _():
    layered = [v for k, _, v in authoring_blocks() if k == "pack"]
    check(layered, "no layering example")
    with tempfile.TemporaryDirectory() as d:
        for i, obj in enumerate(layered):
            p = write_pack(d, "layered-%d" % i, obj)
            with open(os.path.join(SRC, "examples", "order.json"), "rb") as f:
                # the national packs it extends, not other platform packs
                # that refine the same type (those would be ambiguous)
                bases = [os.path.join(SRC, "packs", n) for n in ("base.pack.json", "order.pack.json")]
                rep = validate(bases + [p], f.read())
            check(rep["valid"], rep["findings"])
            check(any(x["pack"].startswith(obj["id"]) for x in rep.get("packs", [])) or rep["valid"], rep)


def schema_validate(schema, files):
    """{file: [(rule, path)]} of the error findings of validating files
    against a JSON Schema with the library's own JSON Schema support."""
    r = subprocess.run([CBECSTD, "validate", "--schema", schema, "-o", "json", *files],
                       capture_output=True, timeout=300)
    check(r.returncode in (0, 1), "cbecstd validate --schema failed: %s" % r.stderr.decode())
    out = {}
    for line in r.stdout.decode().splitlines():
        rep = json.loads(line)
        if "source" in rep:
            out[rep["source"]] = [(f["path"], f["message"]) for f in rep["findings"] if f["severity"] == "error"]
    return out


@case("doc/pack.schema.json describes every check kind and format section, and every pack conforms")
def _():
    schema_path = os.path.join(DOC, "pack.schema.json")

    def no_duplicates(pairs):
        keys = [k for k, _ in pairs]
        dup = sorted(k for k in set(keys) if keys.count(k) > 1)
        check(not dup, "doc/pack.schema.json names these keys twice in one object: %s" % dup)
        return dict(pairs)

    schema = json.loads(read("doc", "pack.schema.json"), object_pairs_hook=no_duplicates)
    rule_props = schema["$defs"]["rule"]["properties"]
    missing = [k for k in check_kinds() if k not in rule_props]
    check(not missing, "describe these check kinds in doc/pack.schema.json: %s" % ", ".join(missing))
    sections = re.findall(r'\{"(\w+)", CBEC_FORMAT_\w+,', read("src", "pack", "sections.c"))
    check(sections, "no format section found in src/pack/sections.c")
    missing = [s for s in sections if s not in schema["$defs"]["messageType"]["properties"]]
    check(not missing, "describe these format sections in doc/pack.schema.json: %s" % ", ".join(missing))
    try:
        import jsonschema
        jsonschema.Draft202012Validator.check_schema(schema)
    except ImportError:
        pass   # the library's own check below still reads the schema
    packs = sorted(glob.glob(os.path.join(SRC, "packs", "**", "*.pack.json"), recursive=True))
    for exp in glob.glob(os.path.join(SRC, "tests", "cases", "**", "expected.json"), recursive=True):
        pack = os.path.join(os.path.dirname(exp), "pack.json")
        with open(exp, encoding="utf-8") as f:
            if os.path.exists(pack) and json.load(f).get("exit") != 2:
                packs.append(pack)
    check(len(packs) >= 4, packs)
    with tempfile.TemporaryDirectory() as d:
        for k, _, obj in authoring_blocks():
            if k.startswith("pack"):
                packs.append(write_pack(d, "guide-%d" % len(packs), obj))
        bad = {f: errs for f, errs in schema_validate(schema_path, packs).items() if errs}
        check(not bad, "packs the schema refuses: %s" % json.dumps(bad, ensure_ascii=False)[:2000])
        # and it is not a schema that accepts anything
        with open(packs[0], encoding="utf-8") as f:
            wrong = json.load(f)
        wrong["messages"][next(iter(wrong["messages"]))].setdefault("rules", []).append(
            {"id": "X-1", "path": "/a", "patern": "^a$"})
        wrong["staus"] = "active"
        probe = write_pack(d, "wrong", wrong)
        found = schema_validate(schema_path, [probe])[probe]
        paths = {p for p, _ in found}
        check("/staus" in paths and any(p.endswith("/patern") for p in paths), found)


def main():
    global CBECSTD
    ap = argparse.ArgumentParser()
    ap.add_argument("--cbecstd", required=True)
    CBECSTD = os.path.abspath(ap.parse_args().cbecstd)
    print("1..%d" % len(results))
    failed = 0
    for i, (name, fn) in enumerate(results, 1):
        try:
            fn()
            print("ok %d - %s" % (i, name))
        except Exception as e:
            failed += 1
            print("not ok %d - %s" % (i, name))
            for line in str(e).splitlines():
                print("#   " + line)
    print("# %d passed, %d failed" % (len(results) - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
