"""The admin's search text (检索文本) of a record: one column, kept on save, that every chooser,
listing and sidebar search of the admin matches with ``contains`` (``gi_registry.admin_search``).

It holds, one per line, in the search service's normal form (``core.text.normalise``: NFKC, lower
case): each name as written, then its full pinyin and its pinyin initials (``core.text.syllables_of``,
the same analysis the public search indexes), each identifier as written and in its compact forms
(``core.text.code_forms``: ``DB50/T 123-2020`` → ``db50t1232020``, ``db50t123``), and other text
as written. So any substring of a name, an address or a code is a substring of the column, and so
is any run of the name's pinyin (``chuanxi``) or of its initials (``lpjy``). A query term never
holds a line break, so no match spans two lines.

A plain ``LIKE '%…%'`` over one narrow column works the same on SQLite and PostgreSQL and needs no
index to rebuild; what a record's neighbours say (a batch's producer, a producer's township) is
matched through their own column at query time, so renaming a township needs no rewrite.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.text import code_forms, normalise, runs, syllables_of


def pinyin_lines(value: str) -> list[str]:
    """The full pinyin and the initials of the CJK runs of ``value`` (runs joined; other text left out)."""
    syllables = [s for kind, run in runs(value) if kind == "cjk" for s in syllables_of(run)]
    if not syllables:
        return []
    return ["".join(syllables), "".join(s[0] for s in syllables)]


def build_search_text(names: Iterable[str] = (), codes: Iterable[str] = (), plain: Iterable[str] = ()) -> str:
    """The search text of a record: ``names`` with their pinyin, ``codes`` with their compact forms,
    ``plain`` text as written."""
    lines: list[str] = []
    for value in names:
        if value:
            lines.append(normalise(value).strip())
            lines.extend(pinyin_lines(value))
    for value in codes:
        if value:
            lines.append(normalise(value).strip())
            lines.extend(code_forms(value))
    for value in plain:
        if value:
            lines.append(normalise(" ".join(str(value).split())))
    return "\n".join(dict.fromkeys(line for line in lines if line))


class AdminSearchable(models.Model):
    """A record the admin finds by ``search_text``, built from the fields named in ``search_names``
    (with pinyin), ``search_codes`` (with compact forms) and ``search_plain``.

    ``admin_search_related`` names the relations whose own search text also finds this record
    (an authorisation by its producer's name, its producer's township or its GI's name).
    """

    search_text = models.TextField(_("search text"), blank=True, default="", editable=False)

    search_names: tuple[str, ...] = ()
    search_codes: tuple[str, ...] = ()
    search_plain: tuple[str, ...] = ()
    admin_search_related: tuple[str, ...] = ()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        # Every full save (add, edit, publish, import) writes it. A save of named fields leaves it
        # alone: Wagtail saves a draft's revision that way, with the draft's values in memory and
        # the row's name unchanged, and the search text describes the row.
        if kwargs.get("update_fields") is None:
            self.refresh_search_text()
        super().save(*args, **kwargs)

    def search_parts(self) -> dict[str, Iterable[str]]:
        """``names``, ``codes`` and ``plain`` text for ``build_search_text``."""
        return {
            "names": [getattr(self, f) or "" for f in self.search_names],
            "codes": [getattr(self, f) or "" for f in self.search_codes],
            "plain": [getattr(self, f) or "" for f in self.search_plain],
        }

    def refresh_search_text(self) -> str:
        self.search_text = build_search_text(**self.search_parts())
        return self.search_text


def fill_search_text(model, names=(), codes=(), plain=(), batch_size: int = 500) -> None:
    """Write the search text of every row of ``model`` (a migration's historical model, which has
    no ``search_parts``: the migration passes the field names as they were then)."""
    rows = []
    for row in model._default_manager.only("pk", *names, *codes, *plain).iterator(chunk_size=batch_size):
        row.search_text = build_search_text(
            names=[getattr(row, f) or "" for f in names],
            codes=[getattr(row, f) or "" for f in codes],
            plain=[getattr(row, f) or "" for f in plain],
        )
        rows.append(row)
        if len(rows) >= batch_size:
            model._default_manager.bulk_update(rows, ["search_text"])
            rows = []
    if rows:
        model._default_manager.bulk_update(rows, ["search_text"])
