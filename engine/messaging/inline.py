"""Inline a template's CSS once, when it is compiled, instead of in every email.

Contract: `inline_template(layout_source, body_source)` returns the layout and the body
with the layout's stylesheet already inlined (css-inline), ready to compile, or None when
inlining the template could give a different email from inlining each rendered email; the
caller then inlines each email (`compose.inline_css`). `layout_source` None means the body
is the whole email (layout "none"). The body goes into the layout's `{{ body }}` slot for
inlining, so `.content p` rules reach it, and comes out as a template of its own again:
the body still renders apart from the layout and cannot change its footer.

Why it is safe: css-inline sees the template with every Jinja tag replaced by a
placeholder word (`jinja_source`), and the result is used only if
- no tag sits where it could change what a selector matches: inside a `class`, `id` or
  `style` attribute, a `<style>` block, or a tag's name or attribute names;
- the stylesheet has only selectors that do not depend on an element's siblings or
  position (no `:first-child`, `+`, `~`, attribute selectors…);
- between any two `{% … %}` tags, the HTML elements are the same, in the same order, before
  and after inlining, and every `{{ … }}` tag stayed between the same two: css-inline
  repairs HTML as a browser does (adds a `<tbody>`, closes a `<p>`), and a repair next to
  a loop would be repeated, or not, differently from the rendered email's.
Markdown bodies and the shipped layouts meet these rules (a test holds the layouts to
them); hand-written HTML with loops between table rows falls back to per-email inlining.
"""

from __future__ import annotations

import re

from engine.messaging.compose import inline_css
from engine.templating.jinja_source import PLACEHOLDER, Protected, protect

BODY_SLOT = "{{ body }}"
_START, _END = "{% trellis_body %}", "{% end_trellis_body %}"
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\"[^\"]*\"|'[^']*'|[^'\">])*)>")
_ATTRIBUTE_VALUE = re.compile(r"([a-zA-Z_:][-a-zA-Z0-9_:.]*)\s*=\s*(\"[^\"]*\"|'[^']*')")
_STYLE_BLOCK = re.compile(r"<style\b[^>]*>(.*?)</style\s*>", re.IGNORECASE | re.DOTALL)
_POSITIONAL = re.compile(r"[:+~\[]")
#: attributes whose value takes part in selector matching or is itself CSS
_STYLED_ATTRIBUTES = frozenset({"class", "id", "style"})


def inline_template(layout_source: str | None, body_source: str) -> tuple[str | None, str] | None:
    """(layout, body) with CSS inlined, or None (see the module docstring)."""
    if layout_source is None:
        document = body_source
    elif layout_source.count(BODY_SLOT) == 1:
        document = layout_source.replace(BODY_SLOT, f"{_START}{body_source}{_END}")
    else:
        return None
    protected = protect(document)
    if protected.indices("raw") or not _tags_only_in_content(protected.text):
        return None
    if any(_selectors_depend_on_position(css) for css in _STYLE_BLOCK.findall(protected.text)):
        return None
    inlined = inline_css(protected.text)
    if not _same_structure(protected, protected.text, inlined):
        return None
    restored = protected.restore(inlined)
    if layout_source is None:
        return None, restored
    before, rest = restored.split(_START)
    body, after = rest.split(_END)
    return before + BODY_SLOT + after, body


def _tags_only_in_content(html: str) -> bool:
    """Placeholders only in text, or in values of attributes that do not affect styling."""
    if any(PLACEHOLDER.search(css) for css in _STYLE_BLOCK.findall(html)):
        return False
    for tag in _TAG.finditer(html):
        if PLACEHOLDER.search(tag.group(2)):
            return False
        rest = tag.group(3)
        for value in _ATTRIBUTE_VALUE.finditer(rest):
            if value.group(1).lower() in _STYLED_ATTRIBUTES and PLACEHOLDER.search(value.group(2)):
                return False
        if PLACEHOLDER.search(_ATTRIBUTE_VALUE.sub("", rest)):
            return False  # a tag in the place of an attribute name
    return True


def _selectors_depend_on_position(css: str) -> bool:
    """Whether a rule outside @-blocks (which css-inline keeps as they are) is positional."""
    depth, selector = 0, ""
    for char in css:
        if char == "{":
            text = selector.strip()
            if depth == 0 and not text.startswith("@") and _POSITIONAL.search(text):
                return True
            depth, selector = depth + 1, ""
        elif char == "}":
            depth, selector = depth - 1, ""
        elif depth == 0:
            selector += char
    return False


def _same_structure(protected: Protected, before: str, after: str) -> bool:
    statements = protected.indices("statement")
    regions_before, regions_after = _regions(before, statements), _regions(after, statements)
    return regions_before is not None and regions_before == regions_after


def _regions(html: str, statements: list[int]) -> list[tuple[list[str], list[int]]] | None:
    """Per stretch between statements: its element tags and its `{{ }}` placeholders.

    None when the statements are not each present once, in order.
    """
    regions: list[tuple[list[str], list[int]]] = []
    found: list[int] = []
    last = 0
    for match in PLACEHOLDER.finditer(html):
        n = int(match.group(1))
        if n in statements:
            regions.append(_region(html[last:match.start()]))
            found.append(n)
            last = match.end()
    regions.append(_region(html[last:]))
    return regions if found == statements else None


def _region(html: str) -> tuple[list[str], list[int]]:
    # css-inline gathers the @-rules it keeps into one <style> in <head>: style elements
    # move, and that changes no element's style, so they are left out of the comparison
    tags = [f"{m.group(1)}{name}" for m in _TAG.finditer(html)
            if (name := m.group(2).lower()) != "style"]
    return tags, sorted(int(n) for n in PLACEHOLDER.findall(html))
