"""A section's sitemap.xml (Wagtail's, over every language it publishes, with hreflang alternates) and robots.txt."""

from django.conf import settings
from django.http import Http404, HttpResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe
from wagtail.contrib.sitemaps import Sitemap
from wagtail.models import Page

from .languages import section_languages
from .sharing import x_default
from .trees import in_sections
from .wagtail_site_patches import site_for_request

# What no search engine needs to visit: the admin, machine endpoints, the steps of an action
# (each answers one visitor's POST or carries a token from an email), Wagtail's password form.
ROBOTS_DISALLOW = [
    "/admin/",
    "/donations/",
    "/altcha/",
    "/*/petitions/sign/",
    "/*/petitions/confirm/",
    "/*/join/confirm/",
    "/*/_util/",
    "/*/thanks/",
    "/*/letter/",
    "/*/sent/",
    "/*/message/",
]


class SectionSitemap(Sitemap):
    """The live, public pages of the request's section in the languages it publishes, and nothing of another's.

    Wagtail's own lists the site's root page and what is under it: a section's translated home
    pages are siblings of its root page (see sections.trees), so it would list one language only.
    """

    def get_wagtail_site(self):
        site = site_for_request(self.request)
        if site is None:
            raise Http404("Unknown host.")
        return site

    def pages(self):
        site = self.get_wagtail_site()
        return (
            Page.objects.live()
            .public()
            .filter(in_sections([site]), locale__language_code__in=section_languages(site))
            .order_by("path")
        )

    def items(self):
        return self.pages().defer_streamfields().specific()

    def get_urls(self, page=1, site=None, protocol=None):
        urls = super().get_urls(page=page, site=site, protocol=protocol)
        alternates = self.alternates()
        for url in urls:
            url["alternates"] = alternates.get(url["location"], [])
        return urls

    def alternates(self):
        """{page URL: its translations' URLs, each with its language, and x-default} (sitemaps' xhtml:link)."""
        site = self.get_wagtail_site()
        groups = {}
        for page in self.pages().select_related("locale"):
            url = page.get_full_url(self.request)
            groups.setdefault(page.translation_key, (page, []))[1].append(
                {"code": page.locale.language_code, "full_url": url}
            )
        alternates = {}
        for page, translations in groups.values():
            links = [{"lang_code": link["code"], "location": link["full_url"]} for link in translations]
            default = x_default(site, page, translations)
            if default:
                links.append({"lang_code": "x-default", "location": default})
            for link in translations:
                alternates[link["full_url"]] = links
        return alternates


@require_safe
@cache_control(max_age=3600, public=True)
def robots_txt(request):
    """Each section's host points crawlers at its own sitemap; the admin's host asks them to stay out."""
    site = site_for_request(request)
    host = request.get_host().split(":")[0]
    lines = ["User-agent: *"]
    if site is None or (settings.ADMIN_HOST and host == settings.ADMIN_HOST):
        lines.append("Disallow: /")
    else:
        lines += [f"Disallow: {path}" for path in ROBOTS_DISALLOW]
        lines += ["", f"Sitemap: {site.root_url}/sitemap.xml"]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
