# ThrottleCounter moves from tapecut.accounts to tapecut.core with its rows: the model is taken
# over in the state only (accounts 0003 lets go of it), then its table is renamed.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("accounts", "0002_roles"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ThrottleCounter",
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
                        ("scope", models.CharField(max_length=32)),
                        ("key", models.CharField(max_length=64)),
                        ("window", models.DateTimeField()),
                        ("count", models.PositiveIntegerField(default=0)),
                    ],
                    options={
                        "db_table": "accounts_throttlecounter",
                        "indexes": [models.Index(fields=["window"], name="throttle_window_idx")],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("scope", "key", "window"), name="throttle_unique"
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.AlterModelTable(name="throttlecounter", table=None),
    ]
