"""Serves a section only in its own languages: other prefixes are 404, bare paths redirect."""

from django.conf import settings
from django.http import Http404, HttpResponseRedirect
from django.middleware.locale import LocaleMiddleware
from django.urls import get_urlconf, is_valid_path
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language, get_language_from_path

from .languages import preferred_language, section_languages
from .models import SectionSettings
from .wagtail_site_patches import site_for_request


class SectionLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # The active language belongs to the thread, and Django's LocaleMiddleware activates one
        # without ever restoring it: whatever answers before it (the 404 below, rendered once the
        # exception has left this method) would speak the previous request's language. Every
        # request starts in its section's default language instead.
        site = site_for_request(request)
        codes = section_languages(site)
        translation.activate(codes[0] if codes else settings.LANGUAGE_CODE)
        # Times, like the language, are the section's (a Togolese page reads Lomé's time), never the
        # previous request's.
        if site is not None:
            timezone.activate(SectionSettings.for_request(request).zone)
        else:
            timezone.deactivate()
        path = request.path_info
        language = get_language_from_path(path)
        if language is not None:
            if site is None or language not in codes:
                raise Http404("This section does not publish this language.")
        elif self._needs_prefix(path):
            if site is None:
                raise Http404("Unknown host.")
            language = preferred_language(request, codes)
            query = request.META.get("QUERY_STRING", "")
            target = f"/{language}{request.path}" + (f"?{query}" if query else "")
            response = HttpResponseRedirect(target)
            response.headers["Vary"] = "Accept-Language"
            return response
        return self.get_response(request)

    @staticmethod
    def _needs_prefix(path):
        # Paths outside i18n_patterns (admin, webhooks, static) resolve as they are.
        urlconf = get_urlconf()
        return not is_valid_path(path, urlconf) and is_valid_path(f"/fr{path}", urlconf)


class SectionLocaleMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware without its 404 redirect to a language prefix.

    SectionLanguageMiddleware already sends bare public paths to one of the
    section's languages; a 404 left here belongs to a path outside
    i18n_patterns (the admin, webhooks) and must stay a 404 there rather than
    bounce to /fr/admin/….
    """

    def process_response(self, request, response):
        if response.status_code == 404 and get_language_from_path(request.path_info) is None:
            patch_vary_headers(response, ("Accept-Language",))
            response.headers.setdefault("Content-Language", get_language())
            return response
        return super().process_response(request, response)
