"""Which sections a staff member may see: superusers all, others those of their groups."""

from django.db.models import Q
from wagtail.models import GroupPagePermission, Site


def sites_for_user(user):
    if not user.is_authenticated or not user.is_active:
        return Site.objects.none()
    if user.is_superuser:
        return Site.objects.all()
    return Site.objects.filter(staff_groups__group__user=user).distinct()


def filter_for_user(queryset, user, section_field="site"):
    """Rows of `queryset` whose section (`section_field`, a path to a Site) the user may see."""
    if user.is_superuser:
        return queryset
    return queryset.filter(Q(**{f"{section_field}__in": sites_for_user(user)}))


def sections_of_page_staff(user):
    """Sections whose pages the user works on (editors, moderators, translators): those on whose root
    page one of their groups holds a page permission. Superusers: all."""
    if not user.is_authenticated or not user.is_active:
        return Site.objects.none()
    if user.is_superuser:
        return Site.objects.all()
    roots = GroupPagePermission.objects.filter(group__user=user).values("page_id")
    return Site.objects.filter(root_page_id__in=roots)
