"""Declared list pages: filters, sort, pagination and CSV/XLSX export written once for every list.

A page is a `ListPage` declared in an app's `lists.py` and mounted with `page.urls("route/")`:

    CALLBACKS = ListPage(
        name="callbacks", title=_("Rappels"), capability="callbacks",
        source=lambda user: Callback.objects.visible_to(user),   # QuerySet or list of dicts
        columns=[Column(_("Motif"), "motif"), Column(_("Échéance"), "due_at")],
        filters=[Filter("status", forms.ChoiceField(...), lookup="status")],
        default_sort="due_at", tie_break=("id",),
        detail=Detail(fields=[...]),
    )

The list view validates the query string with a Django form built from the filters (bad values
are French form errors on a 200 page, the valid filters still apply), sorts on a whitelisted
column (`?sort=key` or `?sort=-key`, unknown values last, then the tie-break columns), pages
with Django's Paginator (a bad page number gives the first or last page) and exports every
filtered, sorted row with `?export=csv|xlsx` through `pfspilot.lists.exports`. Access stays
`@requires(capability)`; the rows are whatever `source(user)` returns, so the declaration's
scoping (`visible_to(user)`) holds for the list, the export and the detail alike.
"""

import datetime as dt
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from django import forms
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.paginator import Paginator
from django.db.models import F, QuerySet
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pfspilot.indicators.formatting import fr_figure, fr_number
from pfspilot.people.access import CAPABILITIES, requires

from .exports import Column, Table, to_csv, to_xlsx

# Query-string names the mechanism owns; a filter may not take them.
RESERVED = frozenset({"sort", "page", "export"})
EXPORT_FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True)
class Filter:
    """One filter: a form field (French label, validation) and how its value narrows the rows.

    `lookup`: for a QuerySet source, the ORM lookup given to `.filter()` (`team__name`,
    `status__in`, `due_at__lte`); for a list of dicts, the row key compared for equality (a
    list value: membership). A callable `lookup(rows, value)` returns the narrowed rows or
    QuerySet. An empty value (`""`, `None`, `[]`) leaves the rows as they are.
    """

    name: str
    field: forms.Field
    lookup: str | Callable = ""


@dataclass(frozen=True)
class Param:
    """A value the source itself takes (`source(user, **{name: value})`), e.g. the period.

    `default` (a value or a callable) stands when the parameter is absent or invalid.
    """

    name: str
    field: forms.Field
    default: object = None


@dataclass(frozen=True)
class Detail:
    """The detail page of one row: `fields` shown as a definition list, found by `lookup`.

    The row is looked up among `source(user)`, so a row the user may not see is a 404.
    `title(row)` gives the page heading (default: the first list column's value).
    """

    fields: Sequence[Column]
    lookup: str = "pk"
    title: Callable | None = None


@dataclass(frozen=True)
class ListPage:
    """A list page and, optionally, its detail page. See the module docstring for an example.

    name: URL name, file stem of the exports and HTML id; title: French heading;
    capability: the `people.access` capability the views require (refused here if unknown);
    source: `callable(user, **params) → QuerySet | list[dict]`, already scoped to the user;
    columns: `exports.Column`s (screen columns are shown and sortable, all are exported);
    default_sort: a column key, `-key` for descending; tie_break: keys sorted ascending after
    the chosen column so that equal values keep one order (a QuerySet also ends on `pk`);
    statuses: column key → row key holding `met`/`at_risk`/`missed` (cell colour);
    link: `callable(row, params) → URL` for the first cell (default: the detail page);
    intro: a French sentence under the title, or `callable(params) → str`;
    file_stem: `callable(params) → str`, the exports' file name (default `pfspilot-<name>`);
    unsortable: column keys a QuerySet cannot order by (a method, a computed label).
    """

    name: str
    title: str
    capability: str
    source: Callable[..., QuerySet | list[dict]]
    columns: Sequence[Column]
    default_sort: str
    tie_break: Sequence[str] = ()
    filters: Sequence[Filter] = ()
    params: Sequence[Param] = ()
    per_page: int = 50
    statuses: dict[str, str] = field(default_factory=dict)
    link: Callable | None = None
    detail: Detail | None = None
    intro: str | Callable = ""
    unsortable: Sequence[str] = ()
    file_stem: Callable | None = None

    def __post_init__(self):
        if not self.capability or self.capability not in CAPABILITIES:
            raise ImproperlyConfigured(
                f"liste « {self.name} » : capacité absente ou inconnue ({self.capability!r}) ; "
                "chaque liste déclare la capacité qui y donne accès"
            )
        names = [f.name for f in (*self.filters, *self.params)]
        clash = RESERVED.intersection(names) | {n for n in names if names.count(n) > 1}
        if clash:
            raise ImproperlyConfigured(f"liste « {self.name} » : filtres en conflit {clash}")
        if self.default_sort.lstrip("-") not in self.sort_keys:
            raise ImproperlyConfigured(
                f"liste « {self.name} » : tri par défaut {self.default_sort!r} hors des colonnes"
            )

    @property
    def screen_columns(self) -> list[Column]:
        return [column for column in self.columns if column.screen]

    @property
    def sort_keys(self) -> list[str]:
        return [c.key for c in self.screen_columns if c.key not in self.unsortable]

    def form_class(self) -> type[forms.Form]:
        """The filters, parameters and sort as one Django form (all optional)."""
        sort_choices = [(k, k) for k in self.sort_keys] + [(f"-{k}", k) for k in self.sort_keys]
        attrs = {item.name: item.field for item in (*self.params, *self.filters)}
        # Hidden: the column headers set it; the results region carries it for the filter form.
        attrs["sort"] = forms.ChoiceField(
            label=gettext_lazy("Tri"),
            choices=sort_choices,
            required=False,
            widget=forms.HiddenInput,
        )
        return type(f"{self.name.title()}Filters", (forms.Form,), attrs)

    def query(self, user, data) -> "Query":
        """Validate `data` (a QueryDict) and read, filter and sort the rows for `user`."""
        data = data.copy() if hasattr(data, "copy") else dict(data)
        for param in self.params:
            if param.default is not None and not data.get(param.name):
                # Shown in its field, so the page says which period (or else) it lists.
                data[param.name] = param.default() if callable(param.default) else param.default
        form = self.form_class()(data)
        form.is_valid()  # fills cleaned_data with the valid fields; errors stay on the form
        values = form.cleaned_data
        params = {}
        for param in self.params:
            value = values.get(param.name)
            if value in (None, ""):
                value = param.default() if callable(param.default) else param.default
            params[param.name] = value
        rows = self.source(user, **params)
        for item in self.filters:
            value = values.get(item.name)
            if value in (None, "", [], ()):
                continue
            rows = _narrow(rows, item, value)
        sort = values.get("sort") or self.default_sort
        rows = self._sorted(rows, sort)
        shown = {key: value for key, value in values.items() if value not in (None, "", [])}
        return Query(form=form, rows=rows, sort=sort, params=params, values=shown)

    def _sorted(self, rows, sort: str):
        key, descending = sort.lstrip("-"), sort.startswith("-")
        if isinstance(rows, QuerySet):
            primary = F(key).desc(nulls_last=True) if descending else F(key).asc(nulls_last=True)
            return rows.order_by(primary, *self.tie_break, "pk")
        rows = sorted(
            rows, key=lambda row: tuple(_sort_key(value_of(row, k)) for k in self.tie_break)
        )
        known = [row for row in rows if value_of(row, key) is not None]
        unknown = [row for row in rows if value_of(row, key) is None]
        # Python's sort is stable, reverse included: equal values keep the tie-break order.
        known.sort(key=lambda row: _sort_key(value_of(row, key)), reverse=descending)
        return known + unknown  # unknown is no value: last, whichever the direction

    def urls(self, route: str) -> list:
        """The list at `route` (name `name`) and the detail at `route<pk>/` (`name_detail`)."""
        patterns = [path(route, self.list_view(), name=self.name)]
        if self.detail is not None:
            patterns.append(
                path(f"{route}<str:pk>/", self.detail_view(), name=f"{self.name}_detail")
            )
        return patterns

    def list_view(self):
        page = self

        @requires(self.capability)
        def view(request):
            query = page.query(request.user, request.GET)
            export = request.GET.get("export")
            if export is not None:
                return page.export(query, export)
            context = page.context(request, query)
            if context["htmx"]:
                return render(request, "lists/_results.html", context)
            return render(request, "lists/page.html", context)

        view.__name__ = view.__qualname__ = f"{self.name}_list"
        view.__doc__ = f"Page de liste déclarée « {self.name} »."
        view.list_page = self
        return view

    def detail_view(self):
        page = self

        @requires(self.capability)
        def view(request, pk):
            row = page.find(request.user, pk, request.GET)
            fields = [
                {"label": column.header, "text": cell_text(row, column)}
                for column in page.detail.fields
            ]
            title = page.detail.title(row) if page.detail.title else cell_text(row, page.columns[0])
            namespace = request.resolver_match.namespace
            back = reverse(f"{namespace}:{page.name}" if namespace else page.name)
            return render(
                request,
                "lists/detail.html",
                {"page": page, "row": row, "fields": fields, "title": title, "back": back},
            )

        view.__name__ = view.__qualname__ = f"{self.name}_detail"
        view.__doc__ = f"Page de détail déclarée « {self.name} »."
        return view

    def find(self, user, pk: str, data=None):
        """The row `pk` among the rows `user` may see (404 otherwise, never another's)."""
        rows = self.query(user, data or {}).rows
        lookup = self.detail.lookup
        if isinstance(rows, QuerySet):
            try:
                return rows.get(**{lookup: pk})
            except (rows.model.DoesNotExist, ValidationError, ValueError, TypeError) as error:
                raise Http404(_("Cette ligne n'existe pas ou ne vous est pas visible.")) from error
        for row in rows:
            if str(value_of(row, lookup)) == str(pk):
                return row
        raise Http404(_("Cette ligne n'existe pas ou ne vous est pas visible."))

    def export(self, query: "Query", fmt: str) -> HttpResponse:
        """Every filtered row in the chosen order (not the page) as CSV or XLSX; 400 if refused."""
        if fmt not in EXPORT_FORMATS:
            return _bad_request(_("Format d'export inconnu : choisissez CSV ou XLSX."))
        if query.form.errors:
            return _bad_request(
                _("Export impossible, filtres invalides : %(errors)s")
                % {"errors": " ; ".join(e["text"] for e in query.errors)}
            )
        table = Table(
            self.name, self.title, list(self.columns), rows=list(_as_dicts(self, query.rows))
        )
        content = to_xlsx(table) if fmt == "xlsx" else to_csv(table)
        response = HttpResponse(content, content_type=EXPORT_FORMATS[fmt])
        stem = self.file_stem(query.params) if self.file_stem else f"pfspilot-{self.name}"
        response["Content-Disposition"] = f'attachment; filename="{stem}.{fmt}"'
        return response

    def context(self, request, query: "Query") -> dict:
        """What the generic template shows: the form, the page of rows, sort links, exports."""
        paginator = Paginator(query.rows, self.per_page)
        page = paginator.get_page(request.GET.get("page"))  # not a number: 1; too far: the last
        detail_name = ""
        if self.detail is not None:
            namespace = request.resolver_match.namespace if request.resolver_match else ""
            detail_name = f"{namespace}:{self.name}_detail" if namespace else f"{self.name}_detail"
        rows = [self._display_row(row, query, detail_name) for row in page.object_list]
        return {
            "page": self,
            "intro": self.intro(query.params) if callable(self.intro) else self.intro,
            "query": query,
            "form": query.form,
            "rows": rows,
            "page_obj": page,
            "paginator": paginator,
            "headers": self._headers(query),
            "columns": self.screen_columns,
            "export_only": len(self.columns) - len(self.screen_columns),
            "base_query": _encode(query.values, sort=query.sort),
            "results_id": f"resultats-{self.name}",
            "form_id": f"filtres-{self.name}",
            # htmx re-renders the results only; the filters' error texts follow out of band.
            "htmx": bool(request.headers.get("HX-Request")),
        }

    def _headers(self, query: "Query") -> list[dict]:
        key, descending = query.sort.lstrip("-"), query.sort.startswith("-")
        headers = []
        for column in self.screen_columns:
            if column.key not in self.sort_keys:
                headers.append({"column": column, "aria_sort": "", "href": "", "next": ""})
                continue
            current = column.key == key
            # A click on the sorted column flips it; on another one sorts it ascending.
            target = f"-{column.key}" if current and not descending else column.key
            headers.append(
                {
                    "column": column,
                    "aria_sort": ("descending" if descending else "ascending") if current else "",
                    "href": "?" + _encode(query.values, sort=target, page=None),
                    "next": _("décroissant") if target.startswith("-") else _("croissant"),
                }
            )
        return headers

    def _display_row(self, row, query: "Query", detail_name: str) -> dict:
        cells = []
        for index, column in enumerate(self.screen_columns):
            classes = [] if column.kind == "text" else ["num"]
            status = (
                value_of(row, self.statuses.get(column.key, ""))
                if column.key in self.statuses
                else None
            )
            if status:
                classes.append(f"status-{status}")
            href = ""
            if index == 0:
                if self.link is not None:
                    href = self.link(row, query.params) or ""
                elif detail_name:
                    href = reverse(detail_name, args=[value_of(row, self.detail.lookup)])
            cells.append({"text": cell_text(row, column), "class": " ".join(classes), "href": href})
        return {"cells": cells}


@dataclass
class Query:
    """A validated request of a list: the bound form, the rows in order, what was applied."""

    form: forms.Form
    rows: QuerySet | list
    sort: str
    params: dict
    values: dict  # the valid, non-empty values (kept in the page, sort and export links)

    @property
    def errors(self) -> list[dict]:
        """Each invalid field as {field id, label, French text}, for the error summary."""
        out = []
        for name, messages in self.form.errors.items():
            label = self.form.fields[name].label if name in self.form.fields else ""
            for message in messages:
                out.append(
                    {"id": f"id_{name}", "text": f"{label} : {message}" if label else message}
                )
        return out


def value_of(row, key: str, display: bool = False):
    """`row[key]` for a dict; an attribute path (`team__name`) for an object, methods called.

    `display`: a model field with choices gives its French label (`get_<field>_display`).
    """
    if not key:
        return None
    if isinstance(row, dict):
        return row.get(key)
    value = row
    for part in key.split("__"):
        owner = value
        value = getattr(owner, part, None)
        if value is None:
            return None
        if display and hasattr(owner, f"get_{part}_display"):
            value = getattr(owner, f"get_{part}_display")()
        elif callable(value):
            value = value()
    return value


def cell_text(row, column: Column) -> str:
    """A value as the page shows it, by the column's kind (French numbers, « — » if unknown)."""
    value = value_of(row, column.key, display=True)
    if column.figure:
        return fr_figure(value, column.figure)
    if column.kind == "float":
        return fr_number(value, column.decimals)
    if isinstance(value, dt.datetime):
        return _local(value).strftime("%d/%m/%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return "—" if value in (None, "") else str(value)


def _sort_key(value):
    """Text compares without case or accents (« Équipe » beside « equipe »); unknown last."""
    if value is None:
        return (1, "")
    if isinstance(value, str):
        decomposed = unicodedata.normalize("NFKD", value.casefold())
        value = "".join(c for c in decomposed if not unicodedata.combining(c))
    return (0, value)


def _narrow(rows, item: Filter, value):
    if callable(item.lookup):
        return item.lookup(rows, value)
    lookup = item.lookup or item.name
    if isinstance(rows, QuerySet):
        return rows.filter(**{lookup: value})
    if isinstance(value, list | tuple | set):
        wanted = {str(v) for v in value}
        return [row for row in rows if str(value_of(row, lookup)) in wanted]
    return [row for row in rows if value_of(row, lookup) == value]


def _as_dicts(page: ListPage, rows: Iterable):
    """Rows as the dicts `exports.Table` takes (QuerySets streamed, not loaded at once)."""
    if isinstance(rows, QuerySet):
        rows = rows.iterator()
    for row in rows:
        values = {c.key: value_of(row, c.key, display=True) for c in page.columns}
        yield {key: _local(value) for key, value in values.items()}


def _local(value):
    """An instant as Paris wall-clock time: what the user reads (XLSX holds no time zone)."""
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return timezone.localtime(value).replace(tzinfo=None)
    return value


def _encode(values: dict, **changes) -> str:
    """The valid query values with `changes` applied (None removes one), URL-encoded."""
    result = QueryDict(mutable=True)
    for key, value in {**values, **changes}.items():
        if value in (None, "", []):
            continue
        if isinstance(value, list | tuple):
            result.setlist(key, [_query_value(v) for v in value])
        else:
            result[key] = _query_value(value)
    return result.urlencode()


def _query_value(value) -> str:
    if hasattr(value, "pk"):
        return str(value.pk)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _bad_request(message: str) -> HttpResponse:
    return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
