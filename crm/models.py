"""A section's webhook destinations, the events sent to them, and one delivery per event and destination."""

import base64
import hashlib
import hmac
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import addresses


class WebhookDestination(models.Model):
    """A CRM's webhook: every action, confirmation, consent change and erasure of the section is sent to it."""

    site = models.ForeignKey(
        "wagtailcore.Site", verbose_name=_("section"), on_delete=models.CASCADE, related_name="+"
    )
    name = models.CharField(_("name"), max_length=100, help_text=_("e.g. the CRM's name"))
    url = models.URLField(
        _("address"),
        max_length=500,
        help_text=_("The HTTPS address that receives the events, on a public host."),
    )
    active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_("Untick to pause sending; events wait until it is ticked again."),
    )
    # Part of what the signing secret is derived from: raising it gives the destination a new secret.
    secret_version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("CRM webhook")
        verbose_name_plural = _("CRM webhooks")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if self.url:
            reason = addresses.refusal(self.url)
            if reason:
                raise ValidationError({"url": reason})

    @property
    def signing_secret(self):
        """The key the CRM verifies signatures with: derived from CRM_WEBHOOK_SIGNING_KEY (environment),
        so no secret is stored in the database; it changes with `secret_version`."""
        message = f"crm-webhook:{self.pk}:{self.secret_version}".encode()
        digest = hmac.new(settings.CRM_WEBHOOK_SIGNING_KEY.encode(), message, hashlib.sha256).digest()
        return "whsec_" + base64.urlsafe_b64encode(digest).decode().rstrip("=")


class EventKind(models.TextChoices):
    ACTION = "action", _("Action")
    CONFIRMATION = "confirmation", _("Confirmation")
    CONSENT = "consent", _("Consent change")
    ERASURE = "erasure", _("Erasure")


class Event(models.Model):
    """Something that happened to a supporter; no personal data here: the body is built when it is sent,
    from the rows as they are then (an erased supporter's data is not sent any more)."""

    event_id = models.UUIDField(_("event id"), default=uuid.uuid4, unique=True, editable=False)
    site = models.ForeignKey(
        "wagtailcore.Site", verbose_name=_("section"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("type"), max_length=20, choices=EventKind.choices)
    supporter_id = models.BigIntegerField(_("supporter"))
    # The action, as "app_label.model:pk" (as ConsentRecord.action); empty for an erasure.
    action = models.CharField(_("action"), max_length=100, blank=True)
    occurred_at = models.DateTimeField(_("occurred"), default=timezone.now)

    class Meta:
        verbose_name = _("CRM event")

    def __str__(self):
        return f"{self.get_kind_display()} {self.event_id}"


class DeliveryState(models.TextChoices):
    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", _("Delivered")
    DEAD = "dead", _("Dead letter")


class Delivery(models.Model):
    """One event to one destination: its attempts so far, when the next is due, and how the last one went."""

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="deliveries"
    )
    destination = models.ForeignKey(
        WebhookDestination, verbose_name=_("CRM webhook"), on_delete=models.CASCADE, related_name="deliveries"
    )
    state = models.CharField(
        _("state"), max_length=10, choices=DeliveryState.choices, default=DeliveryState.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    # While an attempt runs: no other worker sends the same delivery before this time.
    claimed_until = models.DateTimeField(null=True, blank=True, editable=False)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    last_status = models.PositiveSmallIntegerField(_("last HTTP status"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("CRM delivery")
        verbose_name_plural = _("CRM deliveries")
        permissions = [("replay_delivery", "Can replay a dead letter to a CRM")]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "destination"], name="one_delivery_per_event_and_destination"
            )
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(state="pending"),
                name="crm_delivery_due",
            )
        ]

    def __str__(self):
        return f"{self.event.get_kind_display()} → {self.destination}"
