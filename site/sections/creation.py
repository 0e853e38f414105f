"""A new section in one step: root page and its translations, Site, settings, texts and their translations,
collection, roles and workflow.

Used by the admin's "New section" form and by `manage.py create_section`; both validate through
`NewSectionForm`, so a bad code, host or language gets the same message on its field.
"""

import zoneinfo

from django import forms
from django.apps import apps
from django.conf import settings
from django.core.validators import RegexValidator
from django.db import transaction
from django.http.request import validate_host
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override
from wagtail.models import Locale, Page, Site

from supporters.encryption import (
    HASH_KEY_NAME,
    KEYS_NAME,
    PersonalDataKeyError,
    env_name,
    personal_data_keys_of,
)

from .models import CURRENCIES, AddressWindow, SectionSettings, SectionTexts
from .roles import set_up_roles
from .translation import translate

# The page type of a section's root page, by name: the site layer imports no app.
ROOT_PAGE_MODEL = "home.HomePage"

# A host name as DNS allows it: labels of letters, digits and hyphens, not starting or ending with one.
HOSTNAME = RegexValidator(
    r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$",
    _("Enter a host name such as be.example.org (letters, digits, hyphens and dots, no scheme or path)."),
)


class NewSectionForm(forms.Form):
    code = forms.SlugField(
        label=_("section code"),
        max_length=8,
        help_text=_("Short code, e.g. be. Secrets are read from environment variables named with it."),
    )
    name = forms.CharField(label=_("section name"), max_length=120)
    country = forms.CharField(label=_("country"), max_length=80)
    currency = forms.ChoiceField(label=_("currency"), choices=CURRENCIES)
    time_zone = forms.ChoiceField(
        label=_("time zone"), choices=[(zone, zone) for zone in sorted(zoneinfo.available_timezones())]
    )
    language = forms.ChoiceField(label=_("default language"), choices=settings.LANGUAGES)
    other_languages = forms.MultipleChoiceField(
        label=_("other languages"),
        choices=settings.LANGUAGES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    address_window = forms.ChoiceField(
        label=_("envelope window"),
        choices=AddressWindow.choices,
        initial=AddressWindow.RIGHT,
        help_text=_(
            "Where your supporters' window envelopes show the address: letters print the addressee there."
        ),
    )
    hostname = forms.CharField(label=_("host"), max_length=253, validators=[HOSTNAME])
    port = forms.IntegerField(label=_("port"), min_value=1, max_value=65535, initial=80)

    def clean_code(self):
        code = self.cleaned_data["code"].lower()
        if SectionSettings.objects.filter(code=code).exists():
            raise forms.ValidationError(_("A section with this code already exists."))
        try:
            # Its supporters' data could be neither stored nor read (supporters.encryption).
            personal_data_keys_of(code)
        except PersonalDataKeyError:
            raise forms.ValidationError(
                _(
                    "Set %(keys)s and %(hash_key)s in the environment and restart before creating this "
                    "section: its supporters' personal data is encrypted with them."
                ),
                params={"keys": env_name(KEYS_NAME, code), "hash_key": env_name(HASH_KEY_NAME, code)},
            ) from None
        return code

    def clean_hostname(self):
        hostname = self.cleaned_data["hostname"].strip().lower()
        if Site.objects.filter(hostname=hostname).exists():
            raise forms.ValidationError(_("Another site already answers at this host."))
        if not validate_host(hostname, settings.ALLOWED_HOSTS):
            raise forms.ValidationError(
                _("This host is not in ALLOWED_HOSTS: add it to the server's settings first.")
            )
        return hostname

    def clean(self):
        cleaned = super().clean()
        language = cleaned.get("language")
        others = cleaned.get("other_languages") or []
        if language:
            cleaned["languages"] = [language] + [code for code in others if code != language]
        return cleaned


def default_consent_texts(name, language):
    with override(language):
        consent = _(
            "I agree that %(name)s processes my data for this action, as described in its privacy policy."
        ) % {"name": name}
        newsletter = _("I would like to receive news of the campaigns by email (unsubscribe in one click).")
        return str(consent), str(newsletter)


def create_texts(site, locale, name, country, languages):
    """The section's texts in its default language, and their translations into the others.

    The translations start with the project's own wording of consent and newsletter in each
    language (the catalogs'), so no form ever shows another language's; translators then take it
    from there in wagtail-localize.
    """
    consent, newsletter = default_consent_texts(name, languages[0])
    texts = SectionTexts.objects.create(
        site=site,
        locale=locale,
        name=name,
        country=country,
        consent_text=consent,
        newsletter_consent_text=newsletter,
    )
    for language in languages[1:]:
        translated = dict(zip((consent, newsletter), default_consent_texts(name, language), strict=True))
        translate(texts, language, translated)
    return texts


@transaction.atomic
def create_section(
    *,
    code,
    name,
    country,
    currency,
    languages,
    hostname,
    port=80,
    time_zone="Europe/Zurich",
    address_window=AddressWindow.RIGHT,
):
    """Create a section, live at once at `hostname` in exactly `languages` (the first is its default)."""
    root_model = apps.get_model(ROOT_PAGE_MODEL)
    locales = {code_: Locale.objects.get_or_create(language_code=code_)[0] for code_ in languages}
    home = root_model(title=name, slug=code, locale=locales[languages[0]])
    Page.get_first_root_node().add_child(instance=home)
    home.save_revision().publish()
    site = Site.objects.create(hostname=hostname, port=port, root_page=home, site_name=name)
    section = SectionSettings.for_site(site)
    section.code, section.name, section.country, section.currency = code, name, country, currency
    section.time_zone, section.address_window = time_zone, address_window
    # How people pay in the currency's country: TWINT in Switzerland, SEPA Direct Debit in the euro area.
    section.accept_twint, section.accept_sepa_debit = currency == "CHF", currency == "EUR"
    section.save()
    for language in languages[1:]:
        translate(home, language, {})
    create_texts(site, locales[languages[0]], name, country, languages)
    set_up_roles(code, name, site, home)
    return section


def create_section_from(form):
    data = form.cleaned_data
    return create_section(
        code=data["code"],
        name=data["name"],
        country=data["country"],
        currency=data["currency"],
        languages=data["languages"],
        hostname=data["hostname"],
        port=data["port"],
        time_zone=data["time_zone"],
        address_window=data["address_window"],
    )
