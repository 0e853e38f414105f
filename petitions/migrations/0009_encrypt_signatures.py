"""Signers' names, country and postal code encrypted with their section's key (supporters.encryption)."""

import supporters.encryption
from django.db import migrations


ENCRYPT, DECRYPT = supporters.encryption.encrypt_columns(
    "petitions_signature", ["first_name", "last_name", "country", "postal_code"]
)


class Migration(migrations.Migration):

    dependencies = [
        ('petitions', '0008_signature_partner'),
        ('supporters', '0014_encrypt_personal_data'),
    ]

    operations = [
        migrations.AlterField(
            model_name='signature',
            name='country',
            field=supporters.encryption.EncryptedCharField(max_length=80, verbose_name='country'),
        ),
        migrations.AlterField(
            model_name='signature',
            name='first_name',
            field=supporters.encryption.EncryptedCharField(max_length=100, verbose_name='first name'),
        ),
        migrations.AlterField(
            model_name='signature',
            name='last_name',
            field=supporters.encryption.EncryptedCharField(max_length=100, verbose_name='last name'),
        ),
        migrations.AlterField(
            model_name='signature',
            name='postal_code',
            field=supporters.encryption.EncryptedCharField(blank=True, max_length=20, verbose_name='postal code'),
        ),
        migrations.RunPython(ENCRYPT, DECRYPT),
    ]
