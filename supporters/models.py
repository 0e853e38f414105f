"""Supporters, their consents and the counts of actions they take, shared by every kind of action."""

import functools
import hashlib
import uuid

from django.conf import settings
from django.contrib import admin
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .encryption import EncryptedCharField, EncryptedEmailField, email_hash


class Supporter(models.Model):
    """One person in one section, identified by their canonical email."""

    # No index of its own: the unique constraint below starts with site. No database constraint
    # either, for the reason given at SupporterAction.site.
    site = models.ForeignKey(
        "wagtailcore.Site",
        verbose_name=_("section"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    # Encrypted with the section's key (supporters.encryption); found by `email_hash`.
    email = EncryptedEmailField(_("email"), max_length=254)
    email_hash = models.CharField(_("email (keyed hash)"), max_length=64, editable=False)
    first_name = EncryptedCharField(_("first name"), max_length=100)
    last_name = EncryptedCharField(_("last name"), max_length=100)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    erased_at = models.DateTimeField(_("erased"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("supporter")
        permissions = [("erase_supporter", "Can erase a supporter's personal data")]
        constraints = [
            models.UniqueConstraint(fields=["site", "email_hash"], name="unique_supporter_per_section")
        ]

    def __str__(self):
        if self.erased_at:
            return str(_("(erased supporter)"))
        return f"{self.first_name} {self.last_name}"

    @classmethod
    def with_email(cls, site_id, email):
        """The section's supporters whose canonical email is that of `email` (one at most)."""
        return cls.objects.filter(site_id=site_id, email_hash=email_hash(site_id, email))

    @classmethod
    def for_email(cls, site, email, first_name, last_name):
        """The section's supporter with this address, created if new (safe under concurrency)."""
        supporter, _created = cls.objects.get_or_create(
            site=site,
            email_hash=email_hash(site.pk, email),
            defaults={"email": email.strip(), "first_name": first_name, "last_name": last_name},
        )
        return supporter


class SupporterAction(models.Model):
    """Base of every action a supporter takes (signature, letter, donation).

    `personal_fields` lists what erasure blanks (and `erased_values` what it resets); the row
    itself stays so that counts and accounts survive.
    """

    personal_fields = ()
    # Other fields erasure sets, e.g. an opt-in kept on the row ({field: value}).
    erased_values = {}

    # A handful of sections: an index on site would never narrow a query down, yet every action
    # would write to it. Lists by section are read through the created_at index.
    # No database constraint either: PostgreSQL checks one by locking the referenced row, so every
    # action of a section would write a lock on that section's one site row, from every process at
    # once. Django enforces PROTECT itself (a section with supporters cannot be deleted), and sites
    # are only deleted through Django.
    site = models.ForeignKey(
        "wagtailcore.Site",
        verbose_name=_("section"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    supporter = models.ForeignKey(
        Supporter, verbose_name=_("supporter"), on_delete=models.PROTECT, related_name="+"
    )
    language = models.CharField(_("language"), max_length=8)
    ip_hash = models.CharField(_("IP address (keyed hash)"), max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)

    class Meta:
        abstract = True

    @classmethod
    def expired(cls, site, section, now):
        """{RetentionPurpose: queryset} of this kind's rows of `site` whose retention period for that
        purpose ended at `now` (`section`: the section's settings, with the periods). None by default.

        Rows for UNCONFIRMED are deleted (never counted, and a blanked row would stop the person acting
        again); rows for the other purposes are blanked like an erasure (supporters.retention).
        """
        return {}


class ConsentPurpose(models.TextChoices):
    PROCESSING = "processing", _("Processing of this action")
    NEWSLETTER = "newsletter", _("Newsletter")
    GROUP_CONTACT = "group_contact", _("Contact details passed to a local group")
    ACTION_NEWS = "action_news", _("News of what this action achieves")


class RetentionPurpose(models.TextChoices):
    UNCONFIRMED = "unconfirmed", _("Unconfirmed signatures and joins")
    SIGNERS = "signers", _("Signers of closed petitions")
    LETTER_WRITERS = "letter_writers", _("Letter writers and message authors")
    DONORS = "donors", _("Donors")
    SUPPORTERS = "supporters", _("Email addresses without newsletter consent or kept action")


class PurgeRecord(models.Model):
    """An anonymous ledger line: one purge run's rows of one purpose in one section (no personal data)."""

    site = models.ForeignKey(
        "wagtailcore.Site", verbose_name=_("section"), on_delete=models.CASCADE, related_name="+"
    )
    purpose = models.CharField(_("purpose"), max_length=20, choices=RetentionPurpose.choices)
    rows = models.PositiveIntegerField(_("rows purged"))
    ran_at = models.DateTimeField(_("purged at"), db_index=True)

    class Meta:
        verbose_name = _("purge record")
        ordering = ["-ran_at", "purpose"]

    def __str__(self):
        return f"{self.get_purpose_display()}: {self.rows}"


class ConsentRecord(models.Model):
    """An append-only ledger line: what a supporter was asked, in which words, and what they chose."""

    supporter = models.ForeignKey(
        Supporter, verbose_name=_("supporter"), on_delete=models.PROTECT, related_name="consents"
    )
    site = models.ForeignKey(
        "wagtailcore.Site",
        verbose_name=_("section controlling the data"),
        # A handful of sections, locked by every action: see SupporterAction.site.
        db_index=False,
        db_constraint=False,
        on_delete=models.PROTECT,
        related_name="+",
    )
    purpose = models.CharField(_("purpose"), max_length=20, choices=ConsentPurpose.choices)
    granted = models.BooleanField(_("granted"))
    wording = models.TextField(_("wording shown"))
    wording_version = models.CharField(_("wording version"), max_length=64)
    language = models.CharField(_("language"), max_length=8)
    action = models.CharField(_("action"), max_length=100, help_text=_("e.g. petitions.signature:42"))
    created_at = models.DateTimeField(_("recorded"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("consent record")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.get_purpose_display()}: {self.granted}"

    @classmethod
    def asked(cls, site, language, wording, newsletter_wording="", newsletter=False, at=None, also=()):
        """The ledger lines of one action, as rows: the processing consent, and the newsletter choice when asked.

        `also` adds the action's own choices, as (purpose, granted, wording shown).
        Their supporter and action are filled in by `record` or by `actions.record_action`.
        """
        at = at or timezone.now()
        asked = [(ConsentPurpose.PROCESSING, True, wording)]
        if newsletter_wording:
            asked.append((ConsentPurpose.NEWSLETTER, bool(newsletter), newsletter_wording))
        asked += [(purpose, bool(granted), text) for purpose, granted, text in also]
        return [
            {
                "site_id": site.pk,
                "purpose": purpose,
                "granted": granted,
                "wording": text,
                "wording_version": cls.version_of(text),
                "language": language,
                "created_at": at,
            }
            for purpose, granted, text in asked
        ]

    @classmethod
    def record(
        cls, supporter_id, site, action, language, wording, newsletter_wording="", newsletter=False, at=None
    ):
        """Write the ledger lines of one action (see `asked`) for a supporter and an action label."""
        records = [
            cls(**row, supporter_id=supporter_id, action=action)
            for row in cls.asked(site, language, wording, newsletter_wording, newsletter, at)
        ]
        return cls.objects.bulk_create(records)

    @staticmethod
    def action_news(granted, wording):
        """The "news of this action" choice as `asked` takes it in `also` (nothing when it was not asked)."""
        return [(ConsentPurpose.ACTION_NEWS, bool(granted), wording)] if wording else []

    @staticmethod
    @functools.lru_cache(maxsize=256)
    def version_of(wording):
        """A stable version string for a wording: the first 16 hex digits of its SHA-256."""
        return hashlib.sha256(wording.strip().encode()).hexdigest()[:16]


class OffsetChanged(Exception):
    """The offline offset changed since it was shown: the new total was not saved."""

    def __init__(self, current):
        super().__init__(current)
        self.current = current


class ActionCount(models.Model):
    """The count of one action (a petition, a letter action) across all its translations.

    Keyed by the pages' shared `translation_key`, so every language shows the
    same number. Updated only with atomic increments; `offset` holds audited
    adjustments such as paper signatures gathered offline.
    """

    key = models.UUIDField(primary_key=True, default=uuid.uuid4)
    count = models.PositiveIntegerField(_("counted online"), default=0)
    offset = models.IntegerField(_("offset (offline)"), default=0)

    class Meta:
        verbose_name = _("action count")

    def __str__(self):
        return str(self.total)

    @property
    def total(self):
        return max(self.count + self.offset, 0)

    @classmethod
    def ensure(cls, key):
        cls.objects.bulk_create([cls(key=key)], ignore_conflicts=True)

    @classmethod
    def total_for(cls, key):
        row = cls.objects.filter(key=key).values_list("count", "offset").first()
        return max(sum(row), 0) if row else 0

    @classmethod
    def increment(cls, key, by=1):
        """Add to the count in one UPDATE (no read-modify-write); call inside the action's transaction."""
        if not cls.objects.filter(key=key).update(count=models.F("count") + by):
            cls.ensure(key)
            cls.objects.filter(key=key).update(count=models.F("count") + by)

    @classmethod
    def reconcile(cls, key, actual):
        """Set the stored count to `actual` (the rows' own count); returns the difference corrected.

        `actual` may be a callable: it is then evaluated once the count's row is locked, so an
        action confirmed meanwhile is neither lost nor counted twice.
        """
        with transaction.atomic():
            cls.ensure(key)
            row = cls.objects.select_for_update().get(key=key)
            if callable(actual):
                actual = actual()
            difference = actual - row.count
            if difference:
                cls.objects.filter(key=key).update(count=actual)
        return difference

    def set_offset(self, offset, user, reason, *, seen=None):
        """Change the offline offset and keep who did it, when and why.

        `seen` is the offset the person had in front of them: if it changed meanwhile (a batch of paper
        sheets was entered while they typed), nothing is written and `OffsetChanged` says what it is now,
        so that a new total never overwrites signatures someone else added.
        """
        with transaction.atomic():
            # Locked, so the audit line's previous offset is the one replaced (a batch may add meanwhile).
            previous = (
                ActionCount.objects.select_for_update().values_list("offset", flat=True).get(pk=self.pk)
            )
            if seen is not None and previous != seen:
                self.offset = previous
                raise OffsetChanged(previous)
            ActionCountAdjustment.objects.create(
                count=self, previous_offset=previous, new_offset=offset, changed_by=user, reason=reason
            )
            ActionCount.objects.filter(pk=self.pk).update(offset=offset)
            self.offset = offset

    @classmethod
    def add_to_offset(cls, key, by, user, reason):
        """Add `by` to the offline offset of `key` (e.g. a batch of paper sheets), audited like set_offset.

        The row is locked, so two additions at once both count and each audit line is exact.
        """
        with transaction.atomic():
            cls.ensure(key)
            row = cls.objects.select_for_update().get(key=key)
            ActionCountAdjustment.objects.create(
                count=row,
                previous_offset=row.offset,
                new_offset=row.offset + by,
                changed_by=user,
                reason=reason,
            )
            cls.objects.filter(key=key).update(offset=models.F("offset") + by)


class ActionCountAdjustment(models.Model):
    count = models.ForeignKey(ActionCount, on_delete=models.CASCADE, related_name="adjustments")
    previous_offset = models.IntegerField(_("previous offset"))
    new_offset = models.IntegerField(_("new offset"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("changed by"), null=True, on_delete=models.SET_NULL
    )
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)
    reason = models.TextField(_("reason"))

    class Meta:
        verbose_name = _("count adjustment")
        ordering = ["-changed_at"]

    def __str__(self):
        return f"{self.previous_offset} → {self.new_offset}"


class RightsKind(models.TextChoices):
    ACCESS = "access", _("A copy of my data")
    ERASURE = "erasure", _("The erasure of my data")


class RightsRequest(models.Model):
    """One request a visitor made to see or erase what a section holds about them (supporters.rights).

    Its id is what the emailed link signs, so that the link works once: using it sets `used_at`. The
    supporter is linked only while the link may still be used; a used request keeps no personal data,
    only its kind, section, times and outcome (the log of requests and outcomes).
    """

    site = models.ForeignKey(
        "wagtailcore.Site", verbose_name=_("section"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=RightsKind.choices)
    language = models.CharField(_("language"), max_length=8)
    # Null for an address the section does not know (the request is answered alike) and once used.
    supporter = models.ForeignKey(
        Supporter,
        verbose_name=_("supporter"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    known = models.BooleanField(_("address known"), default=False)
    requested_at = models.DateTimeField(_("requested"), default=timezone.now, db_index=True)
    used_at = models.DateTimeField(_("link used"), null=True, blank=True)
    rows = models.PositiveIntegerField(_("action rows erased"), null=True, blank=True)

    class Meta:
        verbose_name = _("data request")
        ordering = ["-requested_at"]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk}"


class EmailKind(models.TextChoices):
    """What an email to a supporter was for (the admin's list of undelivered emails says which)."""

    SIGNATURE_CONFIRM = "signature_confirm", _("Signature: confirmation link")
    SIGNATURE_DUPLICATE = "signature_duplicate", _("Signature: already signed")
    MEMBERSHIP_CONFIRM = "membership_confirm", _("Membership: confirmation link")
    MEMBERSHIP_DUPLICATE = "membership_duplicate", _("Membership: already joined")
    MEMBERSHIP_WELCOME = "membership_welcome", _("Membership: welcome")
    MEMBERSHIP_COORDINATOR = "membership_coordinator", _("Membership: to the local group")
    DONATION_RECEIPT = "donation_receipt", _("Donation: receipt")
    DONATION_PAYMENT_FAILED = "donation_payment_failed", _("Donation: a monthly payment failed")
    DONATION_MANAGE_LINK = "donation_manage_link", _("Donation: link to manage a monthly gift")
    DONATION_RECEIPT_CANCELLED = "donation_receipt_cancelled", _("Donation: tax receipt cancelled")
    DONATION_YEARLY_SUMMARY = "donation_yearly_summary", _("Donation: yearly summary or attestation")
    ACTION_OUTCOME = "action_outcome", _("Action: what it achieved")


class FailedEmail(models.Model):
    """An email the mail server refused, or could not be reached for, at every attempt.

    It keeps to whom (the supporter), what kind and how to send it again (the task and its arguments,
    which name rows, never an address), not the email itself: a resend renders it afresh, with a new
    confirmation link, and is dropped if the supporter was erased meanwhile. Erasing the supporter
    deletes these rows (supporters.erasure).
    """

    site = models.ForeignKey(
        "wagtailcore.Site", verbose_name=_("section"), on_delete=models.CASCADE, related_name="+"
    )
    supporter = models.ForeignKey(
        Supporter, verbose_name=_("supporter"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("email"), max_length=30, choices=EmailKind.choices)
    task_path = models.CharField(max_length=200, editable=False)
    task_args = models.JSONField(default=list, editable=False)
    attempts = models.PositiveSmallIntegerField(_("attempts"))
    # The exception's class and the SMTP reply code only: a server's message may quote the address.
    error = models.CharField(_("error"), max_length=100)
    failed_at = models.DateTimeField(_("failed"), default=timezone.now, db_index=True)
    resent_at = models.DateTimeField(_("resent"), null=True, blank=True)

    class Meta:
        verbose_name = _("undelivered email")
        verbose_name_plural = _("undelivered emails")
        ordering = ["-failed_at"]
        permissions = [("resend_failedemail", "Can resend an undelivered email")]

    def __str__(self):
        return f"{self.get_kind_display()} – {self.supporter}"

    @admin.display(description=_("email address"))
    def recipient(self):
        if self.kind == EmailKind.MEMBERSHIP_COORDINATOR:
            return _("the local group's address")
        return self.supporter.email
