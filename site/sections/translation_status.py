"""What a section's translators still have to do in one language: pages and snippets not translated yet,
translations waiting for strings, and translations whose source changed since they were last synced.

wagtail-localize's own Translations report lists every section's translations to anyone in the admin
and knows nothing of pages never sent for translation; this status is per section and per language,
and each row links to where the work is done (the Translate form, the translation editor, or Sync).
"""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.admin_url_finder import AdminURLFinder
from wagtail.models import Locale, Page, get_translatable_models
from wagtail.snippets.models import get_snippet_models
from wagtail_localize.models import StringSegment, StringTranslation, Translation, TranslationSource

NOT_TRANSLATED = "not-translated"
WAITING = "waiting"
OUT_OF_DATE = "out-of-date"
NOT_PUBLISHED = "not-published"
STATUSES = {
    NOT_TRANSLATED: _("Not translated yet"),
    WAITING: _("Strings still to translate"),
    OUT_OF_DATE: _("Source changed since the last sync"),
    NOT_PUBLISHED: _("Translated, not published yet"),
}


@dataclass
class Row:
    title: str
    kind: str
    status: str
    url: str

    @property
    def status_label(self):
        return STATUSES[self.status]


def waiting_translations(target_locale):
    """Translations into `target_locale` with at least one string segment not translated (wagtail-localize's
    report computes the same)."""
    untranslated = StringSegment.objects.filter(source_id=OuterRef("source_id")).exclude(
        Exists(
            StringTranslation.objects.filter(
                translation_of_id=OuterRef("string_id"),
                context_id=OuterRef("context_id"),
                locale=target_locale,
                has_error=False,
            )
        )
    )
    return Translation.objects.filter(target_locale=target_locale, enabled=True).filter(Exists(untranslated))


def translation_status(site, language_code):
    """The rows of work left for `site`'s section in `language_code`, pages first, in tree order."""
    target = Locale.objects.filter(language_code=language_code).first()
    if target is None:
        return []
    root = site.root_page
    sources = list(Page.objects.descendant_of(root, inclusive=True).order_by("path").specific())
    rows = _rows_for(sources, target, kind=_("Page"))
    for model in translatable_snippets():
        snippets = model.objects.filter(locale=root.locale).order_by("pk")
        if any(field.name == "site" for field in model._meta.fields):
            snippets = snippets.filter(site=site)
        rows += _rows_for(list(snippets), target, kind=model._meta.verbose_name)
    return rows


def translatable_snippets():
    """Snippet models translated in wagtail-localize: a section's own (they have a `site`, e.g. its
    texts) and those every section shares and translates into its languages (e.g. prisoner records)."""
    translatable = set(get_translatable_models())
    return [model for model in get_snippet_models() if model in translatable]


def _rows_for(objects, target, kind):
    if not objects:
        return []
    model = type(objects[0])
    base = objects[0].get_translation_model()
    translated = {
        translation.translation_key: translation
        for translation in base.objects.filter(
            translation_key__in=[item.translation_key for item in objects], locale=target
        )
    }
    sources = {
        source.object_id: source
        for source in TranslationSource.objects.filter(
            object_id__in=[item.translation_key for item in objects], locale=objects[0].locale
        )
    }
    waiting = set(waiting_translations(target).values_list("source_id", flat=True))
    finder = AdminURLFinder()
    rows = []
    for item in objects:
        translation = translated.get(item.translation_key)
        source = sources.get(item.translation_key)
        title = str(item.get_admin_display_title() if isinstance(item, Page) else item)
        if translation is None:
            rows.append(Row(title, kind, NOT_TRANSLATED, _translate_url(item, model)))
        elif source is not None and source.pk in waiting:
            rows.append(Row(title, kind, WAITING, finder.get_edit_url(translation)))
        elif source is not None and _changed_since(item, source):
            url = reverse("wagtail_localize:update_translations", args=[source.pk])
            rows.append(Row(title, kind, OUT_OF_DATE, url))
        elif isinstance(translation, Page) and not translation.live:
            rows.append(Row(title, kind, NOT_PUBLISHED, finder.get_edit_url(translation)))
    return rows


def _translate_url(item, model):
    if isinstance(item, Page):
        return reverse("wagtail_localize:submit_page_translation", args=[item.pk])
    meta = model._meta
    return reverse(
        "wagtail_localize:submit_snippet_translation", args=[meta.app_label, meta.model_name, item.pk]
    )


def _changed_since(item, source):
    """The source was published (pages) or saved as a revision (snippets) after its strings were extracted."""
    changed_at = getattr(item, "last_published_at", None)
    if changed_at is None and getattr(item, "latest_revision", None) is not None:
        changed_at = item.latest_revision.created_at
    return changed_at is not None and changed_at > source.last_updated_at
