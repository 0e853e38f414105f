"""Staff views of letters and solidarity messages: a section's own rows only, read-only records, moderation, cards,
and an action's snippets for partner sites."""

import django_filters
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSetGroup
from wagtail.admin.widgets import HeaderButton
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from sections.permissions import filter_for_user, sites_for_user
from sections.trees import in_sections
from sections.viewsets import SectionScopedRecordViewSet, SupporterErasureViewSetMixin, not_found

from ..embeds import partners_page
from .models import Letter, LetterActionPage, LetterState, MessageStatus, SolidarityMessage
from .pdf import cards_pdf


class RecordPermissionPolicy(ModelPermissionPolicy):
    """Letters and messages are records of what visitors did: staff view (and moderate), nobody edits or adds."""

    read_only_actions = {"add", "change", "delete"}

    def user_has_permission(self, user, action):
        if action in self.read_only_actions:
            return False
        return super().user_has_permission(user, action)

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action)

    def users_with_any_permission(self, actions):
        return super().users_with_any_permission([a for a in actions if a not in self.read_only_actions])


register_permission_policy(Letter, RecordPermissionPolicy(Letter))
register_permission_policy(SolidarityMessage, RecordPermissionPolicy(SolidarityMessage))


def _section_actions(request):
    if request is None:
        return LetterActionPage.objects.none()
    return LetterActionPage.objects.filter(letters_sites_filter(request.user)).order_by("title")


def letters_sites_filter(user):
    """Pages, in any language, of the sections the user may see."""
    return in_sections(sites_for_user(user).select_related("root_page"))


class LetterFilterSet(WagtailFilterSet):
    action = django_filters.ModelChoiceFilter(label=gettext_lazy("Action"), queryset=_section_actions)

    class Meta:
        model = Letter
        fields = ["action", "state", "letter_language"]


class MessageFilterSet(WagtailFilterSet):
    action = django_filters.ModelChoiceFilter(label=gettext_lazy("Action"), queryset=_section_actions)

    class Meta:
        model = SolidarityMessage
        fields = ["status", "action"]


class LetterViewSet(SupporterErasureViewSetMixin, SectionScopedRecordViewSet):
    model = Letter
    icon = "mail"
    menu_label = gettext_lazy("Letters")
    filterset_class = LetterFilterSet
    # Personal fields are encrypted: the search finds a supporter by exact email (sections.viewsets).
    search_fields = ["supporter__email"]
    list_display = [
        "__str__",
        "town",
        "country",
        "action",
        Column("language_name", label=gettext_lazy("Language of the letter")),
        "state",
        DateColumn("created_at", label=gettext_lazy("Generated")),
        DateColumn("sent_at", label=gettext_lazy("Sent")),
    ]
    list_export = [
        "first_name",
        "last_name",
        "town",
        "country",
        "action",
        "letter_language",
        "state",
        "personalised",
        "emailed",
        "created_at",
        "sent_at",
        "partner",
    ]
    export_filename = "letters"
    inspect_view_fields = [
        "first_name",
        "last_name",
        "town",
        "country",
        "action",
        "letter_language",
        "language",
        "personalised",
        "emailed",
        "state",
        "created_at",
        "sent_at",
        "partner",
        "consent_version",
    ]


class MessageIndexView(generic.IndexView):
    @property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        buttons.append(
            HeaderButton(
                _("Print approved messages as cards (PDF)"),
                url=reverse("letters_solidaritymessage:cards") + self._action_query(),
                icon_name="doc-full",
            )
        )
        return buttons

    def _action_query(self):
        action = self.request.GET.get("action", "")
        return f"?action={action}" if action.isdigit() else ""


class MessageInspectView(generic.InspectView):
    template_name = "letters/admin/solidarity_message_inspect.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        policy = RecordPermissionPolicy(SolidarityMessage)
        context["can_moderate"] = policy.user_has_permission(self.request.user, "moderate")
        context["approve_url"] = reverse(
            "letters_solidaritymessage:moderate", args=[self.object.pk, "approve"]
        )
        context["reject_url"] = reverse("letters_solidaritymessage:moderate", args=[self.object.pk, "reject"])
        return context


class SolidarityMessageViewSet(SupporterErasureViewSetMixin, SectionScopedRecordViewSet):
    model = SolidarityMessage
    icon = "comment"
    menu_label = gettext_lazy("Solidarity messages")
    index_view_class = MessageIndexView
    inspect_view_class = MessageInspectView
    filterset_class = MessageFilterSet
    # Personal fields are encrypted: the search finds a supporter by exact email (sections.viewsets).
    search_fields = ["supporter__email"]
    list_display = [
        "author_name",
        "town",
        Column("text", label=gettext_lazy("Message")),
        "action",
        "status",
        DateColumn("created_at", label=gettext_lazy("Written")),
    ]
    list_export = [
        "author_name",
        "town",
        "text",
        "action",
        "language",
        "status",
        "created_at",
        "moderated_at",
    ]
    export_filename = "solidarity-messages"
    inspect_view_fields = [
        "author_name",
        "town",
        "text",
        "action",
        "language",
        "status",
        "created_at",
        "moderated_by",
        "moderated_at",
    ]

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("moderate/<int:pk>/<str:decision>/", self.moderate_view, name="moderate"),
            path("cards/", self.cards_view, name="cards"),
        ]

    @property
    def moderate_view(self):
        return require_POST(moderate)

    @property
    def cards_view(self):
        return cards


DECISIONS = {"approve": MessageStatus.APPROVED, "reject": MessageStatus.REJECTED}


def _require_moderator(request):
    if not RecordPermissionPolicy(SolidarityMessage).user_has_permission(request.user, "moderate"):
        raise PermissionDenied


def moderate(request, pk, decision):
    """Approve or reject one message of the user's own sections (another section's answers 404)."""
    _require_moderator(request)
    if decision not in DECISIONS:
        raise Http404
    visible = filter_for_user(SolidarityMessage.objects.all(), request.user)
    message = get_object_or_404(visible, pk=pk)
    with transaction.atomic():
        SolidarityMessage.objects.filter(pk=message.pk).update(
            status=DECISIONS[decision], moderated_by=request.user, moderated_at=timezone.now()
        )
    if decision == "approve":
        messages.success(request, _("Message approved: it can be shown and delivered."))
    else:
        messages.success(request, _("Message rejected: it will never be shown or delivered."))
    return HttpResponseRedirect(reverse("letters_solidaritymessage:index") + "?status=pending")


def cards(request):
    """Approved messages of the user's own sections as printable A6 cards (one action, or all)."""
    _require_moderator(request)
    rows = filter_for_user(SolidarityMessage.objects.filter(status=MessageStatus.APPROVED), request.user)
    action = request.GET.get("action", "")
    if action.isdigit():
        rows = rows.filter(action_id=int(action))
    rows = (
        rows.select_related("action")
        .prefetch_related("action__prisoners")
        .order_by("action_id", "created_at")
    )
    cards = []
    for row in rows:
        prisoners = ", ".join(record.full_name for record in row.action.prisoners.all())
        signature = row.author_name + (f", {row.town}" if row.town else "")
        cards.append((prisoners or row.action.title, row.text, signature))
    pdf = cards_pdf(cards, heading=_("No approved message yet."))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="solidarity-cards.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


def embed_partners(request, page_id):
    """A letter action's snippets for its section's partner sites, per language, and the letters each brought."""
    action = LetterActionPage.objects.filter(letters_sites_filter(request.user), pk=page_id).first()
    if action is None:
        return not_found(request)
    letters = Letter.objects.filter(action__translation_key=action.translation_key, site=action.get_site())
    return partners_page(
        request,
        action,
        counted=letters.filter(state=LetterState.SENT),
        pending=letters.filter(state=LetterState.GENERATED),
        labels={
            "intro": _(
                "A partner site shows this letter-writing action in a frame by pasting the code below into one "
                "of its pages. People prepare their letter there with the same form and spam protection as "
                "here, download it, and the letters they say they have posted count in the same total. Only "
                "the sites listed in the section's settings (Settings → Section → Partner sites) can show it; "
                "a superuser changes that list."
            ),
            "counted": _("Letters sent"),
            "pending": _("Prepared, not yet sent"),
        },
    )


class LettersViewSetGroup(ModelViewSetGroup):
    items = (LetterViewSet("letters_letter"), SolidarityMessageViewSet("letters_solidaritymessage"))
    menu_label = gettext_lazy("Letter-writing")
    menu_icon = "mail"
    menu_order = 310
