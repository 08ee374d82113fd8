"""Lint's look at the parts of a template that are the same for every contact.

Contract: `check_constant_parts(tree, part)` finds each largest expression made only of
literals, operators and filters (`{{ (10 ** 100) ** 100 }}`, `{{ ['a' * 1000000] * 1000 |
join }}`) and evaluates it within the render bounds, wherever it sits — also inside an
`{% if %}` branch the sample contact would not take. An expression past a bound is an error
("too slow" or "too large") with its line; any other failure is left to the sample render,
since the branch may never run.
"""

from __future__ import annotations

from typing import Iterator

from jinja2 import nodes

from engine.templating.templates import TEXT, RenderError, compile_tree, render

#: nodes an expression may contain and still be the same for every contact
_CONSTANT = (nodes.Const, nodes.List, nodes.Tuple, nodes.Dict, nodes.Pair, nodes.BinExpr,
             nodes.UnaryExpr, nodes.Concat, nodes.Filter, nodes.Compare, nodes.Operand,
             nodes.CondExpr, nodes.Getitem, nodes.Slice, nodes.Test, nodes.Keyword)
#: what does work worth checking
_WORK = (nodes.BinExpr, nodes.Concat, nodes.Filter)
_WORDS = {"too slow": "This email is too slow to make: ", "too large": "This email is too large to make: "}


def check_constant_parts(tree: nodes.Template, part: str) -> list[tuple[str, str]]:
    problems = []
    for expr in _constant_parts(tree):
        probe = nodes.Template([nodes.Output([expr], lineno=expr.lineno)], lineno=expr.lineno)
        try:
            render(compile_tree(probe, TEXT, part), {}, part)
        except RenderError as exc:
            if exc.limit:
                problems.append(("error", f"{_WORDS[exc.limit]}{exc.reason}"))
    return problems


def _constant_parts(node: nodes.Node) -> Iterator[nodes.Expr]:
    # the tree's depth is bounded by templates.MAX_DEPTH, so recursion is safe here
    if isinstance(node, _CONSTANT) and _is_constant(node) and _does_work(node):
        yield node
        return
    for child in node.iter_child_nodes():
        yield from _constant_parts(child)


def _is_constant(node: nodes.Node) -> bool:
    return isinstance(node, _CONSTANT) and all(_is_constant(c) for c in node.iter_child_nodes())


def _does_work(node: nodes.Node) -> bool:
    return isinstance(node, _WORK) or any(_does_work(c) for c in node.iter_child_nodes())
