"""Mobile-money donors' phone numbers encrypted with their section's key (supporters.encryption)."""

import django.db.models.deletion
import supporters.encryption
from django.db import migrations, models


ENCRYPT, DECRYPT = supporters.encryption.encrypt_columns('donations_mobilemoneypayment', ['phone_number'])


class Migration(migrations.Migration):

    dependencies = [
        ('donations', '0014_mobile_money_payment_site'),
        ('wagtailcore', '0098_apitoken'),
    ]

    operations = [
        migrations.AlterField(
            model_name='mobilemoneypayment',
            name='site',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='wagtailcore.site', verbose_name='section'),
        ),
        migrations.AlterField(
            model_name='mobilemoneypayment',
            name='phone_number',
            field=supporters.encryption.EncryptedCharField(blank=True, max_length=20, verbose_name='phone number'),
        ),
        migrations.RunPython(ENCRYPT, DECRYPT),
    ]
