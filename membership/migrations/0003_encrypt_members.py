"""Members' names, towns and phone numbers encrypted with their section's key (supporters.encryption)."""

import supporters.encryption
from django.db import migrations


ENCRYPT_0, DECRYPT_0 = supporters.encryption.encrypt_columns('membership_membership', ['first_name', 'last_name', 'town', 'phone'])


class Migration(migrations.Migration):

    dependencies = [
        ('supporters', '0014_encrypt_personal_data'),
        ('membership', '0002_membership_fee'),
    ]

    operations = [
        migrations.AlterField(
            model_name='membership',
            name='first_name',
            field=supporters.encryption.EncryptedCharField(max_length=100, verbose_name='first name'),
        ),
        migrations.AlterField(
            model_name='membership',
            name='last_name',
            field=supporters.encryption.EncryptedCharField(max_length=100, verbose_name='last name'),
        ),
        migrations.AlterField(
            model_name='membership',
            name='phone',
            field=supporters.encryption.EncryptedCharField(blank=True, max_length=30, verbose_name='phone'),
        ),
        migrations.AlterField(
            model_name='membership',
            name='town',
            field=supporters.encryption.EncryptedCharField(max_length=80, verbose_name='town'),
        ),
        migrations.RunPython(ENCRYPT_0, DECRYPT_0),
    ]
