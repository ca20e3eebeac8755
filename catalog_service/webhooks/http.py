"""Sending one webhook request safely: no server-side request forgery.

An endpoint URL must be https:// (http:// only to loopback with WEBHOOK_ALLOW_LOOPBACK). Its host name is
resolved here and every address checked: private, loopback (unless allowed), link-local (169.254.0.0/16,
the cloud metadata address among them), multicast, reserved and unspecified addresses are refused. The
request then connects to the checked address itself, so a second DNS answer (rebinding) cannot redirect
it; TLS still verifies the certificate against the host name. Redirects are never followed (http.client
does not follow them): a 3xx is a failed attempt like any other non-2xx.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit

from ..errors import Invalid

METADATA_ADDRESSES = {ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254")}


class RefusedURL(Invalid):
    def __init__(self, message: str):
        super().__init__("webhook_url_refused", message)


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str
    address: str  # the checked IP address the request connects to


def resolve(host: str, port: int) -> list[str]:
    """The host's addresses (a function of its own so tests can stand in for DNS)."""
    return sorted({info[4][0] for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)})


def check_url(url: str, *, allow_loopback: bool) -> Target:
    """The URL's checked target; RefusedURL (422) with the reason in Swedish when it may not be called."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise RefusedURL("Adressen går inte att tolka.") from None
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise RefusedURL("Adressen måste börja med https:// och ha ett värdnamn.")
    if parts.username or parts.password:
        raise RefusedURL("Adressen får inte innehålla användarnamn eller lösenord.")
    port = port or (443 if parts.scheme == "https" else 80)
    try:
        addresses = [ipaddress.ip_address(a.split("%")[0]) for a in resolve(parts.hostname, port)]
    except (OSError, UnicodeError, ValueError):
        raise RefusedURL("Värdnamnet går inte att slå upp.") from None
    if not addresses:
        raise RefusedURL("Värdnamnet går inte att slå upp.")
    for address in addresses:
        _check_address(address, allow_loopback)
    if parts.scheme == "http" and not (allow_loopback and all(a.is_loopback for a in addresses)):
        raise RefusedURL("Adressen måste börja med https:// (http:// bara till den egna datorn i test och utveckling).")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(parts.scheme, parts.hostname, port, path, str(addresses[0]))


def _check_address(address, allow_loopback: bool) -> None:
    mapped = getattr(address, "ipv4_mapped", None)
    address = mapped or address
    if address in METADATA_ADDRESSES or address.is_link_local:
        raise RefusedURL("Adressen pekar på en länklokal adress eller molnets metadatatjänst och får inte anropas.")
    if address.is_loopback:
        if allow_loopback:
            return
        raise RefusedURL("Adressen pekar på den egna datorn och får inte anropas.")
    if address.is_private or address.is_multicast or address.is_reserved or address.is_unspecified:
        raise RefusedURL("Adressen pekar på ett privat eller reserverat nät och får inte anropas.")
    if not address.is_global:
        raise RefusedURL("Adressen är inte en allmän internetadress och får inte anropas.")


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, target: Target, timeout: float):
        super().__init__(target.host, target.port, timeout=timeout)
        self.address = target.address

    def connect(self):
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, target: Target, timeout: float, context: ssl.SSLContext):
        super().__init__(target.host, target.port, timeout=timeout, context=context)
        self.address = target.address

    def connect(self):
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def post(target: Target, body: bytes, headers: dict[str, str], *, timeout: float, context=None) -> int:
    """POST ``body`` to the checked target; the answer's status code (OSError or HTTPException on failure)."""
    if target.scheme == "https":
        connection = _PinnedHTTPSConnection(target, timeout, context or ssl.create_default_context())
    else:
        connection = _PinnedHTTPConnection(target, timeout)
    try:
        connection.request("POST", target.path, body=body, headers=headers)
        response = connection.getresponse()
        response.read(64 * 1024)  # a little of the answer, never logged or stored
        return response.status
    finally:
        connection.close()
