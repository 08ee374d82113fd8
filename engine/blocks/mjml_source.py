"""Blocks → MJML, with the template code set aside as placeholders.

Contract: `mjml_source(doc, brand, preheader_runs, subject_runs=())` returns `(mjml, holes)`: MJML text in
which every piece of Jinja is a placeholder word `trellisjNx` (`holes[N]` is the Jinja), so
MJML never sees template code and what the marketer typed is HTML-escaped text. compile.py
runs MJML and puts the Jinja back. Layout rules, in the brand kit's colours and font:
- a header with the logo (or the shop name), the blocks, the footer last; one MJML
  section for each run of blocks between columns blocks (fewer Outlook tables, less HTML);
- columns are MJML columns (side by side from 480 px, stacked below); a product grid is
  a row of inline-block cards at most 552/per_row px wide, which wrap on narrow screens
  without media queries (so Gmail's app, which drops them, wraps them too), in a "ghost"
  table only Outlook reads (conditional comments), per_row cards to a row there.
"""

from __future__ import annotations

from html import escape

from engine.blocks import jinja_bits
from engine.blocks.brand import BrandKit
from engine.blocks.inline import LineBreak, ListBlock, Paragraph, Run, parse_line, parse_paragraphs
from engine.blocks.model import BlockDocument

WIDTH = 600
PADDING = 24
CONTENT = WIDTH - 2 * PADDING
HEADING_SIZES = {1: 28, 2: 22, 3: 18}
#: MJML's social icons (`-noshare`: a link to the profile, not a "share this" page)
SOCIAL_ICONS = {"facebook": "facebook", "instagram": "instagram", "x": "x", "linkedin": "linkedin",
                "youtube": "youtube", "pinterest": "pinterest", "website": "web", "tiktok": "web"}
SOCIAL_NAMES = {"facebook": "Facebook", "instagram": "Instagram", "x": "X", "linkedin": "LinkedIn",
                "youtube": "YouTube", "tiktok": "TikTok", "pinterest": "Pinterest",
                "website": "Website"}
HOLE = "trellisj{}x"
MSO_TABLE = ('<!--[if mso]><table role="presentation" border="0" cellpadding="0" '
             'cellspacing="0" width="100%"><tr><![endif]-->')
MSO_TABLE_END = "<!--[if mso]></tr></table><![endif]-->"
#: styles written on the elements (nothing is left for a CSS inliner to do per email)
P = ' style="margin:0 0 12px 0;"'
LIST = ' style="margin:0 0 12px 0;padding-left:24px;"'
SMALL_P = ' style="margin:0 0 6px 0;"'


class Holes(list):
    def add(self, jinja: str) -> str:
        self.append(jinja)
        return HOLE.format(len(self) - 1)


def text(value: str) -> str:
    """Typed text as HTML: escaped, with no `{`, and the placeholder word made unmistakable."""
    # `{` as an entity: next to a placeholder it would otherwise open a Jinja tag
    return escape(value, quote=True).replace("trellisj", "trellis&#106;").replace("{", "&#123;")


def mjml_source(doc: BlockDocument, brand: BrandKit, preheader: tuple[Run, ...],
                subject: tuple[Run, ...] = ()) -> tuple[str, Holes]:
    holes = Holes()
    page = _Page(brand, holes)
    # one section for every run of blocks between columns: MJML repeats its Outlook
    # tables for each section, and every byte is stored and sent with each email
    body, run = [], [page.header()]
    for block in doc.blocks:
        if block.type == "columns":
            body.append(_one_column(run))
            body.append(page.columns(block))
            run = []
        else:
            run.append(page.element(block, 1))
    body.append(_one_column(run))
    preview = "".join(page.runs(preheader, links=False))
    title = "".join(page.runs(subject, links=False))
    head = f"""<mj-head>
<mj-title>{title}</mj-title>
<mj-preview>{preview}</mj-preview>
<mj-attributes>
<mj-all font-family="{text(brand.font_stack)}" />
<mj-section background-color="{brand.content_background}" padding="0px" />
<mj-text color="{brand.text_color}" font-size="16px" line-height="1.5" padding="8px {PADDING}px" />
<mj-button background-color="{brand.button_color}" color="{brand.button_text_color}" border-radius="{brand.button_radius}" font-size="16px" font-weight="600" inner-padding="12px 24px" padding="12px {PADDING}px" />
<mj-image padding="8px {PADDING}px" />
</mj-attributes>
</mj-head>"""
    mjml = (f'<mjml>{head}<mj-body background-color="{brand.background}" width="{WIDTH}px">'
            + "".join(body) + "</mj-body></mjml>")
    return mjml, holes


def _one_column(elements: list[str]) -> str:
    inner = "".join(elements)
    return f"<mj-section><mj-column>{inner}</mj-column></mj-section>" if inner else ""


class _Page:
    def __init__(self, brand: BrandKit, holes: Holes):
        self.brand, self.holes = brand, holes

    def header(self) -> str:
        brand = self.brand
        if brand.logo_url:
            logo = self.holes.add('{{ shop.name }}')
            inner = (f'<mj-image src="{text(brand.logo_url)}" alt="{logo}" width="{brand.logo_width}px" '
                     f'align="left" padding="20px {PADDING}px 12px {PADDING}px" />')
        else:
            name = self.holes.add("{{ shop.name }}")
            inner = (f'<mj-text font-size="20px" font-weight="700" color="{brand.heading_color}" '
                     f'padding="20px {PADDING}px 12px {PADDING}px">{name}</mj-text>')
        return inner

    def columns(self, block) -> str:
        share = 100 / len(block.columns)
        columns = "".join(
            f'<mj-column width="{share:.4g}%">' + "".join(self.element(b, len(block.columns))
                                                   for b in column.blocks) + "</mj-column>"
            for column in block.columns)
        return f"<mj-section>{columns}</mj-section>"

    def element(self, block, columns: int) -> str:
        make = getattr(self, "_" + block.type)
        return make(block, columns)

    # -- blocks ------------------------------------------------------------------------

    def _heading(self, block, columns: int) -> str:
        size = HEADING_SIZES[block.level]
        inner = "".join(self.runs(parse_line(block.text)))
        return (f'<mj-text align="{block.align}" font-size="{size}px" line-height="1.25" '
                f'font-weight="700" color="{self.brand.heading_color}" padding="12px {PADDING}px 4px {PADDING}px">'
                f'<h{block.level} style="margin:0;font-size:{size}px;font-weight:700;">{inner}</h{block.level}>'
                "</mj-text>")

    def _text(self, block, columns: int) -> str:
        parts = []
        for item in parse_paragraphs(block.text):
            if isinstance(item, Paragraph):
                parts.append(f"<p{P}>" + "".join(self.runs(item.runs)) + "</p>")
            else:
                tag = "ol" if item.ordered else "ul"
                parts.append(f"<{tag}{LIST}>" + "".join("<li>" + "".join(self.runs(runs)) + "</li>"
                                                  for runs in item.items) + f"</{tag}>")
        return f'<mj-text align="{block.align}">{"".join(parts)}</mj-text>' if parts else ""

    def _image(self, block, columns: int) -> str:
        if not block.src:
            return ""
        src = block.src if "://" in block.src else "file://" + block.src.replace("\\", "/")
        attributes = [f'src="{text(src)}"', f'alt="{text(block.alt)}"', f'align="{block.align}"']
        if block.width:
            attributes.append(f'width="{block.width}px"')
        if block.link:
            attributes.append(f'href="{self.url(block.link)}"')
        return f"<mj-image {' '.join(attributes)} />"

    def _button(self, block, columns: int) -> str:
        attributes = [f'href="{self.url(block.url or "#")}"', f'align="{block.align}"']
        if block.color:
            attributes.append(f'background-color="{block.color}"')
        if block.text_color:
            attributes.append(f'color="{block.text_color}"')
        if block.full_width:
            attributes.append('width="100%"')
        label = "".join(self.runs(parse_line(block.label), links=False))
        return f"<mj-button {' '.join(attributes)}>{label}</mj-button>"

    def _divider(self, block, columns: int) -> str:
        color = block.color or "#d4d4d8"
        return (f'<mj-divider border-color="{color}" border-width="{block.thickness}px" '
                f'padding="12px {PADDING}px" />')

    def _spacer(self, block, columns: int) -> str:
        return f'<mj-spacer height="{block.height}px" />'

    def _social(self, block, columns: int) -> str:
        if not block.links:
            return ""
        elements = "".join(
            f'<mj-social-element name="{SOCIAL_ICONS[link.network]}-noshare" href="{self.url(link.url)}" '
            f'alt="{SOCIAL_NAMES[link.network]}">{SOCIAL_NAMES[link.network]}</mj-social-element>'
            for link in block.links)
        return (f'<mj-social align="{block.align}" mode="horizontal" font-size="13px" '
                f'color="{self.brand.text_color}" icon-size="24px" padding="12px {PADDING}px">'
                f"{elements}</mj-social>")

    def _products(self, block, columns: int) -> str:
        brand, hole = self.brand, self.holes.add
        name, price, link = jinja_bits.product_lines(block)
        card = CONTENT // block.per_row
        image = card - 16
        # Outlook (Word) ignores inline-block and max-width: a ghost table, in comments only
        # Outlook reads, puts the cards side by side there, per_row to a row
        parts = [hole(MSO_TABLE + f"{{% for item in {jinja_bits.product_source(block)} %}}"
                      f"{{% if item %}}<!--[if mso]><td width=\"{card}\" valign=\"top\"><![endif]-->"),
                 f'<div class="tr-card" style="display:inline-block;width:100%;max-width:{card}px;'
                 'vertical-align:top;font-size:16px;text-align:center;box-sizing:border-box;'
                 'padding:8px;">']
        if block.show_image:
            parts.append(hole("{% if item.image_url %}")
                         + f'<a href="{hole(link)}"><img src="{hole("{{ item.image_url }}")}" '
                         f'alt="{hole("{{ item.name }}")}" width="{image}" style="display:block;width:100%;'
                         f'max-width:{image}px;height:auto;margin:0 auto;border:0;" /></a>'
                         + hole("{% endif %}"))
        if block.show_name:
            parts.append(f'<p style="margin:8px 0 4px 0;font-weight:600;">{hole(name)}</p>')
        if block.show_price:
            parts.append(f'<p style="margin:0 0 8px 0;">{hole(price)}</p>')
        if block.show_button:
            label = "".join(self.runs(parse_line(block.label), links=False))
            parts.append(f'<a href="{hole(link)}" style="display:inline-block;'
                         f'background:{brand.button_color};color:{brand.button_text_color};'
                         f'border-radius:{brand.button_radius};padding:8px 16px;font-weight:600;'
                         f'text-decoration:none;">{label}</a>')
        parts.append("</div>" + hole(
            "<!--[if mso]></td><![endif]-->"
            f"{{% if loop.index is divisibleby({block.per_row}) and not loop.last %}}"
            "<!--[if mso]></tr><tr><![endif]-->{% endif %}{% endif %}{% endfor %}" + MSO_TABLE_END))
        if jinja_bits.total(block):
            parts.append(f'<p style="margin:8px 0 0 0;font-size:16px;font-weight:700;">'
                         f'{hole(jinja_bits.total(block))}</p>')
        return ('<mj-text align="center" padding="8px 16px"><div style="font-size:0;text-align:center;">'
                + "".join(parts) + "</div></mj-text>")

    def _coupon(self, block, columns: int) -> str:
        name = jinja_bits.coupon_name(block)
        hole = self.holes.add
        note = "".join(self.runs(parse_line(block.text)))
        return (hole(f"{{% set {name} = coupon({block.percent}, {block.valid_days}) %}}")
                + f'<mj-text align="center" padding="8px {PADDING}px"><div style="border:2px dashed '
                f'{self.brand.button_color};border-radius:8px;padding:16px;text-align:center;">'
                f'<p style="margin:0 0 8px 0;">{note}</p>'
                f'<p style="margin:0 0 8px 0;font-size:24px;font-weight:700;letter-spacing:2px;'
                f'font-family:\'Courier New\',Courier,monospace;word-break:break-all;">'
                f'{hole("{{ " + name + ".code }}")}</p>'
                f'<p style="margin:0;font-size:14px;">{text(block.expiry_label)} '
                f'{hole(jinja_bits.coupon_expiry(block))}.</p></div></mj-text>')

    def _footer(self, block, columns: int) -> str:
        brand, hole = self.brand, self.holes.add
        note = "".join(self.runs(parse_line(block.note))) if block.note else ""
        address = text(brand.footer_address) if brand.footer_address else hole("{{ shop.postal_address }}")
        parts = [f"<p{SMALL_P}>{note}</p>" if note else "",
                 f"<p{SMALL_P}>{hole('{{ shop.name }}')} · {address}</p>",
                 f'<p{SMALL_P}><a href="{hole("{{ unsubscribe_url }}")}" style="color:{brand.text_color};">'
                 "Unsubscribe</a></p>"]
        return (f'<mj-text font-size="12px" line-height="1.5" align="center" '
                f'color="{brand.text_color}" padding="16px {PADDING}px 24px {PADDING}px">'
                + "".join(parts) + "</mj-text>")

    # -- inline ------------------------------------------------------------------------

    def url(self, value: str) -> str:
        return jinja_bits.url(value, text, self.holes.add)

    def runs(self, runs, links: bool = True):
        for run in runs:
            if isinstance(run, LineBreak):
                yield "<br />"
                continue
            piece = self.holes.add(jinja_bits.chip(run.chip)) if run.chip else text(run.text)
            if run.italic:
                piece = f"<em>{piece}</em>"
            if run.bold:
                piece = f"<strong>{piece}</strong>"
            if run.href and links:
                piece = f'<a href="{self.url(run.href)}" style="color:{self.brand.link_color};">{piece}</a>'
            yield piece
