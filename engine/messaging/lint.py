"""Lint an email template before it is published, in words a marketer can act on.

Contract: `lint_template(template)` returns (severity, message) pairs, severity "error"
(blocks publishing) or "warning" (shown), and never raises for a problem in the template.
It finds:
- syntax errors, with the part and line (then stops: nothing else can be read);
- an empty subject (error), a subject over 78 characters once filled in (warning);
- unknown variables and unknown `shop` fields (errors); names the template sets itself
  (`{% set %}`, loop variables, macros) are known;
- unknown contact fields (errors): when `known_fields` (the custom fields contacts have,
  `linter_for`) is given, a field no contact has and no fallback covers is "Unknown
  field 'fist_name' — did you mean 'first_name'?"; without it, only a field close to a
  standard one is taken for a typo;
- work or size past the render bounds ("too slow", "too large": errors), found by
  evaluating the template's constant parts and by the sample render;
- values that may be missing for some contacts and have no fallback (warnings): contact
  names, time zone and country, custom fields, and trigger event properties. A fallback
  is `| default(…)`, `or …`, or an `{% if %}` on the same value;
- a missing unsubscribe link or postal address, when the template has no layout to add
  them (layout "none"), and a layout that does not exist (errors);
- links that cannot work in an email and images without alt text (see lint_html);
- a `view_in_browser_url` used outside an `{% if view_in_browser_url %}` (warning): it is
  empty while tracking is off, and the link would go nowhere;
- anything that fails when a sample email is rendered (error; a warning when the
  failure may come from the sample values it had to guess for custom fields and event
  properties), and a sample over 102 KB of HTML, where Gmail clips the email (warning).
  The sample is rendered only when no variable or field is unknown, as that would fail it.
`linter_for(database)` is `lint_template` with the custom fields stored contacts have and
the brand kit (read once, now), for the places that have a database (publish, the email
editor): a field no contact has is then an error.
A block email (format "blocks") gets the checks of engine/blocks/checks.py, each with its
place ("Block 3 (Image): …"), and the sample render; `brand` is the brand kit to draw it
with (the default one when None).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone
from functools import partial
from typing import Callable, Collection, Iterator

from jinja2 import nodes
from jinja2.meta import find_undeclared_variables

from engine.blocks.checks import all_chips, check_blocks, event_properties
from engine.journey.data import EmailTemplate
from engine.messaging.body import body_html_source
from engine.messaging.constants import check_constant_parts
from engine.messaging.context import VARIABLES
from engine.messaging.fields import STANDARD_FIELDS, custom_fields_seen, suggestion
from engine.messaging.layouts import NO_LAYOUT, layout_names
from engine.messaging.lint_html import check_links_and_images
from engine.messaging.render import BODY, FROM_NAME, PREHEADER, SUBJECT, TEXT_PART, render_email
from engine.messaging.sample import SAMPLE_SHOP, sample_context, sample_value
from engine.settings import load_settings
from engine.templating.bounds import TOO_LARGE, TOO_SLOW
from engine.templating.templates import TEXT, RenderError, compile_template, parse_template
from engine.templating.values import SHOP_FIELDS

ERROR, WARNING = "error", "warning"
SUBJECT_LIMIT = 78
GMAIL_CLIP_BYTES = 102 * 1024
#: a fixed date for the sample render: lint gives the same answer any day
SAMPLE_NOW = datetime(2026, 1, 15, 10, 0, tzinfo=timezone.utc)
#: contact fields that are empty for some contacts (email and lead score never are)
MAY_BE_EMPTY = frozenset({"first_name", "last_name", "full_name", "timezone", "country", "locale"})
FALLBACK_FILTERS = frozenset({"default", "d"})
_LIMIT_WORDS = {TOO_SLOW: "This email is too slow to make: ",
                TOO_LARGE: "This email is too large to make: "}


def linter_for(database) -> Callable:
    """`lint_template` knowing the database's custom fields and brand kit (read once, now)."""
    with database.session() as session:
        seen = custom_fields_seen(session)
        brand = load_settings(session).brand
    return partial(lint_template, known_fields=seen, brand=brand)


def lint_template(template: EmailTemplate, *, known_fields: Collection[str] | None = None,
                  brand=None) -> list[tuple[str, str]]:
    try:
        if template.format == "blocks":
            return _lint_blocks(template, known_fields, brand)
        return _lint(template, known_fields)
    except Exception as exc:  # the contract: a problem in the template is never raised
        return [(ERROR, f"This email could not be checked ({type(exc).__name__}: {exc}): "
                        "simplify the template")]


def _lint(template: EmailTemplate, known_fields: Collection[str] | None) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    if not template.subject.strip():
        problems.append((ERROR, "The subject is empty"))
    sources = {SUBJECT: template.subject, PREHEADER: template.preheader,
               FROM_NAME: template.from_name, BODY: template.body}
    if template.text is not None:
        sources[TEXT_PART] = template.text
    trees: dict[str, nodes.Template] = {}
    for part, source in sources.items():
        try:
            tree = parse_template(source, TEXT, part)
            compile_template(source, TEXT, part)  # unknown filters and tests show here
            trees[part] = tree
        except RenderError as exc:
            problems.append((ERROR, f"This email is too complex to read: {exc.reason}"
                             if exc.limit else f"Syntax error in {exc.reason}"))
    if len(trees) < len(sources):
        return problems

    custom, event_keys = set(), set()
    names_problems = []
    for part, tree in trees.items():
        names_problems += _check_names(tree, part)
        for path, node, guarded in _paths(tree):
            names_problems += _check_path(path, node, guarded, part, custom, event_keys,
                                          known_fields)
        names_problems += check_constant_parts(tree, part)
        names_problems += _check_view_link(tree, part)
    problems += names_problems
    problems += check_links_and_images(
        body_html_source(template.body, template.format), template.format == "html"
    )
    names = layout_names()
    if template.layout not in names:
        problems.append((ERROR, f"The layout '{template.layout}' does not exist "
                                f"(choose one of: {', '.join(names)})"))
        return _unique(problems)
    if template.layout == NO_LAYOUT:
        problems += _check_own_footer(trees[BODY])
    if not any(severity == ERROR for severity, _ in names_problems):
        problems += _check_sample(template, custom, event_keys)
    return _unique(problems)


def _lint_blocks(template: EmailTemplate, known_fields: Collection[str] | None,
                 brand) -> list[tuple[str, str]]:
    """A block email: its block checks (each with its place), then the sample render."""
    problems = [(p.severity, str(p)) for p in check_blocks(template, brand, known_fields)]
    custom, event_keys = set(), event_properties(template)
    for chip in all_chips(template):
        root, name = chip.field.split(".", 1)
        if root == "contact" and name not in STANDARD_FIELDS:
            custom.add(name)
    sample = _check_sample(template, custom, event_keys, brand)
    # the block checks said it already, with the subject as written
    problems += [p for p in sample if not p[1].startswith("The subject is ")]
    return _unique(problems)


def _check_names(tree: nodes.Template, part: str) -> list[tuple[str, str]]:
    problems = []
    # Jinja counts a name set inside an {% if %} as undeclared after it; set anywhere in
    # the template, it is the template's own (a use where it is unset fails the sample)
    own = {n.name for n in tree.find_all(nodes.Name) if n.ctx in ("store", "param")}
    own |= {n.name for n in tree.find_all(nodes.Macro)}
    for node in tree.find_all(nodes.Getattr):
        if node.attr.startswith("_"):  # the sandbox refuses these whatever the values
            problems.append((ERROR, f"'{node.attr}' in {part}, line {node.lineno} is not "
                                    "available in email templates"))
    for name in sorted(find_undeclared_variables(tree) - VARIABLES - own):
        line = next(n.lineno for n in tree.find_all(nodes.Name) if n.name == name)
        problems.append((ERROR, f"Unknown variable '{name}' in {part}, line {line}"))
    return problems


def _check_view_link(tree: nodes.Template, part: str) -> list[tuple[str, str]]:
    """The 'view in browser' address is empty while tracking is off (docs/tracking.md)."""
    parents = {id(child): parent for parent in tree.find_all(nodes.Node)
               for child in parent.iter_child_nodes()}
    for name in tree.find_all(nodes.Name):
        if (name.name == "view_in_browser_url" and name.ctx == "load"
                and not _guarded(name, [name.name], parents)):
            return [(WARNING, f"The 'view in browser' link in {part}, line {name.lineno} is "
                              "empty while tracking is off (no public URL has passed its "
                              "self-test), so it would go nowhere: put it inside "
                              "{% if view_in_browser_url %}…{% endif %}")]
    return []


def _paths(tree: nodes.Template) -> Iterator[tuple[list[str], nodes.Node, bool]]:
    """Each use of contact.…, event.… and shop.…: its path, node, and whether it is guarded."""
    parents = {id(child): parent for parent in tree.find_all(nodes.Node)
               for child in parent.iter_child_nodes()}
    for name in tree.find_all(nodes.Name):
        if name.name not in ("contact", "event", "shop") or name.ctx != "load":
            continue
        node, path = name, [name.name]
        while True:
            parent = parents.get(id(node))
            if isinstance(parent, nodes.Getattr) and parent.node is node:
                path.append(parent.attr)
            elif (isinstance(parent, nodes.Getitem) and parent.node is node
                  and isinstance(parent.arg, nodes.Const) and isinstance(parent.arg.value, str)):
                path.append(parent.arg.value)
            else:
                break
            node = parent
        yield path, node, _guarded(node, path, parents)


def _guarded(node: nodes.Node, path: list[str], parents: dict[int, nodes.Node]) -> bool:
    """Whether a missing value here is handled: a fallback, a test, or an if on it."""
    child, parent = node, parents.get(id(node))
    while parent is not None:
        if isinstance(parent, nodes.Filter) and parent.node is child:
            if parent.name in FALLBACK_FILTERS:
                return True
        elif isinstance(parent, nodes.Or) and parent.left is child:
            return True
        elif isinstance(parent, nodes.Test):
            return True
        elif isinstance(parent, (nodes.If, nodes.CondExpr)):
            if child is parent.test or _mentions(parent.test, path):
                return True
        child, parent = parent, parents.get(id(parent))
    return False


def _mentions(test: nodes.Node | None, path: list[str]) -> bool:
    if test is None:
        return False
    for node in [test, *test.find_all(nodes.Node)]:
        if isinstance(node, nodes.Name) and [node.name] == path:
            return True
        if not isinstance(node, nodes.Getattr):
            continue
        chain, inner = [node.attr], node.node
        while isinstance(inner, nodes.Getattr):
            chain.insert(0, inner.attr)
            inner = inner.node
        if isinstance(inner, nodes.Name) and [inner.name, *chain] == path[: len(chain) + 1]:
            return True
    return False


def _check_path(path: list[str], node: nodes.Node, guarded: bool, part: str,
                custom: set[str], event_keys: set[str],
                known_fields: Collection[str] | None) -> list[tuple[str, str]]:
    root, fields = path[0], path[1:]
    where = f"in {part}, line {node.lineno}"
    shown = ".".join(path[:3] if path[1:2] == ["attributes"] else path[:2])
    if not fields:
        return []
    if root == "shop":
        if fields[0] not in SHOP_FIELDS:
            known = ", ".join(sorted(SHOP_FIELDS))
            return [(ERROR, f"'{shown}' does not exist {where} (the shop has: {known})")]
        return []
    if root == "event":
        event_keys.add(fields[0])
        if guarded:
            return []
        return [(WARNING, f"'{shown}' {where} is empty when the trigger event has no "
                          f"'{fields[0]}': give it a fallback, like "
                          f"{{{{ {shown} | default(\"…\") }}}}")]
    field = fields[1] if fields[0] == "attributes" and len(fields) > 1 else fields[0]
    if (fields[0] == "attributes" and len(fields) == 1) or field in ("email", "lead_score"):
        return []
    if field not in MAY_BE_EMPTY:
        custom.add(field)
    if guarded:
        return []
    unknown = _unknown_field(field, fields[0] == "attributes", known_fields, where)
    if unknown:
        return [unknown]
    if field in MAY_BE_EMPTY:
        return [(WARNING, f"'{shown}' {where} may be empty: give it a fallback, like "
                          f"{{{{ {shown} | default(\"there\") }}}}")]
    return [(WARNING, f"'{shown}' {where} is a custom field some contacts may not have, and "
                      f"their email would fail: give it a fallback, like "
                      f"{{{{ {shown} | default(\"…\") }}}}")]


def _unknown_field(field: str, attribute: bool, known_fields: Collection[str] | None,
                   where: str) -> tuple[str, str] | None:
    """A custom field no contact has (or, without the database, a standard one's typo)."""
    if field in STANDARD_FIELDS:
        return None
    standard = STANDARD_FIELDS - {"attributes"}
    if known_fields is None:
        hint = suggestion(field, standard)
        if not hint or attribute:
            return None
    else:
        if field in known_fields:
            return None
        hint = suggestion(field, (set() if attribute else standard) | set(known_fields))
    return (ERROR, f"Unknown field '{field}'{hint} ({where}): no contact has this field, so "
                   f"every email would fail. Fix the name, or give it a fallback like "
                   f"{{{{ contact.{field} | default(\"…\") }}}}")


def _check_own_footer(body: nodes.Template) -> list[tuple[str, str]]:
    """Without a layout, the body must carry what every layout's footer adds."""
    problems = []
    used = find_undeclared_variables(body)
    if "unsubscribe_url" not in used:
        problems.append((ERROR, "This email has no layout, so it must carry its own "
                                'unsubscribe link: add <a href="{{ unsubscribe_url }}">Unsubscribe</a>'))
    if not any(path[:2] == ["shop", "postal_address"] for path, _, _ in _paths(body)):
        problems.append((ERROR, "This email has no layout, so it must show the sender's postal "
                                "address (the law requires it): add {{ shop.postal_address }}"))
    return problems


def _check_sample(template: EmailTemplate, custom: set[str], event_keys: set[str],
                  brand=None) -> list[tuple[str, str]]:
    context = sample_context(
        SAMPLE_NOW, shop=replace(SAMPLE_SHOP, brand=brand),
        attributes={name: sample_value(name) for name in custom},
        event={key: sample_value(key) for key in event_keys},
    )
    try:
        email = render_email(template, context)
    except RenderError as exc:
        if exc.limit:  # the bounds hold whatever the values: this email cannot be sent
            return [(ERROR, f"{_LIMIT_WORDS[exc.limit]}{exc.reason}")]
        guessed = bool(custom or event_keys)
        return [(WARNING if guessed else ERROR,
                 f"A sample email could not be made: {exc.reason}"
                 + (" (with sample values for custom fields and event properties)" if guessed else ""))]
    problems = []
    if len(email.subject) > SUBJECT_LIMIT:
        problems.append((WARNING, f"The subject is {len(email.subject)} characters long: "
                                  f"inboxes cut it off around {SUBJECT_LIMIT}, so put what "
                                  "matters first"))
    size = len(email.html.encode("utf-8"))
    if size > GMAIL_CLIP_BYTES:
        problems.append((WARNING, f"The email is {size // 1024} KB: Gmail clips emails over "
                                  "102 KB and hides the rest, the unsubscribe link included"))
    return problems


def _unique(problems: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return list(dict.fromkeys(problems))
