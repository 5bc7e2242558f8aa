# ThrottleCounter now belongs to tapecut.core (core 0002 took it over with its table).

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_roles"),
        ("core", "0002_throttlecounter"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="ThrottleCounter")],
            database_operations=[],
        ),
    ]
