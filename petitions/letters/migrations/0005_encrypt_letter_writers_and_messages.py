"""Letter writers' names and towns, and solidarity messages, encrypted with their section's key (supporters.encryption)."""

import supporters.encryption
from django.db import migrations


ENCRYPT_0, DECRYPT_0 = supporters.encryption.encrypt_columns('letters_letter', ['first_name', 'last_name', 'town', 'country'])
ENCRYPT_1, DECRYPT_1 = supporters.encryption.encrypt_columns('letters_solidaritymessage', ['author_name', 'town', 'text'])


class Migration(migrations.Migration):

    dependencies = [
        ('supporters', '0014_encrypt_personal_data'),
        ('letters', '0004_letter_outcome_news_letteractionpage_outcome'),
    ]

    operations = [
        migrations.AlterField(
            model_name='letter',
            name='country',
            field=supporters.encryption.EncryptedCharField(max_length=60, verbose_name='country'),
        ),
        migrations.AlterField(
            model_name='letter',
            name='first_name',
            field=supporters.encryption.EncryptedCharField(max_length=60, verbose_name='first name'),
        ),
        migrations.AlterField(
            model_name='letter',
            name='last_name',
            field=supporters.encryption.EncryptedCharField(max_length=60, verbose_name='last name'),
        ),
        migrations.AlterField(
            model_name='letter',
            name='town',
            field=supporters.encryption.EncryptedCharField(max_length=80, verbose_name='town'),
        ),
        migrations.AlterField(
            model_name='solidaritymessage',
            name='author_name',
            field=supporters.encryption.EncryptedCharField(max_length=60, verbose_name='signed'),
        ),
        migrations.AlterField(
            model_name='solidaritymessage',
            name='text',
            field=supporters.encryption.EncryptedTextField(max_length=500, verbose_name='message'),
        ),
        migrations.AlterField(
            model_name='solidaritymessage',
            name='town',
            field=supporters.encryption.EncryptedCharField(blank=True, max_length=80, verbose_name='town'),
        ),
        migrations.RunPython(ENCRYPT_0, DECRYPT_0),
        migrations.RunPython(ENCRYPT_1, DECRYPT_1),
    ]
