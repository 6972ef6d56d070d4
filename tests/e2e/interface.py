"""interface.py - every path docs/INTERFACE.md documents is present in the JSON the program
really prints (run by tests/e2e/interface.sh, which writes the outputs into FN_TMP/out/)."""
import json, os, re, sys

doc = open(os.path.join(os.environ["FN_ROOT"], "docs/INTERFACE.md")).read()
out = os.path.join(os.environ["FN_TMP"], "out")
n = failed = 0


def ok(cond, desc, detail=""):
    global n, failed
    n += 1
    failed += not cond
    print(("ok %d - %s" if cond else "not ok %d - %s") % (n, desc))
    if not cond and detail:
        print("# " + str(detail)[:400])


def has(obj, path):
    """a.b, a[].b: every element of a non-empty array must have the rest."""
    head, _, rest = path.partition(".")
    arr = head.endswith("[]")
    key = head[:-2] if arr else head
    if not isinstance(obj, dict) or key not in obj:
        return False
    v = obj[key]
    if arr:
        if not isinstance(v, list) or not v:
            return False
        return all(has(x, rest) for x in v) if rest else True
    return has(v, rest) if rest else True


shapes = re.findall(r"<!-- fields: ([\w-]+) -->\n((?:\|.*\n)+)", doc)
ok(len(shapes) == 8, "docs/INTERFACE.md documents every shape", [s[0] for s in shapes])
for name, table in shapes:
    paths = re.findall(r"^\| `([^`]+)` \|", table, re.M)
    try:
        with open(os.path.join(out, name + ".json")) as f:
            obj = json.loads(f.readline())
    except (OSError, ValueError) as e:
        ok(False, "%s: the program's output parses" % name, e)
        continue
    missing = [p for p in paths if not has(obj, p)]
    ok(paths and not missing, "%s: all %d documented paths are present" % (name, len(paths)), missing)
    ok(obj.get("version") == 1, "%s: version 1" % name, obj.get("version"))
print("1..%d" % n)
sys.exit(1 if failed else 0)
