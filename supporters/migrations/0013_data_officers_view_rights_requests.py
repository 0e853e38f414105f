"""Existing sections' data officers may see the log of data requests, as new sections' do (sections.roles)."""

from django.db import migrations


def grant(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    SectionSettings = apps.get_model("sections", "SectionSettings")
    # The model's permissions are made after the migrations run (post_migrate): made here first.
    content_type, _created = ContentType.objects.get_or_create(app_label="supporters", model="rightsrequest")
    permission, _created = Permission.objects.get_or_create(
        content_type=content_type, codename="view_rightsrequest", defaults={"name": "Can view data request"}
    )
    codes = SectionSettings.objects.values_list("code", flat=True)
    for group in Group.objects.filter(name__in=[f"{code} data-officers" for code in codes]):
        group.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("supporters", "0012_email_kind_receipt_cancelled"),
        ("sections", "0006_retention_periods"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
