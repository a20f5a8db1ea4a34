#!/usr/bin/env python3
"""tests/trace/check-json.py FILE... - each FILE is one `nfemu trace --json` document valid
against tests/trace/schema.json (a self-contained validator of the JSON Schema subset the
schema uses: type, enum, required, properties, additionalProperties, items, minItems,
minimum), and its steps' in_step point at hook steps.  Exit 0 all valid, 1 otherwise."""
import json
import os
import sys

TYPES = {"object": dict, "array": list, "string": str, "boolean": bool, "null": type(None)}


def is_type(v, t):
    if t == "integer":
        return isinstance(v, int) and not isinstance(v, bool)
    return isinstance(v, TYPES[t]) and not (t != "boolean" and isinstance(v, bool))


def check(v, s, path, errs):
    if "type" in s:
        ts = s["type"] if isinstance(s["type"], list) else [s["type"]]
        if not any(is_type(v, t) for t in ts):
            errs.append("%s: %r is not %s" % (path, v, "/".join(ts)))
            return
    if "enum" in s and v not in s["enum"]:
        errs.append("%s: %r is not one of %s" % (path, v, s["enum"]))
    if "minimum" in s and isinstance(v, int) and v < s["minimum"]:
        errs.append("%s: %d < %d" % (path, v, s["minimum"]))
    if isinstance(v, dict):
        for k in s.get("required", []):
            if k not in v:
                errs.append("%s: missing %s" % (path, k))
        props = s.get("properties", {})
        for k, sub in v.items():
            if k in props:
                check(sub, props[k], "%s.%s" % (path, k), errs)
            elif s.get("additionalProperties") is False:
                errs.append("%s: unexpected %s" % (path, k))
    if isinstance(v, list):
        if len(v) < s.get("minItems", 0):
            errs.append("%s: fewer than %d items" % (path, s["minItems"]))
        for i, sub in enumerate(v):
            if "items" in s:
                check(sub, s["items"], "%s[%d]" % (path, i), errs)


def main():
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "schema.json")) as f:
        schema = json.load(f)
    bad = 0
    for path in sys.argv[1:]:
        errs = []
        try:
            with open(path) as f:
                doc = json.loads(f.read())
        except ValueError as e:
            errs.append("not one JSON document: %s" % e)
        else:
            check(doc, schema, "$", errs)
            for p in doc.get("packets", []) if isinstance(doc, dict) else []:
                steps = p.get("steps", [])
                for i, st in enumerate(steps):
                    j = st.get("in_step")
                    if j is not None and not (j < i and steps[j].get("type") == "hook"):
                        errs.append("packet %s step %d: in_step %d is not an earlier hook step"
                                    % (p.get("id"), i, j))
        for e in errs:
            print("%s: %s" % (path, e))
        bad += bool(errs)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
