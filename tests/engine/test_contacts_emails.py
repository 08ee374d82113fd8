"""normalise_email: email-validator's verdicts, lower-cased; the fast path never disagrees."""

from __future__ import annotations

import pytest
from email_validator import EmailNotValidError, validate_email

from engine.contacts.emails import normalise_email
from engine.errors import InputError


@pytest.mark.parametrize(
    "raw, stored",
    [
        ("ana@example.com", "ana@example.com"),
        ("  Ana.Silva@Example.COM \t", "ana.silva@example.com"),
        ("o'brien+news@mail.example.co.uk", "o'brien+news@mail.example.co.uk"),
        ("Info@Example.com", "info@example.com"),
        ("zoë@example.com", "zoë@example.com"),
        ("ana@MÜNCHEN.de", "ana@münchen.de"),
        ("ana@xn--mnchen-3ya.de", "ana@münchen.de"),
    ],
)
def test_valid_addresses_are_stored_lower_case(raw, stored):
    assert normalise_email(raw) == stored


@pytest.mark.parametrize(
    "raw, reason",
    [
        ("", "the email address is empty"),
        ("   ", "the email address is empty"),
        ("ana.example.com", "An email address must have an @-sign."),
        ("ana@localhost", "The part after the @-sign is not valid. It should have a period."),
        ("@example.com", "There must be something before the @-sign."),
        ("ana@", "There must be something after the @-sign."),
        ("ana..silva@example.com", "An email address cannot have two periods in a row."),
        ("ana silva@example.com", "The email address contains invalid characters before the @-sign: SPACE."),
        ("ana@exa_mple.com", "The part after the @-sign contains invalid characters: '_'."),
        ("ana@@example.com", "The part after the @-sign contains invalid characters: '@'."),
        ("ana@example.invalid", "The part after the @-sign is a special-use or reserved name "
         "that cannot be used with email."),
    ],
)
def test_invalid_addresses_say_why(raw, reason):
    with pytest.raises(InputError) as caught:
        normalise_email(raw)
    assert caught.value.reason == reason


def test_where_prefixes_the_message():
    with pytest.raises(InputError, match=r"^line 4: An email address must have an @-sign\.$"):
        normalise_email("nope", "line 4")


TRICKY = [
    "a@b.co", "a.b-c_d+e@sub-domain.example.org", "x@1.2.3.4", "x@[1.2.3.4]", "x@example.123",
    "x@-example.com", "x@example-.com", "x@ex--ample.com", "x@xn--ample.com", "x@e.x.a.m.p.l.e",
    ".x@example.com", "x.@example.com", "\"quoted\"@example.com", "Ana <ana@example.com>",
    "x@example..com", "x@.example.com", "x@example.com.", "x@exam ple.com", "x@example.local",
    "x@sub.example.arpa", "x@example.onion", "x@example.test", "x@com", "x@example.c",
    "x" * 64 + "@example.com", "x" * 65 + "@example.com", "a@" + "b" * 63 + ".com",
    "a@" + "b" * 64 + ".com", "a" * 200 + "@" + "b" * 50 + ".com",
    "a" * 200 + "@" + "b" * 49 + ".com", "a@" + ".".join(["b" * 60] * 4) + ".com",
    "a#b!c$d%e&f'g*h+i/j=k?l^m_n`o{p|q}r~s@example.com", "a@b@c.com", "x@exämple.com",
    "x@example.com\u200b", "x\u0301@example.com", "x@e\u0301xample.com", "x@ex\u3002ample.com",
    "a\\b@example.com", "a(b)@example.com", "a,b@example.com", "a;b@example.com", "a:b@example.com",
    "x@exa%mple.com", "x@xn--.com", "x@xn--a.com", "x@ab--cd.com", "x@A.B.C.D.COM",
]


@pytest.mark.parametrize("raw", TRICKY)
def test_same_verdict_as_email_validator(raw):
    """The ASCII fast path is an optimisation: it must agree with the full library call."""
    try:
        expected = validate_email(raw, check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        with pytest.raises(InputError) as caught:
            normalise_email(raw)
        assert caught.value.reason == str(exc)
    else:
        assert normalise_email(raw) == expected
