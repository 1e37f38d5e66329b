"""The ``import`` and ``export`` commands (part of ``webapp.commands``, split to keep it small)."""

from __future__ import annotations

from pathlib import Path

import click

from sufficiency.errors import InputDataError
from webapp.commands_common import (
    _echo,
    _fail_input,
    _officer,
    _open,
    _progress,
    database_option,
    json_option,
)

# -- import and export -------------------------------------------------------------------


@click.group("import")
def import_group() -> None:
    """Import a file: checked in full first; a file with any problem changes nothing."""


def _importer(table: str):  # type: ignore[no-untyped-def]
    """``import_file`` for the record tables, ``import_schools`` for a school list."""
    from webapp.store_imports import import_file
    from webapp.store_schools import import_schools

    if table == "schools":
        return import_schools
    return lambda store, path, **options: import_file(store, table, path, **options)


def _import_command(table: str) -> click.Command:
    @click.command(table, help=f"Import {table} from a .csv or .xlsx file (upsert by id).")
    @click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
    @click.option(
        "--dry-run", is_flag=True, help="Check the file and report counts; write nothing."
    )
    @click.option("--by", help="Who is importing (default: your user name).")
    @database_option
    @json_option
    def command(
        file: Path, dry_run: bool, by: str | None, database: str | None, as_json: bool
    ) -> None:
        store = _open(database)
        try:
            summary = _importer(table)(
                store,
                file,
                dry_run=dry_run,
                imported_by=_officer(by),
                progress=_progress,
                audit_channel="cli",
            )
        except InputDataError as error:
            _fail_input(error, as_json)
        verb = "would import" if dry_run else "imported"
        _echo(
            as_json,
            summary.as_dict(),
            f"{file.name}: {verb} {summary.rows_read} {table} "
            f"({summary.inserted} new, {summary.updated} updated, {summary.unchanged} unchanged)",
        )

    return command


for _table in ("households", "children", "referrals", "decisions", "schools"):
    import_group.add_command(_import_command(_table))


@import_group.command("ssda903")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--year", type=int, help="Collection year, when it is not in the file or folder names."
)
@click.option("--dry-run", is_flag=True, help="Check the files and report counts; write nothing.")
@click.option("--by", help="Who is importing (default: your user name).")
@database_option
@json_option
def import_ssda903_command(
    paths: tuple[Path, ...],
    year: int | None,
    dry_run: bool,
    by: str | None,
    database: str | None,
    as_json: bool,
) -> None:
    """Import SSDA903 header/episodes/uasc files (.csv or .xlsx) or folders (replacing those
    years)."""
    from webapp.store_ssda903 import import_ssda903

    store = _open(database)
    try:
        summaries = import_ssda903(
            store, paths, year=year, dry_run=dry_run, imported_by=_officer(by), progress=_progress
        )
    except InputDataError as error:
        _fail_input(error, as_json)
    lines = [f"{s.file_name}: {s.table}, {s.rows_read} rows" for s in summaries]
    _echo(as_json, [s.as_dict() for s in summaries], "\n".join(lines))


EXPORTABLE = ("households", "children", "referrals", "decisions", "schools", "import-log")


@click.command("export")
@click.argument("table", type=click.Choice([*EXPORTABLE, "ssda903"]))
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(path_type=Path),
    help="File to write (for ssda903: the folder to write <year>/<table> files in).",
)
@click.option(
    "--format",
    "file_format",
    type=click.Choice(["csv", "xlsx"]),
    help="Default: from the file name (ssda903: csv).",
)
@click.option(
    "--year",
    "years",
    type=int,
    multiple=True,
    help="ssda903 only: this collection year (repeat for several; default: every year stored).",
)
@click.option("--by", help="Who is exporting (for the audit trail; default: your user name).")
@database_option
@json_option
def export_command(
    table: str,
    output: Path,
    file_format: str | None,
    years: tuple[int, ...],
    by: str | None,
    database: str | None,
    as_json: bool,
) -> None:
    """Export a table to .csv or .xlsx in the format the import reads."""
    if table == "ssda903":
        _export_ssda903(output, file_format or "csv", years, by, database, as_json)
        return
    if years:
        raise click.BadParameter("only the ssda903 export takes --year", param_hint="--year")
    from webapp.store_exports import export_table

    suffix = output.suffix.lower().lstrip(".")
    if file_format and not suffix:
        output, suffix = output.with_suffix(f".{file_format}"), file_format
    expected = f".{file_format}" if file_format else ".csv or .xlsx"
    if output.is_dir():
        raise click.BadParameter(f'"{output.name}" is a folder; give a file name', param_hint="-o")
    if suffix not in ("csv", "xlsx") or (file_format and suffix != file_format):
        raise click.BadParameter(f'"{output.name}" must end in {expected}', param_hint="-o")
    store = _open(database)
    rows = export_table(store, table, output, progress=_progress)
    _audit_export(store, by, table, f"{rows} rows to {output.name}")
    _echo(
        as_json,
        {"table": table, "file": str(output), "rows": rows},
        f"wrote {rows} {table} rows to {output}",
    )


def _export_ssda903(
    folder: Path,
    file_format: str,
    years: tuple[int, ...],
    by: str | None,
    database: str | None,
    as_json: bool,
) -> None:
    """``export ssda903 -o FOLDER``: each year's header, episodes and uasc in the DfE layout."""
    from webapp.store_ssda903_export import export_ssda903

    if folder.exists() and not folder.is_dir():
        raise click.BadParameter(f'"{folder.name}" is a file; give a folder', param_hint="-o")
    store = _open(database)
    try:
        files = export_ssda903(
            store, folder, years=years or None, file_format=file_format, progress=_progress
        )
    except InputDataError as error:
        _fail_input(error, as_json)
    written = sorted({f.collection_year for f in files})
    _audit_export(store, by, "ssda903", f"{len(files)} files ({file_format}) for "
                  f"{', '.join(map(str, written))} to {folder.name}")  # fmt: skip
    lines = [f"wrote {f.path} ({f.rows} rows)" for f in files]
    _echo(as_json, [f.as_dict() for f in files], "\n".join(lines))


def _audit_export(store, by: str | None, table: str, detail: str) -> None:  # type: ignore[no-untyped-def]
    from webapp import audit

    audit.record(store, audit.entry(_officer(by), "", "export", "table", table, detail, "cli"))
