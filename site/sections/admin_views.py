"""Admin views of the site layer: "New section" and locked sign-ins for superusers; data access and data
retention for a section's data officers; translation status for its page staff."""

from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.generic import FormView, TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from supporters import retention
from supporters.models import PurgeRecord, RetentionPurpose

from .audit import entries_for
from .creation import NewSectionForm, create_section_from
from .languages import language_name, section_languages
from .models import SectionSettings
from .permissions import sections_of_page_staff, sites_for_user
from .translation_status import translation_status


class SuperusersOnlyMixin:
    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_superuser:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class NewSectionView(SuperusersOnlyMixin, WagtailAdminTemplateMixin, FormView):
    form_class = NewSectionForm
    template_name = "sections/admin/new_section.html"
    page_title = _("New section")
    header_icon = "site"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            action_url=self.request.path, submit_button_label=_("Create the section"), **kwargs
        )

    def form_valid(self, form):
        section = create_section_from(form)
        messages.success(
            self.request,
            _("The section %(name)s is live at %(host)s, with its roles and workflow.")
            % {"name": section.name, "host": section.site.hostname},
        )
        return redirect("wagtailsettings:edit", "sections", "sectionsettings", section.site.pk)


class LockedSignInsView(SuperusersOnlyMixin, WagtailAdminTemplateMixin, TemplateView):
    """Sign-ins locked by django-axes after repeated failures; a superuser unlocks them here."""

    template_name = "sections/admin/locked_sign_ins.html"
    page_title = _("Locked sign-ins")
    header_icon = "lock"

    def get_context_data(self, **kwargs):
        attempts = AccessAttempt.objects.order_by("-attempt_time")
        return super().get_context_data(
            attempts=attempts, failure_limit=settings.AXES_FAILURE_LIMIT, **kwargs
        )

    def post(self, request, *args, **kwargs):
        attempt = AccessAttempt.objects.filter(pk=request.POST.get("attempt")).first()
        if attempt is not None:
            # Unlocks both what the failures locked: the account and the address.
            reset(username=attempt.username, ip=attempt.ip_address, ip_or_username=True)
            messages.success(
                request,
                _("Signing in is unlocked for %(username)s and %(address)s.")
                % {"username": attempt.username, "address": attempt.ip_address},
            )
        return redirect("sections_locked_sign_ins")


class DataAccessView(WagtailAdminTemplateMixin, TemplateView):
    """Who inspected or exported the section's supporters' data: for its data officers (and superusers)."""

    template_name = "sections/admin/data_access.html"
    page_title = _("Data access")
    header_icon = "history"

    def dispatch(self, request, *args, **kwargs):
        self.sites = list(sites_for_user(request.user))
        if not self.sites:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        entries = entries_for(site.pk for site in self.sites)[:500]
        sections = {site.pk: site for site in self.sites}
        rows = [
            {"entry": entry, "section": sections.get(entry.data.get("section")), "data": entry.data}
            for entry in entries
        ]
        return super().get_context_data(rows=rows, **kwargs)


class TranslationStatusView(WagtailAdminTemplateMixin, TemplateView):
    """What is left to translate, per section and language, for the section's translators and editors."""

    template_name = "sections/admin/translation_status.html"
    page_title = _("Translation status")
    header_icon = "site"

    def dispatch(self, request, *args, **kwargs):
        self.sites = list(sections_of_page_staff(request.user).order_by("site_name"))
        if not self.sites:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        choices = [
            {"site": site, "code": code, "name": language_name(code)}
            for site in self.sites
            for code in section_languages(site)[1:]
        ]
        chosen = self._chosen(choices)
        rows = translation_status(chosen["site"], chosen["code"]) if chosen else []
        return super().get_context_data(choices=choices, chosen=chosen, rows=rows, **kwargs)

    def _chosen(self, choices):
        section, language = self.request.GET.get("section"), self.request.GET.get("language")
        if section is None and language is None:
            return choices[0] if choices else None
        for choice in choices:
            if str(choice["site"].pk) == section and choice["code"] == language:
                return choice
        raise Http404


class RetentionView(WagtailAdminTemplateMixin, TemplateView):
    """What the next purge would erase in the section, per purpose (a dry run), and what the last one did:
    for its data officers (and superusers), each sees their own sections only."""

    template_name = "sections/admin/retention.html"
    page_title = _("Data retention")
    header_icon = "time"

    def dispatch(self, request, *args, **kwargs):
        self.sites = list(sites_for_user(request.user).order_by("site_name", "hostname"))
        if not self.sites:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        now = timezone.now()
        sections = []
        for site in self.sites:
            settings = SectionSettings.objects.filter(site=site).first()
            if settings is None:
                continue
            due = retention.dry_run(site, now)
            last_run = (
                PurgeRecord.objects.filter(site=site).order_by("-ran_at").values_list("ran_at", flat=True)
            )
            last_run = last_run.first()
            last = dict(
                PurgeRecord.objects.filter(site=site, ran_at=last_run).values_list("purpose", "rows")
                if last_run
                else []
            )
            rows = [
                {
                    "purpose": purpose.label,
                    "period": kept_for(purpose, settings),
                    "due": due[purpose],
                    "last": last.get(purpose.value),
                }
                for purpose in RetentionPurpose
            ]
            sections.append({"site": site, "settings": settings, "rows": rows, "last_run": last_run})
        return super().get_context_data(sections=sections, **kwargs)


def kept_for(purpose, settings):
    """How long the section keeps the data of `purpose`, in a sentence."""
    if purpose == RetentionPurpose.UNCONFIRMED:
        days = settings.unconfirmed_retention_days
        return ngettext("%(n)s day after it was made", "%(n)s days after it was made", days) % {"n": days}
    if purpose == RetentionPurpose.SIGNERS:
        months = settings.signers_retention_months
        return ngettext(
            "%(n)s month after the petition's delivery", "%(n)s months after the petition's delivery", months
        ) % {"n": months}
    if purpose == RetentionPurpose.LETTER_WRITERS:
        months = settings.letter_writers_retention_months
        return ngettext(
            "%(n)s month after the action's closing date",
            "%(n)s months after the action's closing date",
            months,
        ) % {"n": months}
    if purpose == RetentionPurpose.DONORS:
        years = settings.donors_retention_years
        return ngettext("%(n)s year after the last payment", "%(n)s years after the last payment", years) % {
            "n": years
        }
    return _("While the newsletter consent stands or an action of theirs is kept")
