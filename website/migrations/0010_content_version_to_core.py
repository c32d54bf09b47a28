"""The page cache's ``ContentVersion`` leaves the website app for ``core`` (core/cache.py).

State only: the table ``website_contentversion`` and its row stay as they are (the model keeps its
table name); ``core.0001`` takes the model over and renames its content type.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("website", "0009_contact_page"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name="ContentVersion"),
            ],
        ),
    ]
