"""The caller's network address behind proxies: X-Forwarded-For is believed only as far as proxies we trust.

Each proxy appends the address it received the request from. Reading the chain from the right, every address
that is one of our proxies (TRUSTED_PROXIES: the ingress, the gateway, web — private networks by default) is
skipped; the first one that is not is the caller. Anything further left was written by the caller and may be
made up (security review: a login brake keyed on a forged address brakes nothing).
"""
from __future__ import annotations

import ipaddress
from typing import Iterable

from flask import current_app, request

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
DEFAULT_TRUSTED_PROXIES = "127.0.0.0/8,::1/128,10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,fc00::/7"


def parse_networks(text: str) -> tuple[Network, ...]:
    """'10.0.0.0/8, 192.168.1.7' -> networks (a bare address is a network of one)."""
    return tuple(ipaddress.ip_network(part.strip(), strict=False) for part in text.split(",") if part.strip())


def _parsed(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None  # not an address (e.g. "unknown")


def is_trusted(address: str, networks: Iterable[Network]) -> bool:
    """True when `address` is in one of `networks` (one of our proxies, or a machine of our own network)."""
    ip = _parsed(address)
    return ip is not None and any(ip in network for network in networks)


def client_address(trusted: Iterable[Network] | None = None) -> str:
    """The address of whoever made this request, as far as our own proxies can vouch for it."""
    networks = tuple(trusted if trusted is not None else current_app.extensions["servicekit.settings"].trusted_proxies)
    original = request.environ.get("werkzeug.proxy_fix.orig", {})  # ProxyFix believed one hop blindly: undo it
    peer = original.get("REMOTE_ADDR") or request.environ.get("REMOTE_ADDR") or ""
    chain = [part.strip() for part in request.headers.get("X-Forwarded-For", "").split(",") if part.strip()]
    chain.append(peer)
    vouching = peer
    for address in reversed(chain):
        ip = _parsed(address)
        if ip is None:
            return vouching  # not an address at all: the last proxy of ours is all we know
        if not any(ip in network for network in networks):
            return address
        vouching = address
    return chain[0]
