"""Admin: each section's staff list, filter, inspect and export their own section's donations; editors are told when Stripe is not set up."""

from django.contrib import messages
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from sections.models import SectionSettings
from sections.viewsets import SectionScopedModelViewSet, SupporterErasureViewSetMixin

from .models import Donation, DonationPage
from .payments import unavailable_reasons


class DonationPermissionPolicy(ModelPermissionPolicy):
    """A donation is made by a donor through Stripe, never added in the admin (it would have no amount)."""

    def user_has_permission(self, user, action):
        return action != "add" and super().user_has_permission(user, action)


register_permission_policy(Donation, DonationPermissionPolicy(Donation))


class DonationViewSet(SupporterErasureViewSetMixin, SectionScopedModelViewSet):
    model = Donation
    section_field = "site"
    icon = "pick"
    menu_label = _("Donations")
    menu_order = 300
    add_to_admin_menu = True
    inspect_view_enabled = True
    copy_view_enabled = False
    list_display = ["__str__", "full_name", "status", "frequency", "site", "created_at"]
    list_filter = ["status", "frequency", "currency", "created_at"]
    search_fields = ["first_name", "last_name", "email", "designation"]
    search_backend_name = None
    list_export = [
        "created_at",
        "site",
        "status",
        "frequency",
        "amount",
        "currency",
        "designation",
        "first_name",
        "last_name",
        "email",
        "address_line",
        "postal_code",
        "city",
        "country",
        "newsletter",
        "language",
        "stripe_payment_intent_id",
        "stripe_subscription_id",
    ]
    export_headings = {"amount": _("Amount (minor units)")}
    export_filename = "donations"
    # Staff may correct a donor's details for the receipt; status and amounts only ever come from Stripe.
    form_fields = ["first_name", "last_name", "email", "address_line", "postal_code", "city", "country"]
    inspect_view_fields = [
        "site",
        "status",
        "payments",
        "frequency",
        "amount",
        "currency",
        "designation",
        "first_name",
        "last_name",
        "email",
        "address_line",
        "postal_code",
        "city",
        "country",
        "newsletter",
        "language",
        "created_at",
        "stripe_customer_id",
        "stripe_payment_intent_id",
        "stripe_subscription_id",
    ]

    def get_urlpatterns(self):
        return [pattern for pattern in super().get_urlpatterns() if pattern.name != "add"]


@hooks.register("register_admin_viewset")
def register_donation_viewset():
    # The name "donations" is the public URLs' namespace (webhooks).
    return DonationViewSet("donation", url_prefix="donations")


def _warn_when_unavailable(request, page):
    page = page.specific
    if not isinstance(page, DonationPage):
        return
    site = page.get_site()
    if site is None:
        return
    reasons = unavailable_reasons(SectionSettings.for_site(site))
    if reasons:
        messages.warning(
            request,
            _("Visitors see this page as “donations unavailable”: %(reasons)s")
            % {"reasons": " ".join(str(reason) for reason in reasons)},
        )


@hooks.register("before_edit_page")
def warn_editors_before_edit(request, page):
    if request.method == "GET":
        _warn_when_unavailable(request, page)
