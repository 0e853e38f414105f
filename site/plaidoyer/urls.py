"""Root URLs: admin and machine endpoints outside the language prefix, the public site inside it."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls
from wagtail.urls import serve_pattern

from sections.sitemaps import SectionSitemap, robots_txt
from sections.views import section_css
from supporters import proof_of_work

from . import health, page_cache

# Django's own 400 view renders without the request: no section, no language of the URL.
handler400 = "plaidoyer.views.bad_request"
# A lost database connection gets a "try again" page in the URL's language (503), not Django's bare 500.
handler500 = "plaidoyer.views.server_error"

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    # Each section's own pages in its own languages, with their translations (sections.sitemaps).
    path("sitemap.xml", sitemap, {"sitemaps": {"pages": SectionSitemap}}),
    path("robots.txt", robots_txt),
    path("section.css", section_css, name="section_css"),
    path("donations/", include("donations.urls")),
    # The proof-of-work challenge of every form (ALTCHA): one URL for the whole site.
    path("altcha/challenge/", proof_of_work.challenge, name="altcha-challenge"),
    # For monitoring (everything) and the load balancer (the database): plaidoyer.health.
    path("health/", health.health, name="health"),
    path("health/ready/", health.ready, name="health-ready"),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

wagtail_non_page_urls = [url for url in wagtail_urls.urlpatterns if url.name != "wagtail_serve"]

urlpatterns += i18n_patterns(
    path("petitions/", include("petitions.urls")),
    path("letters/", include("petitions.letters.urls")),
    path("outcomes/", include("petitions.outcomes.urls")),
    path("join/", include("membership.urls")),
    # Your data: a copy of what the section holds about you, or its erasure (supporters.rights).
    path("my-data/", include("supporters.urls")),
    # Wagtail's own URLs, its page view replaced by ours: the same view, kept by the anonymous page cache
    # and checked for the origin of the forms posted to it instead of a CSRF token (plaidoyer.csrf).
    path(
        "", include([*wagtail_non_page_urls, re_path(serve_pattern, page_cache.serve, name="wagtail_serve")])
    ),
    prefix_default_language=True,
)
