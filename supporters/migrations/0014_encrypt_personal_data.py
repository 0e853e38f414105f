"""Supporters' email and names encrypted with their section's key; the canonical email kept only as a keyed hash."""

from django.db import migrations, models

import supporters.encryption
from supporters.emails import canonical_email

ENCRYPT, DECRYPT = supporters.encryption.encrypt_columns("supporters_supporter", ["email", "first_name", "last_name"])


def hash_emails(apps, schema_editor):
    """The stored canonical email becomes its keyed hash (an erased supporter's marker stays)."""

    def change(site_id, row):
        value = row["email_hash"]
        if value.startswith("erased:") or len(value) == 64 and "@" not in value:
            return row
        return {"email_hash": supporters.encryption.email_hash(site_id, value)}

    supporters.encryption.rewrite_rows(schema_editor.connection, "supporters_supporter", ["email_hash"], change)


def canonical_emails_back(apps, schema_editor):
    """Reversed: the canonical email again, from the decrypted address."""

    def change(site_id, row):
        if row["email_hash"].startswith("erased:"):
            return {"email_hash": row["email_hash"]}
        return {"email_hash": canonical_email(row["email"])}

    supporters.encryption.rewrite_rows(schema_editor.connection, "supporters_supporter", ["email_hash", "email"], change)


class Migration(migrations.Migration):
    dependencies = [
        ("sections", "0001_initial"),
        ("supporters", "0013_data_officers_view_rights_requests"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="supporter", name="unique_supporter_per_section"),
        migrations.RenameField(model_name="supporter", old_name="canonical_email", new_name="email_hash"),
        migrations.AlterField(
            model_name="supporter",
            name="email",
            field=supporters.encryption.EncryptedEmailField(max_length=254, verbose_name="email"),
        ),
        migrations.AlterField(
            model_name="supporter",
            name="first_name",
            field=supporters.encryption.EncryptedCharField(max_length=100, verbose_name="first name"),
        ),
        migrations.AlterField(
            model_name="supporter",
            name="last_name",
            field=supporters.encryption.EncryptedCharField(max_length=100, verbose_name="last name"),
        ),
        # Hashed first (from the clear canonical email), then reversed last (from the clear address).
        migrations.RunPython(hash_emails, canonical_emails_back),
        migrations.RunPython(ENCRYPT, DECRYPT),
        migrations.AlterField(
            model_name="supporter",
            name="email_hash",
            field=models.CharField(editable=False, max_length=64, verbose_name="email (keyed hash)"),
        ),
        migrations.AddConstraint(
            model_name="supporter",
            constraint=models.UniqueConstraint(fields=("site", "email_hash"), name="unique_supporter_per_section"),
        ),
    ]
