"""Jinja's syntax errors in words a marketer can act on.

Contract: `plain_syntax_error(exc)` takes a `jinja2.TemplateSyntaxError` and returns one or
two sentences saying what is wrong and what to do ("A '{% if %}' needs a condition after
'if', like {% if contact.first_name %}"). The line is added by the caller. Messages this
module does not know keep Jinja's wording, with its token names ("end of print
statement") turned into the characters the marketer typed ("}}").
"""

from __future__ import annotations

import difflib
import re

from jinja2 import TemplateSyntaxError

#: Jinja's token descriptions → what the marketer sees in the template
_TOKENS = {
    "end of print statement": "'}}'",
    "begin of print statement": "'{{'",
    "end of statement block": "'%}'",
    "begin of statement block": "'{%'",
    "end of template": "the end of the text",
    "end of comment": "'#}'",
}
_CLOSERS = {"if": "endif", "for": "endfor", "macro": "endmacro", "set": "endset",
            "call": "endcall", "filter": "endfilter", "raw": "endraw", "with": "endwith",
            "autoescape": "endautoescape"}
TAGS = ("if", "elif", "else", "for", "set", "macro", "call", "filter", "with", "raw")


def _tokens(text: str) -> str:
    for name, shown in _TOKENS.items():
        text = text.replace(f"'{name}'", shown).replace(name, shown)
    return text


def _missing_expression(got: str, stmt: str | None) -> str:
    if got == "end of print statement":
        return ("'{{ }}' has nothing inside: put a field between the braces, "
                "like {{ contact.first_name }}")
    if got == "end of statement block":
        what = f"'{{% {stmt} %}}'" if stmt else "This '{% … %}' tag"
        example = {"if": "{% if contact.first_name %}", "elif": "{% elif cart.total > 50 %}",
                   "for": "{% for item in cart.items %}", "set": "{% set name = 'Sam' %}"}
        hint = f", like {example[stmt]}" if stmt in example else ""
        return f"{what} is missing what comes after '{stmt or 'the tag name'}'{hint}"
    return f"a value is missing before {_tokens(repr(got))}: check for an operator or comma " \
           "with nothing after it"


_RULES: list[tuple[re.Pattern[str], object]] = [
    (re.compile(r"Expected an expression, got '(.+)'"),
     lambda m, stmt: _missing_expression(m.group(1), stmt)),
    (re.compile(r"unexpected end of template, expected '(.+)'\.?"),
     lambda m, _: f"A tag is never closed: add {_tokens(repr(m.group(1)))} where it ends"),
    (re.compile(r"Unexpected end of template\. Jinja was looking for the following tags: "
                r".*The innermost block that needs to be closed is '(\w+)'\.", re.S),
     lambda m, _: f"'{{% {m.group(1)} %}}' is never closed: add "
                  f"'{{% {_CLOSERS.get(m.group(1), 'end' + m.group(1))} %}}' where it ends"),
    (re.compile(r"Encountered unknown tag '(\w+)'\. Jinja was looking for the following "
                r"tags: .*The innermost block that needs to be closed is '(\w+)'\.", re.S),
     lambda m, _: f"'{{% {m.group(1)} %}}' is out of place: the open "
                  f"'{{% {m.group(2)} %}}' must be closed first with "
                  f"'{{% {_CLOSERS.get(m.group(2), 'end' + m.group(2))} %}}'"),
    (re.compile(r"Encountered unknown tag '(\w+)'\..*"
                r"(?:Jinja was looking for|You probably made a nesting mistake).*", re.S),
     lambda m, _: f"'{{% {m.group(1)} %}}' has no matching opening tag: remove it, "
                  "or add the tag it closes"),
    (re.compile(r"Encountered unknown tag '(\w+)'\.?"),
     lambda m, _: f"'{{% {m.group(1)} %}}' is not a tag emails can use"
                  + _suggest(m.group(1), TAGS) + f" (tags: {', '.join(TAGS)})"),
    (re.compile(r"unexpected '([})\]])'"),
     lambda m, _: f"There is a '{m.group(1)}' that closes nothing: check the brackets and "
                  "braces (a field is written with two on each side: {{ contact.first_name }})"),
    (re.compile(r"unexpected char '(.)' at \d+"),
     lambda m, _: f"The character '{m.group(1)}' cannot be used inside '{{{{ }}}}' or "
                  "'{% %}': put it outside the tag, or in quotes"),
    (re.compile(r"expected token '(.+?)', got '(.+?)'"),
     lambda m, _: f"Expected {_tokens(repr(m.group(1)))} before '{_tokens(m.group(2))}': "
                  "a bracket, quote, comma or operator is probably missing"),
    (re.compile(r"tag name expected"),
     lambda m, _: "'{%' must be followed by a tag name, like {% if … %}; to show a field, "
                  "use {{ … }}"),
    (re.compile(r"No filter named '(\w+)'\.?"),
     lambda m, _: f"There is no filter named '{m.group(1)}'{_suggest_filter(m.group(1))}"),
    (re.compile(r"No test named '(\w+)'\.?"),
     lambda m, _: f"There is no test named '{m.group(1)}' (after 'is', use: defined, none, "
                  "number, string, even, odd, divisibleby)"),
    (re.compile(r"unexpected end of (?:string|comment)"),
     lambda m, _: "A quote or comment is never closed: add the closing quote or '#}'"),
]


def _suggest(word: str, choices) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" — did you mean '{close[0]}'?" if close else ""


def _suggest_filter(name: str) -> str:
    from engine.templating.filters import make_filters

    names = sorted(n for n in make_filters(lambda v: v) if not n.startswith("_"))
    return _suggest(name, names) + f" (filters: {', '.join(names)})"


def plain_syntax_error(exc: TemplateSyntaxError) -> str:
    message = exc.message or str(exc)
    stmt = _statement_at(exc)
    for pattern, words in _RULES:
        match = pattern.search(message)
        if match:
            return words(match, stmt)
    return _tokens(message)


def _statement_at(exc: TemplateSyntaxError) -> str | None:
    """The tag name on the error's line, when the line has one tag (for examples)."""
    if not exc.source or not exc.lineno:
        return None
    lines = exc.source.splitlines()
    if exc.lineno > len(lines):
        return None
    tags = [tag for tag in re.findall(r"\{%-?\s*(\w+)", lines[exc.lineno - 1])
            if not tag.startswith("end")]
    return tags[-1] if tags else None
