"""Template text for places that show it to people, with no template code in it.

Contract: `in_words(source)` turns a one-line template (a subject) into display words:
every `{{ … }}` becomes the field it shows, named in words between guillemets
(`Welcome to {{ shop.name }}!` → "Welcome to «shop name»!", `{{ contact.first_name |
default("there") }}` and the chip `[[contact.first_name|there]]` of a block email →
«first name»), `{% … %}` tags are dropped and the text around them
kept, comments vanish. It never raises: text that is not a valid template loses its
braces. Used for the summaries of journey steps (engine/nodes/actions.py); it does not
render, so it needs no contact, settings or database, and is the same every time.
"""

from __future__ import annotations

import re

from jinja2 import TemplateSyntaxError, nodes

from engine.templating.jinja_source import PLACEHOLDER, protect
from engine.templating.templates import TEXT

_SPACES = re.compile(r"\s+")
_LEFTOVER = re.compile(r"\{[{%#].*?[}%#]\}|[{}]")
#: roots whose field alone names the value ("first name", not "contact first name")
_PLAIN_ROOTS = {"contact", "event"}
#: a block email's personalisation chip (engine/blocks/inline.py)
_CHIP = re.compile(r"\[\[(contact|shop|event|product)\.([A-Za-z][A-Za-z0-9_]*)(?:\|[^\]]*)?\]\]")
_CALLS = {"coupon": "coupon code", "recommendations": "recommended products",
          "alternatives": "alternative products", "product": "product"}


def in_words(source: str) -> str:
    source = _CHIP.sub(_chip_words, source)
    try:
        protected = protect(source)
    except TemplateSyntaxError:
        return _line(_LEFTOVER.sub("", source))
    words = [_tag_words(tag, kind) for tag, kind in zip(protected.tags, protected.kinds)]
    text = PLACEHOLDER.sub(lambda m: words[int(m.group(1))], protected.text)
    return _line(text)


def _chip_words(found: re.Match) -> str:
    root, field = found.groups()
    return f"«{_spoken(field)}»" if root in _PLAIN_ROOTS else f"«{root} {_spoken(field)}»"


def _line(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def _tag_words(tag: str, kind: str) -> str:
    if kind == "statement":
        return ""
    if kind == "raw":
        return re.sub(r"^\{%-?\s*raw\s*-?%\}|\{%-?\s*endraw\s*-?%\}$", "", tag)
    try:
        tree = TEXT.parse(tag)
    except (TemplateSyntaxError, RecursionError):
        return "…"
    outputs = list(tree.find_all(nodes.Output))
    expr = outputs[0].nodes[0] if outputs and outputs[0].nodes else None
    return _expr_words(expr) if expr is not None else ""


def _expr_words(expr: nodes.Node) -> str:
    if isinstance(expr, nodes.Const):
        return str(expr.value)
    if isinstance(expr, nodes.Filter) and expr.node is not None:
        return _expr_words(expr.node)
    if isinstance(expr, nodes.Call) and isinstance(expr.node, nodes.Name):
        return f"«{_CALLS.get(expr.node.name, _spoken(expr.node.name))}»"
    chain = _chain(expr)
    if chain is None:
        for inner in expr.find_all((nodes.Getattr, nodes.Name, nodes.Call)):
            return _expr_words(inner)
        return "…"
    root, fields = chain[0], [f for f in chain[1:] if f != "attributes"]
    if not fields:
        return f"«{_spoken(root)}»"
    if root in _PLAIN_ROOTS:
        return f"«{_spoken(fields[-1])}»"
    return f"«{_spoken(root)} {_spoken(fields[-1])}»"


def _chain(expr: nodes.Node) -> list[str] | None:
    """`a.b.c` (or `a['b']`) as ["a", "b", "c"]; None for anything else."""
    names: list[str] = []
    while True:
        if isinstance(expr, nodes.Getattr):
            names.insert(0, expr.attr)
            expr = expr.node
        elif isinstance(expr, nodes.Getitem) and isinstance(expr.arg, nodes.Const):
            names.insert(0, str(expr.arg.value))
            expr = expr.node
        elif isinstance(expr, nodes.Name):
            return [expr.name, *names]
        else:
            return None


def _spoken(name: str) -> str:
    return name.replace("_", " ").strip()
