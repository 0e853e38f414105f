"""A section's roles: editors, moderators, translators, data officers and group coordinators, as Wagtail groups.

Each role is a Wagtail group whose permissions stop at the section: pages through Wagtail's page
permissions on the section's root page and on each of its translations (a language's tree is a sibling
of the default one, not under it; a root translated later gets them too, see `extend_to_new_language`), images and documents through the
section's collection, supporters' data through `SectionStaffGroup`. Editors submit pages to the
section's workflow; its moderators approve and publish. Prisoner records are shared by the movement:
editors of every section may add and correct them (not delete them), translators translate them.
Setting a section up again brings its groups back to these permissions and creates nothing twice.
"""

from dataclasses import dataclass

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from .models import SectionSettings, SectionStaffGroup


@dataclass(frozen=True)
class Role:
    slug: str
    label: str
    page_permissions: tuple = ()
    collection_permissions: tuple = ()
    permissions: tuple = ()  # "app_label.codename"
    sees_supporters: bool = False


MEDIA = ("wagtailimages.add_image", "wagtailimages.change_image", "wagtailimages.choose_image")
MEDIA += ("wagtaildocs.add_document", "wagtaildocs.change_document", "wagtaildocs.choose_document")
PRISONER_RECORDS = ("prisoners.add_prisonerrecord", "prisoners.change_prisonerrecord")
PRISONER_RECORDS += ("prisoners.add_theme", "prisoners.change_theme")
# The section's texts (name, address, consent wording…): editors and moderators write them in the
# section's default language, translators the other languages (sections.texts_admin says who may what).
SECTION_TEXTS = ("sections.change_sectiontexts",)
# The section's local groups (a translatable snippet of the membership app).
LOCAL_GROUPS = ("membership.add_localgroup", "membership.change_localgroup", "membership.delete_localgroup")
# Printing petition sheets in batches ("add") and entering a batch's signatures ("change").
PAPER_SHEETS = ("petitions.add_paperbatch", "petitions.change_paperbatch")

ROLES = (
    Role(
        "editor",
        _("editors"),
        page_permissions=("wagtailcore.add_page", "wagtailcore.change_page"),
        collection_permissions=MEDIA,
        permissions=PRISONER_RECORDS + SECTION_TEXTS + LOCAL_GROUPS + PAPER_SHEETS,
    ),
    Role(
        "moderator",
        _("moderators"),
        page_permissions=(
            "wagtailcore.add_page",
            "wagtailcore.change_page",
            "wagtailcore.publish_page",
            "wagtailcore.lock_page",
            "wagtailcore.unlock_page",
        ),
        collection_permissions=(*MEDIA, "wagtailimages.delete_image", "wagtaildocs.delete_document"),
        permissions=PRISONER_RECORDS + SECTION_TEXTS + LOCAL_GROUPS,
    ),
    Role(
        "translator",
        _("translators"),
        # wagtail-localize saves a translation through the page's own edit permission.
        page_permissions=("wagtailcore.change_page",),
        collection_permissions=("wagtailimages.choose_image", "wagtaildocs.choose_document"),
        permissions=(
            "wagtail_localize.submit_translation",
            "prisoners.change_prisonerrecord",
            "prisoners.change_theme",
            *SECTION_TEXTS,
            "membership.change_localgroup",
        ),
    ),
    Role(
        "data-officer",
        _("data officers"),
        permissions=(
            "petitions.view_signature",
            "petitions.adjust_petition_count",
            *PAPER_SHEETS,
            "letters.view_letter",
            "letters.view_solidaritymessage",
            "letters.moderate_solidaritymessage",
            "donations.view_donation",
            "donations.view_receipt",
            "membership.view_membership",
            "supporters.erase_supporter",
            "supporters.view_failedemail",
            "supporters.resend_failedemail",
            # The log of visitors' requests for a copy or the erasure of their data (no personal data in it).
            "supporters.view_rightsrequest",
            # The section's CRM webhooks (crm): registered, followed and replayed by data officers.
            "crm.add_webhookdestination",
            "crm.change_webhookdestination",
            "crm.delete_webhookdestination",
            "crm.view_webhookdestination",
            "crm.view_delivery",
            "crm.replay_delivery",
        ),
        sees_supporters=True,
    ),
    # Not staff of the section's supporters (no SectionStaffGroup): they see only the members of the
    # local groups they coordinate (membership.admin_views).
    Role("coordinator", _("group coordinators"), permissions=("membership.view_membership",)),
)


def group_name(code, role):
    """E.g. "ch editors": stable, so that setting a section up again finds its groups."""
    return f"{code} {role.slug}s"


def user_roles(user, site_id):
    """The slugs of the roles `user` holds in the section of `site_id` (through its groups' names)."""
    if not user.is_authenticated or not user.is_active:
        return set()
    code = SectionSettings.objects.filter(site_id=site_id).values_list("code", flat=True).first()
    if code is None:
        return set()
    names = set(user.groups.values_list("name", flat=True))
    return {role.slug for role in ROLES if group_name(code, role) in names}


def sites_with_roles(user, slugs):
    """Ids of the sites in whose sections `user` holds one of the roles `slugs`."""
    names = set(user.groups.values_list("name", flat=True)) if user.is_authenticated else set()
    return [
        site_id
        for code, site_id in SectionSettings.objects.values_list("code", "site_id")
        if any(group_name(code, role) in names for role in ROLES if role.slug in slugs)
    ]


# Permissions that Wagtail's and wagtail-localize's data migrations create (so a flushed test
# database lacks them): content type model and name, as those migrations make them.
MADE_BY_MIGRATIONS = {
    "wagtailadmin.access_admin": ("admin", "Can access Wagtail admin"),
    "wagtail_localize.submit_translation": ("translation", "Can submit translations"),
}


def permissions(names):
    found = []
    for name in names:
        app_label, codename = name.split(".")
        permission = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
        if permission is None and name in MADE_BY_MIGRATIONS:
            model, label = MADE_BY_MIGRATIONS[name]
            content_type, _created = ContentType.objects.get_or_create(app_label=app_label, model=model)
            permission = Permission.objects.create(content_type=content_type, codename=codename, name=label)
        if permission is None:
            raise LookupError(f"No permission {name}: is its app installed and migrated?")
        found.append(permission)
    return found


def section_collection(name):
    """The section's own collection for images and documents, under the root collection."""
    root = Collection.get_first_root_node()
    existing = root.get_children().filter(name=name).first()
    return existing or root.add_child(name=name)


@transaction.atomic
def set_up_roles(code, name, site, home):
    """Create or update the section's collection, role groups and workflow; returns {role slug: group}."""
    collection = section_collection(name)
    access_admin = permissions(["wagtailadmin.access_admin"])
    groups = {}
    for role in ROLES:
        group, _created = Group.objects.get_or_create(name=group_name(code, role))
        group.permissions.set(access_admin + permissions(role.permissions))
        GroupPagePermission.objects.filter(group=group).delete()
        for permission in permissions(role.page_permissions):
            for root in section_roots(home):
                GroupPagePermission.objects.create(group=group, page=root, permission=permission)
        GroupCollectionPermission.objects.filter(group=group).delete()
        for permission in permissions(role.collection_permissions):
            GroupCollectionPermission.objects.create(
                group=group, collection=collection, permission=permission
            )
        if role.sees_supporters:
            SectionStaffGroup.objects.get_or_create(group=group, site=site)
        groups[role.slug] = group
    set_up_workflow(code, home, groups["moderator"])
    return groups


def set_up_workflow(code, home, moderators):
    """Editors submit the section's pages; its moderators approve them, which publishes them."""
    task, _created = GroupApprovalTask.objects.get_or_create(name=f"{code} moderators approve")
    task.groups.set([moderators])
    workflow, _created = Workflow.objects.get_or_create(name=f"{code} moderation")
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task.task_ptr, defaults={"sort_order": 0})
    for root in section_roots(home):
        WorkflowPage.objects.update_or_create(page=root, defaults={"workflow": workflow})
    return workflow


def section_roots(home):
    """The section's root page in each of its languages."""
    return Page.objects.filter(depth=home.depth, translation_key=home.translation_key).order_by("pk")


def extend_to_new_language(root):
    """A section root just translated into a new language: its groups' page permissions and its workflow
    reach the new language's tree, as they reach the default one."""
    sources = section_roots(root).exclude(pk=root.pk)
    source = sources.filter(sites_rooted_here__isnull=False).first() or sources.first()
    if source is None:
        return
    for grant in GroupPagePermission.objects.filter(page=source):
        GroupPagePermission.objects.get_or_create(group=grant.group, page=root, permission=grant.permission)
    workflow_page = WorkflowPage.objects.filter(page=source).first()
    if workflow_page is not None:
        WorkflowPage.objects.get_or_create(page=root, defaults={"workflow": workflow_page.workflow})


def on_page_created(sender, instance, created, raw=False, **kwargs):
    if created and not raw and isinstance(instance, Page) and instance.depth == 2:
        if section_roots(instance).exclude(pk=instance.pk).exists():
            extend_to_new_language(instance)


def register_signal_handlers():
    post_save.connect(on_page_created, dispatch_uid="sections.roles.new_language")
