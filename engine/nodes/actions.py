"""Action node types: what a journey does for a contact."""

from __future__ import annotations

import re
from typing import Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from engine.nodes.common import NodeConfig, Scalar
from engine.nodes.experiment_keys import EmailExperiment
from engine.nodes.spec import Category, EmailUse, NodeSpec, replace_value

#: contact columns an "update field" action may set; anything else is a custom attribute
STANDARD_FIELDS = ("first_name", "last_name", "timezone", "locale", "country", "status")
_FIELD_NAME = re.compile(r"^(attributes\.)?[a-zA-Z_][a-zA-Z0-9_]{0,63}$")


class EmailVariant(BaseModel):
    """One version of the email in a test: another template (the whole email), or only
    another subject (empty template: the step's own email)."""

    model_config = ConfigDict(extra="forbid")

    key: str = Field(pattern=r"^[a-z0-9_]{1,40}$", title="Key")
    label: str = Field("", max_length=60, title="Label")
    template: str = Field("", title="Email (empty: the step's email)")
    subject: str = Field("", max_length=500, title="Subject (empty: the email's own)")
    percent: int = Field(50, ge=0, le=100, title="Share (%)")


class SendEmailConfig(NodeConfig):
    template: str = Field("", title="Email", description="the email template to send")
    transactional: bool = Field(
        False,
        title="Transactional",
        description="order confirmations and the like: not subject to the frequency cap or quiet hours",
    )
    when_capped: Literal["postpone", "skip"] = Field(
        "postpone", title="If the frequency cap is reached"
    )
    #: 2–4 versions of the email, each contact getting one (sticky); empty: no test
    variants: list[EmailVariant] = Field(default_factory=list, max_length=4,
                                         title="Email variants (A/B)")
    experiment: EmailExperiment | None = Field(None, title="A/B test")

    @model_validator(mode="after")
    def _variants_add_up(self) -> "SendEmailConfig":
        if not self.variants:
            if self.experiment is not None:
                raise ValueError("an A/B test of an email needs 2 to 4 variants")
            return self
        if len(self.variants) < 2:
            raise ValueError("an email test needs 2 to 4 variants, not 1")
        keys = [v.key for v in self.variants]
        if len(set(keys)) != len(keys):
            raise ValueError("two email variants have the same key")
        total = sum(v.percent for v in self.variants)
        if total != 100:
            raise ValueError(f"the variants' shares add up to {total}%, not 100%")
        return self

    def templates_used(self) -> list[str]:
        return [self.template] + [v.template for v in self.variants if v.template]

    def incomplete(self) -> list[str]:
        return [] if self.template else ["Choose the email to send"]


def _send_summary(config: SendEmailConfig, templates) -> str:
    if not config.template:
        return "Send: (choose an email)"
    subject = templates.get(config.template)
    if subject is None:
        return f"Send: {config.template}"
    from engine.templating.display import in_words  # the registry loads no template code

    # the subject without template code: "Welcome to «shop name»!"
    text = f"Send: {in_words(subject) or config.template}"
    if config.variants:
        test = f", A/B test on {config.experiment.metric}" if config.experiment else ""
        text += f" · {len(config.variants)} variants{test}"
    return text


class ListConfig(NodeConfig):
    list: str = Field("", title="List")

    def incomplete(self) -> list[str]:
        return [] if self.list else ["Choose the list"]


class UpdateFieldConfig(NodeConfig):
    field: str = Field("", title="Field", description="first_name, country… or a custom attribute")
    value: Scalar = Field(None, title="New value (empty clears it)")

    @field_validator("field")
    @classmethod
    def _field_name(cls, value: str) -> str:
        if value and not _FIELD_NAME.match(value):
            raise ValueError(f"{value!r} is not a field name (letters, digits and _)")
        return value

    def incomplete(self) -> list[str]:
        return [] if self.field else ["Choose the field to update"]


class AdjustScoreConfig(NodeConfig):
    delta: int = Field(10, ge=-1000, le=1000, title="Add to lead score (negative subtracts)")

    def incomplete(self) -> list[str]:
        return [] if self.delta else ["A change of 0 does nothing"]


class NotifyConfig(NodeConfig):
    to: str = Field("", title="Team member's email")
    subject: str = Field("Trellis: {{ contact.email }} needs attention", title="Subject")
    message: str = Field(
        "{{ contact.first_name }} {{ contact.last_name }} ({{ contact.email }}) reached this step.",
        title="Message",
    )

    def incomplete(self) -> list[str]:
        return [] if self.to else ["Enter the team member's email"]


class WebhookConfig(NodeConfig):
    url: str = Field("", title="URL (https://…)")
    method: Literal["POST", "PUT"] = Field("POST", title="Method")
    headers: dict[str, str] = Field(default_factory=dict, title="Headers")
    timeout_seconds: float = Field(10.0, gt=0, le=60, title="Timeout (s)")
    retries: int = Field(3, ge=0, le=10, title="Retries")

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if value:
            parts = urlsplit(value)
            if parts.scheme not in ("http", "https") or not parts.netloc:
                raise ValueError(f"{value!r} is not an http(s) URL")
        return value

    def incomplete(self) -> list[str]:
        return [] if self.url else ["Enter the URL to call"]


class AdAudienceConfig(NodeConfig):
    audience: str = Field("", title="Audience name")

    def incomplete(self) -> list[str]:
        return [] if self.audience else ["Name the audience"]


def _update_summary(config: UpdateFieldConfig, _templates) -> str:
    if not config.field:
        return "Set a field"
    if config.value is None or config.value == "":
        return f"Clear {config.field}"
    return f"Set {config.field} = {config.value}"


ACTIONS = [
    NodeSpec(
        type_id="action.send_email",
        executor="engine.runtime.executors:run_send_email",
        email=EmailUse(),
        version=1,
        title="Send email",
        description="Sends an email, within consent, the frequency cap and quiet hours.",
        category=Category.ACTION,
        icon="mail",
        config_model=SendEmailConfig,
        summarize=_send_summary,
    ),
    NodeSpec(
        type_id="action.list_add",
        executor="engine.runtime.executors:run_list_add",
        version=1,
        title="Add to list",
        description="Adds the contact to a list.",
        category=Category.ACTION,
        icon="list-add",
        config_model=ListConfig,
        summarize=lambda c, _t: f"Add to {c.list or '…'}",
    ),
    NodeSpec(
        type_id="action.list_remove",
        executor="engine.runtime.executors:run_list_remove",
        version=1,
        title="Remove from list",
        description="Removes the contact from a list.",
        category=Category.ACTION,
        icon="list-remove",
        config_model=ListConfig,
        summarize=lambda c, _t: f"Remove from {c.list or '…'}",
    ),
    NodeSpec(
        type_id="action.update_field",
        executor="engine.runtime.executors:run_update_field",
        version=1,
        title="Update field",
        description="Sets or clears a contact field or custom attribute.",
        category=Category.ACTION,
        icon="pencil",
        config_model=UpdateFieldConfig,
        summarize=_update_summary,
    ),
    NodeSpec(
        type_id="action.adjust_score",
        executor="engine.runtime.executors:run_adjust_score",
        version=1,
        title="Lead score",
        description="Adds to (or subtracts from) the contact's lead score.",
        category=Category.ACTION,
        icon="star",
        config_model=AdjustScoreConfig,
        summarize=lambda c, _t: f"Lead score {c.delta:+d}",
        retitle=lambda title, old, new: replace_value(title, f"{old.delta:+d}", f"{new.delta:+d}"),
    ),
    NodeSpec(
        type_id="action.notify",
        executor="engine.runtime.executors:run_notify",
        version=1,
        title="Notify a team member",
        description="Emails a colleague about this contact (an internal alert).",
        category=Category.ACTION,
        icon="bell",
        config_model=NotifyConfig,
        summarize=lambda c, _t: f"Notify {c.to or '…'}",
    ),
    NodeSpec(
        type_id="action.webhook",
        executor="engine.runtime.executors:run_webhook",
        version=1,
        title="Webhook",
        description="Calls another system with the contact and event as JSON.",
        category=Category.ACTION,
        icon="webhook",
        config_model=WebhookConfig,
        summarize=lambda c, _t: f"{c.method} {urlsplit(c.url).netloc or '…'}",
    ),
    NodeSpec(
        type_id="action.ad_audience",
        executor="engine.runtime.executors:run_ad_audience",
        version=1,
        title="Add to ad audience",
        description="Adds the contact to an audience you can export to ad platforms (hashed emails).",
        category=Category.ACTION,
        icon="megaphone",
        config_model=AdAudienceConfig,
        summarize=lambda c, _t: f"Audience: {c.audience or '…'}",
    ),
]
