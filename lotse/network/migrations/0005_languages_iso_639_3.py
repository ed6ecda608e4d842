"""Languages of counselling from ISO 639-1 to ISO 639-3 codes ("ar" becomes "ara", "fa" "fas")."""

from typing import Any

from django.db import migrations

from lotse.people.iso639 import recode_array


def forwards(apps: Any, schema_editor: Any) -> None:
    with schema_editor.connection.cursor() as cursor:
        recode_array(cursor, apps.get_model("network", "Actor")._meta.db_table, "languages")


def backwards(apps: Any, schema_editor: Any) -> None:
    with schema_editor.connection.cursor() as cursor:
        recode_array(cursor, apps.get_model("network", "Actor")._meta.db_table, "languages", backwards=True)


class Migration(migrations.Migration):
    dependencies = [("network", "0004_history_per_statement")]

    operations = [migrations.RunPython(forwards, backwards)]
