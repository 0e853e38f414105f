"""What came of an action (a person's new status, an editor's outcome) and the one email each supporter got."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from prisoners.models import PrisonerStatus
from supporters.models import Supporter


class OutcomeKind(models.TextChoices):
    STATUS = "status", _("New status of a person concerned")
    SENTENCED = "sentenced", _("Sentence of a person concerned")
    TRANSFERRED = "transfer", _("Transfer of a person concerned")
    UPDATE = "update", _("Outcome published on the action")


class ActionOutcome(models.Model):
    """One update to announce: a prisoner record's new status or sentence date, or an action page's outcome.

    A status change or a sentence concerns every action naming the person (`record_key`, any section); an outcome
    concerns one action (`action_key`) and is written in one language, so only those who acted in
    that language get it, each translation being announced when it is published.
    """

    kind = models.CharField(_("kind"), max_length=10, choices=OutcomeKind.choices)
    record_key = models.UUIDField(_("person (translation group)"), null=True, blank=True)
    status = models.CharField(_("new status"), max_length=20, choices=PrisonerStatus.choices, blank=True)
    action_key = models.UUIDField(_("action (translation group)"), null=True, blank=True)
    language = models.CharField(_("language"), max_length=8, blank=True)
    # An action's outcome; for a transfer, the new place of detention as written in the record's own language.
    text = models.TextField(_("outcome"), blank=True)
    published_at = models.DateTimeField(_("published"), default=timezone.now)

    class Meta:
        verbose_name = _("action outcome")
        ordering = ["-published_at"]
        indexes = [models.Index(fields=["action_key", "language"], name="outcome_of_action")]

    def __str__(self):
        if self.kind == OutcomeKind.STATUS:
            return self.get_status_display()
        return self.text[:50] or self.get_kind_display()


class OutcomeEmail(models.Model):
    """The one email of an outcome to one supporter: the unique row is what makes a replay send nothing.

    No personal data: the supporter's address is read when sending. The unsubscribe link names this
    row's id only.
    """

    outcome = models.ForeignKey(
        ActionOutcome, verbose_name=_("outcome"), on_delete=models.CASCADE, related_name="emails"
    )
    supporter = models.ForeignKey(
        Supporter, verbose_name=_("supporter"), on_delete=models.CASCADE, related_name="+"
    )
    language = models.CharField(_("language"), max_length=8)
    # The action whose page the email links to (the supporter's first of those concerned).
    action_key = models.UUIDField(_("action (translation group)"))
    created_at = models.DateTimeField(_("queued"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("outcome email")
        constraints = [
            models.UniqueConstraint(fields=["outcome", "supporter"], name="one_outcome_email_per_supporter")
        ]

    def __str__(self):
        return f"{self.outcome} → {self.supporter_id}"
