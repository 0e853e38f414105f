"""Section-wide views."""

from django.http import HttpResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from wagtail.models import Site

from .models import SectionSettings


@require_GET
@cache_control(max_age=300, public=True)
def section_css(request):
    """The section's accent colour as a CSS custom property (kept out of the HTML: no inline styles)."""
    site = Site.find_for_request(request)
    colour = SectionSettings.for_site(site).accent_colour if site else "#ffcc00"
    return HttpResponse(f":root {{ --accent: {colour}; }}\n", content_type="text/css")
