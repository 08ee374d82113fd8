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
- `tidy(text)` removes trailing spaces and runs of blank lines from converted text;
  `close_gaps(text)` only the runs of blank lines, which is all a rendered text form needs
  (its template was tidied when it was made; conditions that render nothing leave gaps).
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

from engine.templating.jinja_source import PLACEHOLDER, PLACEHOLDER_PREFIX, protect

# a placeholder is shown too: when a text form is made, it stands for a {{ … }} URL
_SHOWN_LINK = re.compile(rf"^(https?://|mailto:|{PLACEHOLDER_PREFIX})", re.IGNORECASE)
_LAST_TAG = re.compile(PLACEHOLDER.pattern + r"\s*$")
_TRAILING_SPACE = re.compile(r"[ \t]+$", re.MULTILINE)
_BLANK_LINES = re.compile(r"\n(?:[ \t]*\n){2,}")


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
    return close_gaps(_TRAILING_SPACE.sub("", text))


def close_gaps(text: str) -> str:
    return _BLANK_LINES.sub("\n\n", text).strip() + "\n"


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
    is_statement = set(statements)
    order = protected.placeholder_order(text)
    if len(order) != len(set(order)) or [n for n in order if n in is_statement] != statements:
        return None
    # every tag must sit inside the same stretch between statements as in the source
    region = 0
    for n in order:
        if n in is_statement:
            region += 1
        elif bisect_left(statements, n) != region:
            return None
    return protected.restore(_keep_line_breaks(text, is_statement))


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
