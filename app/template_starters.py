"""Starter designs for "New template": a proven block email to begin from, by what it is for.

Contract: `starter_designs()` → `StarterDesign(name, description, template)` in the order
the dialog lists them: a blank block email first, then the engine's starter designs
(`engine.messaging.starter_emails`: welcome, cart reminder, discount, recommendations, feedback
request, newsletter), each a whole email with no check errors.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.blocks import BlockDocument, HeadingBlock, TextBlock
from engine.journey.data import EmailTemplate
from engine.messaging import starter_emails


@dataclass(frozen=True)
class StarterDesign:
    name: str
    description: str
    template: EmailTemplate


DESCRIPTIONS = {
    "welcome": "Greets a new subscriber and says what to expect.",
    "cart-reminder": "Shows the products left in the cart with a button back to it.",
    "discount": "A coupon code with its expiry, to win back a hesitant buyer.",
    "recommendations": "Products picked for the contact from what they bought.",
    "feedback-request": "Asks a customer how the order went.",
    "newsletter": "News, a featured product grid and links: a longer read.",
}


def blank_email(name: str = "Blank email") -> EmailTemplate:
    blocks = BlockDocument.new((
        HeadingBlock(id="heading-1", text="Hi [[contact.first_name|there]]"),
        TextBlock(id="text-1", text="Write your message here."),
    ))
    return EmailTemplate(key="blank", name=name, subject="", format="blocks", blocks=blocks)


def starter_designs() -> list[StarterDesign]:
    designs = [StarterDesign("Blank email", "A heading, a paragraph and the footer.",
                             blank_email())]
    for template in starter_emails.starter_designs():
        designs.append(StarterDesign(template.name, DESCRIPTIONS.get(template.key, ""),
                                     template))
    return designs
