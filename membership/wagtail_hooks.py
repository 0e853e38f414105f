"""Admin registration of local groups and members, and the members and groups figures of home pages."""

from wagtail import hooks
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet

from home.actions import LIVE_FIGURES_HOOK

from .admin_views import LocalGroupViewSet, MembershipPermissionPolicy, MembershipViewSet
from .models import Membership, group_count, member_count

register_permission_policy(Membership, MembershipPermissionPolicy(Membership))
register_snippet(LocalGroupViewSet)


@hooks.register("register_admin_viewset")
def register_members_admin():
    return MembershipViewSet("members")


@hooks.register(LIVE_FIGURES_HOOK)
def membership_figures():
    return {"members": member_count, "groups": group_count}
