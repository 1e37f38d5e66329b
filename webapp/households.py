"""Households blueprint: list with filters, detail with a map, and file import."""

from __future__ import annotations

import tempfile
from pathlib import Path

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for

from matching.domain import Household, ProviderType
from sufficiency.errors import FieldError, InputDataError
from webapp import get_data
from webapp.access import signed_in_user
from webapp.forms import household_filters
from webapp.maps import MapMarker, district_outlines, placement_map

bp = Blueprint("households", __name__, url_prefix="/households")
NAVIGATION = ("Households", "households.index")
#: Files the import page accepts, and the tables they can fill.
IMPORT_TABLES = ("households", "children")
IMPORT_SUFFIXES = (".csv", ".xlsx")
PAGE_SIZE = 50  # households per page of the list


@bp.app_template_filter("household_label")
def household_label(household: Household) -> str:
    """The household as people read it: "H1 – The Hill household", or just the name when it
    already says the id (the demo's names do)."""
    if not household.name:
        return household.household_id
    if household.household_id in household.name:
        return household.name
    return f"{household.household_id} – {household.name}"


def page_of(items: list, page_arg: str | None, size: int | None = None) -> tuple[list, dict]:
    """One page of ``items`` (a page out of range shows the nearest) and where it is."""
    size = size or PAGE_SIZE
    pages = max(1, -(-len(items) // size))
    page = min(max(int(page_arg), 1), pages) if (page_arg or "").isdigit() else 1
    first = (page - 1) * size
    shown = items[first : first + size]
    return shown, {"page": page, "pages": pages, "first": first + 1, "last": first + len(shown)}


def filtered_households(args) -> tuple[list[Household], dict, list[FieldError]]:
    """Households matching the query-string filters (all of them when a filter is invalid)."""
    filters, errors = household_filters(args)
    data = get_data()
    households = data.households(active_on=data.as_of, **({} if errors else filters))
    return households, filters, errors


def household_map(households: list[Household], title: str):
    """Households on the council's district outlines, numbered as in the list."""
    data = get_data()
    markers = []
    for number, household in enumerate(households, start=1):
        point = data.locate(household.postcode)
        if point is not None:
            kind = "vacancy" if household.vacancies > 0 and not household.on_hold else "full"
            note = f"{household.vacancies} of {household.approved_places} places free"
            markers.append(
                MapMarker(
                    str(number), f"{household.household_id} {household.name}", point, kind, note
                )
            )
    outlines = ()
    if current_app.config["MAP_DISTRICT_OUTLINES"] and data.council_la_code:
        outlines = district_outlines(data.council_la_code)
    return placement_map(
        title,
        markers,
        outlines=outlines,
        description=f"Map of {len(markers)} households on the council's postcode districts. "
        "Green circles have a vacancy; grey circles are full or on hold.",
    )


@bp.get("/")
def index():
    """The household list, filtered by vacancy, provider, approved age and postcode district."""
    households, filters, errors = filtered_households(request.args)
    show_map = request.args.get("view") == "map"
    chart = household_map(households, "Households on the map") if show_map else None
    shown, paging = page_of(households, request.args.get("page"))
    return render_template(
        "households/index.html",
        title="Households",
        households=households,
        shown=shown,
        paging=paging,
        args=request.args,
        errors=errors,
        chart=chart,
        list_args={k: v for k, v in request.args.items() if k not in ("view", "page")},
        map_args={**request.args.to_dict(), "view": "map"},
        page_args={k: v for k, v in request.args.items() if k != "page"},
        providers=[(p.value, p.value.capitalize()) for p in ProviderType],
    ), (400 if errors else 200)


@bp.get("/<household_id>")
def show(household_id: str):
    """One household: approval, skills, children placed, decisions, and where it is."""
    data = get_data()
    household = data.household(household_id)
    chart = household_map([household], f"Where household {household.household_id} is")
    return render_template(
        "households/show.html",
        title=f"Household {household.household_id}",
        household=household,
        chart=chart,
        children=data.store.list_children(household_id=household_id),
        decisions=data.store.list_decisions(household_id=household_id),
    )


@bp.route("/import", methods=["GET", "POST"])
def upload():
    """Import a households or children file: checked in full first, nothing written on error."""
    if request.method == "GET":
        return render_template(
            "households/import.html",
            title="Import households or children",
            tables=IMPORT_TABLES,
            form={},
        )
    try:
        summary = run_import(request.form, request.files.get("file"))
    except InputDataError as error:
        return render_template(
            "households/import.html",
            title="Import households or children",
            tables=IMPORT_TABLES,
            form=request.form,
            errors=error.errors,
        ), 400
    verb = "checked (nothing saved)" if summary.dry_run else "imported"
    flash(
        f"{summary.file_name} {verb}: {summary.rows_read} rows read, {summary.inserted} new, "
        f"{summary.updated} updated, {summary.unchanged} unchanged."
    )
    return redirect(url_for("households.upload" if summary.dry_run else "households.index"))


def _imported_by(form) -> str:
    """The signed-in user's name; the form's ``imported_by`` only without sign-in."""
    user = signed_in_user()
    return user.name if user is not None else form.get("imported_by", "").strip() or "web import"


def run_import(form, upload_file):
    """Check the upload form, then ``store_imports.import_file``; raises InputDataError."""
    from webapp.store_imports import import_file

    errors = []
    table = form.get("table", "")
    if table not in IMPORT_TABLES:
        errors.append(FieldError("import form", None, "table", "Select what the file contains"))
    name = Path(upload_file.filename or "").name if upload_file else ""
    if not name:
        errors.append(FieldError("import form", None, "file", "Select a file to import"))
    elif Path(name).suffix.lower() not in IMPORT_SUFFIXES:
        errors.append(
            FieldError(
                "import form",
                None,
                "file",
                "The file must be a CSV or Excel (.xlsx) file",
                actual=name,
            )
        )
    if errors:
        raise InputDataError(errors)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        upload_file.save(path)
        return import_file(
            get_data().store,
            table,
            path,
            dry_run=bool(form.get("dry_run")),
            imported_by=_imported_by(form),
        )
