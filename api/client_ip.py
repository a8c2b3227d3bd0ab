"""The client's IP address, the one way every per-IP limit gets it.

Behind a reverse proxy every socket comes from the proxy, so a per-IP limit keyed on the
peer counts all citizens together; and ``X-Forwarded-For`` is whatever the caller wrote,
so trusting it blindly lets anyone pick a fresh address per request. The header is read
only through the proxies named in ``OKNO_TRUSTED_PROXIES``: from the right (the hop
nearest to us), skip addresses of trusted proxies; the first other address is the
client. With no trusted proxies (the default) the socket's peer is the client.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from starlette.requests import HTTPConnection

from domain.settings import Settings

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(cidrs: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(c, strict=False) for c in cidrs)


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # [v6]:port
        text = text[1:text.index("]")]
    elif text.count(":") == 1:  # v4:port
        text = text.split(":", 1)[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def client_ip(connection: HTTPConnection, settings: Settings) -> str | None:
    """The client's address for an HTTP request or a websocket (None when unknown)."""
    peer = connection.client.host if connection.client else None
    trusted = _networks(tuple(settings.trusted_proxies))
    if not trusted or peer is None:
        return peer

    def is_trusted(address: ipaddress.IPv4Address | ipaddress.IPv6Address | None) -> bool:
        return address is not None and any(address in network for network in trusted)

    if not is_trusted(_address(peer)):
        return peer
    hops = ",".join(connection.headers.getlist("x-forwarded-for")).split(",")
    client = peer
    for hop in reversed([h for h in hops if h.strip()]):
        address = _address(hop)
        if address is None:  # garbage a client wrote: the last trusted hop is all we know
            return client
        client = str(address)
        if not is_trusted(address):
            return client
    return client
