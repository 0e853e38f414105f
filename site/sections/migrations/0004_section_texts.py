"""Section texts: what visitors read of a section, one row per language; the settings' copies move there."""

import django.db.models.deletion
import uuid
from django.db import migrations, models


def copy_settings_into_texts(apps, schema_editor):
    """Each section's current texts become its default language's texts (the source of translations)."""
    SectionSettings = apps.get_model("sections", "SectionSettings")
    SectionTexts = apps.get_model("sections", "SectionTexts")
    for section in SectionSettings.objects.select_related("site__root_page"):
        SectionTexts.objects.get_or_create(
            site_id=section.site_id,
            locale_id=section.site.root_page.locale_id,
            defaults={
                "translation_key": uuid.uuid4(),
                "name": section.name,
                "country": section.country,
                "legal_entity": section.legal_entity,
                "postal_address": section.postal_address,
                "consent_text": section.consent_text,
                "newsletter_consent_text": section.newsletter_consent_text,
            },
        )


def copy_texts_back(apps, schema_editor):
    SectionSettings = apps.get_model("sections", "SectionSettings")
    SectionTexts = apps.get_model("sections", "SectionTexts")
    for section in SectionSettings.objects.select_related("site__root_page"):
        texts = SectionTexts.objects.filter(
            site_id=section.site_id, locale_id=section.site.root_page.locale_id
        ).first()
        if texts is not None:
            section.legal_entity, section.postal_address = texts.legal_entity, texts.postal_address
            section.consent_text = texts.consent_text
            section.newsletter_consent_text = texts.newsletter_consent_text
            section.save()


class Migration(migrations.Migration):
    dependencies = [
        ("sections", "0003_section_time_zone"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [
        migrations.AlterField(
            model_name="sectionsettings",
            name="name",
            field=models.CharField(
                help_text="Its name in the admin. Visitors read the name in the section's texts, in their language.",
                max_length=120,
                verbose_name="section name",
            ),
        ),
        migrations.CreateModel(
            name="SectionTexts",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("translation_key", models.UUIDField(default=uuid.uuid4, editable=False)),
                (
                    "name",
                    models.CharField(
                        help_text="e.g. Plaidoyer Switzerland", max_length=120, verbose_name="section name"
                    ),
                ),
                (
                    "country",
                    models.CharField(
                        blank=True,
                        help_text="Filled in for supporters in postal addresses.",
                        max_length=80,
                        verbose_name="country",
                    ),
                ),
                ("legal_entity", models.CharField(blank=True, max_length=200, verbose_name="legal entity")),
                ("postal_address", models.TextField(blank=True, verbose_name="postal address")),
                (
                    "footer_text",
                    models.TextField(
                        blank=True,
                        help_text="Further lines at the foot of every page, e.g. the bank account for gifts.",
                        verbose_name="footer lines",
                    ),
                ),
                (
                    "consent_text",
                    models.TextField(
                        blank=True,
                        help_text="Default wording of the consent to process a supporter's data.",
                        verbose_name="consent wording",
                    ),
                ),
                (
                    "newsletter_consent_text",
                    models.TextField(
                        blank=True,
                        help_text="Leave empty to not offer the newsletter.",
                        verbose_name="newsletter opt-in wording",
                    ),
                ),
                (
                    "email_signoff",
                    models.TextField(
                        blank=True,
                        help_text="The last lines of every email to supporters, e.g. The team of Plaidoyer Switzerland.",
                        verbose_name="email sign-off",
                    ),
                ),
                (
                    "locale",
                    models.ForeignKey(
                        editable=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="wagtailcore.locale",
                        verbose_name="locale",
                    ),
                ),
                (
                    "site",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="texts",
                        to="wagtailcore.site",
                        verbose_name="section",
                    ),
                ),
            ],
            options={
                "verbose_name": "section texts",
                "verbose_name_plural": "section texts",
                "abstract": False,
                "constraints": [
                    models.UniqueConstraint(fields=("site", "locale"), name="unique_section_texts_language")
                ],
                "unique_together": {("translation_key", "locale")},
            },
        ),
        migrations.RunPython(copy_settings_into_texts, copy_texts_back),
        migrations.RemoveField(
            model_name="sectionsettings",
            name="consent_text",
        ),
        migrations.RemoveField(
            model_name="sectionsettings",
            name="legal_entity",
        ),
        migrations.RemoveField(
            model_name="sectionsettings",
            name="newsletter_consent_text",
        ),
        migrations.RemoveField(
            model_name="sectionsettings",
            name="postal_address",
        ),
    ]
