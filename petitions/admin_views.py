"""Admin views for section staff: signatures (list, search, filter, inspect, export), counts and delivery."""

from functools import wraps

import django_filters
from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from wagtail.admin import messages
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.views.generic import IndexView, InspectView
from wagtail.permission_policies import ModelPermissionPolicy

from sections.models import SectionSettings
from sections.permissions import sites_for_user
from sections.texts import section_texts
from sections.viewsets import (
    OutsideUserSections,
    SectionScopedRecordViewSet,
    SupporterErasureViewSetMixin,
    not_found,
)
from supporters.models import ActionCount, ConsentRecord

from .models import Signature, SignatureState, petitions_in_sites


def petition_for_user(user, page_id):
    """The petition page `page_id` if it belongs to one of the user's sections, else OutsideUserSections."""
    petition = petitions_in_sites(sites_for_user(user)).filter(pk=page_id).first()
    if petition is None:
        raise OutsideUserSections
    return petition


def section_scoped(view):
    """Answer 404 (see sections.viewsets.not_found) when the view meets another section's petition."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except OutsideUserSections:
            return not_found(request)

    return wrapped


# --- Signatures -----------------------------------------------------------------


class SignaturePermissionPolicy(ModelPermissionPolicy):
    """Signatures are never added or edited in the admin, and deleting one would falsify a count:
    staff only view them (erasure of a supporter blanks the personal fields instead)."""

    def user_has_permission(self, user, action):
        if action in ("add", "change", "delete"):
            return False
        return super().user_has_permission(user, action)


class SignatureFilterSet(WagtailFilterSet):
    petition_key = django_filters.ChoiceFilter(label=_("Petition"), choices=[])
    state = django_filters.ChoiceFilter(label=_("State"), choices=SignatureState.choices)
    newsletter = django_filters.BooleanFilter(label=_("Newsletter opt-in"))
    created_at = django_filters.DateFromToRangeFilter(label=_("Signed"), widget=DateRangePickerWidget)

    class Meta:
        model = Signature
        fields = ["petition_key", "state", "newsletter", "created_at"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        # Only the petitions of the user's own sections are offered.
        petitions = {}
        if request is not None:
            for petition in petitions_in_sites(sites_for_user(request.user)).order_by("title"):
                petitions.setdefault(str(petition.translation_key), petition.title)
        self.filters["petition_key"].extra["choices"] = sorted(petitions.items(), key=lambda item: item[1])


class SignatureIndexView(IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("supporter", "petition")


EXTRA_LABELS = {"email": _("Email"), "petition_title": _("Petition"), "consents": _("Consents")}


class SignatureInspectView(InspectView):
    def get_field_label(self, field_name, field):
        if field_name in EXTRA_LABELS:
            return EXTRA_LABELS[field_name]
        return super().get_field_label(field_name, field)

    def get_consents_display_value(self):
        records = ConsentRecord.objects.filter(action=f"petitions.signature:{self.object.pk}").order_by(
            "purpose"
        )
        lines = [
            f"{record.get_purpose_display()}: {_('yes') if record.granted else _('no')} "
            f"({record.language}, v{record.wording_version}) “{record.wording}”"
            for record in records
        ]
        return "; ".join(lines) or "-"


class SignatureViewSet(SupporterErasureViewSetMixin, SectionScopedRecordViewSet):
    model = Signature
    icon = "form"
    menu_label = _("Signatures")
    add_to_admin_menu = False
    section_field = "site"
    index_view_class = SignatureIndexView
    inspect_view_class = SignatureInspectView
    # Signatures reference nothing an editor would look up; indexing each one would queue a task per signing.
    add_to_reference_index = False
    list_display = ["first_name", "last_name", "email", "petition_title", "state", "created_at"]
    search_fields = ["first_name", "last_name", "supporter__email", "postal_code", "country"]
    search_backend_name = None
    filterset_class = SignatureFilterSet
    list_export = [
        "first_name",
        "last_name",
        "email",
        "country",
        "postal_code",
        "petition_title",
        "language",
        "state",
        "newsletter",
        "created_at",
        "confirmed_at",
    ]
    export_headings = EXTRA_LABELS
    export_filename = "signatures"
    inspect_view_fields = [
        "petition_title",
        "first_name",
        "last_name",
        "email",
        "country",
        "postal_code",
        "language",
        "state",
        "created_at",
        "confirmed_at",
        "newsletter",
        "consents",
    ]

    def get_permissions_to_register(self):
        # Staff groups get "view" and the count adjustment; add/change/delete do not apply.
        return (
            super()
            .get_permissions_to_register()
            .filter(codename__in=["view_signature", "adjust_petition_count"])
        )


# --- Counts, paper signatures and the delivery document ---------------------------


def petition_groups_for_user(user):
    """One row per petition (translation group) of the user's sections, with its counts."""
    pages = petitions_in_sites(sites_for_user(user)).select_related("locale").order_by("path")
    groups = {}
    for page in pages:
        groups.setdefault(page.translation_key, page)  # the original (shallowest path) names the group
    counts = {row.key: row for row in ActionCount.objects.filter(key__in=groups)}
    pending = dict(
        Signature.objects.filter(petition_key__in=groups, state=SignatureState.PENDING)
        .values_list("petition_key")
        .annotate(n=Count("pk"))
    )
    rows = []
    for key, page in groups.items():
        count = counts.get(key)
        rows.append(
            {
                "page": page,
                "online": count.count if count else 0,
                "offset": count.offset if count else 0,
                "total": count.total if count else 0,
                "pending": pending.get(key, 0),
            }
        )
    return rows


def counts_index(request):
    if not request.user.has_perm("petitions.view_signature"):
        raise PermissionDenied
    return render(
        request,
        "petitions/admin/counts_index.html",
        {
            "rows": petition_groups_for_user(request.user),
            "can_adjust": request.user.has_perm("petitions.adjust_petition_count"),
        },
    )


class OffsetForm(forms.Form):
    offset = forms.IntegerField(
        label=_("Signatures gathered offline (paper)"),
        min_value=-1_000_000,
        max_value=10_000_000,
        help_text=_("Added to the confirmed online signatures on every language version of the petition."),
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("e.g. 312 paper signatures collected at the stand on 10 December."),
    )


@section_scoped
def adjust_offset(request, page_id):
    if not request.user.has_perm("petitions.adjust_petition_count"):
        raise PermissionDenied
    petition = petition_for_user(request.user, page_id)
    ActionCount.ensure(petition.translation_key)
    count = ActionCount.objects.get(key=petition.translation_key)
    form = OffsetForm(request.POST or None, initial={"offset": count.offset})
    if request.method == "POST" and form.is_valid():
        count.set_offset(form.cleaned_data["offset"], request.user, form.cleaned_data["reason"])
        messages.success(
            request, _("The offline signatures of “%(title)s” were updated.") % {"title": petition.title}
        )
        return redirect("petitions_admin:counts")
    return render(
        request,
        "petitions/admin/adjust_offset.html",
        {
            "petition": petition,
            "count": count,
            "form": form,
            "adjustments": count.adjustments.select_related("changed_by"),
        },
    )


@section_scoped
def delivery_document(request, page_id):
    """A printable document for the addressee: the petition's text, the count and (optionally) the names."""
    if not request.user.has_perm("petitions.view_signature"):
        raise PermissionDenied
    petition = petition_for_user(request.user, page_id).specific
    with_names = request.GET.get("names") == "1"
    count = ActionCount.objects.filter(key=petition.translation_key).first()
    signers = []
    if with_names:
        signers = (
            Signature.objects.filter(petition_key=petition.translation_key, state=SignatureState.CONFIRMED)
            .exclude(first_name="", last_name="")
            .order_by("last_name", "first_name")
            .values_list("first_name", "last_name", "country")
        )
    site = petition.get_site()
    # The document goes to the addressee: it speaks the petition's language, not the admin's.
    with translation.override(petition.locale.language_code):
        response = render(
            request,
            "petitions/admin/delivery_document.html",
            {
                "petition": petition,
                "section": SectionSettings.for_site(site) if site else None,
                "section_texts": section_texts(site, petition.locale.language_code),
                "online": count.count if count else 0,
                "offset": count.offset if count else 0,
                "total": count.total if count else 0,
                "with_names": with_names,
                "signers": list(signers),
                "today": timezone.localdate(),
            },
        )
    if request.GET.get("download") == "1":
        response["Content-Disposition"] = f'attachment; filename="petition-{petition.pk}-delivery.html"'
    response["Cache-Control"] = "private, no-store"
    return response
