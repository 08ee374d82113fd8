"""The few HTML pages a contact sees: unsubscribe (confirm, done, already) and not found.

Contract: each function returns a complete, small, self-contained page (inline CSS, no
scripts, no external resources); every value is HTML-escaped. `PAGE_HEADERS` keep the
pages out of caches, search engines and referrers (their URLs carry tokens) and forbid
anything but inline styles and posting back to us.
"""

from __future__ import annotations

from html import escape

PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex, nofollow",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
}

_STYLE = """
body{margin:0;background:#f4f4f5;font:16px/1.5 -apple-system,'Segoe UI',Helvetica,Arial,sans-serif;color:#27272a}
main{max-width:460px;margin:12vh auto;background:#fff;border-radius:10px;padding:32px 28px;
box-shadow:0 1px 3px rgba(0,0,0,.08)}
h1{font-size:22px;line-height:1.3;margin:0 0 12px;color:#18181b}
p{margin:0 0 16px}.muted{color:#71717a;font-size:14px}
button{font:inherit;font-weight:600;color:#fff;background:#18181b;border:0;border-radius:8px;
padding:12px 20px;cursor:pointer}button:hover{background:#3f3f46}
"""


def _page(title: str, body: str) -> str:
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<title>{escape(title)}</title><style>{_STYLE}</style></head>'
            f"<body><main>{body}</main></body></html>")


def mask_email(address: str) -> str:
    """ana.lopez@example.com → a•••z@example.com: enough to recognise, little to leak."""
    local, _, domain = address.partition("@")
    shown = local[0] + "•••" + local[-1] if len(local) > 2 else local[:1] + "•••"
    return f"{shown}@{domain}"


def confirm_page(shop: str, email: str) -> str:
    return _page(f"Unsubscribe from {shop}", (
        f"<h1>Unsubscribe from {escape(shop)}?</h1>"
        f"<p>You will no longer get marketing emails from {escape(shop)} at "
        f"<strong>{escape(mask_email(email))}</strong>.</p>"
        '<form method="post">'
        '<input type="hidden" name="List-Unsubscribe" value="One-Click">'
        '<input type="hidden" name="via" value="page">'
        "<button type=\"submit\">Unsubscribe</button></form>"
        '<p class="muted">Order confirmations and receipts still reach you.</p>'))


def done_page(shop: str) -> str:
    return _page("You are unsubscribed", (
        "<h1>You are unsubscribed</h1>"
        f"<p>{escape(shop)} will not send you marketing emails any more.</p>"
        '<p class="muted">Changed your mind? Just sign up again on our website.</p>'))


def already_page(shop: str) -> str:
    return _page("Already unsubscribed", (
        "<h1>You are already unsubscribed</h1>"
        f"<p>{escape(shop)} does not send you marketing emails.</p>"))


def test_email_page(shop: str) -> str:
    return _page("This was a test email", (
        "<h1>This was a test email</h1>"
        f"<p>It was sent by {escape(shop)} to check how it looks. Nothing was changed.</p>"))


test_email_page.__test__ = False  # type: ignore[attr-defined]  # not a pytest test


def not_found_page() -> str:
    return _page("Link not found", (
        "<h1>This link does not work</h1>"
        "<p>It may have been copied incompletely. Please use the link from the email.</p>"))
