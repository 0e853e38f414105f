"""Which webhook addresses Plaidoyer may send supporters' data to: HTTPS to a public address only.

The host is resolved and every address it resolves to must be global (ipaddress): a destination
must not make the server reach its own network (the database, Redis, a cloud's metadata service).
Loopback over plain HTTP is allowed only with the CRM_WEBHOOK_ALLOW_LOOPBACK setting, for tests and
local trials with a receiver on this machine.
"""

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext_lazy as _


def resolved_addresses(host, port):
    """Every IP address `host` resolves to; raises OSError (or UnicodeError) when it does not resolve."""
    infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    # An IPv6 address may carry a zone ("fe80::1%eth0").
    return {ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos}


def is_loopback(address):
    mapped = getattr(address, "ipv4_mapped", None)
    return (mapped or address).is_loopback


def refusal(url):
    """Why Plaidoyer refuses to send to `url` (a message for the person who typed it), or None."""
    allow_loopback = settings.CRM_WEBHOOK_ALLOW_LOOPBACK
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return _("Enter a full address, such as https://crm.example.org/webhooks/plaidoyer.")
    if parts.scheme not in ("https", "http") or not parts.hostname:
        return _("Enter a full address, such as https://crm.example.org/webhooks/plaidoyer.")
    if parts.username or parts.password:
        return _("Leave the user name and password out of the address: requests are signed instead.")
    if parts.scheme != "https" and not allow_loopback:
        return _("The address must start with https:// (supporters' data is only sent encrypted).")
    try:
        addresses = resolved_addresses(parts.hostname, port or (443 if parts.scheme == "https" else 80))
    except (OSError, UnicodeError, ValueError):
        return _("The host name of this address could not be found.")
    if allow_loopback and addresses and all(is_loopback(address) for address in addresses):
        return None
    if parts.scheme != "https":
        return _("The address must start with https:// (supporters' data is only sent encrypted).")
    if not addresses or not all(address.is_global for address in addresses):
        return _("This address points to a private or local network: enter the CRM's public address.")
    return None
