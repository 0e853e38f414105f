"""CSRF protection for the visitors' forms on cached pages: the POST must come from a page of the same host.

A page served from the page cache (plaidoyer.page_cache) is the same for every visitor, so it cannot
carry a per-visitor CSRF token. The public action endpoints (the Wagtail page view that petitions,
letters, donations and join pages post to, and the petition's own signing URL) check instead that the
browser says the form came from this host: its Origin header, or its Referer when a browser sends no
Origin (our Referrer-Policy, same-origin, keeps it on same-origin requests). Both absent, or `null`
(a sandboxed frame, a file, a privacy extension), is refused: nothing proves where the form was.
Browsers do not let a page of another site forge either header. The admin keeps Django's tokens.

Django's test client marks the requests it builds `_dont_enforce_csrf_checks` unless it was made with
`Client(enforce_csrf_checks=True)`, and CsrfViewMiddleware then checks nothing; this check follows the
same convention so that tests of everything else post without headers. That private name is read here
only (see tests/test_page_cache.py, which fails if Django stops setting it).
"""

from functools import wraps
from urllib.parse import urlsplit

from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt

UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def test_client_exempts(request):
    return getattr(request, "_dont_enforce_csrf_checks", False)


def same_origin(request):
    """Whether the request's Origin (else Referer) is this very scheme and host."""
    source = request.headers.get("Origin") or request.headers.get("Referer")
    if not source or source == "null":
        return False
    parts = urlsplit(source)
    return f"{parts.scheme}://{parts.netloc}" == f"{request.scheme}://{request.get_host()}"


def refused(request):
    """A readable 403 page in the visitor's language (the URL's prefix, already active)."""
    return render(request, "403_origin.html", status=403)


def origin_checked(view):
    """Exempts `view` from Django's token check, and refuses its unsafe requests from elsewhere."""

    @wraps(view)
    def checked(request, *args, **kwargs):
        if request.method in UNSAFE_METHODS and not test_client_exempts(request) and not same_origin(request):
            return refused(request)
        return view(request, *args, **kwargs)

    return csrf_exempt(checked)
