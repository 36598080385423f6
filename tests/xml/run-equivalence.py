#!/usr/bin/env python3
"""One rule set across formats: inject each defect of equivalence.json into
the JSON example order and into the equivalent CEB311 message, validate both
with the order pack (type "order"), and check that the new findings are the
same rules, with the same messages (values quoted), in both formats, that they are the ones
the defect calls for, and that the XML finding points at the element the
defect changed.  The two clean documents must both be free of findings.
Prints TAP.

usage: run-equivalence.py --cbecstd PATH --models DIR [SPEC]"""
import argparse
import collections
import copy
import json
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
NS = "http://www.chinaport.gov.cn/ceb"


def set_pointer(doc, pointer, value):
    parts = [p.replace("~1", "/").replace("~0", "~") for p in pointer.split("/")[1:]]
    cur = doc
    for p in parts[:-1]:
        cur = cur[int(p)] if isinstance(cur, list) else cur[p]
    last = parts[-1]
    if isinstance(cur, list):
        if value is None:
            del cur[int(last)]
        else:
            cur[int(last)] = value
    elif value is None:
        cur.pop(last, None)
    else:
        cur[last] = value


def find_xml(root, path):
    """Elements by a path of local names with optional [n]; the first step
    names the root."""
    steps = path.split("/")
    if steps[0].split("[")[0] != root.tag.split("}")[1]:
        raise KeyError(path)
    parent, cur = None, root
    for step in steps[1:]:
        name, _, idx = step.partition("[")
        kids = [k for k in cur if k.tag == "{%s}%s" % (NS, name)]
        n = int(idx.rstrip("]")) if idx else 1
        parent, cur = cur, kids[n - 1]
    return parent, cur


def run(cbecstd, args, path):
    r = subprocess.run([cbecstd, "validate", "-o", "json"] + args + [path], capture_output=True)
    if r.returncode not in (0, 1):
        raise RuntimeError("exit %d: %s" % (r.returncode, r.stderr.decode("utf-8", "replace")))
    rep = json.loads(r.stdout.decode("utf-8").splitlines()[0])
    return rep


def findings(rep):
    return [f for f in rep["findings"] if f["severity"] in ("error", "warning")]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cbecstd", required=True)
    ap.add_argument("--models", required=True, help="directory holding examples/order.json")
    ap.add_argument("spec", nargs="?", default=os.path.join(HERE, "equivalence.json"))
    a = ap.parse_args()
    spec = json.load(open(a.spec, encoding="utf-8"))
    base_json = json.load(open(os.path.join(a.models, "examples", spec["json"]), encoding="utf-8"))
    ET.register_namespace("ceb", NS)
    xml_path = os.path.join(HERE, spec["xml"])
    defects = spec["defects"]
    print("1..%d" % (len(defects) + 1))
    failed = 0
    tmp = tempfile.mkdtemp(prefix="cbec-equiv-")
    jargs, xargs = ["-t", "order", "-f", "json"], ["-t", "order", "-f", "xml"]
    try:
        jpath, xpath = os.path.join(tmp, "order.json"), os.path.join(tmp, "order.xml")
        with open(jpath, "w", encoding="utf-8") as f:
            json.dump(base_json, f, ensure_ascii=False)
        errs = []
        base_j = findings(run(a.cbecstd, jargs, jpath))
        base_x = findings(run(a.cbecstd, xargs, xml_path))
        if base_j or base_x:
            errs.append("clean documents have findings: json %s, xml %s" %
                        ([f["rule"] for f in base_j], [f["rule"] for f in base_x]))
        print(("not ok" if errs else "ok") + " 1 - the clean JSON order and the clean CEB311 order have no findings")
        for e in errs:
            print("#   " + e)
        failed += bool(errs)
        for n, d in enumerate(defects, 2):
            errs = []
            doc = copy.deepcopy(base_json)
            for ptr, val in d["json"]:
                set_pointer(doc, ptr, val)
            with open(jpath, "w", encoding="utf-8") as f:
                json.dump(doc, f, ensure_ascii=False)
            tree = ET.parse(xml_path)
            for p, val in d["xml"]:
                parent, el = find_xml(tree.getroot(), p)
                if val is None:
                    parent.remove(el)
                else:
                    el.text = val
            tree.write(xpath, encoding="UTF-8", xml_declaration=True)
            fj, fx = findings(run(a.cbecstd, jargs, jpath)), findings(run(a.cbecstd, xargs, xpath))
            rj = collections.Counter(f["rule"] for f in fj)
            rx = collections.Counter(f["rule"] for f in fx)
            if rj != rx:
                errs.append("rules differ: json %s, xml %s" % (dict(rj), dict(rx)))
            if sorted(set(rj)) != sorted(d["expect"]):
                errs.append("json findings %s, expected %s" % (sorted(rj), d["expect"]))
            if sorted(set(rx)) != sorted(d["expect"]):
                errs.append("xml findings %s, expected %s" % (sorted(rx), d["expect"]))
            # the messages quote the values and the expectations: the same words
            vj = sorted((f["rule"], f["message"]) for f in fj)
            vx = sorted((f["rule"], f["message"]) for f in fx)
            if vj != vx:
                errs.append("messages differ: json %s, xml %s" % (vj, vx))
            first = [f for f in fx if f["rule"] == d["expect"][0]]
            if not first or first[0]["path"] != d["xml_path"]:
                errs.append("xml finding at %s, expected %s" % (first[0]["path"] if first else None, d["xml_path"]))
            elif not first[0].get("line"):
                errs.append("xml finding has no line")
            print(("not ok" if errs else "ok") + " %d - %s: %s" % (n, d["id"], d["what"]))
            for e in errs:
                print("#   " + e)
            failed += bool(errs)
    finally:
        for f in os.listdir(tmp):
            os.unlink(os.path.join(tmp, f))
        os.rmdir(tmp)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
