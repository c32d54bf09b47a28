"""The page cache's ``ContentVersion``, taken over from the website app (``website.0010``) without a
change to the database: the table keeps its name (``website_contentversion``) and its row.
"""

from django.db import migrations, models

MODELS = ["contentversion"]


def move_content_types(apps, schema_editor, source="website", target="core"):
    """Renaming the content type in place keeps everything that points at it (its permissions)."""
    content_types = apps.get_model("contenttypes", "ContentType").objects.using(schema_editor.connection.alias)
    taken = set(content_types.filter(app_label=target, model__in=MODELS).values_list("model", flat=True))
    content_types.filter(app_label=source, model__in=set(MODELS) - taken).update(app_label=target)


def move_content_types_back(apps, schema_editor):
    move_content_types(apps, schema_editor, source="core", target="website")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("website", "0010_content_version_to_core"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="ContentVersion",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("counter", models.PositiveBigIntegerField(default=0)),
                    ],
                    options={
                        "verbose_name": "content version",
                        "db_table": "website_contentversion",
                    },
                ),
            ],
        ),
        migrations.RunPython(move_content_types, move_content_types_back, elidable=False),
    ]
