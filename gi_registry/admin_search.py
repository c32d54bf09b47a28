"""What the admin's search box finds: every chooser, listing and sidebar search of registry and
traceability records goes through ``admin_search``.

A record matches when every term of the query (split on spaces) is found in its ``search_text``
or in the search text of a record it points at (``admin_search_related``: a batch through its
producer, the producer's township, its authorisation and GI). The search text holds the names as
written, their full pinyin and initials, and the codes in their compact forms
(``gi_registry.models.search_text``), so a term finds:

- any substring of a name, township, address, credit code, registration, authorisation or lot
  number (金柚, 礼让镇, 合作社, ``MA9000011``);
- any run of a name's pinyin or initials (``chuanxi``, ``lpjy``);
- a code typed with other punctuation or spacing (``db50t123`` for ``DB50/T 123-2020``);
- a run of Chinese that is not a substring but whose words all are (金柚合作社 → 金柚, 合作社),
  cut by the search service's segmenter with the domain dictionary.

Scoping is not done here: callers pass the queryset ``records_for`` already narrowed, and the
related records only decide which of those rows match, never add one.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail import hooks
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.forms.search import SearchForm
from wagtail.admin.search import SearchArea
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.permissions import policy_registry

from core.text import compact, cut, normalise, runs

#: At most this many terms of a query are used (the search service's limit).
MAX_TERMS = 12
#: Longer queries are cut here: nobody types 200 characters into a chooser.
MAX_QUERY_CHARS = 200


def _contains(model, text: str) -> Q:
    """Rows of ``model`` whose own or related search text contains ``text``."""
    condition = Q(search_text__contains=text)
    for path in getattr(model, "admin_search_related", ()):
        # a sub-select per relation: no duplicate rows through many-to-many relations
        related = model._default_manager.filter(**{f"{path}__search_text__contains": text}).values("pk")
        condition |= Q(pk__in=related)
    return condition


def _term(model, term: str) -> Q:
    """One term of the query: as typed, compacted (codes), or all of its pieces."""
    condition = _contains(model, term)
    folded = compact(term)
    if folded and folded != term:
        condition |= _contains(model, folded)
    pieces = [piece for kind, run in runs(term) for piece in (cut(run) if kind == "cjk" else [run])]
    if len(pieces) > 1:
        every_piece = Q()
        for piece in dict.fromkeys(pieces):
            every_piece &= _contains(model, piece)
        condition |= every_piece
    return condition


def query_terms(query: str | None) -> list[str]:
    """The normalised terms of a query (lower case, full-width folded), at most ``MAX_TERMS``."""
    return list(dict.fromkeys(normalise((query or "")[:MAX_QUERY_CHARS]).split()))[:MAX_TERMS]


def admin_search(queryset: QuerySet, query: str | None) -> QuerySet:
    """The rows of ``queryset`` the query finds; all of them for an empty query."""
    terms = query_terms(query)
    if not terms:
        return queryset
    model = queryset.model
    condition = Q()
    for term in terms:
        condition &= _term(model, term)
    return queryset.filter(condition)


# -- the admin's views: listings and choosers ---------------------------------------------------


class AdminSearchForm(BaseFilterForm):
    """The choosers' search box: ``admin_search`` instead of Wagtail's word-prefix search."""

    q = forms.CharField(
        label=gettext_lazy("Search term"),
        widget=forms.TextInput(attrs={"placeholder": gettext_lazy("Name, township, code or pinyin")}),
        required=False,
    )

    def filter(self, objects):
        objects = super().filter(objects)
        query = (self.cleaned_data.get("q") or "").strip()
        if query:
            self.is_searching = True
            self.search_query = query
            objects = admin_search(objects, query)
        return objects


class AdminSearchChooseMixin:
    """Chooser views (choose, results) that search with ``admin_search``, show the number of
    records found and the columns a clerk tells records apart by (``extra_columns``)."""

    filter_form_class = AdminSearchForm
    results_template_name = "gi_registry/admin/chooser_results.html"
    extra_columns: tuple[str, ...] = ()

    @property
    def columns(self):
        columns = super().columns
        meta = self.model_class._meta
        columns[0].label = capfirst(meta.verbose_name)  # "生产主体", not Wagtail's "Title"
        columns[1:1] = [
            Column(name, label=capfirst(meta.get_field(name).verbose_name), classname="registry-chooser-extra")
            for name in self.extra_columns
        ]
        return columns


class AdminSearchIndexMixin:
    """Listing views whose search box (and CSV/XLSX export of a search) uses ``admin_search``,
    with links to the other search areas beside the results."""

    show_other_searches = True

    def search_queryset(self, queryset):
        if not self.is_searching:
            return queryset
        return admin_search(queryset, self.search_query)


class AdminSearchViewSetMixin:
    """A snippet viewset whose listing and chooser search with ``admin_search``; its chooser shows
    ``chooser_per_page`` records to a page and the columns in ``chooser_columns``. (The listing's
    view class takes ``AdminSearchIndexMixin``.)"""

    search_backend_name = None
    inspect_view_fields_exclude = ["search_text"]  # the search column is machinery, not a fact to read
    chooser_per_page = 25
    chooser_columns: tuple[str, ...] = ()

    @cached_property
    def chooser_viewset(self):
        viewset = super().chooser_viewset
        viewset.extra_columns = tuple(self.chooser_columns)
        return viewset


# -- the sidebar search: one page over the registry's records, and a search area per model ------


@dataclass(frozen=True)
class SearchedModel:
    """A model the sidebar search looks in: its label (plural), icon and order among the areas."""

    model: type[Model]
    icon: str
    order: int

    @property
    def label(self):
        return capfirst(self.model._meta.verbose_name_plural)

    def is_shown(self, user) -> bool:
        from .admin_scoping import VISIBLE_ACTIONS

        return policy_registry.get_by_type(self.model).user_has_any_permission(user, VISIBLE_ACTIONS)

    def url(self, name: str, *args) -> str:
        return reverse(self.model.snippet_viewset.get_url_name(name), args=args)


#: What the sidebar search looks in, filled by ``register_search_area`` (the registry registers
#: its records, traceability its batches).
SEARCHED: list[SearchedModel] = []


class ModelSearchArea(SearchArea):
    """ "Other searches" link to one model's listing, shown to those who may see its records."""

    def __init__(self, searched: SearchedModel):
        self.searched = searched
        super().__init__(
            searched.label,
            searched.url("list"),
            name=f"registry-{searched.model._meta.model_name}",
            icon_name=searched.icon,
            order=searched.order,
        )

    def is_shown(self, request):
        return self.searched.is_shown(request.user)


class RegistrySearchArea(SearchArea):
    """The sidebar's search box, for those who may see any registry record: before the pages'
    search (order 100), so a clerk's query lands on the registry's records first."""

    def __init__(self):
        super().__init__(
            gettext_lazy("Registry records"),
            reverse("registry_search"),
            name="registry",
            icon_name="folder-open-inverse",
            order=50,
        )

    def is_shown(self, request):
        return any(searched.is_shown(request.user) for searched in SEARCHED)


def register_search_area(model: type[Model], icon: str, order: int) -> None:
    """Let the sidebar search find ``model`` (its own area too, in "Other searches")."""
    searched = SearchedModel(model, icon, order)
    SEARCHED.append(searched)
    hooks.register("register_admin_search_area", lambda: ModelSearchArea(searched))


class RegistrySearchView(WagtailAdminTemplateMixin, TemplateView):
    """``/admin/registry/search/?q=``: the first records of each model the user may see that the
    query finds (``admin_search`` over ``records_for``), with their count and a link to them all."""

    template_name = "gi_registry/admin/registry_search.html"
    page_title = gettext_lazy("Search the registry")
    header_icon = "search"
    per_model = 10

    def get(self, request, *args, **kwargs):
        from .admin_scoping import records_for

        if not any(searched.is_shown(request.user) for searched in SEARCHED):
            raise PermissionDenied
        self.form = SearchForm(request.GET or None)
        self.query = self.form.cleaned_data["q"] if self.form.is_valid() else ""
        self.sections = []
        if self.query:
            for searched in sorted(SEARCHED, key=lambda s: s.order):
                if not searched.is_shown(request.user):
                    continue
                found = admin_search(records_for(request.user, searched.model), self.query)
                count = found.count()
                rows = [(record, self.record_url(searched, record)) for record in found[: self.per_model]]
                self.sections.append(
                    {
                        "label": searched.label,
                        "icon": searched.icon,
                        "count": count,
                        "rows": rows,
                        "all_url": f"{searched.url('list')}?{urlencode({'q': self.query})}",
                    }
                )
        return super().get(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def record_url(self, searched: SearchedModel, record) -> str:
        viewset = searched.model.snippet_viewset
        action = "edit" if viewset.permission_policy.user_has_permission(self.request.user, "change") else "inspect"
        return searched.url(action, record.pk)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            search_form=self.form,
            query_string=self.query,
            sections=self.sections,
            total=sum(section["count"] for section in self.sections),
        )
        return context
