"""Interpreted languages from ISO 639-1 to ISO 639-3 codes ("ar" becomes "ara", "fa" "fas")."""

from typing import Any

from django.db import migrations

from lotse.people.iso639 import recode_column


def forwards(apps: Any, schema_editor: Any) -> None:
    with schema_editor.connection.cursor() as cursor:
        recode_column(cursor, apps.get_model("cases", "Contact")._meta.db_table, "interpreter_language")


def backwards(apps: Any, schema_editor: Any) -> None:
    with schema_editor.connection.cursor() as cursor:
        recode_column(
            cursor, apps.get_model("cases", "Contact")._meta.db_table, "interpreter_language", backwards=True
        )


class Migration(migrations.Migration):
    dependencies = [("cases", "0009_plan_print_lock_and_goal_members")]

    operations = [migrations.RunPython(forwards, backwards)]
