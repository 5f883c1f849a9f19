"""`parcours print`: paper Numérimètre forms, their layout, and a person's attestation."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

import click
from rich.progress import Progress

from printables.layout import LayoutError, build_layout
from printables.sheet import PayloadError
from printables.texts import LANGUAGES, Language
from referentiel import load_referential
from referentiel.submission import SubmissionError, read_submission

USAGE_ERROR = 2
PROGRESS_FROM = 40  # pages: below this, printing is quick enough without a progress bar


def _fail(message: str) -> None:
    click.echo(f"erreur : {message}", err=True)
    sys.exit(USAGE_ERROR)


@click.group("print")
def print_group() -> None:
    """Les documents papier : Numérimètre à remplir, attestation."""


@print_group.command("numerimetre")
@click.option(
    "--count",
    "-n",
    type=click.IntRange(1, 10_000),
    default=1,
    show_default=True,
    help="Nombre de feuilles, chacune avec son propre numéro.",
)
@click.option("--lang", type=click.Choice(LANGUAGES), default="fr", show_default=True)
@click.option("--person", help="Référence pseudonyme de la personne, imprimée dans le code QR.")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="Fichier PDF à écrire.",
)
def print_numerimetre(count: int, lang: Language, person: str | None, output: Path) -> None:
    """Imprime COUNT Numérimètres vierges dans un seul PDF."""
    from printables.pdf import render_forms  # WeasyPrint needs Pango: only when printing

    ref = load_referential()
    try:
        if count >= PROGRESS_FROM and sys.stderr.isatty():
            with Progress(transient=True) as progress:
                task = progress.add_task("Mise en page des feuilles", total=count)
                pdf = render_forms(
                    ref,
                    count,
                    lang=lang,
                    person=person,
                    progress=lambda done: progress.update(task, completed=done),
                )
        else:
            pdf = render_forms(ref, count, lang=lang, person=person)
    except (PayloadError, LayoutError) as error:
        _fail(str(error))
    output.write_bytes(pdf)
    click.echo(f"{count} feuille(s) écrite(s) dans {output}")


@print_group.command("layout")
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    required=True,
    help="Écrit la mise en page en JSON (seul format proposé).",
)
@click.option("--lang", type=click.Choice(LANGUAGES), default="fr", show_default=True)
def print_layout(as_json: bool, lang: Language) -> None:
    """La géométrie du Numérimètre en millimètres depuis le coin haut gauche de la page."""
    layout = build_layout(load_referential(), lang)
    fields: list[dict[str, Any]] = [
        {
            "key": field.key,
            "kind": field.kind,
            "boxes": [{"value": b.value, **b.rect.model_dump()} for b in field.boxes],
        }
        for field in layout.fields()
    ]
    document = {
        "revision": layout.revision,
        "version": layout.version,
        "lang": layout.lang,
        "unit": "mm",
        "page": {"width": layout.page_w, "height": layout.page_h},
        "markers": [{"id": m.id, **m.rect.model_dump()} for m in layout.markers],
        "qr": layout.qr.model_dump(),
        "fields": fields,
    }
    click.echo(json.dumps(document, ensure_ascii=False, indent=2))


@print_group.command("attestation")
@click.argument("source", type=click.File("r", encoding="utf-8"))
@click.option("--alias", required=True, help="Le nom d'usage choisi par la personne.")
@click.option(
    "--date",
    "issued",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="Date de l'attestation (AAAA-MM-JJ), aujourd'hui par défaut.",
)
@click.option("--lang", type=click.Choice(LANGUAGES), default="fr", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
def print_attestation(
    source: Any, alias: str, issued: dt.datetime | None, lang: Language, output: Path
) -> None:
    """Attestation d'une page pour le diagnostic lu dans SOURCE (même format que `score`)."""
    from printables.pdf import render_attestation  # WeasyPrint needs Pango: only when printing

    try:
        raw = json.load(source)
    except json.JSONDecodeError as error:
        _fail(f"JSON invalide ligne {error.lineno}, colonne {error.colno} : {error.msg}")
    try:
        submission = read_submission(raw)
    except SubmissionError as error:
        _fail(" ; ".join(error.problems))
    needs = submission.context.get("needs")
    day = issued.date() if issued else dt.date.today()
    pdf = render_attestation(
        submission.ref,
        submission.score(),
        alias,
        day,
        lang=lang,
        needs=needs if isinstance(needs, list) and needs else None,
    )
    output.write_bytes(pdf)
    click.echo(f"attestation écrite dans {output}")
