"""Translates pages and snippets through wagtail-localize's own flow (used by demo content and tests)."""

from wagtail.models import Locale
from wagtail_localize.models import StringSegment, StringTranslation, Translation, TranslationSource
from wagtail_localize.operations import TranslationCreator
from wagtail_localize.strings import StringValue


def translate(instance, language_code, strings, user=None, publish=True):
    """Create or update the translation of `instance` into `language_code`.

    `strings` maps source strings to their translation; any string left out
    keeps the source text, as a translator's untouched segment would. Plain text
    with line breaks (an address) is matched as wagtail-localize stores it.
    """
    plain = {
        StringValue.from_plaintext(source).data: StringValue.from_plaintext(text).data
        for source, text in strings.items()
    }
    locale, _ = Locale.objects.get_or_create(language_code=language_code)
    TranslationCreator(user, [locale]).create_translations(instance)
    source, _ = TranslationSource.get_or_create_from_instance(instance)
    source.update_from_db()
    translation = Translation.objects.get(source=source, target_locale=locale)
    segments = StringSegment.objects.filter(source=source).select_related("string", "context")
    for segment in segments:
        text = strings.get(segment.string.data, plain.get(segment.string.data))
        if text is None:
            continue
        StringTranslation.objects.update_or_create(
            translation_of=segment.string,
            locale=locale,
            context=segment.context,
            defaults={"data": text, "translation_type": StringTranslation.TRANSLATION_TYPE_MANUAL},
        )
    translation.save_target(user=user, publish=publish)
    return instance.get_translation(locale)
