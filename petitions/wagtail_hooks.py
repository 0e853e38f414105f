"""Admin registration (signatures, counts, delivery documents, paper sheets) and the petitions' answer to prisoner pages."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.widgets import Button
from wagtail.models import Locale
from wagtail.permissions import register_permission_policy

from home.actions import OPEN_ACTIONS_HOOK
from prisoners.hooks import ALL_ACTIONS_HOOK
from sections.content_cache import cached
from sections.models import SectionSettings
from sections.view_restrictions import public

from .admin_views import (
    SignaturePermissionPolicy,
    SignatureViewSet,
    adjust_offset,
    batches_index,
    counts_index,
    delivery_document,
    embed_partners,
    enter_batch,
    print_sheets,
    sheet_sites,
)
from .models import PetitionPage, Signature, petitions_in_sites

register_permission_policy(Signature, SignaturePermissionPolicy(Signature))


class CountsMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("petitions.view_signature")


class PaperSheetsMenuItem(MenuItem):
    def is_shown(self, request):
        user = request.user
        may = user.has_perm("petitions.add_paperbatch") or user.has_perm("petitions.change_paperbatch")
        return may and sheet_sites(user).exists()


class PetitionsAdminGroup(ViewSetGroup):
    menu_label = _("Petitions")
    menu_icon = "form"
    menu_order = 250
    items = [SignatureViewSet("signatures")]

    def get_submenu_items(self):
        items = super().get_submenu_items()
        items.append(
            CountsMenuItem(
                _("Counts and delivery"),
                reverse("petitions_admin:counts"),
                icon_name="list-ol",
                order=200,
            )
        )
        items.append(
            PaperSheetsMenuItem(
                _("Paper sheets"), reverse("petitions_admin:batches"), icon_name="doc-full", order=300
            )
        )
        return items


@hooks.register("register_admin_viewset")
def register_petitions_admin():
    return PetitionsAdminGroup()


@hooks.register("register_admin_urls")
def register_petitions_admin_urls():
    from django.urls import include

    urls = [
        path("", counts_index, name="counts"),
        path("<int:page_id>/offset/", adjust_offset, name="offset"),
        path("<int:page_id>/delivery/", delivery_document, name="delivery"),
        path("<int:page_id>/sheets/", print_sheets, name="sheets"),
        path("<int:page_id>/partners/", embed_partners, name="partners"),
        path("batches/", batches_index, name="batches"),
        path("batches/<int:batch_id>/", enter_batch, name="batch"),
    ]
    return [path("petition-counts/", include((urls, "petitions_admin"), namespace="petitions_admin"))]


@hooks.register("register_page_header_buttons")
def print_sheets_button(page, user, view_name, next_url=None):
    """A petition's "Print sheets" for its section's editors and data officers."""
    if page.specific_class is not PetitionPage or not user.has_perm("petitions.add_paperbatch"):
        return
    if petitions_in_sites(sheet_sites(user)).filter(pk=page.pk).exists():
        yield Button(
            _("Print petition sheets"), reverse("petitions_admin:sheets", args=[page.pk]), priority=80
        )


@hooks.register("register_page_header_buttons")
def embed_partners_button(page, user, view_name, next_url=None):
    """A petition's "Embed on partner sites": the snippet to copy and the signatures each partner brought."""
    if page.specific_class is PetitionPage:
        yield Button(
            _("Embed on partner sites"), reverse("petitions_admin:partners", args=[page.pk]), priority=85
        )


@hooks.register("register_prisoner_actions")
def open_petitions_for_prisoner(record, site, locale):
    """Live, open petitions of `site` in `locale` that name this prisoner (in any of the record's translations)."""
    if isinstance(locale, Locale):
        locale_id = locale.pk
    else:
        locale_id = Locale.objects.filter(language_code=locale).values_list("pk", flat=True).first()

    def live_petitions():
        return list(
            petitions_in_sites([site])
            .live()
            .filter(closed=False, locale_id=locale_id, prisoners__translation_key=record.translation_key)
            .distinct()
            .order_by("-first_published_at")
        )

    # Cached with the content; whether each is open changes with the time, so that is checked now.
    petitions = cached(("prisoner-petitions", site.pk, locale_id, record.translation_key), live_petitions)
    return [petition for petition in petitions if petition.is_open]


@hooks.register(OPEN_ACTIONS_HOOK)
def open_petitions_of_section(site, locale):
    """Live, open, public petitions of `site` in `locale`, for its home page (home.actions)."""
    if not SectionSettings.for_site(site).petitions_enabled:
        return []

    def live_petitions():
        return list(
            public(petitions_in_sites([site]).live())
            .filter(closed=False, locale=locale)
            .order_by("-first_published_at")
        )

    # The section's live petitions change with an editor's save (cached with the content); whether
    # each is open changes with the time, so that is checked now.
    petitions = cached(("section-petitions", site.pk, locale.pk), live_petitions)
    return [petition for petition in petitions if petition.is_open]


@hooks.register(ALL_ACTIONS_HOOK)
def petitions_for_prisoner_in_every_section(record):
    """Live, public petitions of every section and language naming this person (prisoners.counts)."""
    return list(
        public(PetitionPage.objects.live())
        .filter(prisoners__translation_key=record.translation_key)
        .distinct()
        .only("path", "translation_key")
    )
