# PendingMail now belongs to tapecut.custody (custody 0001 took it over with its table).

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_throttlecounter_to_core"),
        ("custody", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="PendingMail")],
            database_operations=[],
        ),
    ]
