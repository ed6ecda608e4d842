"""Triggers that log, per statement, the earliest date from which a change alters the key figures.

One function per table handles INSERT, UPDATE and DELETE (three statement-level
triggers with transition tables). What each change affects (see
``lotse.reports.figures``: a case is active from its start, counted as ended at
its end; a status record holds from its date):

- a case added or removed: from its start; its start, organisation or
  municipality changed: from the earlier start; only its end or closing reason
  changed: from the earlier end;
- a client added to or removed from a case: from the case's start;
- a person's date of birth changed: from the earliest start of their cases;
- a language, work or housing record: from its date (the earlier one when moved).
"""

from django.db import migrations

INSERT_CHANGE = """
    INSERT INTO reports_figurechange (affected_from, transaction_id)
    SELECT min(affected), pg_current_xact_id()::text::bigint FROM ({query}) AS dates(affected)
    HAVING min(affected) IS NOT NULL;
"""

CASE_UPDATE = """
    SELECT CASE
        WHEN (o.start_date, o.organisation_id, o.municipality_id)
             IS DISTINCT FROM (n.start_date, n.organisation_id, n.municipality_id)
            THEN least(o.start_date, n.start_date)
        WHEN (o.end_date, o.closing_reason) IS DISTINCT FROM (n.end_date, n.closing_reason)
            THEN least(coalesce(o.end_date, 'infinity'::date), coalesce(n.end_date, 'infinity'::date))
    END
    FROM old_rows o JOIN new_rows n ON n.id = o.id
"""

CLIENT_UPDATE = """
    SELECT c.start_date FROM old_rows o JOIN new_rows n ON n.id = o.id
    JOIN cases_case c ON c.id IN (o.case_id, n.case_id)
    WHERE (o.case_id, o.person_id) IS DISTINCT FROM (n.case_id, n.person_id)
"""

PERSON_UPDATE = """
    SELECT c.start_date FROM old_rows o JOIN new_rows n ON n.id = o.id
    JOIN cases_caseclient cc ON cc.person_id = n.id
    JOIN cases_case c ON c.id = cc.case_id
    WHERE o.birth_date IS DISTINCT FROM n.birth_date
"""


def record_update(column: str) -> str:
    return f"""
    SELECT least(o.valid_from, n.valid_from) FROM old_rows o JOIN new_rows n ON n.id = o.id
    WHERE (o.person_id, o.valid_from, o.{column}) IS DISTINCT FROM (n.person_id, n.valid_from, n.{column})
    """


# table: (what an insert affects, what an update affects, what a delete affects); None: nothing.
TABLES: dict[str, tuple[str | None, str, str | None]] = {
    "cases_case": ("SELECT start_date FROM new_rows", CASE_UPDATE, "SELECT start_date FROM old_rows"),
    "cases_caseclient": (
        "SELECT c.start_date FROM new_rows r JOIN cases_case c ON c.id = r.case_id",
        CLIENT_UPDATE,
        "SELECT c.start_date FROM old_rows r JOIN cases_case c ON c.id = r.case_id",
    ),
    # A new person is nobody's client yet; a removed one leaves their cases first (as clients).
    "people_person": (None, PERSON_UPDATE, None),
    "people_languagerecord": (
        "SELECT valid_from FROM new_rows",
        record_update("level"),
        "SELECT valid_from FROM old_rows",
    ),
    "people_workrecord": (
        "SELECT valid_from FROM new_rows",
        record_update("situation"),
        "SELECT valid_from FROM old_rows",
    ),
    "people_housingrecord": (
        "SELECT valid_from FROM new_rows",
        record_update("situation"),
        "SELECT valid_from FROM old_rows",
    ),
}


def forward_sql() -> list[str]:
    statements = []
    for table, (on_insert, on_update, on_delete) in TABLES.items():
        branches = []
        for operation, query in (("INSERT", on_insert), ("UPDATE", on_update), ("DELETE", on_delete)):
            if query is not None:
                branches.append(f"IF TG_OP = '{operation}' THEN {INSERT_CHANGE.format(query=query)} END IF;")
        statements.append(
            f"""
            CREATE FUNCTION reports_note_change_{table}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                {" ".join(branches)}
                RETURN NULL;
            END $$;
            """
        )
        for operation, query, transition in (
            ("INSERT", on_insert, "NEW TABLE AS new_rows"),
            ("UPDATE", on_update, "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
            ("DELETE", on_delete, "OLD TABLE AS old_rows"),
        ):
            if query is not None:
                statements.append(
                    f"CREATE TRIGGER reports_figures_{operation.lower()} AFTER {operation} ON {table} "
                    f"REFERENCING {transition} FOR EACH STATEMENT "
                    f"EXECUTE FUNCTION reports_note_change_{table}()"
                )
    return statements


def backward_sql() -> list[str]:
    return [f"DROP FUNCTION reports_note_change_{table}() CASCADE" for table in TABLES]


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_initial"),
        ("cases", "0008_history_per_statement"),
        ("people", "0003_history_per_statement"),
    ]

    operations = [migrations.RunSQL(forward_sql(), backward_sql())]
