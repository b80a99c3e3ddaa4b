"""``ustd portal-map show``: the portal map a run will use, after the staff's corrections.

Staff correct a renamed id, label or option text in a file of their own; this command shows
what the flows will look for with it, which attribute each correction changed (marked ``*``),
and which files were read, so a typo or a file in the wrong folder is seen before a run.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Optional

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

if TYPE_CHECKING:
    from flows._specs import FieldSpec, PageSpec, PortalMap

app = typer.Typer(
    help="The portal map: the ids, labels and option texts the flows look for, with the staff's corrections.",
    no_args_is_help=True,
    add_completion=False,
)

MARK = "*"
"""Suffix of a value a portal map override changed."""


def _console() -> Console:
    """Made per command, so the width follows the terminal (or COLUMNS) of this run."""
    return Console(highlight=False)


def _cell(text: str, changed: bool) -> Text:
    """A table cell; an overridden value gets the marker (data is never read as rich markup)."""
    cell = Text(text)
    if changed:
        cell.append(MARK, style="bold yellow")
    return cell


def _notes(spec: FieldSpec) -> tuple[str, bool]:
    parts = []
    if spec.value_format != "text":
        parts.append(spec.value_format)
    if spec.optional:
        parts.append("optional")
    if spec.loads:
        parts.append(f"loads /{spec.loads}/")
    return ", ".join(parts), bool(spec.overridden & {"value_format", "optional", "loads"})


def _page_table(page: PageSpec) -> Table:
    table = Table(title=Text(page.name, style="bold"), title_justify="left", show_lines=False)
    for column in ("key", "id", "names", "labels", "kind", "profile", "options", "notes"):
        table.add_column(column, overflow="fold")
    for spec in page.fields:
        changed = spec.overridden
        notes, notes_changed = _notes(spec)
        table.add_row(
            Text(spec.key),
            _cell(spec.id or "", "id" in changed),
            _cell(", ".join(spec.names), "names" in changed),
            _cell(" | ".join(spec.labels), "labels" in changed),
            _cell(spec.kind, "kind" in changed),
            _cell(spec.profile, "profile" in changed),
            _cell(str(len(spec.options)) if spec.options else "", "options" in changed),
            _cell(notes, notes_changed),
        )
    return table


def _page_header(page: PageSpec) -> Text:
    paths = ", ".join(f"/{p}" if p else "/ (home)" for p in page.paths) or "(none: another host)"
    text = Text()
    for name, value in (("paths", paths), ("titles", " | ".join(page.titles)), ("landmarks", ", ".join(page.landmarks))):
        text.append(f"  {name}: ", style="dim")
        text.append((value or "(none)") + "\n")
    return text


def _sources(console: Console, portal_map: PortalMap, config: Path) -> None:
    console.print("Files read (later ones win):", style="bold")
    for index, source in enumerate(portal_map.sources, start=1):
        role = "shipped" if index == 1 else "config folder" if Path(source) == config else "--portal-map"
        console.print(Text(f"  {index}. {source} ({role})"))
    if str(config) not in portal_map.sources:
        console.print(Text(f"  (no {config}: corrections put there apply to every run)"), style="dim")


@app.command()
def show(
    portal_map_file: Optional[Path] = typer.Option(
        None, "--portal-map", metavar="FILE", help="A correction file read last, as a run's --portal-map."
    ),
    page: Optional[str] = typer.Option(None, "--page", metavar="NAME", help="Only this page (e.g. visa_options)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON (deterministic order) instead of tables."),
) -> None:
    """Print the effective portal map: shipped, then the config folder's portal-map.yaml, then --portal-map."""
    from flows._portal_map import config_file, load_interstitials, load_portal_map, portal_map_as_dict

    portal_map = load_portal_map(portal_map_file)  # PortalMapInvalid: file, line, fix; exit 2
    interstitials = load_interstitials(portal_map_file)
    names: Sequence[str] = list(portal_map.pages)
    if page is not None:
        if page not in portal_map.pages:
            raise typer.BadParameter(f"no page {page!r}; pages: {', '.join(names)}", param_hint="--page")
        names = [page]
    if as_json:
        data = portal_map_as_dict(portal_map, interstitials if page is None else None, pages=names)
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    console = _console()
    _sources(console, portal_map, config_file())
    for name in names:
        spec = portal_map.pages[name]
        console.print()
        console.print(_page_table(spec) if spec.fields else Text(f"{name}  (no fields)", style="bold"))
        console.print(_page_header(spec), end="")
    if page is None:
        console.print()
        table = Table(title=Text("interstitials (page text, both locales)", style="bold"), title_justify="left")
        table.add_column("page")
        table.add_column("patterns", overflow="fold")
        for kind, patterns in interstitials.items():
            table.add_row(Text(kind), Text(" | ".join(patterns)))
        console.print(table)
    console.print()
    console.print(Text(f"{MARK} changed by a portal map override"), style="dim")
