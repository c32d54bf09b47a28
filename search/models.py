"""Tables of the embedded search engine and of the queue of updates a cluster missed.

The full-text index: on SQLite an FTS5 virtual table (``search_fts``, created by migration 0002,
kept in step with ``SearchDocument`` by a delete trigger); on PostgreSQL ``PgIndexEntry``, a
``tsvector`` per document with a GIN index (the index, by migration 0002), and a small one of the
title alone with its own GIN index (migration 0004). ``PgIndexEntry`` is a
model, although only PostgreSQL uses it, so that Django's ``flush`` (tests) empties it along with
the documents.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SearchDocument(models.Model):
    """One public record as the search shows it (type, title, URL, text for snippets)."""

    doc_type = models.CharField(_("type"), max_length=20)
    object_id = models.CharField(_("object id"), max_length=64)
    title = models.CharField(_("title"), max_length=255)
    subtitle = models.CharField(_("subtitle"), max_length=255, blank=True)
    url = models.CharField(_("URL"), max_length=500)
    body = models.TextField(_("text"), blank=True)
    boost = models.FloatField(_("boost"), default=1.0)
    indexed_at = models.DateTimeField(_("indexed"), auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["doc_type", "object_id"], name="search_document_unique")]
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")

    def __str__(self) -> str:
        return f"{self.doc_type}:{self.object_id} {self.title}"


class TsVectorField(models.TextField):
    """A PostgreSQL ``tsvector`` column (plain text elsewhere, where it stays empty)."""

    def db_type(self, connection):
        return "tsvector" if connection.vendor == "postgresql" else super().db_type(connection)


class PgIndexEntry(models.Model):
    """The PostgreSQL full-text row of one document; written with SQL by the embedded engine."""

    document = models.OneToOneField(
        SearchDocument, on_delete=models.CASCADE, primary_key=True, related_name="pg_index", db_column="document_id"
    )
    tsv = TsVectorField()
    #: the title streams of ``tsv`` only (weights A–C): small enough to stay in the row, so a
    #: query on the title is checked without reading the whole vector from TOAST storage
    title_tsv = TsVectorField(default="")
    exact = models.TextField(default="", db_index=True)
    boost = models.FloatField(default=1.0)

    class Meta:
        db_table = "search_pgindex"
        verbose_name = _("PostgreSQL full-text entry")
        verbose_name_plural = _("PostgreSQL full-text entries")

    def __str__(self) -> str:
        return str(self.document_id)


class SearchFacet(models.Model):
    """One facet value of a document (a document has several: type, township, product family, …)."""

    document = models.ForeignKey(SearchDocument, on_delete=models.CASCADE, related_name="facet_values")
    name = models.CharField(_("facet"), max_length=30)
    value = models.CharField(_("value"), max_length=150)

    class Meta:
        indexes = [models.Index(fields=["name", "value", "document"], name="search_facet_lookup")]
        verbose_name = _("search facet value")
        verbose_name_plural = _("search facet values")

    def __str__(self) -> str:
        return f"{self.name}={self.value}"


class PendingIndexUpdate(models.Model):
    """An update the search cluster missed because it was down; replayed when it answers again.

    Only the record's identity is queued: replaying reads the record as it is then, so a record
    changed twice while the cluster was down is sent once, in its latest state.
    """

    doc_type = models.CharField(_("type"), max_length=20)
    object_id = models.CharField(_("object id"), max_length=64)
    queued_at = models.DateTimeField(_("queued"), auto_now=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["doc_type", "object_id"], name="search_pending_unique")]
        ordering = ["queued_at"]
        verbose_name = _("pending search update")
        verbose_name_plural = _("pending search updates")

    def __str__(self) -> str:
        return f"{self.doc_type}:{self.object_id}"


class ClusterRebuild(models.Model):
    """A cluster rebuild under way. While one runs, every update sent to the cluster (which lands
    in the index behind the alias, about to be replaced) is also queued, and the rebuild replays
    the queue into the new index after the alias swap: a record changed after the rebuild read it
    is not lost."""

    started_at = models.DateTimeField(_("started"), auto_now_add=True)

    class Meta:
        verbose_name = _("search cluster rebuild")
        verbose_name_plural = _("search cluster rebuilds")

    def __str__(self) -> str:
        return f"rebuild since {self.started_at:%Y-%m-%d %H:%M:%S}"
