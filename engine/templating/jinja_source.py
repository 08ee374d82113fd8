"""Set a template's Jinja tags aside while another tool (Markdown, inscriptis) reads it.

Contract: `protect(source)` replaces every `{{ … }}`, `{% … %}` and `{% raw %}…{% endraw %}`
with a placeholder word (`trellisjinja7x`) that Markdown and HTML-to-text conversion
pass through untouched, and drops `{# comments #}`. `Protected.restore(text)` puts the tags
back. Splitting uses Jinja's own lexer, so strings containing `}}` and whitespace control
are read exactly as Jinja reads them. The newline `trim_blocks` would remove after a tag
stays in the protected text (it is line structure for Markdown); compiling the restored
text removes it again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from engine.templating.templates import TEXT

PLACEHOLDER_PREFIX = "trellisjinja"
PLACEHOLDER = re.compile(PLACEHOLDER_PREFIX + r"(\d+)x")
#: a lone `{` followed by one of these would start a tag when the text is compiled again
_TAG_START = re.compile(r"\{(?=[{%#])")
#: before a tag, a last `{` would open one too (`{` + `{{ x }}`): css-inline or Markdown can
#: leave one there by decoding `&#123;`
_TAG_START_BEFORE_TAG = re.compile(r"\{(?=[{%#]|\Z)")

_OPENERS = {"variable_begin": "variable_end", "block_begin": "block_end",
            "raw_begin": "raw_end", "comment_begin": "comment_end"}
_KINDS = {"variable_end": "expression", "block_end": "statement", "raw_end": "raw"}


@dataclass(frozen=True)
class Protected:
    text: str
    #: the original tags; placeholder n stands for tags[n]
    tags: tuple[str, ...]
    #: per tag: "expression" (`{{ … }}`), "statement" (`{% … %}`) or "raw" (a raw block)
    kinds: tuple[str, ...]
    #: per tag: the line of the source it starts on
    lines: tuple[int, ...]

    def indices(self, kind: str) -> list[int]:
        return [n for n, k in enumerate(self.kinds) if k == kind]

    def restore(self, text: str) -> str:
        """`text` with the tags back; text between them cannot open a new tag."""
        pieces, last = [], 0
        for match in PLACEHOLDER.finditer(text):
            pieces.append(_TAG_START_BEFORE_TAG.sub("{{ '{' }}", text[last:match.start()]))
            pieces.append(self.tags[int(match.group(1))])
            last = match.end()
        pieces.append(_TAG_START.sub("{{ '{' }}", text[last:]))
        return "".join(pieces)

    def placeholder_order(self, text: str) -> list[int]:
        return [int(n) for n in PLACEHOLDER.findall(text)]


def placeholder(n: int) -> str:
    return f"{PLACEHOLDER_PREFIX}{n}x"


def protect(source: str) -> Protected:
    """Split with the lexer (raises jinja2.TemplateSyntaxError on a malformed tag)."""
    out: list[str] = []
    tags: list[str] = []
    kinds: list[str] = []
    lines: list[int] = []
    closing: str | None = None
    current: list[str] = []
    start = 0
    for line, kind, value in TEXT.lex(source):
        if closing is None:
            if kind in _OPENERS:
                closing, current, start = _OPENERS[kind], [value], line
            else:
                out.append(value)
            continue
        if kind != closing:
            current.append(value)
            continue
        # the end token also carries the whitespace trim_blocks removed after the tag
        end = value.rstrip()
        current.append(end)
        if kind in _KINDS:
            out.append(placeholder(len(tags)))
            tags.append("".join(current))
            kinds.append(_KINDS[kind])
            lines.append(start)
        out.append(value[len(end):])
        closing = None
    return Protected("".join(out), tuple(tags), tuple(kinds), tuple(lines))


def line_map(original: str, derived: str) -> dict[int, int]:
    """Lines of `derived` (made from `original` by Markdown, inlining…) → lines of `original`.

    Tags are matched by their text, in order, so an error in the derived template can be
    reported at the line the marketer wrote.
    """
    unused: dict[str, list[int]] = {}
    source = protect(original)
    for tag, line in zip(source.tags, source.lines):
        unused.setdefault(tag, []).append(line)
    mapping: dict[int, int] = {}
    made = protect(derived)
    for tag, line in zip(made.tags, made.lines):
        if unused.get(tag):
            mapping.setdefault(line, unused[tag].pop(0))
    return mapping
