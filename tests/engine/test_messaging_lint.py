"""The template linter: each class of problem, and a clean template."""

from __future__ import annotations

import pytest

from engine.journey.data import EmailTemplate
from engine.messaging.lint import lint_template

GOOD_BODY = """# Hi {{ contact.first_name | default("there") }}

{% if contact.plan %}Thanks for being on {{ contact.plan }}.{% endif %}

{% for item in cart %}
- [{{ item.name }}]({{ item.url }}) — {{ item.subtotal | money }}
{% endfor %}

Your code: **{{ coupon(10, 7) }}**, for {{ event.product_name or "your next order" }}.

![Our shop]({{ shop.website }}/logo.png)

[Shop now](https://shop.example.com/?utm_source=email) · [Call us](tel:+15550100) ·
[Write](mailto:hello@example.com)
"""


def lint(**fields) -> list[tuple[str, str]]:
    defaults = dict(key="t", name="T", subject="Hi {{ contact.first_name | default('there') }}",
                    body=GOOD_BODY)
    return lint_template(EmailTemplate(**{**defaults, **fields}))


def messages(problems, severity: str) -> list[str]:
    return [message for sev, message in problems if sev == severity]


def test_a_good_template_passes():
    assert lint() == []


def test_a_good_html_template_without_layout_passes():
    body = ('<html><body><p>Hi {{ contact.first_name | default("there") }}</p>'
            '<p><a href="{{ unsubscribe_url }}">Unsubscribe</a> · {{ shop.postal_address }}</p>'
            "</body></html>")
    assert lint(body=body, format="html", layout="none") == []


def test_syntax_errors_with_the_line():
    problems = lint(body="Hello\n\n{% for item in cart %}\n{{ item.name }\n")
    assert problems == [("error", "Syntax error in the body, line 4: There is a '}' that closes "
                                  "nothing: check the brackets and braces (a field is written "
                                  "with two on each side: {{ contact.first_name }})")]
    [(severity, message)] = lint(preheader="{{ x | uper }}")
    assert severity == "error"
    assert message.startswith("Syntax error in the preheader, line 1: There is no filter named "
                              "'uper' — did you mean 'upper'? (filters: abs, capitalize,")


def test_unknown_variables_and_shop_fields_are_errors():
    problems = lint(body="Hi {{ contct.first_name }}\n\n{{ shop.phone }}")
    assert messages(problems, "error") == [
        "Unknown variable 'contct' in the body, line 1",
        "'shop.phone' does not exist in the body, line 3 (the shop has: currency, name, "
        "postal_address, website)",
    ]


@pytest.mark.parametrize("expression, problem", [
    ("contact.first_name", "'contact.first_name' in the body, line 1 may be empty"),
    ("contact.plan", "'contact.plan' in the body, line 1 is a custom field some contacts may not have"),
    ("contact.attributes.plan", "'contact.attributes.plan' in the body, line 1 is a custom field"),
    ("event.total | money", "'event.total' in the body, line 1 is empty when the trigger event has no 'total'"),
])
def test_values_without_a_fallback_are_warnings(expression, problem):
    warnings = messages(lint(body=f"Hi {{{{ {expression} }}}}"), "warning")
    assert len(warnings) == 1 and warnings[0].startswith(problem)
    assert "give it a fallback" in warnings[0]


@pytest.mark.parametrize("body", [
    "Hi {{ contact.first_name | default('there') }}",
    "Hi {{ contact.first_name | d('there') | title }}",
    "Hi {{ contact.first_name or 'there' }}",
    "{% if contact.first_name %}Hi {{ contact.first_name }}{% endif %}",
    "{{ contact.plan if contact.plan is defined else 'free' }}",
    "Hi {{ contact.email }}, score {{ contact.lead_score }}",
])
def test_fallbacks_are_recognised(body):
    assert messages(lint(body=body), "warning") == []


def test_no_layout_needs_its_own_unsubscribe_link_and_address():
    errors = messages(lint(body="<p>Hello</p>", format="html", layout="none"), "error")
    assert any("must carry its own unsubscribe link" in e for e in errors)
    assert any("postal address" in e for e in errors)
    assert lint(body="Hello", layout="basic") == []  # the layout adds both


def test_an_unknown_layout_is_an_error():
    assert lint(layout="fancy") == [
        ("error", "The layout 'fancy' does not exist (choose one of: basic, plain, none)")]


def test_broken_and_non_web_links_are_errors():
    body = ("[a]() [b](#) [c](#top) [d](/cart) [e](www.shop.com) [f](javascript:void(0)) "
            "[g](ftp://files.example.com/x) [h](https://) [i](https://shop) "
            "[ok](https://shop.example.com/{{ contact.email }}) [dyn]({{ event.url | default('https://x.example.com') }}) "
            "[mail](mailto:a@example.com) [tel](tel:+1555)")
    errors = messages(lint(body=body), "error")
    assert [e.split('"')[1] for e in errors] == list("abcdefghi")
    assert 'The link "a" has no address' in errors
    assert "The link \"d\" points to '/cart', which has no https:// in front" in errors[3]
    assert "JavaScript" in errors[5] and "'ftp:'" in errors[6]


def test_html_links_report_their_line():
    errors = messages(lint(body='<p>x</p>\n<p><a href="">here</a></p>', format="html"), "error")
    assert errors == ['The link "here" (line 2) has no address']


def test_images_without_alt_text_are_warnings():
    body = "![](https://example.com/hero.png) ![Logo](https://example.com/logo.png)"
    assert messages(lint(body=body), "warning") == [
        "The image 'hero.png' has no alt text: people whose email hides images will see nothing there"]
    html = '<img src="https://example.com/a.png"><img src="https://example.com/b.png" alt="B">'
    assert len(messages(lint(body=html, format="html"), "warning")) == 1


def test_subject_empty_and_too_long():
    assert ("error", "The subject is empty") in lint(subject="  ")
    long_subject = "Hi {{ contact.first_name | default('there') }}, " + "x" * 80
    (warning,) = messages(lint(subject=long_subject), "warning")
    assert warning.startswith("The subject is 89 characters long")


def test_oversized_html_is_a_warning():
    body = "\n\n".join(f"Paragraph {i}: " + "words " * 40 for i in range(500))
    (warning,) = messages(lint(body=body), "warning")
    assert "Gmail clips emails over 102 KB" in warning


def test_runtime_errors_in_the_sample_are_reported():
    assert lint(body="{{ 10 / 0 }}") == [
        ("error", "A sample email could not be made: the body, line 1: ZeroDivisionError: division by zero")]
    (error,) = messages(lint(body="{% for item in cart %}{{ item.nmae }}{% endfor %}"), "error")
    assert "'nmae' does not exist here (there is: " in error


def test_lint_reads_the_text_part_too():
    problems = lint(text="Hi {{ contact.first_name }}\n{{ nope }}")
    assert ("error", "Unknown variable 'nope' in the plain-text version, line 2") in problems
    assert any("may be empty" in m for m in messages(problems, "warning"))


def test_a_bare_view_in_browser_link_is_a_warning():
    # empty while tracking is off: the reader would click a link that goes nowhere
    bare = lint(body="[View in your browser]({{ view_in_browser_url }})\n\nHello")
    assert any("'view in browser' link in the body, line 1" in m for m in messages(bare, "warning"))
    guarded = lint(body="{% if view_in_browser_url %}[View online]({{ view_in_browser_url }})"
                        "{% endif %}\n\nHello")
    assert not any("view in browser" in message for _, message in guarded)
