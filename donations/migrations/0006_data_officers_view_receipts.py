"""Sections' data officers set up before tax receipts may see them too (new sections get it from sections.roles)."""

from django.db import migrations


def grant(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    groups = Group.objects.filter(name__endswith=" data-officers")
    if not groups.exists():
        return
    content_type, _ = ContentType.objects.get_or_create(app_label="donations", model="receipt")
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type, codename="view_receipt", defaults={"name": "Can view tax receipt"}
    )
    for group in groups:
        group.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("donations", "0005_receipts"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
