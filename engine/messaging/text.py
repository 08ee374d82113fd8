"""The plain-text alternative of an email, made from its HTML with inscriptis.

Contract:
- `html_to_text(html)` converts one rendered email: block layout kept, links shown as
  `text (https://…)`, hidden elements (the preheader) and images left out, trailing
  spaces and runs of blank lines removed.
- `text_source(html_source)` converts a whole *template* once, when it is compiled: the
  Jinja tags are set aside as placeholder words, the HTML is converted, and the tags are
  put back, giving a text template that renders the same text as converting each email
  would, at a fraction of the cost (inscriptis takes about a millisecond per email; this
  budget is 0.2 ms). It returns None when the conversion moved or dropped a `{% … %}` tag
  (a loop between table rows, a condition inside an attribute): the caller then converts
  each rendered email instead. `{{ … }}` tags may disappear (an image's `src`) or swap
  places (a link's text and its URL), which converting the rendered HTML does too; they
  must stay between the same `{% … %}` tags.
- `tidy(text)` is applied to every text part after rendering.
A template's own `text` (hand-written plain text) bypasses all this; see render.py.
"""

from __future__ import annotations

import re
from bisect import bisect_left

from inscriptis import get_text
from inscriptis.css_profiles import CSS_PROFILES
from inscriptis.model.config import ParserConfig
from inscriptis.model.html_document_state import HtmlDocumentState
from inscriptis.model.tag import CustomHtmlTagHandlerMapping

from engine.messaging.jinja_source import PLACEHOLDER, placeholder, protect

_SHOWN_LINK = re.compile(rf"^(https?://|mailto:|{placeholder(0)[:-2]})", re.IGNORECASE)
_LAST_TAG = re.compile(PLACEHOLDER.pattern + r"\s*$")
_TRAILING_SPACE = re.compile(r"[ \t]+$", re.MULTILINE)
_BLANK_LINES = re.compile(r"\n{3,}")


def _link_start(state: HtmlDocumentState, attrs: dict) -> None:
    href = (attrs.get("href") or "").strip()
    state.link_target = href if _SHOWN_LINK.match(href) else ""


def _link_end(state: HtmlDocumentState) -> None:
    if state.link_target:
        target = state.link_target
        shown = target[len("mailto:"):] if target.lower().startswith("mailto:") else target
        state.tags[-1].write(f" ({shown})")


_CONFIG = ParserConfig(
    css=CSS_PROFILES["strict"].copy(),
    custom_html_tag_handler_mapping=CustomHtmlTagHandlerMapping(
        start_tag_mapping={"a": _link_start}, end_tag_mapping={"a": _link_end}
    ),
)


def tidy(text: str) -> str:
    return _BLANK_LINES.sub("\n\n", _TRAILING_SPACE.sub("", text)).strip() + "\n"


def html_to_text(html: str) -> str:
    if not html.strip():
        return ""
    return tidy(get_text(html, _CONFIG))


def text_source(html_source: str) -> str | None:
    """A text Jinja source equivalent to converting each render, or None (see above)."""
    protected = protect(html_source)
    if protected.indices("raw"):
        return None  # a raw block's literal HTML would land in the text as markup
    text = html_to_text(protected.text)
    statements = protected.indices("statement")
    order = protected.placeholder_order(text)
    if len(order) != len(set(order)) or [n for n in order if n in statements] != statements:
        return None
    # every tag must sit inside the same stretch between statements as in the source
    region = 0
    for n in order:
        if n in statements:
            region += 1
        elif bisect_left(statements, n) != region:
            return None
    return protected.restore(_keep_line_breaks(text, set(statements)))


def _keep_line_breaks(text: str, statements: set[int]) -> str:
    """Protect line breaks from trim_blocks where a `{% … %}` tag ends a line of text.

    trim_blocks drops the newline after every block tag: right for a line holding only
    tags, wrong after "Total: {{ x }}{% endif %}", whose line break is text.
    """
    lines = text.split("\n")
    for i, line in enumerate(lines[:-1]):
        last = _LAST_TAG.search(line)
        if last is None or int(last.group(1)) not in statements:
            continue
        text_left = PLACEHOLDER.sub(
            lambda m: "" if int(m.group(1)) in statements else m.group(0), line
        )
        if text_left.strip():
            lines[i] = line + "\n"
    return "\n".join(lines)
