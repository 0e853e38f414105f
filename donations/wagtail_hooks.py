"""Admin: each section's staff list, filter, inspect and export their own section's donations; editors are told when Stripe is not set up."""

from django.contrib import messages
from django.contrib.admin.utils import quote
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views import View
from wagtail import hooks
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.widgets.button import HeaderButton
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from sections.audit import log_inspect
from sections.models import SectionSettings
from sections.viewsets import (
    SectionScopedModelViewSet,
    SectionScopedRecordViewSet,
    SectionScopedViewMixin,
    SupporterErasureViewSetMixin,
)

from .methods import unavailable_reasons
from .models import Donation, DonationPage, Receipt
from .receipts import filename, receipt_pdf


class DonationPermissionPolicy(ModelPermissionPolicy):
    """A donation is made by a donor through Stripe, never added in the admin (it would have no amount)."""

    def user_has_permission(self, user, action):
        return action != "add" and super().user_has_permission(user, action)


register_permission_policy(Donation, DonationPermissionPolicy(Donation))


class ReceiptPermissionPolicy(ModelPermissionPolicy):
    """A tax receipt is issued by a webhook and never changed (its number is never reused): staff only view it."""

    def user_has_permission(self, user, action):
        return action == "view" and super().user_has_permission(user, action)

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action)

    def users_with_any_permission(self, actions):
        return super().users_with_any_permission([action for action in actions if action == "view"])


register_permission_policy(Receipt, ReceiptPermissionPolicy(Receipt))


class DonationViewSet(SupporterErasureViewSetMixin, SectionScopedModelViewSet):
    model = Donation
    section_field = "site"
    icon = "pick"
    menu_label = _("Donations")
    menu_order = 300
    add_to_admin_menu = True
    inspect_view_enabled = True
    copy_view_enabled = False
    list_display = ["__str__", "full_name", "status", "frequency", "method", "site", "created_at"]
    list_filter = ["status", "frequency", "method", "currency", "created_at"]
    # Personal fields are encrypted: the search finds a supporter by exact email (sections.viewsets).
    search_fields = ["supporter__email", "designation"]
    search_backend_name = None
    list_export = [
        "created_at",
        "site",
        "status",
        "frequency",
        "method",
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
        "method",
        "mobile_money",
        "mandate_text",
        "mandate_accepted_at",
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


class ReceiptPdfView(SectionScopedViewMixin, View):
    """A receipt's PDF, for the staff of its section (another section's receipt is a 404, as everywhere)."""

    model = Receipt

    def get(self, request, pk):
        if not request.user.has_perm("donations.view_receipt"):
            raise PermissionDenied
        receipt = get_object_or_404(Receipt.objects.select_related("payment__donation", "site"), pk=pk)
        log_inspect(request.user, receipt)
        response = HttpResponse(receipt_pdf(receipt), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{filename(receipt)}"'
        return response


class ReceiptViewSet(SectionScopedRecordViewSet):
    """The register of tax receipts: number, date, amount, method and donor, for the section's staff."""

    model = Receipt
    section_field = "site"
    icon = "doc-full"
    menu_label = _("Tax receipts")
    menu_order = 310
    add_to_admin_menu = True
    list_display = [
        Column("reference", label=_("Number"), accessor="reference", sort_key="number"),
        DateColumn("paid_at", label=_("Date of the gift")),
        Column("amount", label=_("Amount"), accessor="display_amount"),
        Column("method", label=_("Method"), accessor="get_method_display"),
        Column("donor", label=_("Donor"), accessor="donor_name"),
        Column("payment_status", label=_("Payment status"), accessor="payment_status"),
        "site",
        DateColumn("created_at", label=_("Issued")),
        DateColumn("cancelled_at", label=_("Cancelled")),
    ]
    list_filter = ["method", "currency", "paid_at"]
    list_export = [
        "number",
        "created_at",
        "paid_at",
        "amount",
        "currency",
        "method",
        "site",
        "donor_name",
        "cancelled_at",
    ]
    export_headings = {"amount": _("Amount (minor units)"), "donor_name": _("Donor")}
    export_filename = "tax-receipts"
    inspect_view_fields = [
        "number",
        "site",
        "paid_at",
        "amount",
        "currency",
        "method",
        "created_at",
        "cancelled_at",
    ]

    def get_queryset(self, request):
        return Receipt.objects.select_related("payment__donation", "site")

    @property
    def pdf_view(self):
        return ReceiptPdfView.as_view(section_field=self.section_field)

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path(f"pdf/<{self.pk_path_converter}:pk>/", self.pdf_view, name="pdf"),
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        pdf_url_name = self.get_url_name("pdf")
        inspect_view_class = self.inspect_view_class

        class InspectWithPdf(inspect_view_class):
            @cached_property
            def header_buttons(self):
                url = reverse(pdf_url_name, args=[quote(self.object.pk)])
                return [
                    *super().header_buttons,
                    HeaderButton(_("Download the PDF"), url=url, icon_name="download"),
                ]

        InspectWithPdf.__name__ = f"{inspect_view_class.__name__}WithPdf"
        self.inspect_view_class = InspectWithPdf


@hooks.register("register_admin_viewset")
def register_receipt_viewset():
    return ReceiptViewSet("receipt", url_prefix="tax-receipts")


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
