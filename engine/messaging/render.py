"""Render one email for one contact: subject, preheader, from name, HTML and text.

Contract: `render_email(template, context)` returns a `RenderedEmail` or raises
`RenderError(reason)`, the reason naming the part and line ("the body, line 4: contact.plan
is not defined"). The engine fails that one message with the reason; nothing else can
escape, so one contact's data never stops a batch.

Steps: the body (Markdown converted to HTML) is rendered in the HTML sandbox and placed
in the layout, which adds the header and the footer with the unsubscribe link and postal
address; the HTML gets its CSS inlined and, when `context.links` is set, tracked links and
an open pixel. The text is the template's own `text` when it has one, else the text form
of the body in the text form of the layout (see text.py), else, when a template cannot
have a text form, the rendered HTML converted.

Speed: everything that does not depend on the contact (Markdown, parsing, compiling, the
text forms) happens once per template content and layout, cached in-process, keyed by the
template's fields themselves, so an edited template is a new entry and needs no
invalidation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from jinja2 import Template, TemplateSyntaxError
from jinja2.meta import find_undeclared_variables
from markupsafe import Markup

from engine.document import EmailTemplate
from engine.messaging.body import body_html_source
from engine.messaging.compose import RenderedEmail, inline_css
from engine.messaging.context import RenderContext
from engine.messaging.layouts import NO_LAYOUT, layout_source
from engine.messaging.templates import HTML, TEXT, RenderError, compile_template, parse_template, render
from engine.messaging.text import html_to_text, text_source, tidy
from engine.messaging.tokens import rewrite_links

SUBJECT, PREHEADER, FROM_NAME = "the subject", "the preheader", "the from name"
BODY, TEXT_PART = "the body", "the plain-text version"
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class CompiledLayout:
    name: str
    html: Template
    #: None: this layout has no text form (rendered HTML is converted instead)
    text: Template | None


@dataclass(frozen=True)
class CompiledEmail:
    subject: Template
    preheader: Template
    from_name: Template
    body: Template
    body_text: Template | None
    text_override: Template | None
    layout: CompiledLayout | None
    uses_cart: bool


def render_email(template: EmailTemplate, context: RenderContext, *,
                 layouts_dir: Path | None = None) -> RenderedEmail:
    compiled = compile_email(template, layouts_dir)
    variables = context.variables(with_cart=compiled.uses_cart)
    subject = _line(render(compiled.subject, variables, SUBJECT))
    preheader = _line(render(compiled.preheader, variables, PREHEADER))
    from_name = _line(render(compiled.from_name, variables, FROM_NAME)) or context.shop.name
    body = render(compiled.body, variables, BODY)

    layout = compiled.layout
    if layout is not None:
        _check_footer(context)
        page = {**variables, "subject": subject, "preheader": preheader}
        html = render(layout.html, {**page, "body": Markup(body)}, f"the layout '{layout.name}'")
    else:
        html = body

    if compiled.text_override is not None:
        text = render(compiled.text_override, variables, TEXT_PART)
    elif compiled.body_text is not None and (layout is None or layout.text is not None):
        text = render(compiled.body_text, variables, BODY)
        if layout is not None:
            text = render(layout.text, {**page, "body": text}, f"the layout '{layout.name}'")
    else:
        text = html_to_text(html)

    html = inline_css(html)
    if context.links is not None and context.message_key:
        html = rewrite_links(html, context.message_key, context.links)
    return RenderedEmail(subject, preheader, from_name, html, tidy(text))


def _line(text: str) -> str:
    """Subjects, preheaders and names are one line, whatever the template's line breaks."""
    return _SPACES.sub(" ", text).strip()


def _check_footer(context: RenderContext) -> None:
    if not context.unsubscribe_url:
        raise RenderError("there is no unsubscribe link to put in the footer")
    if not context.shop.postal_address.strip():
        raise RenderError(
            "the sender's postal address is not set: add it in Settings "
            "(the law requires it in every marketing email)"
        )


def compile_email(template: EmailTemplate, layouts_dir: Path | None = None) -> CompiledEmail:
    """The compiled template, from the cache when its content was compiled before."""
    return _compile(
        template.key, template.subject, template.preheader, template.from_name, template.body,
        template.format, template.layout, template.text, layouts_dir,
    )


@lru_cache(maxsize=512)
def _compile(key: str, subject: str, preheader: str, from_name: str, body: str,
             body_format: str, layout: str, text: str | None,
             layouts_dir: Path | None) -> CompiledEmail:
    sources = {SUBJECT: subject, PREHEADER: preheader, FROM_NAME: from_name, BODY: body}
    if text is not None:
        sources[TEXT_PART] = text
    uses_cart = any(
        "cart" in find_undeclared_variables(parse_template(source, TEXT, part))
        for part, source in sources.items()
    )
    try:
        html_source = body_html_source(body, body_format)
    except TemplateSyntaxError as exc:  # parse_template above reports these first
        raise RenderError(f"{BODY}, line {exc.lineno}: {exc.message}") from None
    derived_text = text_source(html_source) if text is None else None
    return CompiledEmail(
        subject=compile_template(subject, TEXT, SUBJECT),
        preheader=compile_template(preheader, TEXT, PREHEADER),
        from_name=compile_template(from_name, TEXT, FROM_NAME),
        body=compile_template(html_source, HTML, BODY),
        body_text=compile_template(derived_text, TEXT, BODY) if derived_text is not None else None,
        text_override=compile_template(text, TEXT, TEXT_PART) if text is not None else None,
        layout=None if layout == NO_LAYOUT else compile_layout(layout, layouts_dir),
        uses_cart=uses_cart,
    )


@lru_cache(maxsize=32)
def compile_layout(name: str, layouts_dir: Path | None = None) -> CompiledLayout:
    source = layout_source(name, layouts_dir)
    part = f"the layout '{name}'"
    derived_text = text_source(source)
    return CompiledLayout(
        name=name,
        html=compile_template(source, HTML, part),
        text=compile_template(derived_text, TEXT, part) if derived_text is not None else None,
    )
