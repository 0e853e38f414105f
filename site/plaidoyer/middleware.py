"""Requests that Django cannot read are a bad request (400), not a server error."""

from django.core.exceptions import BadRequest

# Imported for its effect: the request object can be built whatever charset a request names.
from . import django_request_charset  # noqa: F401


class RequestCharsetMiddleware:
    """Refuses a request whose Content-Type names a charset other than UTF-8 (or its subset ASCII).

    Every page and form of the site is UTF-8, and so is what a browser posts from them. Django
    already refuses a non-UTF-8 urlencoded body; anything else would be decoded with whatever
    codec the header names (or crash on codecs that are not text encodings). Placed after the
    locale middleware, so that the 400 page is in the URL's language.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if getattr(request, "unreadable_charset", None):
            raise BadRequest("The request names a charset other than UTF-8.")
        return self.get_response(request)
