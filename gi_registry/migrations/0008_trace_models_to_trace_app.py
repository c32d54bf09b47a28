"""Traceability's models leave the registry app for ``trace`` (``gi_registry.trace``).

State only: the tables, their rows, indexes and constraints stay as they are (the models keep
their table names); ``trace.0001`` takes the models over and renames their content types.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("gi_registry", "0007_scan_journal_and_label_jobs"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.RemoveField(
                    model_name="batch",
                    name="authorisation",
                ),
                migrations.RemoveField(
                    model_name="batch",
                    name="created_by",
                ),
                migrations.RemoveField(
                    model_name="batch",
                    name="inspection_report",
                ),
                migrations.RemoveField(
                    model_name="batch",
                    name="photo",
                ),
                migrations.RemoveField(
                    model_name="batch",
                    name="producer",
                ),
                migrations.RemoveField(
                    model_name="batch",
                    name="standard",
                ),
                migrations.RemoveField(
                    model_name="traceevent",
                    name="batch",
                ),
                migrations.RemoveField(
                    model_name="tracecode",
                    name="batch",
                ),
                migrations.RemoveField(
                    model_name="labeljob",
                    name="batch",
                ),
                migrations.RemoveField(
                    model_name="labeljob",
                    name="created_by",
                ),
                migrations.RemoveField(
                    model_name="scan",
                    name="code",
                ),
                migrations.DeleteModel(
                    name="ScanJournalSegment",
                ),
                migrations.RemoveField(
                    model_name="tracecode",
                    name="issued_by",
                ),
                migrations.DeleteModel(
                    name="TraceEvent",
                ),
                migrations.DeleteModel(
                    name="Batch",
                ),
                migrations.DeleteModel(
                    name="LabelJob",
                ),
                migrations.DeleteModel(
                    name="Scan",
                ),
                migrations.DeleteModel(
                    name="TraceCode",
                ),
            ],
        ),
    ]
