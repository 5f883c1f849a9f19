"""`parcours scan`: read filled-in Numérimètre scans and photos from the command line."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from printables.reader import PageReading, iter_file

ALL_READ = 0
SOME_NOT_READ = 1


@click.group("scan")
def scan_group() -> None:
    """Lecture des Numérimètres papier scannés ou photographiés."""


@scan_group.command("read")
@click.argument(
    "files",
    nargs=-1,
    required=True,
    type=click.Path(exists=True, dir_okay=False, readable=True, path_type=Path),
)
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Un objet JSON par page et par ligne, au lieu du résumé.",
)
@click.option(
    "--crops",
    type=click.Path(file_okay=False, path_type=Path),
    help="Dossier où enregistrer l'image de chaque réponse à vérifier.",
)
def scan_read(files: tuple[Path, ...], as_json: bool, crops: Path | None) -> None:
    """Lit FILES (JPEG, PNG, HEIC, TIFF, WebP ou PDF de plusieurs pages).

    Code de sortie : 0 si toutes les pages sont lues, 1 si une page est à vérifier ou en
    erreur, 2 pour une erreur d'utilisation.
    """
    everything_read = True
    for path in files:
        for page in iter_file(path, str(path)):
            everything_read &= page.status == "ok"
            if crops is not None and page.crops:
                _save_crops(crops, path, page)
            if as_json:
                click.echo(page.model_dump_json())
            else:
                click.echo(_summary(page))
    sys.exit(ALL_READ if everything_read else SOME_NOT_READ)


def _summary(page: PageReading) -> str:
    if page.page is None:  # the whole file refused: the message names it
        return f"ERREUR : {page.error}"
    where = f"{page.file}, page {page.page}"
    if page.status == "error":
        return f"{where} : ERREUR : {page.error}"
    answered = sum(a.value is not None for a in page.answers.values())
    sheet = f"feuille {page.sheet_id}, référentiel {page.form_version}"
    line = f"{where} : {sheet} : {answered}/{len(page.answers)} réponses"
    if page.status == "review":
        return f"{line} ; À VÉRIFIER : {page.error}"
    return f"{line} ; lue"


def _save_crops(folder: Path, source: Path, page: PageReading) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for key, png in page.crops.items():
        name = f"{source.stem}-p{page.page or 0}-{key}.png"
        (folder / name).write_bytes(png)
