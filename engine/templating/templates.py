"""Sandboxed, bounded Jinja rendering for email templates.

Contract:
- `HTML` (autoescaped) and `TEXT` are the two environments: Jinja's
  `ImmutableSandboxedEnvironment` with nothing but the whitelisted filters and tests of
  `filters`, no Jinja globals (no `range`, `namespace`, `cycler`…), no `include`/`import`/
  `extends`, and no method calls on values (so no `str.format` and friends).
- `compile_template(source, env, part)` returns a Template or raises `RenderError` naming the
  part and line, in plain words (syntax_words.py: "the body, line 3: There is a '}' that
  closes nothing…"); a bound hit carries `RenderError.limit` ("too slow", "too large"). `render(template, variables, part)`
  returns the text or raises `RenderError`; nothing else escapes it.
- Undefined values never print: printing, looping over, measuring or computing with a
  missing variable raises, naming it ("contact.plan is not defined"). Testing one is allowed
  (`{% if contact.plan %}`, `contact.plan is defined`, `contact.plan | default("free")`), so
  optional fields can be handled on purpose.

How rendering is bounded: see bounds.py (time, work, memory and output, each checked
before the operation that would exceed it) and docs/template-sandbox.md. Operators go
through `call_binop`, calls through `call`, subscripts through `getitem`, filters and
tests are wrapped; what Jinja compiles to plain Python is rewritten when the template is
compiled: each `for` iterable gets a guard charging every iteration, `~` joins are sized
before they are built, slices are counted after, and every comparison is followed by a
check point. `%` formatting of strings is refused (it can ask for any width). A source
past MAX_SOURCE_CHARS, nested past MAX_DEPTH or with more than MAX_NODES nodes is refused
with its line before it is compiled (Jinja's parser and Python's compiler recurse per
level and take time per node).
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import is_dataclass
from typing import Any, Iterable, Iterator, Mapping

from jinja2 import StrictUndefined, Template, TemplateSyntaxError, nodes
from jinja2.exceptions import SecurityError, TemplateError
from jinja2.parser import Parser
from jinja2.runtime import LoopContext, Undefined
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.utils import missing
from jinja2.visitor import NodeTransformer

from engine.errors import TrellisError
from engine.templating import bounds
from engine.templating.bounds import (
    MAX_OUTPUT_CHARS, TOO_LARGE, Limit, bounded_concat, bounded_join, bounded_urlencode, build,
    charge, charge_output, charged, check_binop, check_size, email_budget, part_budget,
    text_size,
)
from engine.templating.filters import TESTS, FilterError, make_filters
from engine.templating.syntax_words import plain_syntax_error
from engine.templating.values import DATA_TYPES, Record, record_path

#: nesting of brackets, tags and operators a template may have (Jinja's parser and Python's
#: compiler recurse once per level; legitimate emails stay far below)
MAX_DEPTH = 60
#: the longest source one part may have (Gmail clips emails at 102 KB anyway); lexing
#: and compiling take time in proportion
MAX_SOURCE_CHARS = 500_000
#: nodes one part may have: compiling takes time in proportion (a long email of text and
#: fields has a few hundred)
MAX_NODES = 2_000
#: operands one comparison may chain (`0 < x < 10` has two)
MAX_COMPARE_CHAIN = 4
TICK = "_tick"
LOOP_GUARD = "_loop_guard"
SIZE_GUARD = "_size_guard"
CONCAT = "_concat"


class RenderError(TrellisError):
    """An email could not be rendered for one contact; `reason` says why, for people.

    `limit` is "too slow" or "too large" when a bound of bounds.py stopped it, else None.
    """

    def __init__(self, reason: str, limit: str | None = None):
        super().__init__(reason)
        self.reason = reason
        self.limit = limit


_Limit = Limit


def _tick(value: Any) -> Any:
    charge()
    return value


def _loop_guard(iterable: Any) -> Iterator[Any]:
    for item in iterable:
        charge()
        yield item


class EmailUndefined(StrictUndefined):
    """StrictUndefined that may be tested (false, equal to nothing) but never used."""

    __slots__ = ()
    __bool__ = Undefined.__bool__
    __eq__ = Undefined.__eq__
    __ne__ = Undefined.__ne__
    __hash__ = Undefined.__hash__

    @property
    def _undefined_message(self) -> str:
        if self._undefined_hint:
            return self._undefined_hint
        if isinstance(self._undefined_obj, Record):
            return f"{record_path(self._undefined_obj)}.{self._undefined_name} is not defined"
        if self._undefined_obj is missing:
            return f"{self._undefined_name} is not defined"
        obj = self._undefined_obj
        if is_dataclass(obj):
            fields = [n for n in dir(obj) if not n.startswith("_") and not callable(getattr(obj, n))]
            return f"'{self._undefined_name}' does not exist here (there is: {', '.join(fields)})"
        return f"{type(obj).__name__} value has no {self._undefined_name!r}"


def _finalize(value: Any) -> Any:
    if isinstance(value, str):
        charge_output(len(value))
        return value
    if value is None:
        return ""
    if isinstance(value, Record):
        path, example = record_path(value), next(iter(value), "name")
        raise _Limit(f"{path} is a group of fields: pick one, like {path}.{example}", "")
    if isinstance(value, (list, tuple, dict, int)) and not isinstance(value, bool):
        # printed with str(): refuse before a huge container or number is converted
        length = text_size(value, MAX_OUTPUT_CHARS)
        charge_output(length)
        build(length, length)
    return value


class EmailEnvironment(ImmutableSandboxedEnvironment):
    """The sandbox with Trellis' whitelist and bounds (see the module docstring)."""

    intercepted_binops = frozenset({"*", "**", "%", "+"})

    def __init__(self, *, html: bool):
        super().__init__(
            autoescape=html,
            undefined=EmailUndefined,
            finalize=_finalize,
            trim_blocks=True,
            lstrip_blocks=True,
            auto_reload=False,
            cache_size=0,  # compiled templates are cached by render.py, by content
        )
        self.globals.clear()
        # every filter costs work and is size-checked; join and urlencode before they build
        self.filters = {name: charged(f) for name, f in make_filters(check_size).items()}
        self.filters["join"] = charged(bounded_join)
        self.filters["urlencode"] = charged(bounded_urlencode)
        self.filters[LOOP_GUARD] = _loop_guard
        self.filters[SIZE_GUARD] = check_size
        self.filters[CONCAT] = bounded_concat
        self.filters[TICK] = _tick
        self.tests = {name: charged(test) for name, test in TESTS.items()}

    def getattr(self, obj: Any, attribute: str) -> Any:
        # Fast paths for the values templates see most (values.py), with the same answer
        # as the general path: a Record's keys are its attributes, and the value types'
        # public attributes are all data.
        kind = type(obj)
        if kind is Record:
            try:
                return obj[attribute]
            except KeyError:
                return self.undefined(obj=obj, name=attribute)
        if kind in DATA_TYPES and not attribute.startswith("_"):
            try:
                return getattr(obj, attribute)
            except AttributeError:
                return self.undefined(obj=obj, name=attribute)
        return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        charge()
        return super().getitem(obj, argument)

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if not super().is_safe_attribute(obj, attr, value):
            return False
        # Values are data: a callable attribute is a method, and methods (str.format,
        # str.replace…) can build unbounded output. Only `loop.cycle()` and friends pass.
        return not callable(value) or isinstance(obj, LoopContext)

    def unsafe_undefined(self, obj: Any, attribute: str) -> Undefined:
        hint = f"'{attribute}' is not available in email templates"
        if attribute in self.filters and not attribute.startswith("_"):
            hint += f": use the filter instead, like {{{{ value | {attribute} }}}}"
        return self.undefined(hint, obj=obj, name=attribute, exc=SecurityError)

    def wrap_str_format(self, value: Any) -> None:
        return None  # str.format is refused with every other method

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        charge()
        return super().call(__context, __obj, *args, **kwargs)

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "%" and isinstance(left, str):
            raise SecurityError("'%' formatting is not available: use filters such as money")
        check_binop(operator, left, right)
        charge()
        return super().call_binop(context, operator, left, right)


HTML = EmailEnvironment(html=True)
TEXT = EmailEnvironment(html=False)

_REFUSED = {
    nodes.Include: "{% include %}",
    nodes.Import: "{% import %}",
    nodes.FromImport: "{% from … import %}",
    nodes.Extends: "{% extends %}",
}


def parse_template(source: str, env: EmailEnvironment, part: str) -> nodes.Template:
    """Parse and check a source; raises RenderError with the part, line and plain words."""
    if len(source) > MAX_SOURCE_CHARS:
        raise RenderError(f"{part} is too large: {len(source):,} characters, where a part of "
                          f"an email may have up to {MAX_SOURCE_CHARS:,}", TOO_LARGE)
    parser = Parser(env, source)
    try:
        ast = parser.parse()
    except TemplateSyntaxError as exc:
        exc.source = source
        raise RenderError(f"{part}, line {exc.lineno}: {plain_syntax_error(exc)}") from None
    except RecursionError:
        raise RenderError(f"{part}, line {parser.stream.current.lineno}: {TOO_DEEP}",
                          TOO_LARGE) from None
    line = _too_deep(ast)  # first: the checks below (and lint) walk the tree recursively
    if line is not None:
        raise RenderError(f"{part}, line {line}: {TOO_DEEP}", TOO_LARGE)
    for node_type, tag in _REFUSED.items():
        for node in ast.find_all(node_type):
            raise RenderError(f"{part}, line {node.lineno}: {tag} is not available in emails")
    for node in ast.find_all(nodes.Compare):
        if len(node.ops) > MAX_COMPARE_CHAIN:
            raise RenderError(f"{part}, line {node.lineno}: this comparison chains "
                              f"{len(node.ops) + 1} values; compare two at a time, joined "
                              "with 'and'", TOO_LARGE)
    return ast


TOO_DEEP = (f"this is too complex (nested more than {MAX_DEPTH} levels deep, or over "
            f"{MAX_NODES:,} tags, values and operators in all): split it into simpler pieces")


def _too_deep(ast: nodes.Template) -> int | None:
    """The line of the first node deeper than MAX_DEPTH, or past MAX_NODES, walking
    without recursion."""
    stack, count = [(ast, 0)], 0
    while stack:
        node, depth = stack.pop()
        count += 1
        if depth > MAX_DEPTH or count > MAX_NODES:
            return node.lineno
        stack.extend((child, depth + 1) for child in node.iter_child_nodes())
    return None


def compile_template(source: str, env: EmailEnvironment, part: str,
                     lines: Mapping[int, int] | None = None) -> Template:
    """Compile `source` with loop and `~` guards; raises RenderError naming part and line.

    `lines` maps the source's lines to those of what the marketer wrote (when the source
    was derived from it, see jinja_source.line_map), so errors point at their lines.
    """
    ast = parse_template(source, env, part)
    if lines:
        _relocate(ast, lines)
    return compile_tree(ast, env, part, source)


def compile_tree(ast: nodes.Template, env: EmailEnvironment, part: str,
                 source: str = "") -> Template:
    """Compile a parsed (and checked) tree; the guards are added here."""
    ast = _Guards().visit(ast)
    ast.set_environment(env)
    try:
        code = env.compile(ast, name=part, filename=_filename(part))
    except TemplateSyntaxError as exc:  # e.g. an unknown filter
        exc.source = source
        raise RenderError(f"{part}, line {exc.lineno}: {plain_syntax_error(exc)}") from None
    except (RecursionError, MemoryError, SyntaxError):  # past what MAX_DEPTH lets through
        raise RenderError(f"{part}: {TOO_DEEP}", TOO_LARGE) from None
    template = env.template_class.from_code(env, code, env.make_globals(None), None)
    template.straight = next(ast.find_all(_REPEATING), None) is None
    return template


def _relocate(ast: nodes.Template, lines: Mapping[int, int]) -> None:
    known = sorted(lines)
    for node in ast.find_all(nodes.Node):
        if node.lineno is None:
            continue
        # a line without a tag start lies inside a multi-line tag: keep its offset
        at = bisect_right(known, node.lineno) - 1
        if at >= 0:
            node.lineno = lines[known[at]] + node.lineno - known[at]


class _Guards(NodeTransformer):
    """Charges fuel for every loop iteration and size-checks every `~` join."""

    def visit_For(self, node: nodes.For) -> nodes.For:
        node = self.generic_visit(node)
        node.iter = _guarded(node.iter, LOOP_GUARD)
        return node

    def visit_Getitem(self, node: nodes.Getitem) -> nodes.Expr:
        node = self.generic_visit(node)
        if isinstance(node.arg, nodes.Slice):
            # Jinja compiles a slice as plain Python, past the environment's getitem: the
            # copy it makes is counted (and the clock read) right after
            return _guarded(node, SIZE_GUARD)
        return node

    def visit_Compare(self, node: nodes.Compare) -> nodes.Filter:
        # `big in other` runs in C without a check point: a call after each comparison
        # lets the clock be read between any two
        return _guarded(self.generic_visit(node), TICK)

    def visit_Concat(self, node: nodes.Concat) -> nodes.Filter:
        node = self.generic_visit(node)
        # `a ~ b` becomes `[a, b] | _concat`, which measures before it joins
        return nodes.Filter(nodes.List(node.nodes, lineno=node.lineno), CONCAT, [], [], None,
                            None, lineno=node.lineno)


def _guarded(node: nodes.Expr, guard: str) -> nodes.Filter:
    return nodes.Filter(node, guard, [], [], None, None, lineno=node.lineno)


def _filename(part: str) -> str:
    return f"<{part}>"


#: what can print a template's literal text more than once (a block's output reaches the
#: page only once inline, else through `{{ self.name() }}`, which is counted as printed)
_REPEATING = (nodes.For, nodes.Macro, nodes.CallBlock, nodes.FilterBlock)


def render(template: Template, variables: dict[str, Any], part: str) -> str:
    """Render within the bounds; any failure becomes RenderError(reason with the line)."""
    try:
        with email_budget(), part_budget():
            try:
                # what Template.generate does, minus a generator layer per output chunk;
                # the context is what new_context(variables, shared=True) makes (there
                # are no globals to merge the variables with), without its two wrappers;
                # empty globals are passed as None: the same context, without a set()
                # made of an empty ChainMap for every part
                environment = template.environment
                chunks = template.root_render_func(environment.context_class(
                    environment, variables, template.name, template.blocks,
                    globals=template.globals or None))
                # a template without loops or macros prints its literal text once (at
                # most MAX_SOURCE_CHARS) and everything else through _finalize, which
                # counts it: its chunks are joined in C, without a look at each
                if getattr(template, "straight", False):
                    return "".join(chunks)
                return _collect(chunks)
            except Exception:
                template.environment.handle_exception()  # re-raises, with template lines
    except RenderError as exc:
        raise RenderError(_where(exc, part) + exc.reason, exc.limit) from None
    except Exception as exc:  # one contact's email fails, never the batch
        limit = exc.kind or None if isinstance(exc, Limit) else None
        raise RenderError(_where(exc, part) + _reason(exc), limit) from None


def _collect(chunks: Iterable[str]) -> str:
    parts: list[str] = []
    append, size, most = parts.append, 0, bounds.MAX_OUTPUT_CHARS  # locals: once per chunk
    for chunk in chunks:
        size += len(chunk)
        if size > most:
            raise Limit(f"the email is longer than {most:,} characters", TOO_LARGE)
        append(chunk)
    return "".join(parts)


def _where(exc: BaseException, part: str) -> str:
    line, filename, tb = None, _filename(part), exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == filename:
            line = tb.tb_lineno
        tb = tb.tb_next
    return f"{part}, line {line}: " if line else f"{part}: "


def _reason(exc: BaseException) -> str:
    if isinstance(exc, SecurityError):
        return str(exc)
    if isinstance(exc, RecursionError):
        return "a macro calls itself too deeply"
    if isinstance(exc, OverflowError):
        return "a number is too large to compute"
    if isinstance(exc, MemoryError):
        return "the template needs more memory than an email may use"
    if isinstance(exc, (TemplateError, _Limit, FilterError)):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"

