"""A section: one Wagtail Site, the settings every template and action reads, and the texts its visitors read.

Settings (codes, hosts, keys, flags) are one row per Site. What a visitor reads (the section's name,
legal entity, address, footer, consent and newsletter wording, email sign-off) is `SectionTexts`, one
row per section and language, translated in wagtail-localize like pages.
"""

import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, PageChooserPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.models import TranslatableMixin
from wagtail_localize.fields import SynchronizedField, TranslatableField

from .partner_sites import parse_origins, validate_partner_sites

CURRENCIES = [("CHF", "CHF"), ("EUR", "EUR"), ("XOF", "XOF")]


def validate_time_zone(name):
    if name not in zoneinfo.available_timezones():
        raise ValidationError(_("Enter a time zone such as Europe/Zurich or Africa/Lome."))


class AddressWindow(models.TextChoices):
    # Swiss (SN 010 130) and French window envelopes show the address on the right;
    # German and Austrian ones (DIN 5008 form B) on the left.
    RIGHT = "right", _("Right (Swiss and French envelopes)")
    LEFT = "left", _("Left (DIN 5008, German and Austrian envelopes)")


# How long each section's law requires donation records (receipts, accounts) to be kept, in years, by
# section code (the code is the section's ISO country code, as the phone numbers read it). A section whose
# country is not listed gets DEFAULT_DONOR_RETENTION_LAW: ten years is what all three listed laws ask.
DONOR_RETENTION_LAWS = {
    "ch": (10, "Code des obligations, art. 958f"),
    "fr": (10, "Code de commerce, art. L123-22"),
    "tg": (10, "Acte uniforme OHADA relatif au droit comptable, art. 24"),
}
DEFAULT_DONOR_RETENTION_LAW = (10, "")


def donor_retention_law(code):
    """(minimum years, the law that sets it) for the section with this code."""
    return DONOR_RETENTION_LAWS.get((code or "").lower(), DEFAULT_DONOR_RETENTION_LAW)


class ReceiptStatus(models.TextChoices):
    """The organisation's status as the French tax receipt (Cerfa 11580) states it: it decides which
    gifts article 200 of the Code général des impôts lets donors deduct."""

    GENERAL_INTEREST = "general_interest", _("Of general interest (œuvre ou organisme d'intérêt général)")
    PUBLIC_UTILITY = "public_utility", _("Recognised as of public utility (reconnue d'utilité publique)")


class CaptchaMode(models.TextChoices):
    ALTCHA = "altcha", _("Proof of work (ALTCHA, served by this site: no third party)")
    V3 = "v3", _("Google reCAPTCHA v3 (invisible, scored)")
    V2 = "v2", _("Google reCAPTCHA v2 checkbox")


@register_setting(icon="site")
class SectionSettings(BaseSiteSetting):
    code = models.SlugField(
        _("section code"),
        max_length=8,
        help_text=_(
            "Short code, e.g. ch. Secrets are read from environment variables named with it "
            "(STRIPE_SECRET_KEY_CH, RECAPTCHA_PRIVATE_KEY_CH…)."
        ),
    )
    name = models.CharField(
        _("section name"),
        max_length=120,
        help_text=_(
            "Its name in the admin. Visitors read the name in the section's texts, in their language."
        ),
    )
    country = models.CharField(_("country"), max_length=80)
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCIES, default="EUR")
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default="Europe/Zurich",
        validators=[validate_time_zone],
        help_text=_("Pages, emails and receipts show dates and times in it, e.g. Africa/Lome."),
    )
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    press_email = models.EmailField(_("press email"), blank=True)
    press_phone = models.CharField(_("press phone"), max_length=40, blank=True)
    press_phone_out_of_hours = models.CharField(
        _("press phone (evenings and weekends)"), max_length=40, blank=True
    )
    privacy_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("privacy page"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    accent_colour = models.CharField(
        _("accent colour"),
        max_length=7,
        default="#ffcc00",
        validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Use a colour like #ffcc00."))],
    )
    address_window = models.CharField(
        _("envelope window"),
        max_length=5,
        choices=AddressWindow.choices,
        default=AddressWindow.RIGHT,
        help_text=_(
            "Where your supporters' window envelopes show the address: letters print the addressee there."
        ),
    )
    # Actions this section runs.
    petitions_enabled = models.BooleanField(_("petitions enabled"), default=True)
    letters_enabled = models.BooleanField(_("letter-writing enabled"), default=True)
    donations_enabled = models.BooleanField(_("donations enabled"), default=True)
    # Supporters' actions.
    double_opt_in = models.BooleanField(
        _("double opt-in"),
        default=True,
        help_text=_("Signatures count only once the signer confirms by email."),
    )
    captcha_mode = models.CharField(
        _("spam protection"),
        max_length=8,
        choices=CaptchaMode.choices,
        default=CaptchaMode.ALTCHA,
        help_text=_(
            "The proof of work is checked by this site alone; without JavaScript, signatures then count "
            "only once confirmed by email. Google reCAPTCHA loads Google's script on every form page as it "
            "opens, before the visitor does anything: it sends Google the page's address, the visitor's IP "
            "address and data about their browser and device. It needs a site key below and the "
            "RECAPTCHA_PRIVATE_KEY_<CODE> environment variable; without JavaScript, its forms cannot be sent."
        ),
    )
    captcha_score_threshold = models.DecimalField(
        _("reCAPTCHA v3 score threshold"), max_digits=3, decimal_places=2, default=0.5
    )
    recaptcha_public_key = models.CharField(_("reCAPTCHA site key"), max_length=100, blank=True)
    # Partner sites that may show the section's actions in a frame (petitions.embeds).
    partner_sites = models.TextField(
        _("partner sites allowed to embed actions"),
        blank=True,
        validators=[validate_partner_sites],
        help_text=_(
            "One address a line, like https://partner.example.org. Only these sites can show the section's "
            "petitions and letter actions in a frame; each signature or letter made there records which of "
            "them it came through."
        ),
    )
    # Donations.
    stripe_publishable_key = models.CharField(_("Stripe publishable key"), max_length=200, blank=True)
    tax_deduction_rate = models.PositiveSmallIntegerField(
        _("tax deduction rate (%)"),
        null=True,
        blank=True,
        help_text=_("Share of a gift that donors can deduct from their taxes, e.g. 66 in France."),
    )
    donation_requires_address = models.BooleanField(_("ask donors for a postal address"), default=False)
    # How donors may pay: each method must also be switched on in the section's Stripe account.
    accept_card = models.BooleanField(_("accept cards"), default=True)
    accept_twint = models.BooleanField(
        _("accept TWINT"), default=False, help_text=_("Swiss francs only, one-off gifts only.")
    )
    accept_sepa_debit = models.BooleanField(
        _("accept SEPA Direct Debit"), default=False, help_text=_("Euros only, one-off and monthly gifts.")
    )
    # Mobile money (T-Money, Flooz) through PayGate Global, in Togo; its key is PAYGATE_API_KEY_<CODE>.
    mobile_money = models.BooleanField(
        _("take mobile money (T-Money, Flooz)"),
        default=False,
        help_text=_(
            "One-off gifts in XOF from Togolese mobile numbers, through PayGate Global. Needs the "
            "environment variable PAYGATE_API_KEY_<CODE> on the server."
        ),
    )
    payment_receipts = models.BooleanField(
        _("attach a receipt in French"),
        default=False,
        help_text=_(
            "Each successful payment's email carries a receipt (PDF, in French) that is not a tax receipt, "
            "e.g. in Togo. Sections with French tax receipts attach those instead."
        ),
    )
    # French tax receipts (reçus fiscaux, Cerfa 11580): the organisation's name and address are the
    # French `SectionTexts` (legal entity, postal address); what the receipt needs besides is here, in French.
    tax_receipts = models.BooleanField(
        _("issue French tax receipts"),
        default=False,
        help_text=_(
            "Each successful payment gets a numbered reçu fiscal (PDF, in French) attached to the donor's "
            "receipt email. Needs donors' postal addresses."
        ),
    )
    yearly_attestations = models.BooleanField(
        _("send yearly donation attestations"),
        default=False,
        help_text=_(
            "In January, each donor receives in their language a PDF attesting their gifts of the past year, "
            "for their tax return (e.g. in Switzerland). Sections with French tax receipts send a summary "
            "of the receipts instead."
        ),
    )
    receipt_status = models.CharField(
        _("status on tax receipts"),
        max_length=20,
        choices=ReceiptStatus.choices,
        default=ReceiptStatus.GENERAL_INTEREST,
    )
    receipt_recognition = models.CharField(
        _("recognition of public utility"),
        max_length=200,
        blank=True,
        help_text=_(
            "In French, for a recognised organisation, e.g. par décret du 12 mars 1985 publié au JO."
        ),
    )
    receipt_object = models.TextField(
        _("object on tax receipts"),
        blank=True,
        help_text=_("In French: the organisation's object as its statutes state it."),
    )
    receipt_signatory = models.CharField(
        _("signatory of tax receipts"),
        max_length=200,
        blank=True,
        help_text=_("In French: name and function, e.g. Claire Martin, trésorière."),
    )
    # Retention: how long supporters' personal data is kept, per purpose (supporters.retention purges it).
    unconfirmed_retention_days = models.PositiveSmallIntegerField(
        _("unconfirmed signatures and joins (days)"),
        default=30,
        # At least the life of a confirmation link (supporters.confirmation.CONFIRMATION_MAX_AGE): a link
        # still valid never points at a deleted row.
        validators=[MinValueValidator(7), MaxValueValidator(365)],
        help_text=_(
            "Signatures and joins never confirmed by email are deleted this many days after they were "
            "made; they were never counted. At least 7: a confirmation link works for a week."
        ),
    )
    signers_retention_months = models.PositiveSmallIntegerField(
        _("signers of a closed petition (months)"),
        default=6,
        validators=[MaxValueValidator(120)],
        help_text=_(
            "Signers' names and addresses are erased this many months after the petition was delivered "
            "(its delivery date, else its closing date); the count stays."
        ),
    )
    letter_writers_retention_months = models.PositiveSmallIntegerField(
        _("letter writers and message authors (months)"),
        default=3,
        validators=[MaxValueValidator(120)],
        help_text=_(
            "Letter writers' names and solidarity messages are erased this many months after the "
            "letter-writing action's closing date; the count stays."
        ),
    )
    donors_retention_years = models.PositiveSmallIntegerField(
        _("donors (years)"),
        default=10,
        validators=[MaxValueValidator(50)],
        help_text=_(
            "Donors' names and addresses are erased this many years after their last payment, once the "
            "law no longer requires the receipts to be kept; amounts and dates stay in the accounts."
        ),
    )

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("code"),
                FieldPanel("name"),
                FieldPanel("country"),
                FieldPanel("currency"),
                FieldPanel("time_zone"),
            ],
            heading=_("Section"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("contact_email"),
                FieldPanel("contact_phone"),
                FieldPanel("press_email"),
                FieldPanel("press_phone"),
                FieldPanel("press_phone_out_of_hours"),
                PageChooserPanel("privacy_page"),
            ],
            heading=_("Contact and press"),
        ),
        MultiFieldPanel([FieldPanel("logo"), FieldPanel("accent_colour")], heading=_("Look")),
        MultiFieldPanel(
            [
                FieldPanel("petitions_enabled"),
                FieldPanel("letters_enabled"),
                FieldPanel("address_window"),
                FieldPanel("donations_enabled"),
                FieldPanel("double_opt_in"),
                FieldPanel("captcha_mode"),
                FieldPanel("captcha_score_threshold"),
                FieldPanel("recaptcha_public_key"),
                FieldPanel("partner_sites"),
            ],
            heading=_("Actions"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("stripe_publishable_key"),
                FieldPanel("accept_card"),
                FieldPanel("accept_twint"),
                FieldPanel("accept_sepa_debit"),
                FieldPanel("tax_deduction_rate"),
                FieldPanel("donation_requires_address"),
                FieldPanel("mobile_money"),
            ],
            heading=_("Donations"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("yearly_attestations"),
                FieldPanel("payment_receipts"),
                FieldPanel("tax_receipts"),
                FieldPanel("receipt_status"),
                FieldPanel("receipt_recognition"),
                FieldPanel("receipt_object"),
                FieldPanel("receipt_signatory"),
            ],
            heading=_("Tax receipts and attestations"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("unconfirmed_retention_days"),
                FieldPanel("signers_retention_months"),
                FieldPanel("letter_writers_retention_months"),
                FieldPanel("donors_retention_years"),
            ],
            heading=_("Retention of supporters' data"),
            help_text=_(
                "A supporter's email address is kept while their newsletter consent stands, or while one "
                "of their actions is kept; then it is erased too."
            ),
        ),
    ]

    class Meta:
        verbose_name = _("section")
        constraints = [models.UniqueConstraint(fields=["code"], name="unique_section_code")]

    def __str__(self):
        return self.name or self.code

    def clean(self):
        super().clean()
        minimum, law = donor_retention_law(self.code)
        if self.donors_retention_years is not None and self.donors_retention_years < minimum:
            if law:
                message = _(
                    "The law requires donation receipts to be kept for at least %(years)s years "
                    "(%(law)s): enter %(years)s or more."
                ) % {"years": minimum, "law": law}
            else:
                message = _(
                    "Donation receipts must be kept for at least %(years)s years: enter %(years)s or more."
                ) % {"years": minimum}
            raise ValidationError({"donors_retention_years": message})
        self.clean_payment_methods()
        if self.tax_receipts:
            errors = {}
            if not self.donation_requires_address:
                errors["donation_requires_address"] = _(
                    "A tax receipt states the donor's address: ask donors for it to issue tax receipts."
                )
            if not self.receipt_object.strip():
                errors["receipt_object"] = _("A tax receipt states the organisation's object: enter it.")
            if self.receipt_status == ReceiptStatus.PUBLIC_UTILITY and not self.receipt_recognition.strip():
                errors["receipt_recognition"] = _("Enter the decree that recognised the organisation.")
            if errors:
                raise ValidationError(errors)

    def clean_payment_methods(self):
        """A method Stripe takes only in one currency cannot be offered in another."""
        errors = {}
        if self.accept_twint and self.currency != "CHF":
            errors["accept_twint"] = _(
                "TWINT takes Swiss francs only: this section's currency is %(currency)s."
            ) % {"currency": self.currency}
        if self.accept_sepa_debit and self.currency != "EUR":
            errors["accept_sepa_debit"] = _(
                "SEPA Direct Debit takes euros only: this section's currency is %(currency)s."
            ) % {"currency": self.currency}
        ways = (self.accept_card, self.accept_twint, self.accept_sepa_debit, self.mobile_money)
        if self.donations_enabled and not any(ways):
            errors["accept_card"] = _("Donors need at least one way to pay: accept cards or another method.")
        if errors:
            raise ValidationError(errors)

    @property
    def partner_origins(self):
        """The partner sites' origins, normalized (sections.partner_sites)."""
        return parse_origins(self.partner_sites)

    @property
    def zone(self):
        """The section's time zone, for `timezone.override` (the project's when the name is unknown)."""
        try:
            return zoneinfo.ZoneInfo(self.time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return zoneinfo.ZoneInfo(settings.TIME_ZONE)

    @classmethod
    def for_site(cls, site):
        """Wagtail's `for_site`, kept in Django's cache with the content (see content_cache).

        Wagtail runs a `get_or_create` for it on every request (`for_request` keeps the answer for
        the rest of the request only); the settings change only when a superuser saves them, which
        starts a new content generation.
        """
        from .content_cache import cached

        if site is None:
            return super().for_site(site)  # Wagtail's DoesNotExist
        return cached(("section-settings", site.pk), lambda: super(SectionSettings, cls).for_site(site))


class SectionTexts(TranslatableMixin, models.Model):
    """What a section's visitors read of the section itself, in one language.

    One row per section and language: the default language's row is the source that editors
    write, the others are its translations (wagtail-localize's Translate, then Sync).
    """

    site = models.ForeignKey(
        "wagtailcore.Site", verbose_name=_("section"), on_delete=models.CASCADE, related_name="texts"
    )
    name = models.CharField(_("section name"), max_length=120, help_text=_("e.g. Plaidoyer Switzerland"))
    country = models.CharField(
        _("country"), max_length=80, blank=True, help_text=_("Filled in for supporters in postal addresses.")
    )
    legal_entity = models.CharField(_("legal entity"), max_length=200, blank=True)
    postal_address = models.TextField(_("postal address"), blank=True)
    footer_text = models.TextField(
        _("footer lines"),
        blank=True,
        help_text=_("Further lines at the foot of every page, e.g. the bank account for gifts."),
    )
    consent_text = models.TextField(
        _("consent wording"),
        blank=True,
        help_text=_("Default wording of the consent to process a supporter's data."),
    )
    newsletter_consent_text = models.TextField(
        _("newsletter opt-in wording"), blank=True, help_text=_("Leave empty to not offer the newsletter.")
    )
    email_signoff = models.TextField(
        _("email sign-off"),
        blank=True,
        help_text=_("The last lines of every email to supporters, e.g. The team of Plaidoyer Switzerland."),
    )

    translatable_fields = [
        SynchronizedField("site"),
        TranslatableField("name"),
        TranslatableField("country"),
        TranslatableField("legal_entity"),
        TranslatableField("postal_address"),
        TranslatableField("footer_text"),
        TranslatableField("consent_text"),
        TranslatableField("newsletter_consent_text"),
        TranslatableField("email_signoff"),
    ]

    panels = [
        FieldPanel("site", read_only=True),
        FieldPanel("name"),
        FieldPanel("country"),
        FieldPanel("legal_entity"),
        FieldPanel("postal_address"),
        FieldPanel("footer_text"),
        FieldPanel("consent_text"),
        FieldPanel("newsletter_consent_text"),
        FieldPanel("email_signoff"),
    ]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("section texts")
        verbose_name_plural = _("section texts")
        constraints = [
            models.UniqueConstraint(fields=["site", "locale"], name="unique_section_texts_language")
        ]

    def __str__(self):
        return f"{self.name} ({self.locale.language_code})"

    @property
    def signoff(self):
        """The sign-off of an email: the section's own, else its name."""
        return self.email_signoff.strip() or self.name

    @property
    def entity(self):
        """Who speaks in receipts and letters' headers: the legal entity, else the name."""
        return self.legal_entity or self.name


class SectionStaffGroup(models.Model):
    """Members of `group` are staff of the section `site`: they see its supporters' data, no other's."""

    group = models.ForeignKey(
        "auth.Group", verbose_name=_("group"), on_delete=models.CASCADE, related_name="sections"
    )
    site = models.ForeignKey(
        "wagtailcore.Site", verbose_name=_("section"), on_delete=models.CASCADE, related_name="staff_groups"
    )

    class Meta:
        verbose_name = _("section staff group")
        constraints = [models.UniqueConstraint(fields=["group", "site"], name="unique_section_staff_group")]

    def __str__(self):
        return f"{self.group} → {self.site}"
