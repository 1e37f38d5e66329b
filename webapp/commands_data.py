"""The ``import`` and ``export`` commands (part of ``webapp.commands``, split to keep it small)."""

from __future__ import annotations

from pathlib import Path

import click

from sufficiency.errors import InputDataError
from webapp.commands import (
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
        from webapp.store_imports import import_file

        store = _open(database)
        try:
            summary = import_file(
                store,
                table,
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


for _table in ("households", "children", "referrals", "decisions"):
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
    """Import SSDA903 header/episodes/uasc CSV files or folders (replacing those years)."""
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


@click.command("export")
@click.argument(
    "table", type=click.Choice(["households", "children", "referrals", "decisions", "import-log"])
)
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to write.",
)
@click.option(
    "--format",
    "file_format",
    type=click.Choice(["csv", "xlsx"]),
    help="Default: from the file name.",
)
@click.option("--by", help="Who is exporting (for the audit trail; default: your user name).")
@database_option
@json_option
def export_command(
    table: str,
    output: Path,
    file_format: str | None,
    by: str | None,
    database: str | None,
    as_json: bool,
) -> None:
    """Export a table to .csv or .xlsx in the format the import reads."""
    from webapp.store_exports import export_table

    suffix = output.suffix.lower().lstrip(".")
    if file_format and not suffix:
        output, suffix = output.with_suffix(f".{file_format}"), file_format
    if suffix not in ("csv", "xlsx") or (file_format and suffix != file_format):
        expected = f".{file_format}" if file_format else ".csv or .xlsx"
        raise click.BadParameter(f'"{output.name}" must end in {expected}', param_hint="-o")
    store = _open(database)
    rows = export_table(store, table, output, progress=_progress)
    from webapp import audit

    entry = audit.entry(_officer(by), "", "export", "table", table, f"{rows} rows to {output.name}",
                        "cli")  # fmt: skip
    audit.record(store, entry)
    _echo(
        as_json,
        {"table": table, "file": str(output), "rows": rows},
        f"wrote {rows} {table} rows to {output}",
    )
