"""Workaround: Django builds a request from any charset codecs.lookup() knows, even codecs that are not text encodings.

`HttpRequest._set_content_type_params` (Django 5.2, unchanged upstream) sets
`request.encoding` to the Content-Type's charset when `codecs.lookup()` finds it;
the encoding setter then evaluates `request.GET` with it. A charset such as rot13,
base64, hex or undefined makes that raise LookupError or UnicodeError inside
`WSGIRequest.__init__`, before any middleware can answer: a 500 for any URL.

Patched here so that a request whose charset is not UTF-8 keeps Django's default
encoding and is marked `unreadable_charset`; RequestCharsetMiddleware then answers
400. `test_bad_requests.test_django_still_needs_the_request_charset_workaround`
fails once Django no longer crashes: delete this module then (and its import in
plaidoyer/middleware.py).
"""

import codecs

from django.http import HttpRequest
from django.utils.http import parse_header_parameters

READABLE_CHARSETS = {"utf-8", "ascii"}

django_set_content_type_params = HttpRequest._set_content_type_params


def readable_charset(name):
    """UTF-8 (or its subset ASCII), under any of their names; every page and form of the site is UTF-8."""
    try:
        return codecs.lookup(name).name in READABLE_CHARSETS
    except LookupError:
        return False


def set_content_type_params(self, meta):
    content_type, params = parse_header_parameters(meta.get("CONTENT_TYPE", ""))
    if "charset" in params and not readable_charset(params["charset"]):
        self.content_type, self.content_params = content_type, params
        self.unreadable_charset = params["charset"]
        return
    django_set_content_type_params(self, meta)


HttpRequest._set_content_type_params = set_content_type_params
