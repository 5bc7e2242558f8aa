from datetime import timedelta

from django.db import migrations, models
from django.utils import timezone


def existing_tokens_keep_working_for_a_while(apps, schema_editor):
    # Tokens made before scopes existed could do everything; they keep that for 90 days and then
    # expire, so that each integration gets a new token with only the scopes it needs.
    Token = apps.get_model("accounts", "Token")
    Token.objects.filter(scopes="").update(
        scopes="read,submit,write", expires_at=timezone.now() + timedelta(days=90)
    )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_pendingmail_to_custody")]

    operations = [
        migrations.AddField(
            model_name="token",
            name="scopes",
            field=models.CharField(default="", max_length=100),
        ),
        migrations.AddField(
            model_name="token",
            name="expires_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(existing_tokens_keep_working_for_a_while, migrations.RunPython.noop),
    ]
