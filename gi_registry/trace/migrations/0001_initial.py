"""Traceability's models, taken over from the registry app (``gi_registry.0008``) without a change
to the database: the tables keep their names (``gi_registry_batch`` …) and their rows.
"""

import django.db.models.deletion
import django.utils.timezone
import gi_registry.trace.models
from django.conf import settings
from django.db import migrations, models


MODELS = ["batch", "traceevent", "tracecode", "scan", "scanjournalsegment", "labeljob"]


def move_content_types(apps, schema_editor, source="gi_registry", target="trace"):
    """Renaming the content types in place keeps everything that points at them: permissions and the
    groups that hold them, audit-log entries, revisions and Wagtail's reference index."""
    content_types = apps.get_model("contenttypes", "ContentType").objects.using(schema_editor.connection.alias)
    taken = set(content_types.filter(app_label=target, model__in=MODELS).values_list("model", flat=True))
    content_types.filter(app_label=source, model__in=set(MODELS) - taken).update(app_label=target)


def move_content_types_back(apps, schema_editor):
    move_content_types(apps, schema_editor, source="trace", target="gi_registry")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("gi_registry", "0008_trace_models_to_trace_app"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtailimages", "0027_image_description"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="ScanJournalSegment",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("name", models.CharField(max_length=120, unique=True, verbose_name="journal file")),
                        ("written_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="written")),
                    ],
                    options={
                        "verbose_name": "scan journal segment",
                        "verbose_name_plural": "scan journal segments",
                        "db_table": "gi_registry_scanjournalsegment",
                    },
                ),
                migrations.CreateModel(
                    name="Batch",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "lot_number",
                            models.CharField(
                                help_text="Unique for the producer.",
                                max_length=20,
                                validators=[gi_registry.trace.models.validate_lot_number],
                                verbose_name="lot number",
                            ),
                        ),
                        (
                            "product_name",
                            models.CharField(
                                blank=True,
                                help_text="E.g. “梁平柚 礼盒装”; the GI's name if empty.",
                                max_length=100,
                                verbose_name="product name",
                            ),
                        ),
                        ("production_date", models.DateField(verbose_name="production or harvest date")),
                        ("plot", models.CharField(blank=True, max_length=150, verbose_name="plot or base")),
                        (
                            "quantity",
                            models.DecimalField(
                                blank=True, decimal_places=2, max_digits=12, null=True, verbose_name="quantity"
                            ),
                        ),
                        (
                            "unit",
                            models.CharField(
                                choices=[("kg", "kg"), ("t", "tonnes"), ("box", "boxes"), ("piece", "pieces")],
                                default="kg",
                                max_length=8,
                                verbose_name="unit",
                            ),
                        ),
                        ("grade", models.CharField(blank=True, max_length=40, verbose_name="grade")),
                        (
                            "gtin",
                            models.CharField(
                                blank=True,
                                db_index=True,
                                help_text="The product's GS1 barcode number (8, 12, 13 or 14 digits), if it has one.",
                                max_length=14,
                                validators=[gi_registry.trace.models.validate_gtin],
                                verbose_name="GTIN",
                            ),
                        ),
                        (
                            "inspection_results",
                            models.JSONField(
                                blank=True,
                                default=list,
                                help_text='A list like [{"item": "可溶性固形物", "value": 11.2, "unit": "%", "limit": "≥ 10", "pass": true}].',
                                validators=[gi_registry.trace.models.validate_inspection_results],
                                verbose_name="inspection results",
                            ),
                        ),
                        (
                            "status",
                            models.CharField(
                                choices=[("active", "Active"), ("withdrawn", "Withdrawn"), ("recalled", "Recalled")],
                                default="active",
                                max_length=10,
                                verbose_name="status",
                            ),
                        ),
                        (
                            "status_reason",
                            models.CharField(
                                blank=True, max_length=200, verbose_name="reason for withdrawal or recall"
                            ),
                        ),
                        (
                            "status_changed_at",
                            models.DateTimeField(blank=True, null=True, verbose_name="status changed"),
                        ),
                        ("is_demo", models.BooleanField(default=False, verbose_name="demo data")),
                        ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created")),
                        ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated")),
                        (
                            "authorisation",
                            models.ForeignKey(
                                help_text="The producer's authorisation to use the GI; codes are counted against its yearly quota.",
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="batches",
                                to="gi_registry.authorisation",
                                verbose_name="authorisation",
                            ),
                        ),
                        (
                            "created_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="created by",
                            ),
                        ),
                        (
                            "inspection_report",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to="wagtaildocs.document",
                                verbose_name="inspection report",
                            ),
                        ),
                        (
                            "photo",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to="wagtailimages.image",
                                verbose_name="product photo",
                            ),
                        ),
                        (
                            "producer",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="batches",
                                to="gi_registry.producer",
                                verbose_name="producer",
                            ),
                        ),
                        (
                            "standard",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="batches",
                                to="gi_registry.standard",
                                verbose_name="standard tested against",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "batch",
                        "verbose_name_plural": "batches",
                        "db_table": "gi_registry_batch",
                        "ordering": ["-production_date", "lot_number"],
                    },
                ),
                migrations.CreateModel(
                    name="LabelJob",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("token", models.UUIDField(editable=False, unique=True, verbose_name="token")),
                        (
                            "fmt",
                            models.CharField(
                                choices=[("pdf", "PDF label sheets"), ("zip", "ZIP for a print shop")],
                                max_length=3,
                                verbose_name="format",
                            ),
                        ),
                        ("layout", models.CharField(blank=True, max_length=10, verbose_name="layout")),
                        ("ec", models.CharField(default="M", max_length=1, verbose_name="error correction")),
                        ("run", models.CharField(blank=True, max_length=40, verbose_name="issuance")),
                        ("code_count", models.PositiveIntegerField(default=0, verbose_name="codes")),
                        (
                            "digest",
                            models.CharField(
                                db_index=True, editable=False, max_length=64, verbose_name="request digest"
                            ),
                        ),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("pending", "Waiting"),
                                    ("running", "Rendering"),
                                    ("done", "Ready"),
                                    ("failed", "Failed"),
                                ],
                                default="pending",
                                max_length=8,
                                verbose_name="status",
                            ),
                        ),
                        ("progress", models.PositiveIntegerField(default=0, verbose_name="codes done")),
                        (
                            "file",
                            models.FileField(
                                blank=True, upload_to=gi_registry.trace.models._label_job_upload_to, verbose_name="file"
                            ),
                        ),
                        ("error", models.TextField(blank=True, verbose_name="error")),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="created")),
                        ("finished_at", models.DateTimeField(blank=True, null=True, verbose_name="finished")),
                        (
                            "batch",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="label_jobs",
                                to="trace.batch",
                                verbose_name="batch",
                            ),
                        ),
                        (
                            "created_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="requested by",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "label job",
                        "verbose_name_plural": "label jobs",
                        "db_table": "gi_registry_labeljob",
                        "ordering": ["-created_at"],
                    },
                ),
                migrations.CreateModel(
                    name="TraceCode",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("serial", models.CharField(editable=False, max_length=16, unique=True, verbose_name="serial")),
                        ("key_id", models.CharField(editable=False, max_length=40, verbose_name="signing key id")),
                        (
                            "status",
                            models.CharField(
                                choices=[("active", "Active"), ("withdrawn", "Withdrawn")],
                                default="active",
                                max_length=10,
                                verbose_name="status",
                            ),
                        ),
                        (
                            "issued_at",
                            models.DateTimeField(
                                db_index=True, default=django.utils.timezone.now, verbose_name="issued"
                            ),
                        ),
                        ("withdrawn_at", models.DateTimeField(blank=True, null=True, verbose_name="withdrawn")),
                        ("scan_count", models.PositiveIntegerField(default=0, editable=False, verbose_name="scans")),
                        (
                            "origin_count",
                            models.PositiveIntegerField(default=0, editable=False, verbose_name="distinct origins"),
                        ),
                        (
                            "first_scanned_at",
                            models.DateTimeField(blank=True, editable=False, null=True, verbose_name="first scan"),
                        ),
                        (
                            "batch",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="codes",
                                to="trace.batch",
                                verbose_name="batch",
                            ),
                        ),
                        (
                            "issued_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="issued by",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "trace code",
                        "verbose_name_plural": "trace codes",
                        "db_table": "gi_registry_tracecode",
                        "ordering": ["batch", "issued_at", "pk"],
                    },
                ),
                migrations.CreateModel(
                    name="Scan",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "scanned_at",
                            models.DateTimeField(
                                db_index=True, default=django.utils.timezone.now, verbose_name="scanned"
                            ),
                        ),
                        ("origin", models.CharField(blank=True, max_length=16, verbose_name="coarse origin")),
                        (
                            "client",
                            models.CharField(
                                choices=[
                                    ("wechat", "WeChat"),
                                    ("alipay", "Alipay"),
                                    ("browser", "Browser"),
                                    ("crawler", "Crawler or link preview"),
                                    ("other", "Other"),
                                ],
                                default="other",
                                max_length=10,
                                verbose_name="client",
                            ),
                        ),
                        ("counted", models.BooleanField(default=True, verbose_name="counted")),
                        (
                            "code",
                            models.ForeignKey(
                                db_index=False,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="scans",
                                to="trace.tracecode",
                                verbose_name="code",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "scan",
                        "verbose_name_plural": "scans",
                        "db_table": "gi_registry_scan",
                        "ordering": ["-scanned_at"],
                    },
                ),
                migrations.CreateModel(
                    name="TraceEvent",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "business_step",
                            models.CharField(
                                choices=[
                                    ("commissioning", "Harvest / production (commissioning)"),
                                    ("inspecting", "Inspection (inspecting)"),
                                    ("sampling", "Sampling (sampling)"),
                                    ("packing", "Packing (packing)"),
                                    ("shipping", "Shipping (shipping)"),
                                    ("receiving", "Receiving (receiving)"),
                                    ("storing", "Storage (storing)"),
                                ],
                                max_length=16,
                                verbose_name="business step",
                            ),
                        ),
                        ("event_time", models.DateTimeField(verbose_name="event time")),
                        (
                            "read_point",
                            models.CharField(
                                blank=True, help_text="Where it happened.", max_length=150, verbose_name="place"
                            ),
                        ),
                        (
                            "disposition",
                            models.CharField(
                                blank=True,
                                choices=[
                                    ("", "—"),
                                    ("active", "active"),
                                    ("conformant", "conformant"),
                                    ("non_conformant", "non-conformant"),
                                    ("in_progress", "in progress"),
                                    ("in_transit", "in transit"),
                                    ("sellable_accessible", "sellable, accessible"),
                                    ("recalled", "recalled"),
                                ],
                                max_length=24,
                                verbose_name="disposition",
                            ),
                        ),
                        ("note", models.TextField(blank=True, verbose_name="note")),
                        (
                            "event_hash",
                            models.CharField(editable=False, max_length=64, unique=True, verbose_name="event hash"),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created")),
                        (
                            "batch",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="events",
                                to="trace.batch",
                                verbose_name="batch",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "trace event",
                        "verbose_name_plural": "trace events",
                        "db_table": "gi_registry_traceevent",
                        "ordering": ["event_time", "pk"],
                    },
                ),
                migrations.AddConstraint(
                    model_name="batch",
                    constraint=models.UniqueConstraint(
                        fields=("producer", "lot_number"), name="gi_registry_batch_lot_per_producer"
                    ),
                ),
                migrations.AddIndex(
                    model_name="tracecode",
                    index=models.Index(fields=["batch", "status"], name="gi_registry_code_batch_status"),
                ),
                migrations.AddIndex(
                    model_name="scan",
                    index=models.Index(fields=["code", "origin"], name="gi_registry_scan_code_origin"),
                ),
            ],
        ),
        migrations.RunPython(move_content_types, move_content_types_back, elidable=False),
    ]
