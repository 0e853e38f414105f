"""Existing sections' data officers may see and resend undelivered emails, as new sections' do (sections.roles)."""

from django.db import migrations

CODENAMES = {
    "view_failedemail": "Can view undelivered email",
    "resend_failedemail": "Can resend an undelivered email",
}


def grant(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    SectionSettings = apps.get_model("sections", "SectionSettings")
    # The model's permissions are made after the migrations run (post_migrate): made here first.
    content_type, _created = ContentType.objects.get_or_create(app_label="supporters", model="failedemail")
    permissions = [
        Permission.objects.get_or_create(content_type=content_type, codename=codename, defaults={"name": name})[0]
        for codename, name in CODENAMES.items()
    ]
    codes = SectionSettings.objects.values_list("code", flat=True)
    for group in Group.objects.filter(name__in=[f"{code} data-officers" for code in codes]):
        group.permissions.add(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("supporters", "0007_failed_email"),
        ("sections", "0006_retention_periods"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
