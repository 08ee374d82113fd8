"""Render one email for one contact: subject, preheader, from name, HTML and text.

Contract: `render_email(template, context)` returns a `RenderedEmail` or raises
`RenderError(reason)`, the reason naming the part and line ("the body, line 4: contact.plan
is not defined"). The engine fails that one message with the reason; nothing else can
escape, so one contact's data never stops a batch.

Steps: the body (Markdown converted to HTML) is rendered in the HTML sandbox and placed
in the layout, which adds the header and the footer with the unsubscribe link and postal
address; the HTML has its CSS inlined (at compile time when inline.py allows, else per
email) and, when `context.links` is set, gets tracked links and an open pixel. The text is the template's own `text` when it has one, else the text form
of the body in the text form of the layout (see text.py), else, when a template cannot
have a text form, the rendered HTML converted.

Bounds: the parts of one email share one budget (bounds.py): a second of rendering and
one allowance of work and built text, whatever the template does.

A block email (format "blocks") is compiled to a whole page and its text part first
(engine/blocks/compile.py, with the brand kit of `context.shop.brand`), then rendered the
same way, without a layout; its footer needs the unsubscribe link and an address.

Speed: everything that does not depend on the contact (Markdown, parsing, compiling, CSS
inlining, the text forms) happens once per template content and layout, cached in-process,
keyed by the template's fields themselves (not its key), so an edited template is a new
entry and needs no invalidation. Layout files are read once per process.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from jinja2 import Template, TemplateSyntaxError, nodes
from markupsafe import Markup

from engine.blocks.compile import email_sources
from engine.blocks.jinja_bits import CART_CODE
from engine.journey.data import EmailTemplate
from engine.messaging.body import body_html_source
from engine.messaging.compose import RenderedEmail, inline_css
from engine.messaging.context import RenderContext
from engine.messaging.inline import inline_template
from engine.templating.jinja_source import line_map
from engine.messaging.layouts import NO_LAYOUT, layout_source
from engine.templating.bounds import Limit, email_budget
from engine.templating.templates import HTML, TEXT, RenderError, compile_template, parse_template, render
from engine.messaging.text import close_gaps, html_to_text, text_source
from engine.messaging.tokens import rewrite_links

SUBJECT, PREHEADER, FROM_NAME = "the subject", "the preheader", "the from name"
BODY, TEXT_PART = "the body", "the plain-text version"
#: the body format of a block email's compiled page (never in a file)
COMPILED = "compiled"
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class CompiledEmail:
    subject: Template | str
    preheader: Template | str
    from_name: Template | str
    body: Template
    #: the layout's HTML around this body; None for layout "none"
    layout: Template | None
    layout_name: str
    #: the text forms (text.py); None where there is none
    body_text: Template | None
    layout_text: Template | None
    text_override: Template | None
    #: True when the CSS could not be inlined at compile time (inline.py)
    inline_each: bool
    uses_cart: bool


def render_email(template: EmailTemplate, context: RenderContext, *,
                 layouts_dir: Path | None = None) -> RenderedEmail:
    compiled = compile_email(template, layouts_dir, brand=context.shop.brand)
    if template.format == "blocks":
        # the footer is part of the page: it needs what a layout's footer needs
        _check_footer(context, address=not (context.shop.brand and context.shop.brand.footer_address))
    variables = context.variables(with_cart=compiled.uses_cart)
    try:
        with email_budget():  # one budget of time and work for all the parts of the email
            return _render_parts(compiled, context, variables)
    except Limit as exc:  # a bound hit outside the parts' own renders
        raise RenderError(f"{exc}", exc.kind or None) from None


def _render_parts(compiled: CompiledEmail, context: RenderContext,
                  variables: dict) -> RenderedEmail:
    subject = _line(_render(compiled.subject, variables, SUBJECT))
    preheader = _line(_render(compiled.preheader, variables, PREHEADER))
    from_name = _line(_render(compiled.from_name, variables, FROM_NAME)) or context.shop.name
    body = render(compiled.body, variables, BODY)

    layout_part = f"the layout '{compiled.layout_name}'"
    page = {**variables, "subject": subject, "preheader": preheader}
    if compiled.layout is not None:
        _check_footer(context)
        html = render(compiled.layout, {**page, "body": Markup(body)}, layout_part)
    else:
        html = body

    if compiled.text_override is not None:
        text = render(compiled.text_override, variables, TEXT_PART)
    elif compiled.body_text is not None and (compiled.layout is None) == (compiled.layout_text is None):
        text = render(compiled.body_text, variables, BODY)
        if compiled.layout_text is not None:
            text = render(compiled.layout_text, {**page, "body": text}, layout_part)
    else:
        text = html_to_text(html)

    if compiled.inline_each:
        html = inline_css(html)
    if context.links is not None and context.message_key:
        html = rewrite_links(html, context.message_key, context.links)
    return RenderedEmail(subject, preheader, from_name, html, close_gaps(text))


def _render(part: Template | str, variables: dict, name: str) -> str:
    return part if isinstance(part, str) else render(part, variables, name)


def _line(text: str) -> str:
    """Subjects, preheaders and names are one line, whatever the template's line breaks."""
    return _SPACES.sub(" ", text).strip()


def _check_footer(context: RenderContext, address: bool = True) -> None:
    if not context.unsubscribe_url:
        raise RenderError("there is no unsubscribe link to put in the footer")
    if address and not context.shop.postal_address.strip():
        raise RenderError(
            "the sender's postal address is not set: add it in Settings "
            "(the law requires it in every marketing email)"
        )


def compile_email(template: EmailTemplate, layouts_dir: Path | None = None, *,
                  brand=None) -> CompiledEmail:
    """The compiled template, from the cache when its content was compiled before.

    A template that does not compile raises RenderError; that answer is cached too, so a
    broken template costs one compilation per batch, not one per contact. A block email
    is compiled with `brand` (the default brand kit when None) to a whole page
    (engine/blocks/compile.py), then like a code template without a layout; its CSS is
    already on its elements, so nothing is inlined per email.
    """
    if template.format == "blocks":
        parts = email_sources(template, brand)
        compiled = _compile(parts.subject, parts.preheader, parts.from_name, parts.html,
                            COMPILED, NO_LAYOUT, parts.text, None)
        if isinstance(compiled, RenderError):
            raise RenderError(compiled.reason)
        return compiled
    compiled = _compile(
        template.subject, template.preheader, template.from_name, template.body,
        template.format, template.layout, template.text, layouts_dir,
    )
    if isinstance(compiled, RenderError):
        raise RenderError(compiled.reason)
    return compiled


def template_sources(template: EmailTemplate, brand=None) -> str:
    """All the Jinja an email renders, as one text: for looking up which data it uses."""
    if template.format == "blocks":
        try:
            return email_sources(template, brand).joined
        except RenderError:  # rendering says why; for a look-up, the typed text will do
            return template.stored_body
    return _joined(template.subject, template.preheader, template.from_name, template.body,
                   template.text or "")


@lru_cache(maxsize=256)
def _joined(*parts: str) -> str:
    return "\n".join(parts)


@lru_cache(maxsize=512)
def _compile(subject: str, preheader: str, from_name: str, body: str,
             body_format: str, layout: str, text: str | None,
             layouts_dir: Path | None) -> CompiledEmail | RenderError:
    try:
        return _compile_parts(subject, preheader, from_name, body, body_format, layout, text,
                              layouts_dir)
    except RenderError as exc:
        return exc
    except TemplateSyntaxError as exc:  # only a derived source (inlined CSS…) can get here
        return RenderError(f"{BODY}: this email could not be prepared ({exc.message})")


def _compile_parts(subject: str, preheader: str, from_name: str, body: str, body_format: str,
                   layout: str, text: str | None, layouts_dir: Path | None) -> CompiledEmail:
    sources = {SUBJECT: subject, PREHEADER: preheader, FROM_NAME: from_name, BODY: body}
    if text is not None:
        sources[TEXT_PART] = text
    # any mention of `cart` (a look-up only): Jinja's own find_undeclared_variables would
    # compile, and fail with a traceback on an unknown filter
    # a block email's page and text part use the cart only in a cart grid, whose code
    # compile.py writes: a look for it spares parsing a large page twice
    parsed = ({part: source for part, source in sources.items() if part not in (BODY, TEXT_PART)}
              if body_format == COMPILED else sources)
    uses_cart = any(
        name.name == "cart"
        for part, source in parsed.items()
        for name in parse_template(source, TEXT, part).find_all(nodes.Name)
    ) or (body_format == COMPILED and any(
        CART_CODE in sources.get(part, "") for part in (BODY, TEXT_PART)))
    if body_format == COMPILED:  # a block email's page: styles on its elements already
        body_html, layout_file, layout_html = body, None, None
        inlined = final_layout, final_body = None, body
    else:
        body_html = body_html_source(body, body_format)  # the body parsed above: no syntax error
        layout_file = None if layout == NO_LAYOUT else _layout(layout, layouts_dir)
        layout_html = layout_file.source if layout_file else None
        inlined = inline_template(layout_html, body_html)
        final_layout, final_body = inlined if inlined is not None else (layout_html, body_html)
    layout_part = f"the layout '{layout}'"
    derived_text = text_source(body_html) if text is None else None
    return CompiledEmail(
        subject=_compile_text(subject, SUBJECT),
        preheader=_compile_text(preheader, PREHEADER),
        from_name=_compile_text(from_name, FROM_NAME),
        # a block email's page is compiled as it is: its lines need no mapping
        body=compile_template(final_body, HTML, BODY,
                              line_map(body, final_body) if final_body is not body else None),
        layout=(compile_template(final_layout, HTML, layout_part, line_map(layout_html, final_layout))
                if final_layout is not None else None),
        layout_name=layout,
        body_text=(compile_template(derived_text, TEXT, BODY, line_map(body, derived_text))
                   if derived_text is not None else None),
        layout_text=layout_file.text if layout_file else None,
        text_override=compile_template(text, TEXT, TEXT_PART) if text is not None else None,
        inline_each=inlined is None,
        uses_cart=uses_cart,
    )


def _compile_text(source: str, part: str) -> Template | str:
    """A one-line text part; a source without Jinja syntax needs no rendering at all."""
    return compile_template(source, TEXT, part) if "{" in source else source


@dataclass(frozen=True)
class _Layout:
    source: str
    #: the layout's text form; None when it has none (text.py)
    text: Template | None


@lru_cache(maxsize=32)
def _layout(name: str, layouts_dir: Path | None) -> _Layout:
    source = layout_source(name, layouts_dir)
    derived_text = text_source(source)
    if derived_text is None:
        return _Layout(source, None)
    part = f"the layout '{name}'"
    return _Layout(source, compile_template(derived_text, TEXT, part, line_map(source, derived_text)))
