"""Email layouts: the HTML around a template's body.

Contract: a layout is `resources/email/layouts/<name>.html` (or in the folder given), a
Jinja template in the HTML sandbox that receives the email's variables plus `subject`,
`preheader` and `body` (the rendered body HTML). Every shipped layout shows the shop name
in its header and, in its footer, the unsubscribe link (`unsubscribe_url`) and the
sender's postal address, whatever the body says; a test holds each layout to that.
The name "none" means no layout: the body is the whole email and must carry those itself
(lint checks it).
"""

from __future__ import annotations

from pathlib import Path

import resources
from engine.templating.templates import RenderError

NO_LAYOUT = "none"
DEFAULT_LAYOUTS_DIR = Path(resources.__file__).parent / "email" / "layouts"


def layout_names(layouts_dir: Path | None = None) -> list[str]:
    """The layouts a template may choose, "none" included."""
    folder = layouts_dir or DEFAULT_LAYOUTS_DIR
    return sorted(path.stem for path in folder.glob("*.html")) + [NO_LAYOUT]


def layout_source(name: str, layouts_dir: Path | None = None) -> str:
    """The layout's HTML Jinja source; RenderError when there is no such layout."""
    folder = layouts_dir or DEFAULT_LAYOUTS_DIR
    path = folder / f"{name}.html"
    # a layout name comes from a shared journey file: it must not walk out of the folder
    if path.parent != folder or not path.is_file():
        known = ", ".join(layout_names(layouts_dir))
        raise RenderError(f"the layout '{name}' does not exist (choose one of: {known})")
    return path.read_text(encoding="utf-8")
