"""The site of a request from Django's cache, where Wagtail looks it up in the database on every request.

Wagtail's `Site.find_for_request` runs `get_site_for_hostname` for each request: a query with CASE
annotations whose building and compiling alone cost 4.2 ms of CPU a request here, more than recording
a signature (bench/petition_signing.py's bare view served 289 requests/s with it and 950 with the
previous per-process copy). Which site answers a host changes only when a superuser saves a site,
and that starts a new content generation (`content_cache`), so the answer is kept in Django's cache
under it.

Wagtail keeps the site of a request on `request._wagtail_site` and reads it back in every later
`Site.find_for_request` of that request; it offers no way to cache it across requests (the pull
request that would have, wagtail/wagtail#4142, was closed unmerged). `site_for_request` puts the
cached site there, reading the host as Wagtail does (`_get_raw_host`: no ALLOWED_HOSTS check here,
Django makes it). `sections/tests/test_wagtail_site_patches.py` fails once Wagtail stops reading that
attribute or finds another site for a host; then this module can go.
"""

from django.http.request import split_domain_port
from wagtail.models import Site

from .content_cache import cached


def site_for_request(request):
    """`Site.find_for_request`, from Django's cache: None for an unknown host without a default site."""
    if not hasattr(request, "_wagtail_site"):
        hostname, port = split_domain_port(request._get_raw_host())[0], request.get_port()
        request._wagtail_site = cached(("site", hostname, port), lambda: with_specific_root(request))
    return request._wagtail_site


def with_specific_root(request):
    """The site, with its root page as its own type: a home page then finds its translation in the cache."""
    site = Site.find_for_request(request)
    if site is not None:
        site.root_page = site.root_page.specific
    return site
