"""A template body as an HTML Jinja source, whether it was written in Markdown or HTML.

Contract: `body_html_source(body, format)` returns HTML with the template's Jinja tags
intact, ready to compile in the HTML environment. Markdown is converted once, when the
template is compiled, not per email: the tags are set aside first (`jinja_source`) so
Markdown never mangles them, and their output is autoescaped at render time like any
HTML template's. A line holding only `{% … %}` tags becomes its own block, so
`{% for item in cart %}` / `- {{ item.name }}` / `{% endfor %}` repeats a list rather than
gluing the tags into a paragraph; when such a loop holds exactly one list item, the loop
moves inside the list, so the email shows one list.
"""

from __future__ import annotations

import re

import markdown

from engine.templating.jinja_source import PLACEHOLDER, PLACEHOLDER_PREFIX, protect

MARKDOWN_EXTENSIONS = ["tables", "sane_lists"]

_WORD = PLACEHOLDER_PREFIX + r"\d+x"
_STATEMENT_PARAGRAPH = re.compile(rf"<p>\s*((?:{_WORD}\s*)+)</p>")
_LOOP_OVER_ONE_ITEM = re.compile(
    rf"({_WORD})\s*<(ul|ol)>\s*(<li>(?:(?!<li>|</ul>|</ol>).)*</li>)\s*</\2>\s*({_WORD})",
    re.DOTALL,
)
_FOR, _ENDFOR = re.compile(r"\{%-?\s*for\b"), re.compile(r"\{%-?\s*endfor\b")


def body_html_source(body: str, body_format: str) -> str:
    """HTML Jinja source of a body ('markdown' or 'html'); raises TemplateSyntaxError."""
    if body_format == "html":
        return body
    protected = protect(body)
    statements = set(protected.indices("statement"))
    lines = []
    for line in protected.text.split("\n"):
        found = PLACEHOLDER.findall(line)
        alone = found and PLACEHOLDER.sub("", line).strip() == ""
        if alone and all(int(n) in statements for n in found):
            lines += ["", line.strip(), ""]
        else:
            lines.append(line)
    html = markdown.markdown("\n".join(lines), extensions=MARKDOWN_EXTENSIONS)

    def unwrap(match: re.Match) -> str:
        found = PLACEHOLDER.findall(match.group(1))
        return match.group(1).strip() if all(int(n) in statements for n in found) else match.group(0)

    def tag_of(word: str) -> str:
        return protected.tags[int(PLACEHOLDER.fullmatch(word).group(1))]

    def loop_inside_list(match: re.Match) -> str:
        start, tag, item, end = match.groups()
        if _FOR.match(tag_of(start)) and _ENDFOR.match(tag_of(end)):
            return f"<{tag}>\n{start}\n{item}\n{end}\n</{tag}>"
        return match.group(0)

    html = _STATEMENT_PARAGRAPH.sub(unwrap, html)
    return protected.restore(_LOOP_OVER_ONE_ITEM.sub(loop_inside_list, html))
