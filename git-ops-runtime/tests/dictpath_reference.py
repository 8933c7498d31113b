"""
The reference side of tests/dictpath_differential.rs: runs inmanta-core's
`inmanta.util.dict_path` (the original dict-path implementation) on a batch of
cases read as JSON from stdin and writes the outcomes as JSON to stdout.

Each lookup runs twice: with inmanta-core as it is ("original") and with
`NormalValue.matches` changed to the two matching decisions of
docs/dict-paths.md ("adjusted": a number never matches a boolean, an integer
text is compared exactly with an integer). Everything else is inmanta-core's.
"""

import copy
import json
import sys

from inmanta.util import dict_path as dp


def enc_key(key):
    return "*" if isinstance(key, dp.WildCardValue) else {"text": key.value}


def enc_value(value):
    if isinstance(value, dp.WildCardValue):
        return "*"
    if isinstance(value, dp.NullValue):
        return "null"
    return {"text": value.value}


def structure(path):
    """The sections of a parsed path, unescaped."""
    out = []
    for section in path.get_path_sections():
        if isinstance(section, dp.WildKeyedList):
            out.append(
                {
                    "relation": section.relation.value,
                    "selectors": [[enc_key(k), enc_value(v)] for k, v in section.key_value_pairs],
                }
            )
        else:
            out.append({"key": enc_key(section.key)})
    return out


def dec_key(key):
    return dp.WildCardValue() if key == "*" else dp.NormalValue(key["text"])


def dec_value(value):
    if value == "*":
        return dp.WildCardValue()
    if value == "null":
        return dp.NullValue()
    return dp.NormalValue(value["text"])


def build(sections):
    """A path object holding exactly the given literal sections."""
    parts = []
    for section in sections:
        if "key" in section:
            part = dp.WildInDict.__new__(dp.WildInDict)
            part.key = dec_key(section["key"])
        else:
            part = dp.WildKeyedList.__new__(dp.WildKeyedList)
            part.relation = dp.NormalValue(section["relation"])
            part.key_value_pairs = [(dec_key(k), dec_value(v)) for k, v in section["selectors"]]
        parts.append(part)
    return dp.WildComposedPath(path=parts) if parts else dp.WildNullPath()


def attempt(fn):
    try:
        return {"ok": fn()}
    except dp.ContainerStructureException as e:
        return {"err": "structure", "message": str(e)}
    except (dp.InvalidPathException, LookupError, ValueError) as e:
        return {"err": type(e).__name__, "message": str(e)}
    except Exception as e:  # anything else is reported, not hidden
        return {"err": "unexpected " + type(e).__name__, "message": str(e)}


def walk(path, attributes):
    """`get_elements` of inmanta_plugins.git_ops.processors.used_values (0.7.1)."""
    if attributes is None:
        return
    if not path.get_path_sections():
        yield attributes
        return
    parts = path.get_path_sections()
    for nested in parts[0].get_elements(attributes):
        yield from walk(dp.WildComposedPath(path=parts[1:]), nested)


def set_outcome(case):
    doc = copy.deepcopy(case["doc"])
    outcome = attempt(lambda: dp.to_path(case["path"]).set_element(doc, copy.deepcopy(case["value"])))
    if "ok" in outcome:
        outcome["ok"] = doc
    return outcome


def lookups(cases):
    return [
        {
            "get": attempt(lambda: dp.to_path(c["path"]).get_element(c["doc"])) if c["plain"] else None,
            "walk": attempt(lambda: list(walk(dp.to_wild_path(c["path"]), c["doc"]))),
        }
        for c in cases
    ]


ORIGINAL_MATCHES = dp.NormalValue.matches


def adjusted_matches(self, value):
    if isinstance(value, bool):
        return self._value == str(value)
    if self._numeric_value is not None and isinstance(value, int):
        try:
            return int(self._value) == value
        except ValueError:
            pass
    return ORIGINAL_MATCHES(self, value)


def main():
    cases = json.load(sys.stdin)
    out = {
        "parse": [
            {
                "plain": attempt(lambda: structure(dp.to_path(s))),
                "wild": attempt(lambda: structure(dp.to_wild_path(s))),
            }
            for s in cases["parse"]
        ],
        "render": [
            {
                "rendered": str(build(c["sections"])),
                "reparsed": attempt(lambda: structure(dp.to_wild_path(c["rust"]))),
            }
            for c in cases["render"]
        ],
        "identity": [
            {
                "str": str(json.loads(c["json"])),
                "path": attempt(lambda: str(dp.KeyedList("items", [("k", str(json.loads(c["json"])))]))),
                "reparsed": attempt(lambda: structure(dp.to_path(c["rust"]))),
            }
            for c in cases["identity"]
        ],
    }
    out["lookup_original"] = lookups(cases["lookup"])
    out["set_original"] = [set_outcome(c) for c in cases["set"]]
    dp.NormalValue.matches = adjusted_matches
    out["lookup_adjusted"] = lookups(cases["lookup"])
    out["set_adjusted"] = [set_outcome(c) for c in cases["set"]]
    json.dump(out, sys.stdout)


main()
