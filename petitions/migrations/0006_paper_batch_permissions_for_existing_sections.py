"""Existing sections' editors and data officers get the paper-sheet permissions that sections.roles gives new ones."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CODENAMES = ("add_paperbatch", "change_paperbatch")
ROLES = ("editors", "data-officers")  # sections.roles.group_name: "<code> <role slug>s"


def grant(apps, schema_editor):
    # Django creates a new model's permissions after the whole migrate: create them now to grant them.
    app_config = apps.get_app_config("petitions")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    SectionSettings = apps.get_model("sections", "SectionSettings")
    permissions = list(Permission.objects.filter(content_type__app_label="petitions", codename__in=CODENAMES))
    codes = SectionSettings.objects.exclude(code="").values_list("code", flat=True)
    names = [f"{code} {role}" for code in codes for role in ROLES]
    for group in Group.objects.filter(name__in=names):
        group.permissions.add(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("petitions", "0005_paper_batches"),
        ("sections", "0006_retention_periods"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
