"""SPF, DKIM and DMARC checks against a DNS server on loopback (dnslib), and DKIM signing
(dkimpy) verified through the same DNS, on an email delivered to a real SMTP sink."""

from __future__ import annotations

import dkim

from engine.delivery.deliverability import OK, PROBLEM, WARNING, check_address, check_domain
from engine.delivery.dkim_sign import DkimSigner, generate_key
from engine.delivery.mime import Outgoing, Sender, message_bytes
from tests.dns_server import DnsServer
from tests.engine.mail_harness import email_journey, mail_harness, queue_emails, worker_for
from tests.smtp_sink import SmtpSink

DOMAIN = "shop.example"


def _statuses(report) -> dict[str, str]:
    return {f.check: f.status for f in report.findings}


def test_a_well_set_up_domain_passes_every_check():
    records = {DOMAIN: ["v=spf1 include:_spf.provider.example ~all", "google-site-verification=x"],
               f"trellis._domainkey.{DOMAIN}": ["v=DKIM1; k=rsa; p=MIIBIjANBg"],
               f"_dmarc.{DOMAIN}": ["v=DMARC1; p=quarantine; rua=mailto:d@shop.example"]}
    with DnsServer(records) as server:
        report = check_address(f"hello@{DOMAIN}", selectors=("trellis",), resolver=server.resolver())
    assert report.ok, report.words()
    assert report.findings[1].found == f"trellis._domainkey.{DOMAIN}"


def test_a_bare_domain_gets_fixes_in_plain_words():
    with DnsServer({DOMAIN: ["some other text"]}) as server:
        report = check_domain(DOMAIN, resolver=server.resolver())
    assert _statuses(report) == {"SPF": PROBLEM, "DKIM": WARNING, "DMARC": PROBLEM}
    spf, dkim_finding, dmarc = report.findings
    assert "no SPF record" in spf.problem and f"TXT record at {DOMAIN}" in spf.fix
    assert "ask your email provider" in dkim_finding.fix
    assert f"_dmarc.{DOMAIN}" in dmarc.fix and "v=DMARC1; p=none" in dmarc.fix
    assert "Fix:" in report.words()


def test_records_that_exist_but_are_wrong():
    records = {DOMAIN: ["v=spf1 +all"], f"default._domainkey.{DOMAIN}": ["v=DKIM1; p="],
               f"_dmarc.{DOMAIN}": ["v=DMARC1; p=none"]}
    with DnsServer(records) as server:
        report = check_domain(DOMAIN, resolver=server.resolver())
        assert _statuses(report) == {"SPF": PROBLEM, "DKIM": PROBLEM, "DMARC": OK}
        assert "every server" in report.findings[0].problem
        assert "revoked" in report.findings[1].problem
        server.records[DOMAIN] = ["v=spf1 a mx", "v=spf1 include:x.example ~all"]
        assert "two SPF records" in check_domain(DOMAIN, resolver=server.resolver()).findings[0].problem
        server.records[DOMAIN] = ["v=spf1 a mx ?all"]
        assert check_domain(DOMAIN, resolver=server.resolver()).findings[0].status == WARNING


def test_no_dns_answer_is_a_warning_not_a_crash():
    import dns.resolver

    resolver = dns.resolver.Resolver(configure=False)
    resolver.nameservers, resolver.port, resolver.lifetime = ["127.0.0.1"], 9, 0.5
    report = check_domain(DOMAIN, resolver=resolver)
    assert {f.status for f in report.findings} == {WARNING}
    assert "could not ask DNS" in report.findings[0].problem


def _dnsfunc(server):
    resolver = server.resolver()

    def txt(name, timeout=5):
        answer = resolver.resolve(name.decode("ascii").rstrip("."), "TXT")
        return b"".join(answer[0].strings)
    return txt


def test_dkim_signature_covers_list_unsubscribe_and_verifies_through_dns(db, clock):
    pem, record = generate_key()
    h = mail_harness(db, clock)
    h.settings(sender_email=f"hello@{DOMAIN}")
    h.publish(email_journey("welcome", "hello"))
    queue_emails(h, "welcome", ["ana@example.com"])
    signer = DkimSigner(DOMAIN, "trellis", pem)
    with SmtpSink() as sink, DnsServer({f"trellis._domainkey.{DOMAIN}": [record]}) as server:
        report = worker_for(sink, db, clock, signer=signer).drain()
        assert report.sent == 1 and sink.wait_for(1)
        data = sink.messages[0].content
        assert data.startswith(b"DKIM-Signature:")
        assert dkim.verify(data, dnsfunc=_dnsfunc(server))
        header = data.split(b"\r\n\r\n", 1)[0].decode()
        h_tag = header.split(" h=", 1)[1].split(";", 1)[0].replace("\r\n", "").replace(" ", "").lower()
        assert "list-unsubscribe" in h_tag.split(":") and "list-unsubscribe-post" in h_tag.split(":")
        # a relay that changes the unsubscribe target breaks the signature
        tampered = data.replace(b"List-Unsubscribe: <https://", b"List-Unsubscribe: <https://x")
        assert not dkim.verify(tampered, dnsfunc=_dnsfunc(server))
        assert check_domain(DOMAIN, selectors=("trellis",),
                            resolver=server.resolver()).findings[1].status == OK


def test_mail_from_another_domain_is_not_signed():
    pem, _record = generate_key()
    message = Outgoing(1, "k", 1, "marketing", "ana@example.com", "Hi", "<p>Hi</p>", "Hi",
                       {"list_unsubscribe_mailto": "mailto:x@other.example?subject=unsubscribe"}, 0)
    data = message_bytes(message, Sender("x@other.example", "Other"), clock_now())
    assert DkimSigner(DOMAIN, "trellis", pem).sign(data, "other.example") == data
    assert DkimSigner(DOMAIN, "trellis", pem).sign(data, f"news.{DOMAIN}").startswith(b"DKIM-Signature")


def clock_now():
    from datetime import datetime, timezone

    return datetime(2026, 12, 4, 10, 0, tzinfo=timezone.utc)


def test_the_sender_check_reads_the_settings(db):
    from engine.delivery.deliverability import check_sender
    from engine.settings import AppSettings, load_settings, save_settings

    with db.session() as session:
        save_settings(session, AppSettings.model_validate(
            load_settings(session).model_dump() | {"sender_email": f"hello@{DOMAIN}"}))
    with DnsServer({f"_dmarc.{DOMAIN}": ["v=DMARC1; p=reject"]}) as server:
        report = check_sender(db, resolver=server.resolver())
    assert report.domain == DOMAIN and _statuses(report)["DMARC"] == OK
