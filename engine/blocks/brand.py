"""The brand kit: how every block email looks (logo, colours, fonts, buttons, footer).

Contract: `BrandKit` is a frozen pydantic model with a default for every field, so an
empty or partial stored kit is a whole one. Every block email is compiled with the
current kit (compile.py keys its cache on the kit too), so a change shows in every email
at once. `footer_address` empty means the sender's postal address from the sending
settings; the footer always shows one of them. Colours are `#rrggbb`.
`with_changes(kit, {field: value})` is the edited kit, or InputError naming the field
(the Brand page and `trellis brand set` use it). The kit is kept in the app settings
(`AppSettings.brand`).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

Color = Annotated[str, Field(pattern=r"^#[0-9a-fA-F]{6}$")]

#: font stacks offered in the Brand page; any stack of safe names may be stored
FONT_STACKS = {
    "Sans (Helvetica, Arial)": "Helvetica, Arial, sans-serif",
    "System": "-apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif",
    "Serif (Georgia)": "Georgia, 'Times New Roman', serif",
    "Rounded (Trebuchet)": "'Trebuchet MS', Verdana, sans-serif",
    "Monospace": "'Courier New', Courier, monospace",
}


class BrandKit(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    #: https address of the logo shown at the top of every email ("" for the shop name)
    logo_url: str = Field("", max_length=2000, title="Logo (https address)")
    logo_width: int = Field(140, ge=40, le=600, title="Logo width (px)")
    background: Color = Field("#f4f4f5", title="Page background")
    content_background: Color = Field("#ffffff", title="Email background")
    text_color: Color = Field("#1f2937", title="Text")
    heading_color: Color = Field("#111827", title="Headings")
    link_color: Color = Field("#1d4ed8", title="Links")
    button_color: Color = Field("#1d4ed8", title="Button")
    button_text_color: Color = Field("#ffffff", title="Button text")
    button_shape: Literal["square", "rounded", "pill"] = Field("rounded", title="Button shape")
    font_stack: str = Field(FONT_STACKS["Sans (Helvetica, Arial)"], max_length=200,
                            title="Font")
    footer_address: str = Field("", max_length=500,
                                title="Footer address (empty: the sender's postal address)")

    @field_validator("font_stack")
    @classmethod
    def _safe_stack(cls, value: str) -> str:
        import re

        if not re.fullmatch(r"[A-Za-z0-9 ,'\-]+", value.strip()):
            raise ValueError("a font stack is names separated by commas, like "
                             "Helvetica, Arial, sans-serif")
        return value.strip()

    @field_validator("logo_url")
    @classmethod
    def _https_logo(cls, value: str) -> str:
        value = value.strip()
        if value and not value.lower().startswith(("https://", "http://")):
            raise ValueError("the logo must be an https:// address")
        return value

    @property
    def button_radius(self) -> str:
        return {"square": "0px", "rounded": "6px", "pill": "999px"}[self.button_shape]


def with_changes(kit: BrandKit, changes: dict) -> BrandKit:
    """The kit with `changes` ({field: value}); InputError naming the field, nothing half-way."""
    from pydantic import ValidationError

    from engine.errors import InputError, error_message, error_place

    unknown = sorted(set(changes) - set(BrandKit.model_fields))
    if unknown:
        raise InputError(f"the brand kit has no {', '.join(unknown)} (it has: "
                         f"{', '.join(BrandKit.model_fields)})")
    try:
        return BrandKit.model_validate({**kit.model_dump(), **changes})
    except ValidationError as exc:
        first = exc.errors()[0]
        where, message = error_place(first["loc"]), error_message(first)
        if first["type"] == "string_pattern_mismatch":
            message = "a colour is written #rrggbb, like #1d4ed8"
        raise InputError(message, where) from None
