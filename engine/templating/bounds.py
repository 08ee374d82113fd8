"""The bounds on one render: time, work, memory and output, whatever the template does.

Contract:
- `email_budget()` is a context manager: everything rendered inside it (the parts of one
  email) shares one budget of work (MAX_FUEL), built text (MAX_BUILT_UNITS) and time
  (MAX_SECONDS). `render()` in templates.py opens one when none is open.
- `part_budget()` opens the per-part output count (MAX_OUTPUT_CHARS) inside it; outside
  an email budget nothing is counted (`render()` always opens both).
- Every operation that can make something big is checked BEFORE it runs
  (`check_binop`, `bounded_join`, `bounded_concat`, `bounded_urlencode`), so no single
  step is a long C-level computation: integers stay under MAX_INT_BITS, no value exceeds
  MAX_VALUE_CHARS, and all values built in one email together stay under MAX_BUILT_UNITS
  (a list item counts as two units: it costs a pointer, a character at most four bytes).
- `charge()` costs one unit of work (a loop iteration, a call, a filter, a comparison,
  an operator) and compares the render's wall clock with its deadline each time. As no
  single operation can be long (the checks above), the deadline is noticed within one
  short operation of passing: the time limit fires without interrupting anything from
  outside (an interrupt could land inside a library holding a lock, such as Python's
  import machinery, and leave it locked).
- A bound that is hit raises `Limit` (kind "too slow" or "too large"); templates.py turns
  it into a RenderError that carries the kind, so lint can call it an error.

The time measured is the render's own duration (perf_counter), not the engine's clock.
"""

from __future__ import annotations

import math
import time
from contextvars import ContextVar
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Callable, Iterable

from jinja2 import pass_eval_context
from jinja2.filters import do_urlencode, make_attrgetter
from jinja2.runtime import markup_join, str_join
from markupsafe import Markup

MAX_OUTPUT_CHARS = 1_000_000
MAX_VALUE_CHARS = 1_000_000
MAX_BUILT_UNITS = 4_000_000
MAX_INT_BITS = 4096
MAX_FUEL = 100_000
MAX_SECONDS = 1.0
TOO_SLOW, TOO_LARGE = "too slow", "too large"


class Limit(Exception):
    """A bound was hit inside the template; `kind` is TOO_SLOW or TOO_LARGE."""

    def __init__(self, message: str, kind: str):
        super().__init__(message)
        self.kind = kind


def too_slow() -> Limit:
    return Limit(f"the template took longer than {MAX_SECONDS:g} s to render", TOO_SLOW)


@dataclass(slots=True)
class _Work:
    fuel: int
    built: int
    deadline: float
    #: output characters left to the part being rendered (see part_budget)
    output: int = MAX_OUTPUT_CHARS


_WORK: ContextVar[_Work | None] = ContextVar("trellis_render_work", default=None)


class email_budget:  # noqa: N801  used as a function: `with email_budget():`
    """One budget for everything rendered inside; nested uses share the outer one.

    A class, not a @contextmanager generator: it is entered twice per email part, and a
    generator-based manager costs several calls more each time."""

    __slots__ = ("_token",)

    def __enter__(self) -> None:
        self._token = None if _WORK.get() is not None else _WORK.set(
            _Work(MAX_FUEL, MAX_BUILT_UNITS, time.perf_counter() + MAX_SECONDS))

    def __exit__(self, *_exc) -> None:
        if self._token is not None:
            _WORK.reset(self._token)


class part_budget:  # noqa: N801  used as a function: `with part_budget():`
    """The output count of one part (MAX_OUTPUT_CHARS), inside the email's budget (outside
    one, nothing is counted).

    The count is a field of the email's budget, saved on entry and restored on exit (a
    part inside a part gets its own count, as before), not a context variable of its own:
    setting and resetting one for each part of each email cost more than the count."""

    __slots__ = ("_work", "_saved")

    def __enter__(self) -> None:
        work = self._work = _WORK.get()
        if work is not None:
            self._saved, work.output = work.output, MAX_OUTPUT_CHARS

    def __exit__(self, *_exc) -> None:
        if self._work is not None:
            self._work.output = self._saved


def charge(units: int = 1) -> None:
    work = _WORK.get()
    if work is None:  # constant folding at compile time: nothing to bound
        return
    work.fuel -= units
    if work.fuel < 0:
        raise Limit("the template does too much work (a loop or a macro runs too often)",
                    TOO_SLOW)
    if time.perf_counter() > work.deadline:
        raise too_slow()


def charge_output(length: int) -> None:
    work = _WORK.get()
    if work is not None:
        work.output -= length
        if work.output < 0:
            raise Limit(f"the email is longer than {MAX_OUTPUT_CHARS:,} characters", TOO_LARGE)


def build(units: int, length: int | None = None) -> None:
    """Before making a value of `length` (characters or items) costing `units`."""
    if length is not None and length > MAX_VALUE_CHARS:
        raise Limit(f"the template builds a value longer than {MAX_VALUE_CHARS:,} characters",
                    TOO_LARGE)
    work = _WORK.get()
    if work is None:
        return
    work.built -= units
    if work.built < 0:
        raise Limit("the template builds too much text (over "
                    f"{MAX_BUILT_UNITS:,} characters in all)", TOO_LARGE)
    charge()


def check_size(value: Any) -> Any:
    """After the fact, for values whose size could not be known before."""
    if isinstance(value, (str, list, tuple)):
        build(len(value) * (2 if not isinstance(value, str) else 1), len(value))
    return value


def _int_bits(value: Any) -> int | None:
    if isinstance(value, int):
        return value.bit_length()
    if isinstance(value, Decimal) and value.is_finite():
        return max(0, value.adjusted()) * 10 // 3 + 4
    return None


def _too_big_number() -> Limit:
    # computing it is what would take long (a C-level operation nothing can interrupt)
    return Limit(f"the template computes a number over {MAX_INT_BITS * 3 // 10:,} digits "
                 "long, which would take too long", TOO_SLOW)


def check_binop(operator: str, left: Any, right: Any) -> None:
    """Refuse `left operator right` before it runs when its result would be too big."""
    sequences = (str, list, tuple)
    if operator == "*":
        for seq, n in ((left, right), (right, left)):
            if isinstance(seq, sequences) and isinstance(n, int):
                length = len(seq) * max(n, 0)
                build(length * (1 if isinstance(seq, str) else 2), length)
                return
        bits = (_int_bits(left), _int_bits(right))
        if None not in bits and bits[0] + bits[1] > MAX_INT_BITS:
            raise _too_big_number()
    elif operator == "**":
        exact = (isinstance(left, int) and not isinstance(left, bool)
                 or isinstance(left, Decimal) and left.is_finite())
        if isinstance(right, (int, float, Decimal)) and not isinstance(right, bool):
            if (exact and right > 0 and abs(left) > 1
                    and math.log2(abs(left)) * right > MAX_INT_BITS):
                raise _too_big_number()
            if abs(right) > MAX_INT_BITS:  # floats and decimals: big exponents only overflow
                raise _too_big_number()
    elif operator == "+":
        if isinstance(left, sequences) and isinstance(right, sequences):
            length = len(left) + len(right)
            build(length * (1 if isinstance(left, str) else 2), length)
        else:
            bits = (_int_bits(left), _int_bits(right))
            if None not in bits and max(bits) + 1 > MAX_INT_BITS:
                raise _too_big_number()


def text_size(value: Any, limit: int = MAX_VALUE_CHARS) -> int:
    """An upper bound of len(str(value)), computed without building it; stops past `limit`.

    Containers print their items' repr, which can be up to ten times a string's length.
    """
    if isinstance(value, str):
        return len(value)
    if isinstance(value, bool) or value is None:
        return 5
    if isinstance(value, int):
        return value.bit_length() * 3 // 10 + 2
    if isinstance(value, float):
        return 25
    if isinstance(value, dict):
        return _items_size([*value.keys(), *value.values()], limit)
    if isinstance(value, (list, tuple)):
        return _items_size(value, limit)
    return len(str(value))  # values of values.py: short by construction


def _items_size(items: Iterable[Any], limit: int) -> int:
    total = 2
    for item in items:
        if isinstance(item, str):
            total += len(item) + 4 if item.isascii() and item.isprintable() else len(item) * 10 + 4
        else:
            total += text_size(item, limit) + 2
        if total > limit:
            break
    return total


def _sum_sizes(values: Iterable[Any], separator: int = 0) -> int:
    total = 0
    for value in values:
        total += text_size(value) + separator
        if total > MAX_VALUE_CHARS:
            break
    return total


@pass_eval_context
def bounded_join(eval_ctx: Any, value: Iterable[Any], d: str = "",
                 attribute: str | int | None = None) -> str:
    """Jinja's `join`, refusing a result over the bound before it is built."""
    items = list(value) if not isinstance(value, (list, tuple)) else value
    build(len(items) * 2, None)
    if attribute is not None:
        getter = make_attrgetter(eval_ctx.environment, attribute)
        items = [getter(item) for item in items]
    length = _sum_sizes(items, text_size(d))
    build(length, length)
    joiner = markup_join if eval_ctx.autoescape else str_join
    if not d:
        return joiner(items)
    spaced: list[Any] = []
    for item in items:
        spaced += [d, item] if spaced else [item]
    return joiner(spaced)


@pass_eval_context
def bounded_concat(eval_ctx: Any, values: list[Any]) -> str:
    """`a ~ b ~ c`, refused before it is built when too long."""
    length = _sum_sizes(values)
    build(length, length)
    return markup_join(values) if eval_ctx.autoescape else str_join(values)


@pass_eval_context
def bounded_urlencode(eval_ctx: Any, value: Any) -> str:
    length = _sum_sizes(value.items() if isinstance(value, dict) else [value]) * 3
    build(length, length)
    return do_urlencode(value)


def charged(function: Callable) -> Callable:
    """A filter that costs one unit of work per use and whose text result is size-checked."""

    def bounded(*args: Any, **kwargs: Any) -> Any:
        charge()
        result = function(*args, **kwargs)
        if isinstance(result, str) and not isinstance(result, Markup) and len(result) > 4096:
            check_size(result)
        return result

    # Jinja reads pass_context/pass_eval_context markers from the function's attributes
    bounded.__dict__.update(getattr(function, "__dict__", {}))
    bounded.__name__ = getattr(function, "__name__", "filter")
    return bounded
