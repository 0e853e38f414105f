"""The partner sites a section lets embed its actions: origins written one a line, checked and compared.

An origin is a scheme, a host and an optional port (`https://partner.example.org`), nothing more: it is
what a browser compares with `Content-Security-Policy: frame-ancestors`, and what a signature made
through an embed records of its partner. Partners' sites are public and served over HTTPS; plain
HTTP is accepted only for this machine (localhost, 127.0.0.1) where settings.EMBED_ALLOW_LOOPBACK_HTTP
is on: the development and test settings, never production.
"""

import re
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

LOOPBACK_HOSTS = {"localhost", "127.0.0.1"}
# A host name of letters, digits, hyphens and dots (IDNs in their xn-- form), as a browser sends it.
HOST = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")


def normalize_origin(text):
    """`text` as an origin (`https://host[:port]`, lower case), or None when it is not one we accept."""
    text = (text or "").strip()
    if not text or len(text) > 200 or any(c.isspace() for c in text):
        return None
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        return None
    host = parts.hostname or ""
    if parts.path not in ("", "/") or parts.query or parts.fragment or parts.username or parts.password:
        return None
    if not HOST.match(host):
        return None
    if parts.scheme == "http":
        if host not in LOOPBACK_HOSTS or not settings.EMBED_ALLOW_LOOPBACK_HTTP:
            return None
    elif parts.scheme != "https":
        return None
    return f"{parts.scheme}://{host}" + (f":{port}" if port else "")


def parse_origins(text):
    """The origins listed in `text`, one a line (blank lines ignored), normalized; unknown lines dropped."""
    origins = []
    for line in (text or "").splitlines():
        origin = normalize_origin(line)
        if origin and origin not in origins:
            origins.append(origin)
    return origins


def validate_partner_sites(text):
    """Each non-empty line must be an origin we accept: the message names the first line that is not."""
    for line in (text or "").splitlines():
        if line.strip() and normalize_origin(line) is None:
            raise ValidationError(
                _(
                    "“%(line)s” is not a site address we can allow: write one address a line, like "
                    "https://partner.example.org (https, the site's host, no path)."
                ),
                params={"line": line.strip()[:100]},
                code="invalid_origin",
            )
