"""The node registry: every node type is complete and self-consistent."""

import pytest
from pydantic import ValidationError

from engine.errors import UnknownNodeType
from engine.nodes import REGISTRY, Category
from engine.nodes.common import Duration

EXPECTED = {
    "trigger.event", "trigger.list_joined", "trigger.segment_entered", "trigger.date_field",
    "trigger.inactive", "trigger.manual",
    "flow.delay", "flow.wait_until", "flow.wait_event", "flow.branch", "flow.multi_split",
    "flow.random_split", "flow.goal", "flow.exit",
    "action.send_email", "action.list_add", "action.list_remove", "action.update_field",
    "action.adjust_score", "action.notify", "action.webhook", "action.ad_audience",
}


def test_full_node_set_is_registered():
    assert {spec.type_id for spec in REGISTRY} == EXPECTED


@pytest.mark.parametrize("spec", list(REGISTRY), ids=lambda s: s.type_id)
def test_each_spec_has_defaults_ports_summary_and_icon(spec):
    config = spec.default_config()
    assert spec.title and spec.description and spec.icon
    assert isinstance(spec.summary(config), str) and spec.summary(config)
    ports = spec.outputs(config)
    assert len({p.key for p in ports}) == len(ports)
    # the config round-trips through JSON
    assert spec.parse_config(config.model_dump(mode="json")) == config


def test_palette_groups_in_order():
    groups = REGISTRY.by_category()
    assert list(groups) == [Category.TRIGGER, Category.TIMING, Category.LOGIC, Category.ACTION]
    assert [c.label for c in groups] == ["Triggers", "Timing", "Logic", "Actions"]
    assert all(groups.values())


def test_unknown_type():
    with pytest.raises(UnknownNodeType, match="unknown node type 'flow.teleport'"):
        REGISTRY.get("flow.teleport")


def test_durations_accept_text_and_refuse_nonsense():
    assert Duration.model_validate("4h").to_timedelta().total_seconds() == 4 * 3600
    assert str(Duration.model_validate("2 days")) == "2 days"
    assert str(Duration(value=1, unit="weeks")) == "1 week"
    with pytest.raises(ValidationError, match="not a duration"):
        Duration.model_validate("soon")


def test_config_rules():
    spec = REGISTRY.get("flow.random_split")
    with pytest.raises(ValidationError, match="add up to 90%"):
        spec.parse_config({"variants": [
            {"key": "a", "label": "A", "percent": 40}, {"key": "b", "label": "B", "percent": 50}]})
    trigger = REGISTRY.get("trigger.event")
    with pytest.raises(ValidationError, match="needs a time window"):
        trigger.parse_config({"event": "page_viewed", "min_count": 3})
    with pytest.raises(ValidationError, match="not an http"):
        REGISTRY.get("action.webhook").parse_config({"url": "ftp://x"})
    with pytest.raises(ValidationError, match="Extra inputs"):
        REGISTRY.get("flow.delay").parse_config({"duration": "1d", "colour": "red"})


def test_split_ports_follow_config():
    spec = REGISTRY.get("flow.multi_split")
    config = spec.parse_config({"paths": [
        {"key": "vip", "label": "VIPs", "condition": {"rules": [
            {"kind": "field", "field": "lead_score", "op": "greater", "value": 50}]}},
        {"key": "eu", "label": "Europe", "condition": {"rules": [
            {"kind": "field", "field": "country", "op": "in_list", "value": ["DE", "FR"]}]}},
    ]})
    assert [p.key for p in spec.outputs(config)] == ["vip", "eu", "default"]
    random = REGISTRY.get("flow.random_split")
    assert [p.label for p in random.outputs()] == ["A · 50%", "B · 50%"]


def test_summaries_read_like_sentences():
    assert REGISTRY.get("flow.delay").summary(
        REGISTRY.get("flow.delay").parse_config({"duration": "4 hours"})) == "Wait 4 hours"
    wait = REGISTRY.get("flow.wait_until")
    assert wait.summary(wait.parse_config({"weekdays": ["tue", "mon"], "time_of_day": "10:30"})) \
        == "Wait until Mon, Tue at 10:30"
    email = REGISTRY.get("action.send_email")
    assert email.summary(email.parse_config({"template": "t1"}), {"t1": "Welcome!"}) == "Send: Welcome!"
    # no template code in a summary: the fields it shows, named in words
    subjects = {"t1": "Welcome to {{ shop.name }}!",
                "t2": "Hi{% if contact.first_name %} {{ contact.first_name | default('') }}"
                      "{% endif %}, {{ coupon(10, 7) }} is yours",
                "t3": "Broken {{ contact.first_name"}
    assert email.summary(email.parse_config({"template": "t1"}), subjects) == \
        "Send: Welcome to «shop name»!"
    assert email.summary(email.parse_config({"template": "t2"}), subjects) == \
        "Send: Hi «first name», «coupon code» is yours"
    assert "{" not in email.summary(email.parse_config({"template": "t3"}), subjects)
    event = REGISTRY.get("trigger.event")
    config = event.parse_config({"event": "product_viewed", "min_count": 3, "within": "7d",
                                 "same_property": "sku"})
    assert event.summary(config) == "When product_viewed, 3× in 7 days (same sku)"
