"""Admin views: a section's CRM webhooks (data officers add and edit them) and their deliveries, with
dead letters and their replay."""

import django_filters
from django.contrib.admin.utils import quote
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.cache import add_never_cache_headers
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.views.generic import CreateView, IndexView, InspectView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.widgets.button import HeaderButton
from wagtail.log_actions import log
from wagtail.permission_policies import ModelPermissionPolicy

from sections.permissions import filter_for_user, sites_for_user
from sections.viewsets import SectionScopedModelViewSet, SectionScopedRecordViewSet, SectionScopedViewMixin

from . import delivery as sending
from .models import Delivery, DeliveryState, EventKind, WebhookDestination

REPLAY_PERMISSION = "crm.replay_delivery"
CHANGE_PERMISSION = "crm.change_webhookdestination"


class WebhookDestinationForm(WagtailAdminModelForm):
    """Only the user's own sections can be chosen."""

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        if for_user is not None and "site" in self.fields:
            self.fields["site"].queryset = sites_for_user(for_user)


def signing_secret_page(view, destination, rotated):
    """The one page that shows a webhook's signing secret, right after it is made (the webhook added, or
    its secret replaced), like an API token: no other page shows it, and it is not cached. A lost secret
    is replaced, not shown again."""
    response = TemplateResponse(
        view.request,
        "crm/admin/signing_secret.html",
        view.get_context_data(
            destination=destination,
            secret=destination.signing_secret,
            rotated=rotated,
            done_url=reverse("crm_webhooks:inspect", args=[quote(destination.pk)]),
        ),
    )
    add_never_cache_headers(response)
    return response


class WebhookDestinationCreateView(CreateView):
    def save_action(self):
        if self.expects_json_response:
            return super().save_action()
        messages.success(self.request, self.get_success_message(self.object))
        return signing_secret_page(self, self.object, rotated=False)


class WebhookDestinationInspectView(InspectView):
    @cached_property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        if self.request.user.has_perm(CHANGE_PERMISSION):
            url = reverse("crm_webhooks:rotate_secret", args=[quote(self.object.pk)])
            buttons.append(HeaderButton(_("New signing secret"), url=url, icon_name="key"))
        return buttons


class RotateSecretView(SectionScopedViewMixin, WagtailAdminTemplateMixin, TemplateView):
    """A webhook's secret replaced (a leak, a staff change, a lost secret): a page that says what follows, one
    button, then the new secret, once, on the page that answers it. Every attempt from then on, retries included, is signed
    with it; the old one verifies nothing more."""

    template_name = "crm/admin/rotate_secret.html"
    page_title = _("New signing secret")
    header_icon = "key"
    model = WebhookDestination

    def dispatch(self, request, *args, **kwargs):
        if not self.outside_user_sections and not request.user.has_perm(CHANGE_PERMISSION):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def destination(self):
        return get_object_or_404(WebhookDestination, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        kwargs.setdefault("destination", self.destination)
        return super().get_context_data(
            cancel_url=reverse("crm_webhooks:inspect", args=[quote(self.destination.pk)]), **kwargs
        )

    def post(self, request, *args, **kwargs):
        # An F() update: two clicks at once give two new versions, and the page shows the last.
        WebhookDestination.objects.filter(pk=self.destination.pk).update(
            secret_version=F("secret_version") + 1
        )
        self.destination.refresh_from_db(fields=["secret_version"])
        log(instance=self.destination, action="wagtail.edit", user=request.user)
        messages.success(request, _("%(name)s has a new signing secret.") % {"name": self.destination})
        return signing_secret_page(self, self.destination, rotated=True)


class WebhookDestinationViewSet(SectionScopedModelViewSet):
    model = WebhookDestination
    icon = "link-external"
    menu_label = _("Webhooks")
    edit_handler = ObjectList(
        [FieldPanel("site"), FieldPanel("name"), FieldPanel("url"), FieldPanel("active")],
        base_form_class=WebhookDestinationForm,
    )
    list_display = ["name", "url", "site", "active"]
    list_export = ["name", "url", "site", "active", "created_at"]
    inspect_view_enabled = True
    # The signing secret is not among them: it is shown once, when it is made (signing_secret_page).
    inspect_view_fields = ["name", "site", "url", "active", "created_at"]
    add_view_class = WebhookDestinationCreateView
    inspect_view_class = WebhookDestinationInspectView
    copy_view_enabled = False

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path(
                f"new-secret/<{self.pk_path_converter}:pk>/", RotateSecretView.as_view(), name="rotate_secret"
            ),
        ]


class DeliveryPermissionPolicy(ModelPermissionPolicy):
    """Deliveries are never added, edited or deleted in the admin: staff follow them and replay dead letters."""

    def user_has_permission(self, user, action):
        if action in ("add", "change", "delete"):
            return False
        return super().user_has_permission(user, action)


class DeliveryFilterSet(WagtailFilterSet):
    state = django_filters.ChoiceFilter(label=_("State"), choices=DeliveryState.choices)
    kind = django_filters.ChoiceFilter(field_name="event__kind", label=_("Type"), choices=EventKind.choices)
    # Only the user's own sections' webhooks are offered (another section's names are not shown).
    destination = django_filters.ModelChoiceFilter(
        label=_("CRM webhook"),
        queryset=lambda request: filter_for_user(WebhookDestination.objects.all(), request.user),
    )

    class Meta:
        model = Delivery
        fields = ["state", "destination"]


class DeliveryIndexView(IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("event", "destination")


class DeliveryInspectView(InspectView):
    @cached_property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        if self.object.state == DeliveryState.DEAD and self.request.user.has_perm(REPLAY_PERMISSION):
            url = reverse("crm_deliveries:replay", args=[quote(self.object.pk)])
            buttons.append(HeaderButton(_("Replay"), url=url, icon_name="redo"))
        return buttons


class ReplayDeliveryView(SectionScopedViewMixin, WagtailAdminTemplateMixin, TemplateView):
    """A dead letter sent again from its first attempt: a page that says so, then one button (a POST)."""

    template_name = "crm/admin/replay.html"
    page_title = _("Replay a dead letter")
    header_icon = "redo"
    model = Delivery
    section_field = "destination__site"

    def dispatch(self, request, *args, **kwargs):
        if not self.outside_user_sections and not request.user.has_perm(REPLAY_PERMISSION):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def delivery(self):
        return get_object_or_404(
            Delivery.objects.select_related("event", "destination"), pk=self.kwargs["pk"]
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            delivery=self.delivery,
            cancel_url=reverse("crm_deliveries:inspect", args=[quote(self.delivery.pk)]),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        if sending.replay(self.delivery):
            messages.success(
                request, _("The event is sent again to %(name)s.") % {"name": self.delivery.destination}
            )
        else:
            messages.warning(request, _("Only a dead letter can be replayed: this one is not."))
        return redirect("crm_deliveries:index")


class DeliveryViewSet(SectionScopedRecordViewSet):
    model = Delivery
    icon = "mail"
    menu_label = _("Deliveries and dead letters")
    section_field = "destination__site"
    list_display = ["event", "destination", "state", "attempts", "last_attempt_at", "last_error"]
    list_export = ["event", "destination", "state", "attempts", "created_at", "last_attempt_at", "last_error"]
    filterset_class = DeliveryFilterSet
    ordering = ["-pk"]
    index_view_class = DeliveryIndexView
    inspect_view_class = DeliveryInspectView
    inspect_view_fields = [
        "created_at",
        "event",
        "destination",
        "state",
        "attempts",
        "last_attempt_at",
        "last_status",
        "last_error",
        "next_attempt_at",
        "delivered_at",
    ]

    @property
    def replay_view(self):
        return ReplayDeliveryView.as_view()

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path(f"replay/<{self.pk_path_converter}:pk>/", self.replay_view, name="replay"),
        ]


class CrmAdminGroup(ViewSetGroup):
    menu_label = _("CRM")
    menu_icon = "link-external"
    menu_order = 290
    items = [WebhookDestinationViewSet("crm_webhooks"), DeliveryViewSet("crm_deliveries")]
