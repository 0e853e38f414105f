"""Admin views for section staff: signatures (list, search, filter, inspect, export), counts, delivery and paper sheets."""

import re
from functools import wraps

import django_filters
from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from wagtail.admin import messages
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.views.generic import IndexView, InspectView
from wagtail.models import Site
from wagtail.permission_policies import ModelPermissionPolicy

from sections.languages import language_name, section_languages
from sections.models import SectionSettings
from sections.permissions import sites_for_user
from sections.roles import sites_with_roles
from sections.texts import section_texts
from sections.viewsets import (
    OutsideUserSections,
    SectionScopedRecordViewSet,
    SupporterErasureViewSetMixin,
    not_found,
)
from supporters.models import ActionCount, ConsentRecord, OffsetChanged

from .batches import BatchAlreadyEntered, enter_signatures, print_batch
from .embeds import partners_page
from .models import PaperBatch, Signature, SignatureState, petitions_in_sites


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
    # Personal fields are encrypted: the search finds a supporter by exact email (sections.viewsets).
    search_fields = ["supporter__email"]
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
        "partner",
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
        "partner",
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
            "can_print": can_print_sheets(request.user),
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
    # The offset shown when the form was opened: a batch entered meanwhile is never overwritten.
    seen = forms.IntegerField(widget=forms.HiddenInput)


@section_scoped
def adjust_offset(request, page_id):
    if not request.user.has_perm("petitions.adjust_petition_count"):
        raise PermissionDenied
    petition = petition_for_user(request.user, page_id)
    ActionCount.ensure(petition.translation_key)
    count = ActionCount.objects.get(key=petition.translation_key)
    form = OffsetForm(request.POST or None, initial={"offset": count.offset, "seen": count.offset})
    if request.method == "POST" and form.is_valid():
        try:
            count.set_offset(
                form.cleaned_data["offset"],
                request.user,
                form.cleaned_data["reason"],
                seen=form.cleaned_data["seen"],
            )
        except OffsetChanged as changed:
            # Shown again with the new offset as the one seen, and what the person typed kept.
            form = OffsetForm(data={**request.POST.dict(), "seen": changed.current})
            form.is_valid()
            form.add_error(
                "offset",
                _(
                    "Someone changed the offline signatures while you were typing (for example by entering "
                    "a batch of paper sheets): they are now %(current)s. Check the total and save again."
                )
                % {"current": changed.current},
            )
        else:
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
        # Sorted here: the names are stored encrypted, so the database cannot order them.
        signers = sorted(
            Signature.objects.filter(petition_key=petition.translation_key, state=SignatureState.CONFIRMED)
            .exclude(first_name="", last_name="")
            .values_list("first_name", "last_name", "country"),
            key=lambda signer: (signer[1].casefold(), signer[0].casefold()),
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


# --- Partner sites: the snippet they paste, and what came through each ---------------


@section_scoped
def embed_partners(request, page_id):
    """A petition's snippets for its section's partner sites, per language, and the signatures each brought."""
    petition = petition_for_user(request.user, page_id)
    signatures = Signature.objects.filter(petition_key=petition.translation_key, site=petition.get_site())
    return partners_page(
        request,
        petition,
        counted=signatures.filter(state=SignatureState.CONFIRMED),
        pending=signatures.filter(state=SignatureState.PENDING),
        labels={
            "intro": _(
                "A partner site shows this petition in a frame by pasting the code below into one of its pages. "
                "People sign there with the same form, email confirmation and spam protection as here, and "
                "their signatures count in the same total. Only the sites listed in the section's settings "
                "(Settings → Section → Partner sites) can show it; a superuser changes that list."
            ),
            "counted": _("Confirmed signatures"),
            "pending": _("Pending"),
        },
    )


# --- Paper sheets: printed in batches, each batch's signatures entered once -------

# A section's editors and data officers print sheets and enter batches, for their own sections only.
SHEET_ROLES = ("editor", "data-officer")
MAX_SHEETS = 200


def sheet_sites(user):
    """The sections whose petition sheets `user` may print and enter: where they are editor or data officer."""
    if not user.is_authenticated or not user.is_active:
        return Site.objects.none()
    if user.is_superuser:
        return Site.objects.all()
    return Site.objects.filter(pk__in=sites_with_roles(user, SHEET_ROLES))


def can_print_sheets(user):
    return user.has_perm("petitions.add_paperbatch") and sheet_sites(user).exists()


def can_enter_batches(user):
    return user.has_perm("petitions.change_paperbatch") and sheet_sites(user).exists()


class PrintSheetsForm(forms.Form):
    language = forms.ChoiceField(label=_("Language of the sheets"))
    sheets = forms.IntegerField(
        label=_("Number of sheets"),
        min_value=1,
        max_value=MAX_SHEETS,
        initial=10,
        help_text=_(
            "They all carry the same batch number: enter their signatures together once they are back."
        ),
    )

    def __init__(self, *args, petition, site, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [(code, language_name(code)) for code in section_languages(site)]
        self.fields["language"].initial = petition.locale.language_code
        self.versions = {
            page.locale.language_code: page
            for page in petition.get_translations(inclusive=True).live().specific().select_related("locale")
        }

    def clean_language(self):
        code = self.cleaned_data["language"]
        if code not in self.versions:
            raise forms.ValidationError(
                _(
                    "This petition has no published version in %(language)s yet: publish its translation first."
                ),
                params={"language": language_name(code)},
            )
        return code


@section_scoped
def print_sheets(request, page_id):
    """Choose a language and a number of sheets; get the PDF of a new batch."""
    if not request.user.has_perm("petitions.add_paperbatch"):
        raise PermissionDenied
    petition = petitions_in_sites(sheet_sites(request.user)).filter(pk=page_id).first()
    if petition is None:
        raise OutsideUserSections
    petition = petition.specific
    site = petition.get_site()
    form = PrintSheetsForm(request.POST or None, petition=petition, site=site)
    if request.method == "POST" and form.is_valid():
        version = form.versions[form.cleaned_data["language"]]
        batch, data = print_batch(version, site, form.cleaned_data["sheets"], request.user)
        response = HttpResponse(data, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="petition-sheets-{batch.label}.pdf"'
        response["Cache-Control"] = "private, no-store"
        return response
    return render(request, "petitions/admin/print_sheets.html", {"petition": petition, "form": form})


BATCH_NUMBER = re.compile(r"^\s*(?:([A-Za-z][\w-]*?)\s*-\s*)?0*(\d{1,9})\s*$")


class FindBatchForm(forms.Form):
    batch = forms.CharField(
        label=_("Batch number"), max_length=40, help_text=_("As printed on the sheets, e.g. CH-12.")
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_batch(self):
        typed = self.cleaned_data["batch"]
        match = BATCH_NUMBER.match(typed)
        if match is None:
            raise forms.ValidationError(
                _("A batch number looks like CH-12: the section's code, a dash, a number.")
            )
        code, number = match.groups()
        batches = PaperBatch.objects.filter(site__in=sheet_sites(self.user), number=int(number))
        if code:
            batches = batches.filter(site__sectionsettings__code__iexact=code)
        found = list(batches[:2])
        if len(found) > 1:
            raise forms.ValidationError(
                _("Several of your sections have this number: type it with the section's code, e.g. CH-12.")
            )
        if not found:
            raise forms.ValidationError(
                _("No batch %(batch)s in your sections."), params={"batch": typed.strip()}
            )
        return found[0]


def batches_index(request):
    """The user's sections' petitions (to print sheets) and batches (to enter them), and a batch number to look up."""
    if not (can_print_sheets(request.user) or can_enter_batches(request.user)):
        raise PermissionDenied
    form = FindBatchForm(request.GET or None, user=request.user)
    if form.is_valid():
        return redirect("petitions_admin:batch", form.cleaned_data["batch"].pk)
    sites = sheet_sites(request.user)
    petitions = []
    seen = set()
    for page in petitions_in_sites(sites).select_related("locale").order_by("path"):
        if page.translation_key not in seen:
            seen.add(page.translation_key)
            petitions.append(page)
    batches = (
        PaperBatch.objects.filter(site__in=sites)
        .select_related("site", "petition", "printed_by", "entered_by")
        .order_by("-printed_at")[:200]
    )
    return render(
        request,
        "petitions/admin/batches.html",
        {
            "form": form,
            "petitions": petitions,
            "batches": batches,
            "can_print": request.user.has_perm("petitions.add_paperbatch"),
        },
    )


class BatchEntryForm(forms.Form):
    signatures = forms.IntegerField(
        label=_("Signatures on the sheets"),
        min_value=0,
        help_text=_("Count the filled-in lines of every sheet of the batch. A batch is entered once."),
    )

    def __init__(self, *args, batch, **kwargs):
        super().__init__(*args, **kwargs)
        self.batch = batch

    def clean_signatures(self):
        signatures = self.cleaned_data["signatures"]
        if signatures > self.batch.capacity:
            raise forms.ValidationError(
                _(
                    "The %(sheets)s sheets of this batch have %(capacity)s lines: at most %(capacity)s signatures."
                ),
                params={"sheets": self.batch.sheets, "capacity": self.batch.capacity},
            )
        return signatures


def already_entered_message(batch):
    return _(
        "Batch %(batch)s was already entered on %(date)s (%(signatures)s signatures): it is counted once only."
    ) % {
        "batch": batch.label,
        "date": date_format(timezone.localtime(batch.entered_at), "SHORT_DATETIME_FORMAT"),
        "signatures": batch.signatures,
    }


@section_scoped
def enter_batch(request, batch_id):
    """The page a batch's QR code opens: type how many signatures its sheets carry; counted once."""
    if not request.user.has_perm("petitions.change_paperbatch"):
        raise PermissionDenied
    batch = (
        PaperBatch.objects.filter(site__in=sheet_sites(request.user), pk=batch_id)
        .select_related("site", "petition", "printed_by", "entered_by")
        .first()
    )
    if batch is None:
        raise OutsideUserSections
    form = BatchEntryForm(request.POST or None, batch=batch)
    if request.method == "POST" and form.is_valid():
        try:
            batch = enter_signatures(batch.pk, form.cleaned_data["signatures"], request.user)
        except BatchAlreadyEntered as error:
            batch = error.batch
            form.add_error("signatures", already_entered_message(batch))
        else:
            messages.success(
                request,
                _("%(signatures)s paper signatures of batch %(batch)s were added to “%(title)s”.")
                % {
                    "signatures": batch.signatures,
                    "batch": batch.label,
                    "title": batch.petition.title if batch.petition else "",
                },
            )
            return redirect("petitions_admin:batches")
    return render(
        request,
        "petitions/admin/enter_batch.html",
        {
            "batch": batch,
            "form": form,
            "total": ActionCount.total_for(batch.petition_key),
            "language": language_name(batch.language),
        },
    )
