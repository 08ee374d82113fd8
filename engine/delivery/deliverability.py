"""The deliverability check: SPF, DKIM and DMARC of the from-domain, in words a shop owner follows.

Contract: `check_domain(domain, selectors=(), resolver=None)` asks DNS (dnspython; tests
give a resolver pointed at a local server) and returns a `DeliverabilityReport` of three
`Finding`s, each `status` `ok`, `warning` or `problem`, with `found` (the record as
published), `problem` (what is wrong, plainly) and `fix` (what to add or change, where).
- SPF: one TXT `v=spf1 …` at the domain. None, two, or `+all` is a problem; `?all` or no
  `all` at the end is a warning (it protects nothing).
- DKIM: a key (`p=`) at `<selector>._domainkey.<domain>`, tried for the selectors given
  (Trellis's own signing selector first) and the usual providers' names. None found is a
  warning, not a problem: a provider may sign under a name we cannot guess.
- DMARC: one TXT `v=DMARC1; p=…` at `_dmarc.<domain>`. None is a problem (Gmail and Yahoo
  require it for bulk senders since 2024); `p=none` is fine to start with (noted).
DNS that cannot be asked (timeout, no server) makes each finding a warning saying so,
never an exception. `check_address(address)` checks the domain of an email address;
`check_sender(database)` that of the sender address in the settings (Settings ▸ Sending's
card calls it).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import dns.exception
import dns.resolver

OK, WARNING, PROBLEM = "ok", "warning", "problem"
COMMON_SELECTORS = ("default", "selector1", "selector2", "google", "k1", "k2", "s1", "s2",
                    "mail", "dkim", "mandrill", "smtp", "mxvault", "trellis")


@dataclass(frozen=True)
class Finding:
    check: str
    status: str
    found: str = ""
    problem: str = ""
    fix: str = ""


@dataclass
class DeliverabilityReport:
    domain: str
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(f.status == OK for f in self.findings)

    def words(self) -> str:
        lines = [f"Deliverability of {self.domain}:"]
        for f in self.findings:
            lines.append(f"- {f.check}: {f.status}" + (f" — {f.problem}" if f.problem else ""))
            if f.fix:
                lines.append(f"  Fix: {f.fix}")
        return "\n".join(lines)


class _DnsUnavailable(Exception):
    pass


def _txt(resolver: dns.resolver.Resolver, name: str) -> list[str]:
    try:
        answer = resolver.resolve(name, "TXT")
    except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer):
        return []
    except (dns.exception.Timeout, dns.resolver.NoNameservers) as error:
        raise _DnsUnavailable(str(error)) from None
    return [b"".join(record.strings).decode("utf-8", "replace") for record in answer]


def check_address(address: str, **options) -> DeliverabilityReport:
    return check_domain(address.rpartition("@")[2], **options)


def check_domain(domain: str, *, selectors: tuple[str, ...] = (),
                 resolver: dns.resolver.Resolver | None = None) -> DeliverabilityReport:
    domain = domain.strip().lower().rstrip(".")
    resolver = resolver or dns.resolver.Resolver()
    report = DeliverabilityReport(domain)
    for check, function in (("SPF", _spf), ("DKIM", _dkim), ("DMARC", _dmarc)):
        try:
            finding = function(resolver, domain, selectors) if check == "DKIM" \
                else function(resolver, domain)
        except _DnsUnavailable as error:
            finding = Finding(check, WARNING, problem=f"could not ask DNS about {domain} ({error})",
                              fix="check the internet connection and try again")
        report.findings.append(finding)
    return report


def _spf(resolver, domain: str) -> Finding:
    records = [r for r in _txt(resolver, domain) if r.lower().startswith("v=spf1")]
    example = f"v=spf1 include:<your email provider's SPF name> ~all"
    if not records:
        return Finding("SPF", PROBLEM, problem="your domain has no SPF record, so receivers cannot "
                       "tell which servers may send its email, and may treat yours as spam",
                       fix=f"add a TXT record at {domain} with {example!r} (your email "
                       "provider's help pages give the exact include)")
    if len(records) > 1:
        return Finding("SPF", PROBLEM, " | ".join(records),
                       problem="there are two SPF records; receivers then ignore both",
                       fix="merge them into one TXT record (one v=spf1 with every include)")
    record = records[0]
    terms = record.lower().split()
    last = terms[-1] if terms else ""
    if last in ("+all", "all"):
        return Finding("SPF", PROBLEM, record, problem="it allows every server in the world to "
                       "send as your domain", fix="end it with ~all (or -all) instead of +all")
    if last not in ("~all", "-all") and not last.startswith("redirect="):
        return Finding("SPF", WARNING, record, problem="it does not end with ~all or -all, so "
                       "it does not tell receivers what to do with other servers",
                       fix="end the record with ~all")
    return Finding("SPF", OK, record)


def _dkim(resolver, domain: str, selectors: tuple[str, ...]) -> Finding:
    tried = list(dict.fromkeys((*selectors, *COMMON_SELECTORS)))
    for selector in tried:
        for record in _txt(resolver, f"{selector}._domainkey.{domain}"):
            tags = dict(part.strip().split("=", 1) for part in record.split(";") if "=" in part)
            if "p" not in tags:
                continue
            if not tags["p"].strip():
                return Finding("DKIM", PROBLEM, f"{selector}: {record}",
                               problem=f"the key '{selector}' is revoked (empty p=)",
                               fix="publish the current key from your email provider, or turn "
                               "on DKIM signing in Trellis and publish the record it shows")
            return Finding("DKIM", OK, f"{selector}._domainkey.{domain}")
    return Finding("DKIM", WARNING, problem="no DKIM key was found under the usual names. If your "
                   "email provider signs your mail, its key has a name we could not guess",
                   fix="ask your email provider whether it signs with DKIM for your domain (and "
                   "publish the record it gives you), or turn on DKIM signing in Trellis and add "
                   "the TXT record it shows")


def _dmarc(resolver, domain: str) -> Finding:
    records = [r for r in _txt(resolver, f"_dmarc.{domain}") if r.lower().startswith("v=dmarc1")]
    example = f"v=DMARC1; p=none; rua=mailto:dmarc@{domain}"
    if not records:
        return Finding("DMARC", PROBLEM, problem="your domain has no DMARC record; Gmail and Yahoo "
                       "require one from anyone sending bulk email",
                       fix=f"add a TXT record at _dmarc.{domain} with {example!r}")
    if len(records) > 1:
        return Finding("DMARC", PROBLEM, " | ".join(records),
                       problem="there are two DMARC records; receivers then ignore both",
                       fix=f"keep one TXT record at _dmarc.{domain}")
    record = records[0]
    tags = {k.strip().lower(): v.strip() for k, _, v in
            (part.partition("=") for part in record.split(";")) if k.strip()}
    policy = tags.get("p", "").lower()
    if policy not in ("none", "quarantine", "reject"):
        return Finding("DMARC", PROBLEM, record, problem="the record has no valid policy (p=)",
                       fix=f"write it like {example!r}")
    if policy == "none":
        return Finding("DMARC", OK, record, problem="p=none only watches; that is fine to start "
                       "with", fix="once SPF and DKIM pass, consider p=quarantine")
    return Finding("DMARC", OK, record)


def check_sender(database, *, resolver: dns.resolver.Resolver | None = None) -> DeliverabilityReport:
    """The check of the sender address's domain, DKIM signing's selector tried first."""
    from engine.delivery.dkim_sign import load_dkim_settings
    from engine.settings import load_settings

    with database.session() as session:
        sender = load_settings(session).sender_email
        dkim = load_dkim_settings(session)
    return check_address(sender, selectors=(dkim.selector,) if dkim else (), resolver=resolver)
