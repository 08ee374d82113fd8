"""The template sandbox: whitelist, autoescape, undefined values, bounds, filters."""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal

import pytest

from engine.templating import bounds, templates
from engine.templating.templates import HTML, TEXT, RenderError, compile_template, render
from engine.templating.values import ContactInfo, CouponView, ShopInfo

CONTACT = ContactInfo(
    id=7, email="ann@example.com", first_name="Ann", last_name="Lee", timezone="Asia/Tokyo",
    attributes={"plan": "pro", "address": {"city": "Osaka"}, "tags": ["a", "b"]},
)


def run(source: str, env=HTML, **variables) -> str:
    names = {"contact": CONTACT.as_record(), "shop": ShopInfo("Shop", "1 Road").as_record()}
    return render(compile_template(source, env, "the body"), {**names, **variables}, "the body")


def failure(source: str, env=HTML, **variables) -> str:
    with pytest.raises(RenderError) as caught:
        run(source, env, **variables)
    return caught.value.reason


def test_contact_fields_and_custom_fields_both_ways():
    out = run("{{ contact.first_name }} {{ contact.full_name }} {{ contact.plan }} "
              "{{ contact.attributes.plan }} {{ contact.address.city }} {{ contact.tags | join('+') }}")
    assert out == "Ann Ann Lee pro pro Osaka a+b"


def test_html_is_autoescaped_and_text_is_not():
    assert run("<p>{{ x }}</p>", x='<script>alert("x")</script>') == (
        "<p>&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;</p>"
    )
    assert run("{{ x }}", TEXT, x="Fish & <Chips>") == "Fish & <Chips>"


@pytest.mark.parametrize("source", ["{{ contact.__class__ }}", "{{ contact._data }}"])
def test_a_records_internals_are_just_missing_keys(source):
    assert failure(source).endswith("is not defined")


@pytest.mark.parametrize("source", [
    "{{ x.__class__.__mro__ }}",
    "{{ x.__init__.__globals__ }}",
    "{{ contact.email.upper() }}",
    "{{ '{0.__class__}'.format(x) }}",
    "{{ x.append }}",
])
def test_sandbox_blocks_internals_and_methods(source):
    assert "is not available in email templates" in failure(source, x=[1])


def test_no_jinja_globals_and_no_includes():
    assert failure("{{ range(3) }}") == "the body, line 1: range is not defined"
    assert failure("{{ lipsum() }}") == "the body, line 1: lipsum is not defined"
    assert failure("{% include 'x.html' %}") == (
        "the body, line 1: {% include %} is not available in emails"
    )


def test_undefined_variables_raise_naming_them_with_the_line():
    assert failure("Hello\n{{ contact.nickname }}") == "the body, line 2: contact.nickname is not defined"
    assert failure("{{ contact.attributes.tier }}") == (
        "the body, line 1: contact.attributes.tier is not defined"
    )
    assert failure("{{ contact.address.zip }}") == "the body, line 1: contact.address.zip is not defined"
    assert failure("{{ shopp.name }}") == "the body, line 1: shopp is not defined"
    assert failure("{% for t in contact.missing %}{% endfor %}") == (
        "the body, line 1: contact.missing is not defined"
    )


def test_undefined_may_be_tested_and_given_a_fallback():
    out = run("{% if contact.vip %}vip{% else %}regular{% endif %} "
              "{{ contact.tier | default('free') }} {{ contact.tier is defined }} "
              "{{ contact.tier or 'none' }}")
    assert out == "regular free False none"


def test_default_treats_empty_strings_as_missing():
    blank = ContactInfo(id=1, email="x@example.com").as_record()
    assert run("Hi {{ contact.first_name | default('there') }}", contact=blank) == "Hi there"


def test_a_group_of_fields_cannot_be_printed():
    assert failure("{{ contact.address }}") == (
        "the body, line 1: contact.address is a group of fields: pick one, like contact.address.city"
    )


def test_output_size_is_bounded(monkeypatch):
    monkeypatch.setattr(bounds, "MAX_OUTPUT_CHARS", 1000)
    assert "longer than 1,000 characters" in failure("{% for c in s %}{{ s }}{% endfor %}", s="x" * 100)
    assert "longer than 1,000 characters" in failure("{% for c in s %}xxxxxxxxxxxx{% endfor %}", s="x" * 100)


def test_built_values_are_bounded():
    assert "longer than 1,000,000 characters" in failure("{{ 'x' * 10000000 }}")
    assert "longer than 1,000,000 characters" in failure(
        "{% set a = 'x' * 600000 %}{% set b = a ~ a %}done"
    )
    assert "'%' formatting is not available" in failure("{{ '%999999999d' % 1 }}")


def test_work_is_bounded_for_loops_and_recursion(monkeypatch):
    monkeypatch.setattr(bounds, "MAX_FUEL", 5000)
    assert "does too much work" in failure(
        "{% for a in s %}{% for b in s %}{% endfor %}{% endfor %}", s="x" * 100
    )
    assert "does too much work" in failure(
        "{% macro f(n) %}{% if n %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}{% endmacro %}{{ f(30) }}"
    )
    assert "calls itself too deeply" in failure("{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}")


def test_the_time_backstop(monkeypatch):
    monkeypatch.setattr(bounds, "MAX_SECONDS", -1.0)  # every check finds the deadline passed
    assert "took longer than" in failure("{% for c in s %}{% endfor %}", s="x" * 1000)


def test_syntax_errors_and_unknown_filters_name_the_line():
    with pytest.raises(RenderError, match=r"^the subject, line 2: "):
        compile_template("Hi\n{{ contact.first_name }", TEXT, "the subject")
    with pytest.raises(RenderError, match=r"^the body, line 1: There is no filter named 'shout'"):
        compile_template("{{ x | shout }}", HTML, "the body")


def test_money_filter():
    assert run("{{ 1234.5 | money }}") == "$1,234.50"
    assert run("{{ p | money('EUR') }}", p=Decimal("9.999")) == "€10.00"
    assert run("{{ p | money('JPY') }}", p="1500") == "¥1,500"
    assert run("{{ p | money('CHF') }}", p=-3) == "-3.00 CHF"
    assert failure("{{ 'lots' | money }}") == "the body, line 1: money: 'lots' is not an amount"


def test_date_filter_uses_the_contacts_time_zone():
    coupon = CouponView("SAVE10-AAAA-BBBB-CCCC", 10, datetime(2026, 3, 9, 16, 30, tzinfo=timezone.utc))
    # 16:30 UTC is 01:30 the next day in Tokyo
    assert run("{{ c.expires_at | date }}", c=coupon) == "10 Mar 2026"
    assert run("{{ c.expires_at | date('long') }}", c=coupon) == "Tuesday, 10 March 2026"
    assert run("{{ c.expires_at | date('datetime') }}", c=coupon) == "10 Mar 2026, 01:30"
    assert run("{{ '2026-01-05' | date('short') }}") == "2026-01-05"
    assert "is not a date" in failure("{{ 'soon' | date }}")


def test_filters_are_a_whitelist():
    for name in ("safe", "attr", "map", "format", "xmlattr", "pprint", "indent", "center"):
        with pytest.raises(RenderError, match="There is no filter named"):
            compile_template(f"{{{{ x | {name} }}}}", HTML, "the body")
