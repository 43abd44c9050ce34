"""Validate one content file against its model, and explain pydantic's errors as people read them.

The file's text is checked for unknown `[[term]]` references, the terms are put in,
and the data is validated by the strict pydantic model. Each error becomes one
located diagnostic: the file, line and column of the value (or of the key that
holds it), what was expected, and an example taken from the model's JSON schema.
"""

from __future__ import annotations

import dataclasses
import difflib
import json
import re
from collections.abc import Callable, Iterator
from typing import Any

from pydantic import ValidationError

from rmhandbook.core.diagnostics import Diagnostics, did_you_mean
from rmhandbook.core.loader import Document
from rmhandbook.core.model import CHECKLIST_REF_PATTERN, ID_EXAMPLE, ID_PATTERN, NO_MARKUP_PATTERN, Program, Strict
from rmhandbook.core.terms import Terms


def _strings(value: Any, loc: tuple) -> Iterator[tuple[tuple, str]]:
    if isinstance(value, str):
        yield loc, value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _strings(v, loc + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _strings(v, loc + (i,))


def _substituted(value: Any, terms: Terms) -> Any:
    if isinstance(value, str):
        return terms.substitute(value)
    if isinstance(value, dict):
        return {k: _substituted(v, terms) for k, v in value.items()}
    if isinstance(value, list):
        return [_substituted(v, terms) for v in value]
    return value


# --- validation --------------------------------------------------------------

def validate_document(doc: Document, model: type[Strict], what: str, terms: Terms | None,
                      diags: Diagnostics) -> Any | None:
    data = doc.data
    if terms is not None:
        skip_terms = model is Program  # the terms mapping itself is not prose
        for loc, text in _strings(data, ()):
            if skip_terms and loc[:1] == ("terms",):
                continue
            for offset, name in terms.unknown(text):
                m = doc.text_mark(loc, offset)
                diags.error(doc.path, m.line, m.column,
                            f"unknown term `[[{name}]]`.{did_you_mean(name, terms.names())} "
                            f"Terms defined in program.yml: {', '.join(sorted(terms.forms))}; "
                            "write for example `[[mentor]]`, `[[mentors]]` or `[[Mentor]]`.")
        if model is Program and isinstance(data, dict):
            data = {k: (v if k == "terms" else _substituted(v, terms)) for k, v in data.items()}
        else:
            data = _substituted(data, terms)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        report_validation_error(doc, model, what, exc, diags)
        return None


def _schema_at(schema: dict, defs: dict, loc: tuple) -> dict:
    """The JSON schema of the value at `loc` (best effort), for examples and allowed keys."""
    node = schema
    for part in loc:
        node = _deref(node, defs)
        if "anyOf" in node and isinstance(part, str):  # a union: the member that has this field
            members = [_deref(n, defs) for n in node["anyOf"]]
            node = next((n for n in members if part in n.get("properties", {})), node)
        if isinstance(part, int):
            node = node.get("items", {})
        elif "properties" in node and part in node["properties"]:
            node = node["properties"][part]
        elif isinstance(node.get("additionalProperties"), dict):
            node = node["additionalProperties"]
        elif node.get("patternProperties"):  # dict[Id, ...]: one pattern, the id pattern
            node = next(iter(node["patternProperties"].values()))
        else:
            return {}
    return _deref(node, defs)


def _deref(node: dict, defs: dict) -> dict:
    for _ in range(10):
        if "$ref" in node:
            node = defs.get(node["$ref"].split("/")[-1], {})
        elif "anyOf" in node and len([n for n in node["anyOf"] if n.get("type") != "null"]) == 1:
            node = next(n for n in node["anyOf"] if n.get("type") != "null")
        else:
            return node
    return node


_SCHEMAS: dict[type, dict] = {}


def _schema(model: type[Strict]) -> dict:
    if model not in _SCHEMAS:
        _SCHEMAS[model] = model.model_json_schema()
    return _SCHEMAS[model]


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return f"`{str(value).lower()}` (a true/false value)"
    if isinstance(value, (int, float)):
        return f"the number `{value}`"
    if isinstance(value, str):
        short = value if len(value) <= 40 else value[:37] + "..."
        return f"the text `{short}`" if value else "empty text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if value is None:
        return "nothing (an empty value)"
    return type(value).__name__


def _example(field: str, node: dict) -> str:
    ex = node.get("examples")
    if ex:
        v = ex[0]
        if isinstance(v, (dict, list)):
            return f"`{field}: {json.dumps(v)}`"
        if isinstance(v, str) and (v.startswith(("#", "*", "&", "!", "%", "@", "`")) or ": " in v):
            return f"`{field}: {json.dumps(v, ensure_ascii=False)}`"  # would not survive YAML unquoted
        return f"`{field}: {v}`"
    t = node.get("type")
    if t == "array":
        item = node.get("items", {})
        if item.get("examples"):
            return f"`{field}: [{item['examples'][0]}]`"
        return f"`{field}: [first, second]`"
    if t == "integer":
        return f"`{field}: 10`"
    if t == "boolean":
        return f"`{field}: true`"
    if t == "object":
        return f"`{field}:` followed by indented `key: value` lines"
    if "enum" in node:
        return f"`{field}: {node['enum'][0]}`"
    return f"`{field}: ...`"


def _clean_loc(data: Any, loc: tuple, error_type: str) -> tuple:
    """Drop the union-member and validator names pydantic puts into `loc`."""
    out: list = []
    cur = data
    for i, part in enumerate(loc):
        last = i == len(loc) - 1
        if isinstance(cur, dict) and isinstance(part, str) and part in cur:
            out.append(part)
            cur = cur[part]
        elif isinstance(cur, list) and isinstance(part, int) and 0 <= part < len(cur):
            out.append(part)
            cur = cur[part]
        elif last and error_type in ("missing", "extra_forbidden") and isinstance(part, str):
            out.append(part)
        elif isinstance(part, str) and (part[:1].isupper() or part in ("str", "int", "bool", "list", "dict")
                                         or "[" in part or "-" in part and not isinstance(cur, dict)):
            continue
        else:
            out.append(part)
    return tuple(out)


@dataclasses.dataclass(frozen=True)
class _Problem:
    """One pydantic error, located in the document, with what the messages need to know of it."""

    err: dict
    loc: tuple
    field: str | None
    name: str  # how the message names the value: "`title`", "item 2 of `tips`", ...
    node: dict  # the JSON Schema of the value's field
    defs: dict
    value: Any

    @property
    def example_field(self) -> str:
        return self.field if self.field is not None else "value"

    def example(self) -> str:
        return _example(self.example_field, self.node)


def report_validation_error(doc: Document, model: type[Strict], what: str, exc: ValidationError,
                            diags: Diagnostics) -> None:
    """Every problem pydantic found, once per place, as a located message that teaches the fix."""
    schema = _schema(model)
    defs = schema.get("$defs", {})
    errors = exc.errors(include_url=False)
    missing, misspelt = _missing_and_misspelt(doc, errors)
    _report_missing_groups(doc, what, schema, defs, missing, diags)
    seen_locs: set[tuple] = set()
    for err in errors:
        etype = err["type"]
        loc = _clean_loc(doc.data, tuple(err["loc"]), etype)
        if etype == "missing" and (len(missing.get(loc[:-1], ())) > 1 or str(loc[-1]) not in missing.get(loc[:-1], ())):
            continue  # said in the message for several fields, or for the misspelt key
        if loc in doc.reported:
            continue  # the loader has said what is wrong with this value
        if (loc, etype in ("missing", "extra_forbidden")) in seen_locs:
            continue  # one message per place, even when a union tried several shapes
        seen_locs.add((loc, etype in ("missing", "extra_forbidden")))
        field = next((p for p in reversed(loc) if isinstance(p, str)), None)
        node = _schema_at(schema, defs, loc)
        if etype == "missing":
            m = doc.mark(loc[:-1])
            desc = node.get("description")
            diags.error(doc.path, m.line, m.column,
                        f"missing required field `{field}` in {_where(loc[:-1], what)}"
                        f"{f' ({desc})' if desc else ''}; for example {_example(str(field), node)}.")
        elif etype == "extra_forbidden":
            _report_unknown_field(doc, loc, field, what, schema, defs, misspelt, diags)
        elif not loc:
            m = doc.mark(loc)
            value = err.get("input")
            diags.error(doc.path, m.line, m.column,
                        f"a {what} file must be a mapping of fields; found {_describe(value)}."
                        f"{_missing_space_hint(value)} For example:\n    {_first_example(schema)}")
        else:
            problem = _Problem(dict(err), loc, field, _value_name(loc, field, what), node, defs, err.get("input"))
            m = doc.mark(loc)
            diags.error(doc.path, m.line, m.column, _value_message(problem))


def _missing_and_misspelt(doc: Document, errors: list) -> tuple[dict[tuple, list[str]], dict[tuple, str]]:
    """Missing fields by the mapping they belong in, and unknown keys that are a missing field misspelt."""
    missing: dict[tuple, list[str]] = {}
    for err in errors:
        if err["type"] == "missing":
            loc = _clean_loc(doc.data, tuple(err["loc"]), "missing")
            missing.setdefault(loc[:-1], []).append(str(loc[-1]))
    # a misspelt key (`titel`) also leaves its field (`title`) missing: one message says both
    misspelt: dict[tuple, str] = {}
    for err in errors:
        if err["type"] == "extra_forbidden":
            loc = _clean_loc(doc.data, tuple(err["loc"]), "extra_forbidden")
            close = difflib.get_close_matches(str(loc[-1]), missing.get(loc[:-1], []), n=1, cutoff=0.6)
            if close and close[0] not in misspelt.values():
                misspelt[loc] = close[0]
    for loc, field in misspelt.items():
        missing[loc[:-1]].remove(field)
    return missing, misspelt


def _report_missing_groups(doc: Document, what: str, schema: dict, defs: dict, missing: dict[tuple, list[str]],
                           diags: Diagnostics) -> None:
    """Several missing fields in one mapping make one message, not one line each."""
    for parent, fields in missing.items():
        if len(fields) < 2:
            continue
        m = doc.mark(parent)
        first = fields[0]
        diags.error(doc.path, m.line, m.column,
                    f"missing required fields in {_where(parent, what)}: {', '.join(f'`{f}`' for f in fields)}; "
                    f"for example {_example(first, _schema_at(schema, defs, parent + (first,)))}.")


def _report_unknown_field(doc: Document, loc: tuple, field: str | None, what: str, schema: dict, defs: dict,
                          misspelt: dict[tuple, str], diags: Diagnostics) -> None:
    m = doc.key_mark(loc)
    parent = _schema_at(schema, defs, loc[:-1])
    allowed = list(parent.get("properties", {}))
    if loc in misspelt:
        right = misspelt[loc]
        diags.error(doc.path, m.line, m.column,
                    f"unknown field `{field}` in {_where(loc[:-1], what)}, and the required field `{right}` "
                    f"is missing. Did you mean `{right}`? For example "
                    f"{_example(right, _schema_at(schema, defs, loc[:-1] + (right,)))}.")
        return
    diags.error(doc.path, m.line, m.column,
                f"unknown field `{field}` in {_where(loc[:-1], what)}.{did_you_mean(str(field), allowed)} "
                f"Allowed fields: {', '.join(allowed)}.{_indent_hint(doc, loc, schema, defs)}")


def _value_name(loc: tuple, field: str | None, what: str) -> str:
    if loc and isinstance(loc[-1], int) and field is not None:
        return f"item {loc[-1] + 1} of `{field}`"
    return f"`{field}`" if field is not None else _where(loc, what)


def _value_message(p: _Problem) -> str:
    """The message for a value of the wrong type or form, from the table of pydantic error types."""
    etype = p.err["type"]
    if etype == "string_pattern_mismatch":
        return _pattern_message(p)
    if etype.startswith("union"):
        return f"{p.name} has the wrong shape: {p.err['msg']}."
    handler = _VALUE_MESSAGES.get(etype)
    if handler is not None:
        return handler(p)
    msg = p.err["msg"]
    return f"{p.name}: {msg[0].lower() + msg[1:]}; found {_describe(p.value)}."


def _text_message(p: _Problem) -> str:
    value, ex_field = p.value, p.example_field
    hint = ""
    if isinstance(value, bool):
        hint = f" Put quotes around it if it is meant as text: `{ex_field}: \"{str(value).lower()}\"`."
    elif isinstance(value, (int, float)):
        hint = f" Put quotes around it if it is meant as text: `{ex_field}: \"{value}\"`."
    elif value is None and str((p.node.get("examples") or [""])[0]).startswith("#"):
        hint = (" An unquoted `#` starts a YAML comment, so the value is empty; put it in quotes, "
                f"for example {p.example()}.")
    return f"{p.name} must be text; found {_describe(value)}.{hint or ' For example ' + p.example() + '.'}"


def _whole_number_message(p: _Problem) -> str:
    value, hint = p.value, ""
    if isinstance(value, str) and value.strip().lstrip("0").isdigit() and value.strip().startswith("0"):
        hint = " Numbers do not start with 0 here (YAML 1.1 would read `0755` as an octal number)."
    elif isinstance(value, str) and value.strip().isdigit():
        hint = " Remove the quotes around the number."
    return f"{p.name} must be a whole number; found {_describe(value)}.{hint} For example {p.example()}."


def _pattern_message(p: _Problem) -> str:
    value, node = p.value, p.node
    if node.get("pattern") == NO_MARKUP_PATTERN:
        return (f"{p.name} must be plain text without `<` or `>`; found {_describe(value)}. Names are shown as "
                f"they are written, never as HTML. For example {p.example()}.")
    if p.err.get("ctx", {}).get("pattern") == CHECKLIST_REF_PATTERN:
        return (f"{p.name} is `{value}`, which is not a checklist item reference; write the step id and the item "
                "id with a slash between them, for example `first-meeting/book-slots`.")
    if node.get("pattern", ID_PATTERN) != ID_PATTERN:
        # not an id: a colour, an email address, a web address... the field says what it expects
        expected = node.get("description") or f"text matching `{node['pattern']}`"
        return f"{p.name} `{value}` is not valid: expected {expected}; for example {p.example()}."
    fixed = re.sub(r"[^a-z0-9]+", "-", str(value).lower()).strip("-")
    hint = f"Did you mean `{fixed}`?" if fixed and re.fullmatch(ID_PATTERN, fixed) else f"For example `{ID_EXAMPLE}`."
    return (f"{p.name} is `{value}`, which is not a valid id; ids use lower-case letters, digits and single "
            f"hyphens. {hint}")


def _choice_message(p: _Problem) -> str:
    expected = str(p.err.get("ctx", {}).get("expected", ""))
    choices = p.node.get("enum") or [c.strip("'") for c in expected.replace(" or ", ", ").split(", ")]
    return (f"{p.name} must be one of {', '.join(map(str, choices))}; found {_describe(p.value)}."
            f"{did_you_mean(str(p.value), map(str, choices))}")


def _too_short_message(p: _Problem) -> str:
    least = p.err.get("ctx", {}).get("min_length", 1)
    found = len(p.value) if isinstance(p.value, (list, dict)) else 0
    return (f"{p.name} needs at least {least} item{'s' if least != 1 else ''}; found {found or 'none'}. "
            f"For example {_list_example(p.example_field, p.node, p.defs)}.")


def _bounds_message(p: _Problem) -> str:
    low, high = p.node.get("minimum"), p.node.get("maximum")
    bounds = (f"from {low} to {high}" if low is not None and high is not None
              else f"at least {low}" if low is not None else f"at most {high}")
    return f"{p.name} must be a whole number {bounds}; found {_describe(p.value)}. For example {p.example()}."


_VALUE_MESSAGES: dict[str, Callable[[_Problem], str]] = {
    "string_type": _text_message,
    "int_type": _whole_number_message,
    "int_parsing": _whole_number_message,
    "bool_type": lambda p: (f"{p.name} must be `true` or `false`; found {_describe(p.value)}. "
                            "Words such as yes, no, on and off are not booleans here."),
    "list_type": lambda p: f"{p.name} must be a list; found {_describe(p.value)}. For example {p.example()}.",
    **dict.fromkeys(("dict_type", "model_type", "model_attributes_type"), lambda p: (
        f"{p.name} must be a mapping of fields; found {_describe(p.value)}.{_missing_space_hint(p.value)} "
        f"For example {p.example()}.")),
    "string_too_short": lambda p: f"{p.name} must not be empty; for example {p.example()}.",
    "literal_error": _choice_message,
    "too_short": _too_short_message,
    **dict.fromkeys(("greater_than_equal", "less_than_equal", "greater_than", "less_than"), _bounds_message),
}


def _indent_hint(doc: Document, loc: tuple, schema: dict, defs: dict) -> str:
    """When the key just above an unknown one holds a mapping that would take it, say that
    the unknown key probably lost its indentation (`mentee:` under `actions:`)."""
    parent, key = loc[:-1], loc[-1]
    here = doc.key_mark(loc)
    above = [(mark.line, k[-1]) for k, mark in doc.keys.items()
             if k[:-1] == parent and len(k) == len(loc) and mark.line < here.line and mark.column == here.column]
    if not above:
        return ""
    previous = max(above)[1]
    node = _schema_at(schema, defs, parent + (previous,))
    if node.get("type") == "array":
        node = _deref(node.get("items", {}), defs)
    takes = (key in node.get("properties", {}) or isinstance(node.get("additionalProperties"), dict)
             or bool(node.get("patternProperties")))
    if node.get("type") != "object" or not takes:
        return ""
    return (f" It stands at the same indentation as `{previous}` above it; if it belongs to `{previous}`, indent "
            f"it like the lines under `{previous}`, for example `  {key}: ...`.")


def _list_example(field: str, node: dict, defs: dict) -> str:
    """A one-line example list, built from the examples of its item's required fields."""
    item = _deref(node.get("items", {}), defs)
    if item.get("type") == "object" and item.get("properties"):
        fields = []
        for key in item.get("required", []):
            ex = item["properties"][key].get("examples") or _deref(item["properties"][key], defs).get("examples")
            fields.append(f"{key}: {ex[0] if ex and not isinstance(ex[0], (dict, list)) else '...'}")
        return f"`{field}: [{{{', '.join(fields)}}}]`"
    return _example(field, node)


def _missing_space_hint(value: Any) -> str:
    """`title:Hold` is one text, not a key and a value: say so when a mapping was expected."""
    if isinstance(value, str):
        m = re.match(r"([A-Za-z_][\w-]*):(\S.*)", value.split("\n", 1)[0])
        if m:
            return f" A key needs a space after its colon: `{m.group(1)}: {m.group(2)}`."
    return ""


def _first_example(schema: dict) -> str:
    required = schema.get("required", [])
    props = schema.get("properties", {})
    lines = []
    for key in required[:2]:
        ex = props.get(key, {}).get("examples")
        lines.append(f"{key}: {ex[0] if ex and not isinstance(ex[0], (dict, list)) else '...'}")
    return "\n    ".join(lines) or "title: ..."


def _where(loc: tuple, what: str) -> str:
    if not loc:
        return f"this {what}"
    parts: list[str] = []
    for p in loc:
        parts.append(f"[{p + 1}]" if isinstance(p, int) else (("." if parts else "") + str(p)))
    return "`" + "".join(parts) + "`"
