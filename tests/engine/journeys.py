"""Journeys built in code for tests."""

from engine.journey.model import Journey

CART_EMAIL = {
    "key": "cart-reminder",
    "name": "Cart reminder",
    "subject": "You left something behind",
    "body": "Hi {{ contact.first_name | default('there') }}, your cart is waiting.",
}


def abandoned_cart() -> tuple[Journey, dict[str, str]]:
    """trigger → wait 4h for order → (timeout) email → exit; (event) goal."""
    journey = Journey("Abandoned cart")
    ids = {
        "trigger": journey.add_node("trigger.event", config={"event": "added_to_cart"}),
        "wait": journey.add_node(
            "flow.wait_event",
            config={"wait_for": {"event": "order_completed"}, "timeout": "4 hours"},
        ),
        "email": journey.add_node("action.send_email", config={"template": "cart-reminder"}),
        "goal": journey.add_node("flow.goal"),
    }
    journey.set_template(CART_EMAIL)
    journey.connect(ids["trigger"], "next", ids["wait"])
    journey.connect(ids["wait"], "timeout", ids["email"])
    journey.connect(ids["wait"], "event", ids["goal"])
    return journey, ids
