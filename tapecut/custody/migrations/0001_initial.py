# PendingMail moves from tapecut.accounts to tapecut.custody with its rows: the model is taken over
# in the state only (accounts 0004 lets go of it), then its table is renamed.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("intake", "0001_initial"),
        ("accounts", "0003_throttlecounter_to_core"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="PendingMail",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("kind", models.CharField(max_length=32)),
                        ("message_id", models.CharField(max_length=998)),
                        ("ciphertext", models.BinaryField(blank=True, default=b"")),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("sent_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "report",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="intake.report",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "accounts_pendingmail",
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("report", "kind"), name="pending_mail_unique"
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.AlterModelTable(name="pendingmail", table=None),
    ]
