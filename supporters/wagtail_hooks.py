"""Admin: each section's data officers list the emails its supporters were not sent, and resend them, and
the requests its visitors made for a copy or the erasure of their data."""

import datetime

from django.contrib.admin.utils import quote
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import Button
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from sections.viewsets import SectionScopedModelViewSet, SectionScopedViewMixin

from . import delivery
from .models import FailedEmail, RightsKind, RightsRequest
from .rights import RIGHTS_LINK_MAX_AGE

RESEND_PERMISSION = "supporters.resend_failedemail"


class FailedEmailPermissionPolicy(ModelPermissionPolicy):
    """Rows are made by the task that gave up and leave when their supporter is erased: staff only view
    them (and resend, a permission of its own)."""

    def user_has_permission(self, user, action):
        return action == "view" and super().user_has_permission(user, action)


register_permission_policy(FailedEmail, FailedEmailPermissionPolicy(FailedEmail))


class RightsRequestPermissionPolicy(FailedEmailPermissionPolicy):
    """Rows are written by the *Your data* pages: staff only view them."""


register_permission_policy(RightsRequest, RightsRequestPermissionPolicy(RightsRequest))


class ResendEmailView(SectionScopedViewMixin, WagtailAdminTemplateMixin, TemplateView):
    """Says which email will go to whom, then one button; only its POST enqueues the email again."""

    template_name = "supporters/admin/resend_email.html"
    page_title = _("Resend an undelivered email")
    header_icon = "mail"
    model = FailedEmail
    index_url_name = None

    def dispatch(self, request, *args, **kwargs):
        if not self.outside_user_sections and not request.user.has_perm(RESEND_PERMISSION):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def failed(self):
        return get_object_or_404(FailedEmail.objects.select_related("supporter"), pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        return super().get_context_data(failed=self.failed, cancel_url=reverse(self.index_url_name), **kwargs)

    def post(self, request, *args, **kwargs):
        if delivery.resend(self.failed):
            messages.success(request, _("The email is queued again: %(email)s") % {"email": self.failed})
        else:
            messages.warning(request, _("This email was already resent."))
        return redirect(self.index_url_name)


class FailedEmailViewSet(SectionScopedModelViewSet):
    """The list only: rows are made by the task that gave up and leave when their supporter is erased."""

    model = FailedEmail
    section_field = "site"
    icon = "mail"
    menu_label = _("Undelivered emails")
    menu_order = 350
    add_to_admin_menu = True
    list_display = ["kind", "supporter", "recipient", "error", "attempts", "failed_at", "resent_at"]
    list_filter = ["kind", "failed_at"]
    list_export = []  # a list to act on, not to take away
    inspect_view_enabled = False
    copy_view_enabled = False

    @property
    def resend_view(self):
        return ResendEmailView.as_view(
            section_field=self.section_field, index_url_name=self.get_url_name("index")
        )

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path(f"resend/<{self.pk_path_converter}:pk>/", self.resend_view, name="resend"),
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        resend_url_name = self.get_url_name("resend")
        index_view_class = self.index_view_class

        class IndexWithResend(index_view_class):
            def get_base_queryset(self):
                return super().get_base_queryset().select_related("supporter")

            def get_list_more_buttons(self, instance):
                buttons = []
                if not instance.resent_at and self.request.user.has_perm(RESEND_PERMISSION):
                    url = reverse(resend_url_name, args=[quote(instance.pk)])
                    buttons.append(Button(_("Resend"), url=url, icon_name="mail", priority=10))
                return buttons

        IndexWithResend.__name__ = f"{index_view_class.__name__}WithResend"
        self.index_view_class = IndexWithResend


@hooks.register("register_admin_viewset")
def register_failed_email_viewset():
    return FailedEmailViewSet("failed_email", url_prefix="undelivered-emails")


def rights_outcome(rights_request):
    """Where a request stands, from its row alone (it holds no address nor name)."""
    if not rights_request.known:
        return _("Address unknown: told that nothing is held")
    if rights_request.used_at is not None:
        if rights_request.kind == RightsKind.ERASURE:
            return _("Erased (action rows: %(rows)s)") % {"rows": rights_request.rows or 0}
        return _("Copy downloaded")
    expiry = rights_request.requested_at + datetime.timedelta(seconds=RIGHTS_LINK_MAX_AGE)
    if expiry < timezone.now():
        return _("Link expired unused")
    return _("Link sent, not used yet")


class RightsRequestViewSet(SectionScopedModelViewSet):
    """The log of the section's data requests for its data officers: kind, language, outcome and times.

    A list only: its rows are written by the *Your data* pages (supporters.rights) and hold no personal
    data; nobody edits or deletes them.
    """

    model = RightsRequest
    section_field = "site"
    icon = "user"
    menu_label = _("Data requests")
    menu_order = 351
    add_to_admin_menu = True
    list_display = [
        Column("kind", label=_("Kind"), accessor="get_kind_display", sort_key="kind"),
        "language",
        Column("outcome", label=_("Outcome"), accessor=rights_outcome),
        DateColumn("requested_at", label=_("Requested")),
        DateColumn("used_at", label=_("Link used")),
        "site",
    ]
    list_filter = ["kind", "known", "requested_at"]
    list_export = []
    inspect_view_enabled = False
    copy_view_enabled = False

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
        ]


@hooks.register("register_admin_viewset")
def register_rights_request_viewset():
    return RightsRequestViewSet("rights_request", url_prefix="data-requests")
