"""The render bounds of engine/templating/bounds.py, one by one: the watchdog, check points
between C-level comparisons, number and text sizes checked before they are made."""

from __future__ import annotations

import pytest

from engine.templating import bounds
from engine.templating.templates import TEXT, RenderError, compile_template, render


def fails(source: str, **variables) -> RenderError:
    with pytest.raises(RenderError) as caught:
        render(compile_template(source, TEXT, "the body"), variables, "the body")
    return caught.value


@pytest.mark.parametrize("piece", [
    "{% if s[1:] %}{% endif %}", "{% if s[0] %}{% endif %}", "{% if s is string %}{% endif %}",
    "{% if s | upper %}{% endif %}", "{% if n * 3 %}{% endif %}", "{% if s ~ '' %}{% endif %}",
])
def test_every_kind_of_operation_reads_the_clock(monkeypatch, piece):
    """Straight-line code (no loop, no macro): each subscript, test, filter, operator and
    join is a check point, so a render past its deadline stops at the next one. With the
    deadline already past, the piece itself must be where it stops."""
    assert render(compile_template(piece, TEXT, "b"), {"s": "a", "n": 1}, "b") == ""  # in time
    monkeypatch.setattr(bounds, "MAX_SECONDS", -1.0)
    error = fails(piece, s="a" * 1000, n=10)
    assert "took longer than" in error.reason and error.limit == "too slow"


def test_comparisons_of_big_values_are_check_points(monkeypatch):
    """`t in s` scans in C, with no check point of its own: a call after each one reads
    the clock."""
    monkeypatch.setattr(bounds, "MAX_SECONDS", -1.0)
    error = fails("{% if [t in s, t in s] %}{% endif %}", s="a" * 1000, t="b")
    assert "took longer than" in error.reason and error.limit == "too slow"


@pytest.mark.parametrize("source", [
    "{{ 2 ** 5000 }}", "{{ (10 ** 1000) * (10 ** 1000) }}", "{{ 7 ** 2000 }}",
    "{{ 1.0001 ** 10000 }}", "{{ 2 ** 5000.0 }}",
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


def test_each_part_of_an_email_counts_its_own_output():
    """The output bound is per part: the parts of one email may each come near it, and a
    part inside another gives the outer one its count back."""
    near = compile_template("{{ 'a' * 600000 }}", TEXT, "the body")
    with bounds.email_budget():
        assert len(render(near, {}, "the body")) == 600_000
        with bounds.part_budget():
            bounds.charge_output(900_000)
            assert len(render(near, {}, "the body")) == 600_000  # a fresh count inside
            with pytest.raises(bounds.Limit):
                bounds.charge_output(200_000)  # the outer part's count again: 1,100,000
    error = fails("{{ 'a' * 600000 }}{{ 'b' * 600000 }}")
    assert error.limit == "too large" and "longer than 1,000,000" in error.reason


def test_literal_text_repeated_by_a_loop_is_bounded_and_straight_text_is_joined_whole():
    # a loop prints its literal text once per round, past _finalize: looked at chunk by chunk
    assert compile_template("{% for i in n %}x{% endfor %}", TEXT, "b").straight is False
    error = fails("{% for i in n %}" + "x" * 1000 + "{% endfor %}", n=range(2000))
    assert error.limit == "too large" and "longer than 1,000,000" in error.reason
    # without loops or macros, literal text prints once and values go through _finalize
    straight = compile_template("Hi {{ name }}{% if vip %}!{% endif %}", TEXT, "b")
    assert straight.straight is True
    assert render(straight, {"name": "Ann", "vip": True}, "b") == "Hi Ann!"
