"""A mobile-money payment names its donation's section, whose key is to encrypt its phone number (0015)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('donations', '0013_encrypt_donors'),
        ('wagtailcore', '0098_apitoken'),
    ]

    operations = [
        migrations.AddField(
            model_name='mobilemoneypayment',
            name='site',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='wagtailcore.site', verbose_name='section'),
        ),
        migrations.RunSQL(
            "UPDATE donations_mobilemoneypayment AS payment SET site_id = donation.site_id "
            "FROM donations_donation AS donation WHERE donation.id = payment.donation_id",
            migrations.RunSQL.noop,
        ),
    ]
