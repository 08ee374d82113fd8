"""A DNS server on loopback for tests (dnslib), answering TXT records from a dict.

`with DnsServer({"shop.example": ["v=spf1 -all"]}) as dns:` starts it on a free UDP port;
`dns.resolver()` is a dnspython resolver that asks only it. Names it does not know answer
NXDOMAIN; a known name asked for another type answers with no records. `records` may be
changed while it runs.
"""

from __future__ import annotations

import socket

import dns.resolver
from dnslib import QTYPE, RCODE, RR, TXT
from dnslib.server import BaseResolver, DNSLogger, DNSServer


def _free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class _Zone(BaseResolver):
    def __init__(self, records: dict[str, list[str]]):
        self.records = records

    def resolve(self, request, handler):
        reply = request.reply()
        name = str(request.q.qname).rstrip(".").lower()
        values = self.records.get(name)
        if values is None:
            reply.header.rcode = RCODE.NXDOMAIN
        elif request.q.qtype == QTYPE.TXT:
            for value in values:
                data = value.encode("utf-8")
                chunks = [data[i:i + 255] for i in range(0, len(data), 255)] or [b""]
                reply.add_answer(RR(name, QTYPE.TXT, rdata=TXT(chunks), ttl=60))
        return reply


class DnsServer:
    def __init__(self, records: dict[str, list[str]]):
        self.records = {name.lower(): values for name, values in records.items()}
        self.port = _free_udp_port()
        self._server = DNSServer(_Zone(self.records), port=self.port, address="127.0.0.1",
                                 logger=DNSLogger("-request,-reply,-truncated,-error,-recv,-send,-data"))

    def __enter__(self) -> "DnsServer":
        self._server.start_thread()
        return self

    def __exit__(self, *exc) -> None:
        self._server.stop()

    def resolver(self) -> dns.resolver.Resolver:
        resolver = dns.resolver.Resolver(configure=False)
        resolver.nameservers = ["127.0.0.1"]
        resolver.port = self.port
        resolver.lifetime = 5
        return resolver
