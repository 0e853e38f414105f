"""Donation pages, the donations made on them, their payments and the Stripe events already applied."""

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page, TranslatableMixin
from wagtail.search import index

from home.blocks import BodyBlock
from sections.view_restrictions import CachedViewRestrictions
from supporters.encryption import EncryptedCharField, EncryptedEmailField
from supporters.models import RetentionPurpose, SupporterAction

from . import money

# Designations another part of the site may send a donor with (`?designation=membership&amount=50`):
# the gift then carries that code as its designation instead of the page's. Only these, so a link
# cannot write anything else into a donation.
FIXED_DESIGNATIONS = {"membership": _("Membership fee")}


class Frequency(models.TextChoices):
    ONE_OFF = "one_off", _("One-off")
    MONTHLY = "monthly", _("Monthly")


class DonationPage(CachedViewRestrictions, RoutablePageMixin, Page):
    """A page where visitors give once or every month, paid by card through the section's Stripe account."""

    intro = StreamField(BodyBlock(), blank=True, verbose_name=_("introduction"))
    offer_one_off = models.BooleanField(_("offer one-off gifts"), default=True)
    offer_monthly = models.BooleanField(_("offer monthly gifts"), default=True)
    default_frequency = models.CharField(
        _("default frequency"), max_length=10, choices=Frequency.choices, default=Frequency.ONE_OFF
    )
    # Editors type whole units of the section's currency (50 CHF, 5000 XOF);
    # donations themselves are stored in minor units (see money.py).
    default_amount = models.PositiveIntegerField(
        _("default amount"), default=50, help_text=_("In whole units of the section's currency.")
    )
    minimum_amount = models.PositiveIntegerField(
        _("minimum amount"), default=5, help_text=_("In whole units of the section's currency.")
    )
    maximum_amount = models.PositiveIntegerField(
        _("maximum amount"),
        default=10000,
        help_text=_("In whole units of the section's currency. Larger gifts go through the office."),
    )
    designation = models.CharField(
        _("designation"),
        max_length=200,
        blank=True,
        help_text=_("Optional: the campaign these gifts support, e.g. Write for Rights."),
    )
    prisoner = models.ForeignKey(
        "prisoners.PrisonerRecord",
        verbose_name=_("prisoner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Optional: the person whose case these gifts support."),
    )
    thank_you_title = models.CharField(
        _("thank-you title"), max_length=200, help_text=_("The heading donors see once they have paid.")
    )
    thank_you_text = RichTextField(_("thank-you text"), blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("offer_one_off"), FieldPanel("offer_monthly")]),
                FieldPanel("default_frequency"),
                FieldRowPanel(
                    [FieldPanel("default_amount"), FieldPanel("minimum_amount"), FieldPanel("maximum_amount")]
                ),
                InlinePanel("amounts", label=_("preset amounts"), heading=_("Preset amounts")),
            ],
            heading=_("Amounts"),
        ),
        MultiFieldPanel([FieldPanel("designation"), FieldPanel("prisoner")], heading=_("Designation")),
        MultiFieldPanel(
            [FieldPanel("thank_you_title"), FieldPanel("thank_you_text")], heading=_("Thank you")
        ),
    ]
    search_fields = Page.search_fields + [index.SearchField("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = []

    class Meta:
        verbose_name = _("donation page")

    def clean(self):
        super().clean()
        errors = {}
        if not (self.offer_one_off or self.offer_monthly):
            errors["offer_one_off"] = _("Offer at least one frequency.")
        elif self.default_frequency not in self.frequencies:
            errors["default_frequency"] = _("The default frequency must be one that the page offers.")
        if self.minimum_amount < 1:
            errors["minimum_amount"] = _("The minimum must be at least 1.")
        if self.maximum_amount < self.minimum_amount:
            errors["maximum_amount"] = _("The maximum must not be below the minimum.")
        elif not self.minimum_amount <= self.default_amount <= self.maximum_amount:
            errors["default_amount"] = _("The default amount must lie between the minimum and the maximum.")
        if errors:
            raise ValidationError(errors)

    # --- What the page offers ------------------------------------------------
    @property
    def frequencies(self):
        offered = []
        if self.offer_one_off:
            offered.append(Frequency.ONE_OFF)
        if self.offer_monthly:
            offered.append(Frequency.MONTHLY)
        return offered

    def bounds(self, currency):
        """(minimum, maximum) in minor units of `currency`."""
        return money.to_minor(self.minimum_amount, currency), money.to_minor(self.maximum_amount, currency)

    def designation_text(self):
        if self.designation:
            return self.designation
        if self.prisoner_id:
            from django.utils.translation import get_language

            from prisoners.models import PrisonerRecord

            # The record in the visitor's language, else the one chosen: its translations in one query.
            chosen = PrisonerRecord.objects.filter(pk=self.prisoner_id).values("translation_key")
            names = dict(
                PrisonerRecord.objects.filter(translation_key__in=chosen).values_list(
                    "locale__language_code", "full_name"
                )
            )
            return names.get(get_language()) or self.prisoner.full_name
        return ""

    # --- Serving -------------------------------------------------------------
    @path("")
    def donate(self, request):
        from .views import donation_page_view

        return donation_page_view(self, request)

    @path("thanks/")
    def thanks(self, request):
        from .views import thanks_view

        return thanks_view(self, request)

    # Monthly donors manage their gift (manage_views.py): ask for a link, open it, change or cancel.
    @path("manage/")
    def manage_request(self, request):
        from .manage_views import request_link_view

        return request_link_view(self, request)

    # The signed token is in the query: Wagtail's page URLs take only letters, digits, "-" and "_".
    @path("manage/link/")
    def manage_open(self, request):
        from .manage_views import open_link_view

        return open_link_view(self, request, request.GET.get("token", ""))

    @path("manage/gifts/")
    def manage_gifts(self, request):
        from .manage_views import gifts_view

        return gifts_view(self, request)


class DonationAmount(TranslatableMixin, Orderable):
    """A preset amount offered for one frequency, with an optional line on what it makes possible.

    Translatable so that wagtail-localize offers its impact line to translators.
    """

    page = ParentalKey(DonationPage, on_delete=models.CASCADE, related_name="amounts")
    frequency = models.CharField(_("frequency"), max_length=10, choices=Frequency.choices)
    amount = models.PositiveIntegerField(
        _("amount"), help_text=_("In whole units of the section's currency.")
    )
    impact = models.CharField(
        _("impact"),
        max_length=200,
        blank=True,
        help_text=_("Optional, e.g. pays for one letter campaign to a prison."),
    )

    panels = [FieldPanel("frequency"), FieldPanel("amount"), FieldPanel("impact")]

    class Meta(TranslatableMixin.Meta, Orderable.Meta):
        verbose_name = _("preset amount")


class DonationMethod(models.TextChoices):
    """How a gift is paid, each one a section setting (sections.SectionSettings.accept_*, mobile_money)."""

    CARD = "card", _("Card")
    TWINT = "twint", _("TWINT")
    SEPA_DEBIT = "sepa_debit", _("SEPA Direct Debit")
    MOBILE_MONEY = "mobile_money", _("Mobile money (T-Money, Flooz)")


class DonationStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")
    REFUNDED = "refunded", _("Refunded")
    CANCELLED = "cancelled", _("Cancelled")


class Donation(SupporterAction):
    """One gift (one-off) or one pledge (monthly). Its status changes only from verified Stripe webhooks."""

    personal_fields = ("first_name", "last_name", "email", "address_line", "postal_code", "city", "country")

    page = models.ForeignKey(
        DonationPage,
        verbose_name=_("donation page"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    frequency = models.CharField(_("frequency"), max_length=10, choices=Frequency.choices)
    amount = models.PositiveBigIntegerField(_("amount (minor units)"))
    currency = models.CharField(_("currency"), max_length=3)
    method = models.CharField(
        _("payment method"), max_length=20, choices=DonationMethod.choices, default=DonationMethod.CARD
    )
    # A SEPA Direct Debit mandate as the donor accepted it: the words shown, in their language, and when.
    # Stripe holds the mandate itself (with the IP address and browser it requires); we keep no IP.
    mandate_text = models.TextField(_("mandate text"), blank=True)
    mandate_accepted_at = models.DateTimeField(_("mandate accepted"), null=True, blank=True)
    designation = models.CharField(_("designation"), max_length=200, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=DonationStatus.choices,
        default=DonationStatus.PENDING,
        db_index=True,
    )
    # The `created` time of the Stripe event that last set the status: older events never overwrite newer ones.
    status_event_at = models.DateTimeField(_("status set by event of"), null=True, blank=True, editable=False)
    # Every create call sent to Stripe for this donation derives its key from this one.
    idempotency_key = models.CharField(_("idempotency key"), max_length=64, unique=True, editable=False)
    stripe_customer_id = models.CharField(_("Stripe customer"), max_length=255, blank=True, db_index=True)
    stripe_payment_intent_id = models.CharField(
        _("Stripe payment intent"), max_length=255, blank=True, db_index=True
    )
    stripe_subscription_id = models.CharField(
        _("Stripe subscription"), max_length=255, blank=True, db_index=True
    )
    # Encrypted with the section's key, like every personal field (supporters.encryption).
    first_name = EncryptedCharField(_("first name"), max_length=100)
    last_name = EncryptedCharField(_("last name"), max_length=100)
    email = EncryptedEmailField(_("email"), max_length=254)
    address_line = EncryptedCharField(_("address"), max_length=200, blank=True)
    postal_code = EncryptedCharField(_("postal code"), max_length=20, blank=True)
    city = EncryptedCharField(_("city"), max_length=100, blank=True)
    country = EncryptedCharField(_("country"), max_length=100, blank=True)
    newsletter = models.BooleanField(_("newsletter"), default=False)
    # The `created` time of the Stripe event that last set a monthly gift's amount (its subscription's
    # price, changed by the donor or in Stripe's dashboard): an older event never brings an old amount back.
    # (Named when monthly gifts were Plans; a plan is what Stripe still calls a recurring price.)
    plan_event_at = models.DateTimeField(_("amount set by event of"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("donation")
        verbose_name_plural = _("donations")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.display_amount} ({self.get_frequency_display()})"

    @classmethod
    def expired(cls, site, section, now):
        """Gifts whose last payment (or creation, without one) is older than the section's years."""
        cutoff = now - relativedelta(years=section.donors_retention_years)
        rows = cls.objects.filter(site=site, created_at__lt=cutoff).exclude(payments__occurred_at__gte=cutoff)
        return {RetentionPurpose.DONORS: rows}

    @property
    def designation_label(self):
        """The designation as a donor reads it (a fixed designation's code in their language)."""
        return FIXED_DESIGNATIONS.get(self.designation, self.designation)

    @property
    def display_amount(self):
        return money.format_amount(self.amount, self.currency)

    @property
    def full_name(self):
        return f"{self.first_name} {self.last_name}".strip()

    # Shown by the admin's inspect view instead of the raw values.
    def get_amount_display(self):
        return self.display_amount

    def machine_copy_details(self):
        """A gift's payments, for the machine-readable copy of a donor's data (supporters.rights)."""
        return {
            "payments": [
                {
                    "occurred_at": payment.occurred_at,
                    "status": payment.status,
                    "amount": payment.amount,
                    "amount_refunded": payment.amount_refunded,
                    "currency": payment.currency,
                }
                for payment in self.payments.all()
            ]
        }

    def get_mobile_money_display(self):
        """A mobile-money gift's network and PayGate's references, for staff; never the number that paid."""
        row = getattr(self, "mobile_money", None)
        if row is None:
            return "-"
        parts = [str(row.get_network_display())]
        if row.tx_reference:
            parts.append(f"{_('PayGate transaction')} {row.tx_reference}")
        if row.payment_reference:
            label = _("operator's reference")
            parts.append(f"{label} {row.payment_reference}")
        return " · ".join(parts)

    def get_payments_display(self):
        lines = [
            f"{timezone.localtime(payment.occurred_at):%Y-%m-%d} · {payment}"
            + (f" · {payment.stripe_charge_id}" if payment.stripe_charge_id else "")
            + (f" · {_('tax receipt')} {payment.receipt.reference}" if hasattr(payment, "receipt") else "")
            for payment in self.payments.select_related("receipt")
        ]
        return "; ".join(lines) or "-"


class PaymentStatus(models.TextChoices):
    # A direct debit under way: the bank answers days later (SEPA), so the payment has neither failed nor succeeded.
    PROCESSING = "processing", _("Processing")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")
    REFUNDED = "refunded", _("Refunded")


class Payment(models.Model):
    """One charge of a donation: the single payment of a one-off gift, or one month of a monthly one."""

    donation = models.ForeignKey(
        Donation, verbose_name=_("donation"), on_delete=models.CASCADE, related_name="payments"
    )
    status = models.CharField(_("status"), max_length=10, choices=PaymentStatus.choices)
    amount = models.PositiveBigIntegerField(_("amount (minor units)"))
    amount_refunded = models.PositiveBigIntegerField(_("refunded (minor units)"), default=0)
    currency = models.CharField(_("currency"), max_length=3)
    stripe_charge_id = models.CharField(
        _("Stripe charge"), max_length=255, null=True, blank=True, unique=True
    )
    stripe_invoice_id = models.CharField(
        _("Stripe invoice"), max_length=255, null=True, blank=True, unique=True
    )
    stripe_payment_intent_id = models.CharField(_("Stripe payment intent"), max_length=255, blank=True)
    occurred_at = models.DateTimeField(_("date"))
    status_event_at = models.DateTimeField(_("status set by event of"), editable=False)
    receipt_sent_at = models.DateTimeField(_("receipt sent"), null=True, blank=True)
    # A failed month of a monthly gift tells the donor once, however often Stripe reports it.
    failure_notice_sent_at = models.DateTimeField(_("failure notice sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("payment")
        ordering = ["occurred_at"]

    def __str__(self):
        return f"{money.format_amount(self.amount, self.currency)} · {self.get_status_display()}"


class ManageLink(models.Model):
    """A link that lets a monthly donor manage their gifts in one section: opened once, for one session.

    The emailed token names only this row's id (signed); the row says whose gifts it opens, until when,
    and whether it was opened already.
    """

    site = models.ForeignKey(
        "wagtailcore.Site", verbose_name=_("section"), on_delete=models.CASCADE, related_name="+"
    )
    supporter = models.ForeignKey(
        "supporters.Supporter", verbose_name=_("supporter"), on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    opened_at = models.DateTimeField(_("opened"), null=True, blank=True)

    class Meta:
        verbose_name = _("link to manage monthly gifts")

    def __str__(self):
        return f"{self.site_id}:{self.pk}"


class StripeEvent(models.Model):
    """A Stripe event a section applied: its id, unique per section, turns a replay into a no-op.

    Per section, not overall: where one Stripe account sends its events to several sections (the
    demo's localstripe does), each section records what it did with the event, once.
    """

    event_id = models.CharField(_("event id"), max_length=255)
    site = models.ForeignKey(
        "wagtailcore.Site", verbose_name=_("section"), on_delete=models.CASCADE, related_name="+"
    )
    type = models.CharField(_("type"), max_length=100)
    created = models.DateTimeField(_("created at Stripe"))
    received_at = models.DateTimeField(_("received"), auto_now_add=True)

    class Meta:
        verbose_name = _("Stripe event")
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(fields=["site", "event_id"], name="unique_stripe_event_per_section")
        ]

    def __str__(self):
        return f"{self.type} {self.event_id}"


class PaymentMethod(models.TextChoices):
    CARD = "card", _("Card")
    DIRECT_DEBIT = "direct_debit", _("Direct debit")
    TRANSFER = "transfer", _("Bank transfer")


class ReceiptCounter(models.Model):
    """The last receipt number a section issued: the row is locked while a receipt is numbered, so numbers
    follow one another with no gap and none twice, and a rolled-back receipt gives its number back."""

    site = models.OneToOneField(
        "wagtailcore.Site", verbose_name=_("section"), on_delete=models.CASCADE, related_name="+"
    )
    last_number = models.PositiveBigIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("receipt counter")

    def __str__(self):
        return f"{self.site} · {self.last_number}"


class Receipt(models.Model):
    """A tax receipt (reçu fiscal) for one successful payment, numbered in its section's one sequence.

    What it certifies (amount, date, method) is kept here as issued; the donor's name and address are the
    donation's, so that erasing a donor's data erases them from the receipt too.
    """

    site = models.ForeignKey(
        "wagtailcore.Site", verbose_name=_("section"), on_delete=models.PROTECT, related_name="+"
    )
    payment = models.OneToOneField(
        Payment, verbose_name=_("payment"), on_delete=models.PROTECT, related_name="receipt"
    )
    number = models.PositiveBigIntegerField(_("number"))
    created_at = models.DateTimeField(_("issued"), db_index=True)
    paid_at = models.DateTimeField(_("date of the gift"))
    amount = models.PositiveBigIntegerField(_("amount (minor units)"))
    currency = models.CharField(_("currency"), max_length=3)
    method = models.CharField(_("method"), max_length=20, choices=PaymentMethod.choices)
    # A refunded gift's receipt is cancelled, never deleted nor renumbered: the register keeps its number.
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    cancellation_sent_at = models.DateTimeField(_("cancellation sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("tax receipt")
        verbose_name_plural = _("tax receipts")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["site", "number"], name="unique_receipt_number_per_section")
        ]

    def __str__(self):
        return self.reference

    @property
    def reference(self):
        """The number as printed on the receipt, zero-padded: 000042."""
        return f"{self.number:06d}"

    @property
    def display_amount(self):
        return money.format_amount(self.amount, self.currency)

    def get_amount_display(self):
        return self.display_amount

    def donor_name(self):
        return self.payment.donation.full_name

    donor_name.short_description = _("donor")

    def payment_status(self):
        """The payment's status now: a receipt stays as issued, but staff see that its gift was refunded."""
        return self.payment.get_status_display()


class ReceiptSummary(models.Model):
    """A donor's yearly summary of their tax receipts in one section: its row records that it was sent, once.

    The summary lists the receipts; it is not a receipt itself (it has no number), so no gift is
    certified twice.
    """

    site = models.ForeignKey(
        "wagtailcore.Site", verbose_name=_("section"), on_delete=models.PROTECT, related_name="+"
    )
    supporter = models.ForeignKey(
        "supporters.Supporter", verbose_name=_("supporter"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        verbose_name = _("yearly summary of tax receipts")
        constraints = [
            models.UniqueConstraint(
                fields=["site", "supporter", "year"], name="unique_receipt_summary_per_donor_and_year"
            )
        ]

    def __str__(self):
        return f"{self.year} · {self.supporter_id}"


# --- Mobile money (donations/mobile_money.py) ------------------------------------------------


class MobileNetwork(models.TextChoices):
    """Togo's two mobile-money networks, by the names PayGate Global's API gives them."""

    TMONEY = "TMONEY", _("T-Money (Togocel)")
    FLOOZ = "FLOOZ", _("Flooz (Moov Africa)")


class MobileMoneyPayment(models.Model):
    """How a donation is paid by mobile money: the network, the donor's number, PayGate's references.

    The request sent to PayGate carries the donation's idempotency key as its `identifier`.
    """

    donation = models.OneToOneField(
        Donation, verbose_name=_("donation"), on_delete=models.CASCADE, related_name="mobile_money"
    )
    # The donation's section, whose key encrypts the phone number (supporters.encryption reads `site_id`).
    site = models.ForeignKey(
        "wagtailcore.Site", verbose_name=_("section"), on_delete=models.CASCADE, related_name="+"
    )
    network = models.CharField(_("network"), max_length=10, choices=MobileNetwork.choices)
    # Personal data, encrypted at rest: blanked when the donor is erased (donations/erasure.py).
    phone_number = EncryptedCharField(_("phone number"), max_length=20, blank=True)
    tx_reference = models.CharField(_("PayGate transaction"), max_length=100, blank=True, db_index=True)
    payment_reference = models.CharField(_("operator's reference"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("mobile-money payment")

    def __str__(self):
        return f"{self.get_network_display()} {self.tx_reference}"

    def save(self, *args, **kwargs):
        if self.site_id is None:
            self.site_id = self.donation.site_id
        super().save(*args, **kwargs)


class MobileMoneyNotification(models.Model):
    """A verified state of a mobile-money payment, applied once: a notification that PayGate repeats, or
    one that a forger replays, finds its row and changes nothing."""

    site = models.ForeignKey(
        "wagtailcore.Site", verbose_name=_("section"), on_delete=models.CASCADE, related_name="+"
    )
    identifier = models.CharField(_("identifier"), max_length=64)
    status = models.PositiveSmallIntegerField(_("PayGate status"))
    received_at = models.DateTimeField(_("received"), auto_now_add=True)

    class Meta:
        verbose_name = _("mobile-money notification")
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["site", "identifier", "status"], name="unique_mobile_money_state_per_section"
            )
        ]

    def __str__(self):
        return f"{self.identifier} {self.status}"
