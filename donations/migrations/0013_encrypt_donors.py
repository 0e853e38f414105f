"""Donors' names, email and postal address encrypted with their section's key (supporters.encryption)."""

import supporters.encryption
from django.db import migrations


ENCRYPT_0, DECRYPT_0 = supporters.encryption.encrypt_columns('donations_donation', ['first_name', 'last_name', 'email', 'address_line', 'postal_code', 'city', 'country'])


class Migration(migrations.Migration):

    dependencies = [
        ('supporters', '0014_encrypt_personal_data'),
        ('donations', '0012_donation_method_mobile_money'),
    ]

    operations = [
        migrations.AlterField(
            model_name='donation',
            name='address_line',
            field=supporters.encryption.EncryptedCharField(blank=True, max_length=200, verbose_name='address'),
        ),
        migrations.AlterField(
            model_name='donation',
            name='city',
            field=supporters.encryption.EncryptedCharField(blank=True, max_length=100, verbose_name='city'),
        ),
        migrations.AlterField(
            model_name='donation',
            name='country',
            field=supporters.encryption.EncryptedCharField(blank=True, max_length=100, verbose_name='country'),
        ),
        migrations.AlterField(
            model_name='donation',
            name='email',
            field=supporters.encryption.EncryptedEmailField(max_length=254, verbose_name='email'),
        ),
        migrations.AlterField(
            model_name='donation',
            name='first_name',
            field=supporters.encryption.EncryptedCharField(max_length=100, verbose_name='first name'),
        ),
        migrations.AlterField(
            model_name='donation',
            name='last_name',
            field=supporters.encryption.EncryptedCharField(max_length=100, verbose_name='last name'),
        ),
        migrations.AlterField(
            model_name='donation',
            name='postal_code',
            field=supporters.encryption.EncryptedCharField(blank=True, max_length=20, verbose_name='postal code'),
        ),
        migrations.RunPython(ENCRYPT_0, DECRYPT_0),
    ]
