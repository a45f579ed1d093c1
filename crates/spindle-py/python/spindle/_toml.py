"""Writing scenario files (docs/scenario-format.md) from Python values.

The text written here is what the native engine parses for a Python run and what
`export_scenario` saves, so both see the same values: floats are written with `repr`, the
shortest text that reads back as the same double, and integers stay integers.
"""

import json
import math
import re

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+\Z")


def key(k) -> str:
    k = str(k)
    return k if _BARE_KEY.match(k) else string(k)


def string(s: str) -> str:
    # JSON's escapes are all valid in TOML basic strings; TOML also wants DEL escaped.
    return json.dumps(s, ensure_ascii=False).replace("\x7f", "\\u007f")


def value(v) -> str:
    """One TOML value: bool, int, float, str, a sequence (numpy arrays too) or a dict."""
    if isinstance(v, bool) or type(v).__name__ == "bool_":
        return "true" if v else "false"
    if isinstance(v, str):
        return string(v)
    if isinstance(v, dict):
        if not v:
            return "{}"
        return "{ " + ", ".join(f"{key(k)} = {value(x)}" for k, x in v.items()) + " }"
    if hasattr(v, "tolist") and not isinstance(v, (int, float)):
        # numpy arrays and scalars
        return value(v.tolist())
    if isinstance(v, int):
        return str(int(v))
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        return repr(float(v))
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(value(x) for x in v) + "]"
    raise TypeError(f"cannot write {v!r} ({type(v).__name__}) into a scenario")


def scenario(
    kernel: dict, nodes: list, connections: list, simulate, header: str = "", actions=(),
    synapse_models=(),
) -> str:
    """A whole scenario file.

    `nodes`: (name, model, n, params) per `[[nodes]]` entry; `connections`: (pre names,
    post names, conn dict, syn dict) per `[[connect]]` entry; `simulate`: the list of
    `Simulate` durations (ms), possibly empty; `actions`: ("simulate", t), ("create", node),
    ("connect", connection) or ("set", (names, params)) per `[[actions]]` entry;
    `synapse_models`: (name, copied model or None, params) per `[[synapse_models]]` entry
    (CopyModel, or SetDefaults without a copied model).
    """
    out = []
    if header:
        out.extend("# " + line if line else "#" for line in header.splitlines())
        out.append("")
    out.append("[kernel]")
    out.extend(f"{key(k)} = {value(v)}" for k, v in kernel.items())
    for name, model, n, params in nodes:
        out += ["", "[[nodes]]", f"name = {string(name)}", f"model = {string(model)}"]
        if n != 1:
            out.append(f"n = {int(n)}")
        if params:
            out.append(f"params = {value(params)}")
    for name, copy_of, params in synapse_models:
        out += ["", "[[synapse_models]]", f"name = {string(name)}"]
        if copy_of is not None:
            out.append(f"copy_of = {string(copy_of)}")
        if params:
            out.append(f"params = {value(params)}")
    for pre, post, conn, syn in connections:
        out += ["", "[[connect]]"]
        for side, names in _sides(pre, post):
            out.append(f"{side} = {value(names)}")
        if conn:
            out.append(f"conn = {value(conn)}")
        if syn:
            out.append(f"syn = {value(syn)}")
    times = [float(t) for t in simulate]
    out += ["", "[simulate]", f"time = {value(times[0] if len(times) == 1 else times)}"]
    for kind, what in actions:
        out += ["", "[[actions]]"]
        if kind == "simulate":
            out.append(f"simulate = {value(what)}")
        elif kind == "create":
            name, model, n, params = what
            table = {"name": name, "model": model}
            if n != 1:
                table["n"] = int(n)
            if params:
                table["params"] = params
            out.append(f"create = {value(table)}")
        elif kind == "connect":
            pre, post, conn, syn = what
            table = dict(_sides(pre, post))
            if conn:
                table["conn"] = conn
            if syn:
                table["syn"] = syn
            out.append(f"connect = {value(table)}")
        else:
            names, params = what
            out.append(f"set = {value({'nodes': names[0] if len(names) == 1 else list(names), 'params': params})}")
    return "\n".join(out) + "\n"


class Ids(list):
    """Node ids of an explicit connection statement (`sources`/`targets`), not names."""


def _sides(pre, post):
    """The keys of a `[[connect]]` entry's two sides: `pre`/`post` names (one name as a
    string), or `sources`/`targets` ids."""
    if isinstance(pre, Ids):
        return [("sources", list(pre)), ("targets", list(post))]
    return [(side, names[0] if len(names) == 1 else list(names))
            for side, names in (("pre", pre), ("post", post))]
