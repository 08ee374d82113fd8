"""The render bounds of engine/messaging/bounds.py, one by one: the watchdog, check points
between C-level comparisons, number and text sizes checked before they are made."""

from __future__ import annotations

import time

import pytest

from engine.messaging import bounds
from engine.messaging.bounds import Limit, email_budget, shielded
from engine.messaging.templates import TEXT, RenderError, compile_template, render


def fails(source: str, **variables) -> RenderError:
    with pytest.raises(RenderError) as caught:
        render(compile_template(source, TEXT, "the body"), variables, "the body")
    return caught.value


def spin(seconds: float) -> None:
    """Pure Python work with no check point of ours in it."""
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass


def test_the_watchdog_interrupts_code_that_never_checks_the_clock(monkeypatch):
    monkeypatch.setattr(bounds, "MAX_SECONDS", 0.2)
    start = time.perf_counter()
    with pytest.raises(Limit) as caught:
        with email_budget():
            spin(5)
    assert caught.value.kind == "too slow"
    assert time.perf_counter() - start < 1.5


def test_nothing_is_raised_after_a_render_that_ended_in_time(monkeypatch):
    monkeypatch.setattr(bounds, "MAX_SECONDS", 0.05)
    for _ in range(20):
        with email_budget():
            pass
    spin(0.3)  # past every deadline above: no late interrupt may land here


def test_a_shielded_section_is_not_interrupted_and_reports_after(monkeypatch):
    monkeypatch.setattr(bounds, "MAX_SECONDS", 0.1)
    finished = []
    with pytest.raises(Limit):
        with email_budget():
            with shielded():
                spin(0.4)  # database work: must run to its end
                finished.append(True)
    assert finished == [True]


def test_comparisons_of_big_values_are_check_points(monkeypatch):
    monkeypatch.setattr(bounds, "MAX_SECONDS", 0.1)
    source = ("{% set s = 'a' * 1000000 %}{% set t = 'a' * 500000 ~ 'b' %}{{ ["
              + "t in s, " * 400 + "] | length }}")
    start = time.perf_counter()
    error = fails(source)
    assert "took longer than" in error.reason and error.limit == "too slow"
    assert time.perf_counter() - start < 0.6  # 400 comparisons take ~0.8 s unchecked


@pytest.mark.parametrize("source", [
    "{{ 2 ** 5000 }}", "{{ (10 ** 1000) * (10 ** 1000) }}", "{{ 7 ** 2000 }}",
    "{{ 1.0001 ** 10000 }}",
])
def test_numbers_are_refused_before_they_are_computed(source):
    error = fails(source)
    assert "number over" in error.reason and error.limit == "too slow"


def test_reasonable_numbers_and_text_still_work():
    template = compile_template("{{ 2 ** 100 }} {{ 1.5 ** 3 }} {{ 'ab' * 3 }} {{ [1, 2] * 2 }}"
                                " {{ ['a', 'b'] | join('-') }} {{ 'x' ~ 1 ~ 'y' }}", TEXT, "b")
    assert render(template, {}, "b") == (
        f"{2 ** 100} 3.375 ababab [1, 2, 1, 2] a-b x1y")


def test_a_join_is_refused_before_the_text_is_built():
    error = fails("{{ (['a' * 1000000] * 1000) | join }}")
    assert error.limit == "too large" and "longer than 1,000,000" in error.reason


def test_printing_a_huge_list_is_refused_before_it_is_converted():
    error = fails("{{ ['a' * 1000000] * 1000 }}")
    assert error.limit == "too large"


def test_all_text_built_in_one_email_is_bounded(monkeypatch):
    monkeypatch.setattr(bounds, "MAX_BUILT_UNITS", 100_000)
    error = fails("{% for i in [1, 2, 3] %}{% set s = 'a' * 40000 %}{% endfor %}")
    assert "too much text" in error.reason


def test_nesting_is_refused_with_its_line():
    error = fails("Hello\n\n{{ " + "(" * 3000 + "1" + ")" * 3000 + " }}")
    assert error.reason.startswith("the body, line 3: this is too complex")
    error = fails("a\n{% if x %}" + "{% if x %}" * 100 + "{% endif %}" * 101)
    assert error.reason.startswith("the body, line 2: this is too complex")
