"""Link and image checks on a template body's HTML, for lint.

Contract: `check_links_and_images(html_source, with_lines)` reads the body's HTML source
(Jinja tags set aside) and returns (severity, message) pairs: links that go nowhere or
cannot work in an email (empty, `#…`, `javascript:`, relative, malformed, other schemes)
are errors; images without alt text are warnings. mailto: and tel: links are fine. A link
whose address starts with a `{{ … }}` tag is only known when the email is rendered and is
not judged; one that starts with text and continues with a tag is judged by its text.
`with_lines` adds "line N" (meaningful when the body was written in HTML, not Markdown).
"""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urlsplit

from engine.templating.jinja_source import PLACEHOLDER, protect

ERROR, WARNING = "error", "warning"


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[int, str | None, str]] = []  # line, href, text
        self.images: list[tuple[int, str, str | None]] = []  # line, src, alt
        self._open_link: tuple[int, str | None] | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        line = self.getpos()[0]
        if tag == "a" and "href" in values:
            self._open_link, self._text = (line, values["href"] or ""), []
        elif tag == "img":
            self.images.append((line, values.get("src") or "", values.get("alt")))
            if self._open_link is not None and values.get("alt"):
                self._text.append(values["alt"] or "")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_data(self, data: str) -> None:
        if self._open_link is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._open_link is not None:
            line, href = self._open_link
            self.links.append((line, href, " ".join("".join(self._text).split())))
            self._open_link = None


def link_problem(href: str, shown: str | None = None) -> str | None:
    """Why `href` cannot work in an email, or None when it can (or is only known later).

    `href` may hold placeholders; `shown` is how to quote it to the marketer.
    """
    href = href.strip()
    shown = (shown or href).strip()
    static = PLACEHOLDER.split(href, maxsplit=1)[0]
    dynamic = static != href
    lowered = static.lower()
    if not href:
        return "has no address"
    if not static:
        return None
    if lowered.startswith(("mailto:", "tel:")):
        return None
    if lowered.startswith("#"):
        return f"points to '{shown}', which goes nowhere in an email"
    if lowered.startswith("javascript:"):
        return "runs JavaScript, which email programs block"
    if not lowered.startswith(("http://", "https://")):
        if ":" in lowered.split("/")[0]:
            return f"uses '{lowered.split(':')[0]}:', which is not a web link"
        return f"points to '{shown}', which has no https:// in front and cannot work in an email"
    after_scheme = static.split("//", 1)[1]
    if dynamic and not any(c in after_scheme for c in "/?#"):
        return None  # the host itself comes from a tag
    malformed = f"points to '{shown}', which is not a complete web address"
    if any(c.isspace() for c in static):
        return malformed
    try:
        host = urlsplit(static).hostname or ""
    except ValueError:
        return malformed
    return None if "." in host or host == "localhost" else malformed


def check_links_and_images(html_source: str, with_lines: bool) -> list[tuple[str, str]]:
    protected = protect(html_source)
    collector = _Collector()
    collector.feed(protected.text)
    collector.close()
    problems = []
    for line, href, text in collector.links:
        reason = link_problem(href or "", protected.restore(href or ""))
        if reason:
            name = f'"{protected.restore(text)}"' if text else "without text"
            problems.append((ERROR, f"The link {name}{_at(line, with_lines)} {reason}"))
    for line, src, alt in collector.images:
        if not (alt or "").strip():
            name = src.rsplit("/", 1)[-1] if src and not PLACEHOLDER.match(src) else ""
            label = f"The image '{name}'" if name else "An image"
            problems.append((WARNING, f"{label}{_at(line, with_lines)} has no alt text: "
                                      "people whose email hides images will see nothing there"))
    return problems


def _at(line: int, with_lines: bool) -> str:
    return f" (line {line})" if with_lines else ""
