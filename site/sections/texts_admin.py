"""Who may do what with a section's texts, and their admin views (a snippet translated in wagtail-localize).

A section's editors and moderators write its texts in the section's default language (the source);
its translators translate them into its other languages, with wagtail-localize's Translate and
Sync; nobody but a superuser sees another section's texts, adds or deletes texts (they come with
the section and its languages).
"""

from django.contrib.admin.utils import unquote
from django.utils.translation import gettext_lazy as _
from wagtail.admin.auth import permission_denied
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.views.snippets import EditView

from .models import SectionTexts
from .roles import sites_with_roles, user_roles
from .viewsets import SectionScopedSnippetViewSet

WRITERS = {"editor", "moderator"}
TRANSLATORS = {"translator"}


def is_source(texts):
    """Whether `texts` are in the section's default language (its root page's)."""
    return texts.locale_id == texts.site.root_page.locale_id


def may_edit_texts(user, texts):
    """Editors and moderators edit the source; translators the translations."""
    if user.is_active and user.is_superuser:
        return True
    roles = user_roles(user, texts.site_id)
    return bool(roles & (WRITERS if is_source(texts) else TRANSLATORS))


def may_translate_texts(user, texts):
    """Send the texts to translation, or sync their translations: the section's translators."""
    if user.is_active and user.is_superuser:
        return True
    return bool(user_roles(user, texts.site_id) & TRANSLATORS)


def texts_for_user(queryset, user):
    """The texts of the sections where `user` writes or translates."""
    if user.is_active and user.is_superuser:
        return queryset
    return queryset.filter(site_id__in=sites_with_roles(user, WRITERS | TRANSLATORS))


class SectionTextsPermissionPolicy(ModelPermissionPolicy):
    def user_has_permission(self, user, action):
        # Texts come with their section, and with each language through Translate.
        if action in ("add", "copy"):
            return False
        return super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def user_has_permission_for_instance(self, user, action, instance):
        if action == "change":
            return super().user_has_permission(user, action) and may_edit_texts(user, instance)
        return super().user_has_permission_for_instance(user, action, instance)


class SectionTextsEditView(EditView):
    """The source's or a translation's editor (wagtail-localize's, through its before_edit hook),
    for whoever may edit that language; the section's other staff are told they may not."""

    def dispatch(self, request, *args, **kwargs):
        texts = SectionTexts.objects.select_related("site__root_page").filter(pk=unquote(str(kwargs["pk"])))
        texts = texts.first()
        if texts is not None and not may_edit_texts(request.user, texts):
            return permission_denied(request)
        return super().dispatch(request, *args, **kwargs)


class SectionTextsViewSet(SectionScopedSnippetViewSet):
    model = SectionTexts
    icon = "globe"
    menu_label = _("Section texts")
    menu_order = 250
    add_to_admin_menu = True
    copy_view_enabled = False
    list_display = ["name", "locale", "site"]
    list_filter = ["locale"]
    edit_view_class = SectionTextsEditView
    rows_for_user = staticmethod(texts_for_user)


register_permission_policy(SectionTexts, SectionTextsPermissionPolicy(SectionTexts))
