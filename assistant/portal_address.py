"""Is a portal address this machine? Decided from what its name resolves to, not from its spelling.

``https://127.usvisascheduling.com`` starts with "127." and is the internet; a name counts as
loopback only when every address it resolves to is a loopback address, and a name that does not
resolve is not loopback. Loopback is what allows parallel sessions, no politeness pause and the
mock's backdoor, so a wrong "yes" would hammer the real portal.
"""

from __future__ import annotations

import ipaddress
import re
import socket
import threading
from urllib.parse import urlsplit

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_cache: dict[str, tuple[IpAddress, ...] | None] = {}
_cache_lock = threading.Lock()


def host_of(url: str) -> str:
    """The host name or address of ``url`` ('' when it has none or is malformed)."""
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:  # e.g. an unbalanced "[" in the address
        return ""


def resolve(host: str) -> tuple[IpAddress, ...] | None:
    """Every address ``host`` resolves to (None when it does not resolve), asked once per run.

    Cached so every decision in a run (options, pacing, backdoor, parallel workers) sees the same
    answer; :func:`forget_addresses` starts a new run's cache.
    """
    with _cache_lock:
        if host in _cache:
            return _cache[host]
    addresses = _lookup(host)
    with _cache_lock:
        _cache[host] = addresses
    return addresses


def _lookup(host: str) -> tuple[IpAddress, ...] | None:
    if not host:
        return None
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):  # socket.gaierror is an OSError; a bad IDNA name a UnicodeError
        return None
    found: list[IpAddress] = []
    for info in infos:
        text = str(info[4][0]).split("%", 1)[0]  # drop an IPv6 zone (fe80::1%eth0)
        try:
            address = ipaddress.ip_address(text)
        except ValueError:
            continue
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            address = address.ipv4_mapped  # ::ffff:127.0.0.1 is 127.0.0.1
        if address not in found:
            found.append(address)
    return tuple(found) or None


def is_loopback(url: str) -> bool:
    """A local replica of the portal: its host resolves, and only to loopback addresses."""
    addresses = resolve(host_of(url))
    return bool(addresses) and all(address.is_loopback for address in addresses or ())


def portal_origin(url: str) -> str:
    """``scheme://host[:port]`` of a portal address: what "the same portal" means for locks."""
    parts = urlsplit(url)
    default = {"http": 80, "https": 443}.get(parts.scheme)
    port = f":{parts.port}" if parts.port and parts.port != default else ""
    return f"{parts.scheme}://{host_of(url)}{port}"


PORTAL_LOCALES = ("zh-CN", "en-US")
DEFAULT_LOCALE = "zh-CN"


def pasted_portal(url: str) -> tuple[str, str | None]:
    """The portal's origin, and the locale its path names, from an address as staff paste it
    (a locale-shaped first segment the portal does not offer here is returned as written).

    ``https://www.usvisascheduling.com/zh-CN/applicant_details/`` is the portal at
    ``https://www.usvisascheduling.com`` in Chinese: the runner adds locale and page itself,
    so keeping the path would give ``/zh-CN/zh-CN/``.
    """
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return url, None  # the address check names what is wrong with it
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return url, None  # the address check names it as typed
    first = parts.path.strip("/").split("/", 1)[0]
    known = next((known for known in PORTAL_LOCALES if known.lower() == first.lower()), None)
    looks_like_one = re.fullmatch(r"[A-Za-z]{2}-[A-Za-z]{2}", first) is not None
    return f"{parts.scheme}://{parts.netloc}", known or (first if looks_like_one else None)


def forget_addresses() -> None:
    """Start afresh: a new run resolves names again."""
    with _cache_lock:
        _cache.clear()
