"""What the side form shows for each kind of block: its fields, their labels and widgets.

Contract: `FIELDS[type]` lists `(field, label, kind, options)` in the form's order; `kind`
is the widget (`line`, `markup` for multi-line text with marks, `choice` with `options`
{value: label}, `bool`, `int` with (min, max, suffix), `width` (a number or full width),
`color` (empty: the brand kit's), `skus`, `social`, `columns`). `CHIP_FIELDS` take
personalisation chips. Fields not listed (id, type) are never shown.
"""

from __future__ import annotations

from typing import Any

ALIGN = {"left": "Left", "center": "Centre", "right": "Right"}
SOCIAL = ("facebook", "instagram", "x", "linkedin", "youtube", "tiktok", "pinterest", "website")

#: per block type: (field, label, kind, options)
FIELDS: dict[str, list[tuple[str, str, str, Any]]] = {
    "heading": [("text", "Text", "line", None),
                ("level", "Size", "choice", {1: "Large", 2: "Medium", 3: "Small"}),
                ("align", "Alignment", "choice", ALIGN)],
    "text": [("text", "Text", "markup", None), ("align", "Alignment", "choice", ALIGN)],
    "image": [("src", "Picture", "line", "https://… or a file on this computer"),
              ("alt", "Alt text", "line", "What the picture shows, for screen readers"),
              ("link", "Link", "line", "https://… (optional)"),
              ("width", "Width", "width", None), ("align", "Alignment", "choice", ALIGN)],
    "button": [("label", "Label", "line", None), ("url", "Link", "line", "https://…"),
               ("align", "Alignment", "choice", ALIGN), ("full_width", "Full width", "bool", None),
               ("color", "Button colour", "color", None),
               ("text_color", "Text colour", "color", None)],
    "divider": [("color", "Colour", "color", None), ("thickness", "Thickness", "int", (1, 8, " px"))],
    "spacer": [("height", "Height", "int", (4, 160, " px"))],
    "columns": [("columns", "Columns", "columns", None)],
    "products": [("source", "Products", "choice",
                  {"cart": "The contact's cart", "recommendations": "Recommended for them",
                   "alternatives": "Alternatives to the cart", "skus": "Products I choose",
                   "event_items": "The event's items (an order's lines)",
                   "event_product": "The event's product"}),
                 ("count", "How many", "int", (1, 12, "")),
                 ("skus", "SKUs", "skus", "Comma-separated, e.g. MUG-1, TEAPOT-2"),
                 ("per_row", "Per row", "int", (1, 3, "")),
                 ("show_image", "Show the image", "bool", None),
                 ("show_name", "Show the name", "bool", None),
                 ("show_price", "Show the price", "bool", None),
                 ("show_button", "Show a button", "bool", None),
                 ("label", "Button label", "line", None)],
    "coupon": [("percent", "Discount", "int", (1, 100, " %")),
               ("valid_days", "Valid for", "int", (1, 365, " days")),
               ("text", "Text above the code", "markup", None),
               ("expiry_label", "Before the expiry date", "line", None),
               ("show_time", "Show the time of day", "bool", None)],
    "social": [("links", "Links", "social", None)],
    "footer": [("note", "Note", "markup", None)],
}
CHIP_FIELDS = {"text", "label", "note"}
