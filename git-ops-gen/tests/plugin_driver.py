"""
The Python side of tests/plugin.rs: loads a generated plugin
(inmanta_plugins/<module>/__init__.py) outside a compile and runs a batch of
steps read as JSON from stdin, writing one outcome per step as JSON to stdout.

usage: python plugin_driver.py <module> <path of __init__.py>

Steps:
- {"call": name, "args": [...], "kwargs": {...}, "root": dir, "compile": n,
   "env": {...}}: calls a plugin function as the compiler would, in the
   project at `root`, in compile number `n` (a new number is a new compile),
   with the environment variables `env` set (and the git-ops ones not given
   unset); without "compile", the step is a compile of its own; outcome
   {"ok": result} or {"err": message};
- {"write": path, "content": text}: writes a file; outcome {"ok": null};
- {"parse": path}: the sections of a dict path, {"ok": sections} or {"err": message};
- {"lookup": path, "document": value}: {"ok": value}, {"missing": true} or {"err": message}.
"""

import importlib.util
import json
import os
import sys

VARIABLES = ("INMANTA_GIT_OPS_COMPILE_MODE", "INMANTA_GIT_OPS_VIEW_CHECK")


class Compiler:
    """Stands for the compiler of one compile."""


class Context:
    def __init__(self, compiler):
        self.compiler = compiler

    def get_compiler(self):
        return self.compiler


class ProjectStub:
    root = None

    class _Project:
        def __init__(self, path):
            self.path = path

    @classmethod
    def get(cls):
        return cls._Project(cls.root)


def load(module, path):
    name = f"inmanta_plugins.{module}"
    spec = importlib.util.spec_from_file_location(name, path)
    plugin = importlib.util.module_from_spec(spec)
    sys.modules[name] = plugin
    spec.loader.exec_module(plugin)
    plugin.Project = ProjectStub
    return plugin


def main():
    module, path = sys.argv[1], sys.argv[2]
    plugin = load(module, path)
    compilers = {}
    outcomes = []
    for number, step in enumerate(json.load(sys.stdin)):
        try:
            if "write" in step:
                with open(step["write"], "w", encoding="utf-8") as file:
                    file.write(step["content"])
                outcomes.append({"ok": None})
            elif "parse" in step:
                sections = plugin._parse_path(step["parse"])
                outcomes.append({"ok": [list(s[:2]) + [[list(p) for p in s[2]]] if s[0] == "item" else list(s) for s in sections]})
            elif "lookup" in step:
                sections = plugin._parse_path(step["lookup"])
                try:
                    outcomes.append({"ok": plugin._lookup(step["document"], sections)})
                except plugin._NotFound:
                    outcomes.append({"missing": True})
            else:
                for variable in VARIABLES:
                    os.environ.pop(variable, None)
                os.environ.update(step.get("env", {}))
                ProjectStub.root = step.get("root")
                compiler = compilers.setdefault(step.get("compile", f"step {number}"), Compiler())
                function = getattr(plugin, step["call"])
                args = list(step.get("args", []))
                if step["call"] != "attributes":
                    args.insert(0, Context(compiler))
                outcomes.append({"ok": function(*args, **step.get("kwargs", {}))})
        except plugin.PluginException as error:
            outcomes.append({"err": error.message})
    json.dump(outcomes, sys.stdout)


if __name__ == "__main__":
    main()
