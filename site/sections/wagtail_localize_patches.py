"""Workarounds for wagtail-localize: its Translate dialog offers every locale, to anyone who may translate.

1. Languages.
Wagtail has no per-site language list (wagtail#7843), and wagtail-localize's SubmitTranslationForm
lists every Locale but the page's own. A section publishes the languages its root page is
translated into, so for any page below a section's root the dialog offers only those languages;
the root page itself still offers every locale, which is how a section takes on a new language.

2. Permissions. Its submit and Sync views check only the global `submit_translation` permission, so
a translator of one section could send another section's pages to translation, or sync them. Both
now answer 404 for a page the user may not edit, as Wagtail's own page views do for pages out of reach.

3. Its Translations report lists the translations of every section, with their titles, to anyone
who may use the admin. It is for superusers now; section staff read their own sections' work in
Reports → Translation status (sections.translation_status).

4. Section texts (`SectionTexts`, a translatable snippet). wagtail-localize allows a snippet to
anyone with the model's change permission, in every view. A section's texts are translated by that
section's translators only (sections.texts_admin): its Translate dialog offers the section's
languages, and its Translate, Sync and string-editing views answer 404 (or 403 from its API) to
anyone else.

Delete each part when wagtail-localize lets a project choose the locales the form offers, checks the
page's (and snippet's) own permissions in its views, and scopes or permission-checks its report.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from wagtail.models import Page
from wagtail_localize.views import edit_translation
from wagtail_localize.views.report import TranslationsReportView
from wagtail_localize.views.submit_translations import (
    SubmitPageTranslationView,
    SubmitSnippetTranslationView,
    SubmitTranslationForm,
)
from wagtail_localize.views.update_translations import UpdateTranslationsView

from .models import SectionTexts

_original_init = SubmitTranslationForm.__init__
_original_get_object = SubmitPageTranslationView.get_object
_original_report_dispatch = TranslationsReportView.dispatch
_original_get_snippet = SubmitSnippetTranslationView.get_object
_original_get_source = UpdateTranslationsView.get_object
_original_user_can_edit_instance = edit_translation.user_can_edit_instance


def section_root(page):
    """The section home page `page` belongs to (the tree root's child on its path), or None."""
    if page.depth <= 2:
        return None
    return Page.objects.filter(depth=2, path=page.path[: Page.steplen * 2]).first()


def offer_only_the_sections_languages(self, instance, *args, **kwargs):
    _original_init(self, instance, *args, **kwargs)
    if isinstance(instance, SectionTexts):
        root = instance.site.root_page
    elif isinstance(instance, Page):
        root = section_root(instance)
    else:
        return
    if root is None:
        return
    languages = Page.objects.filter(translation_key=root.translation_key).values_list(
        "locale__language_code", flat=True
    )
    field = self.fields["locales"]
    field.queryset = field.queryset.filter(language_code__in=list(languages))


def only_pages_the_user_may_edit(self):
    page = _original_get_object(self)
    if not page.permissions_for_user(self.request.user).can_edit():
        raise Http404
    return page


def report_for_superusers_only(self, request, *args, **kwargs):
    if not request.user.is_superuser:
        raise PermissionDenied
    return _original_report_dispatch(self, request, *args, **kwargs)


def only_texts_the_user_may_translate(self):
    from .texts_admin import may_translate_texts

    instance = _original_get_snippet(self)
    if isinstance(instance, SectionTexts) and not may_translate_texts(self.request.user, instance):
        raise Http404
    return instance


def only_sources_the_user_may_sync(self):
    from .texts_admin import may_translate_texts

    source = _original_get_source(self)
    instance = source.get_source_instance()
    if isinstance(instance, SectionTexts) and not may_translate_texts(self.request.user, instance):
        raise Http404
    # A page's translations are synced by those who may edit the page (its section's staff).
    if isinstance(instance, Page) and not instance.permissions_for_user(self.request.user).can_edit():
        raise Http404
    return source


def user_can_edit_instance(user, instance):
    from .texts_admin import may_edit_texts

    if isinstance(instance, SectionTexts) and not may_edit_texts(user, instance):
        return False
    return _original_user_can_edit_instance(user, instance)


def apply():
    SubmitTranslationForm.__init__ = offer_only_the_sections_languages
    SubmitPageTranslationView.get_object = only_pages_the_user_may_edit
    TranslationsReportView.dispatch = report_for_superusers_only
    SubmitSnippetTranslationView.get_object = only_texts_the_user_may_translate
    UpdateTranslationsView.get_object = only_sources_the_user_may_sync
    edit_translation.user_can_edit_instance = user_can_edit_instance
