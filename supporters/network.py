"""The visitor's IP address, kept only as a keyed hash."""

import hashlib
import hmac

from django.conf import settings


def client_ip(request):
    """The client's address: REMOTE_ADDR, which plaidoyer.proxies sets behind trusted load balancers."""
    return request.META.get("REMOTE_ADDR", "")


def hash_ip(ip):
    """HMAC-SHA256 of an IP address with a server-side key: comparable, not reversible."""
    if not ip:
        return ""
    return hmac.new(settings.IP_HASH_KEY.encode(), ip.encode(), hashlib.sha256).hexdigest()


def request_ip_hash(request):
    """The keyed hash of the request's client address, computed once per request."""
    if not hasattr(request, "_ip_hash"):
        request._ip_hash = hash_ip(client_ip(request))
    return request._ip_hash
