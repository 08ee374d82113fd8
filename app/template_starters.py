"""Starter designs for "New template": a proven email to begin from, by what it is for.

Contract: `starter_designs()` → `StarterDesign(name, description, template)` in the order
the dialog lists them, a blank email first. The designs are the emails of the starter
journeys (`resources/journeys/`), so a new template starts from copy that already works
in a journey; a starter journey that fails to load only removes its designs.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.starters import STARTERS, load_starter
from engine.journey.document import EmailTemplate

BLANK_BODY = ("Hi {{ contact.first_name | default('there') }},\n\n"
              "Write your message here.\n")


@dataclass(frozen=True)
class StarterDesign:
    name: str
    description: str
    template: EmailTemplate


#: (name, what it is for, starter journey file, email key)
DESIGNS = (
    ("Welcome", "Greets a new subscriber and says what to expect.",
     "welcome-series", "welcome-day-1"),
    ("Cart reminder", "Shows the products left in the cart with a button back to it.",
     "abandoned-cart", "cart-reminder"),
    ("Discount", "A coupon code with its expiry, to win back a hesitant buyer.",
     "abandoned-cart", "cart-discount"),
    ("Recommendations", "Products picked for the contact from what they bought.",
     "post-purchase", "order-recommendations"),
    ("Feedback request", "Asks a customer how the order went.",
     "post-purchase", "order-feedback"),
    ("Newsletter", "A longer read: a guide with links to your products.",
     "product-interest", "product-guide"),
)


def starter_designs() -> list[StarterDesign]:
    designs = [StarterDesign("Blank email", "An empty email with a greeting.",
                             EmailTemplate(key="blank", name="Blank email", subject="",
                                           body=BLANK_BODY))]
    documents = {}
    for name, description, journey, key in DESIGNS:
        if journey not in documents:
            documents[journey] = load_starter(STARTERS / f"{journey}.journey.json")
        document = documents[journey]
        found = {t.key: t for t in document.templates} if document is not None else {}
        if key in found:
            designs.append(StarterDesign(name, description,
                                         found[key].model_copy(update={"name": name})))
    return designs
