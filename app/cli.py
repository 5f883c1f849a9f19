"""The `parcours` command. Problems are printed one per line, never as a traceback."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path
from typing import Any, NoReturn

import click

from pathways.rules import Rules, rule_problems
from pathways.rules import read_raw as read_rules
from referentiel.check import check_raw
from referentiel.load import load_referential, read_raw
from referentiel.scoring import RESULT_ADAPTER
from referentiel.submission import SubmissionError, read_submission

USAGE_ERROR = 2


def fail(problems: list[str], code: int = USAGE_ERROR) -> NoReturn:
    for problem in problems:
        click.echo(f"erreur : {problem}", err=True)
    sys.exit(code)


@click.group()
def main() -> None:
    """parcours-numérique : diagnostic des compétences numériques et parcours."""


@main.group()
def referentiel() -> None:
    """Le référentiel de compétences."""


@referentiel.command("check")
def referentiel_check() -> None:
    """Vérifie le fichier du référentiel ; code 1 et la liste des problèmes s'il en a."""
    try:
        raw = read_raw()
    except Exception as error:  # a YAML syntax error must read as one line too
        fail([f"fichier illisible : {error}"], code=1)
    problems = check_raw(raw)
    if problems:
        fail(problems, code=1)
    ref = load_referential()
    click.echo(
        f"Référentiel {ref.version} valide : {len(ref.domains)} domaines, "
        f"{len(ref.competences)} compétences, {len(ref.items)} items, {len(ref.needs)} besoins."
    )


@main.group("pathways")
def pathways_group() -> None:
    """Les règles des parcours."""


@pathways_group.command("check")
@click.option(
    "--file",
    "path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Un autre fichier de règles que celui du paquet.",
)
def pathways_check(path: Path | None) -> None:
    """Vérifie les règles des parcours contre le référentiel ; code 1 et un problème par ligne."""
    try:
        raw = read_rules(path)
    except Exception as error:  # a YAML syntax error must read as one line too
        fail([f"fichier illisible : {' '.join(str(error).split())}"], code=1)
    problems = rule_problems(load_referential(), raw)
    if problems:
        fail(problems, code=1)
    rules = Rules.model_validate(raw)
    click.echo(
        f"Règles des parcours {rules.version} valides pour le référentiel {rules.referential} : "
        f"{len(rules.prerequisites)} prérequis, {len(rules.triggers)} déclencheurs, "
        f"{len(rules.modalities)} modalités."
    )


@referentiel.command("export")
@click.option("--format", "fmt", type=click.Choice(["json", "csv"]), default="json")
def referentiel_export(fmt: str) -> None:
    """Écrit le référentiel sur la sortie standard (JSON complet, ou CSV des items)."""
    ref = load_referential()
    if fmt == "json":
        click.echo(ref.model_dump_json(indent=2))
        return
    writer = csv.writer(sys.stdout)
    writer.writerow(
        [
            "version",
            "item",
            "competence",
            "domaine",
            "difficulte",
            "texte",
            "falc",
            "pictogramme",
            "crcn",
            "digcomp",
            "clea",
            "coop",
        ]
    )
    for item in ref.items:
        comp = ref.competence(item.competence)
        writer.writerow(
            [
                ref.version,
                item.id,
                comp.code,
                comp.domain,
                item.difficulty,
                item.text,
                item.falc,
                item.pictogram,
                *(" ".join(getattr(comp.mappings, f)) for f in ("crcn", "digcomp", "clea", "coop")),
            ]
        )


@main.command("score")
@click.argument("source", type=click.File("r", encoding="utf-8"), default="-")
@click.option("--explain/--no-explain", default=True, help="Ajoute les explications en français.")
def score_command(source: Any, explain: bool) -> None:
    """Score un diagnostic {"answers": {...}, "evidence": [...]} lu dans SOURCE (ou -)."""
    from referentiel.explain import explain as explain_result

    try:
        raw = json.load(source)
    except json.JSONDecodeError as error:
        fail([f"JSON invalide ligne {error.lineno}, colonne {error.colno} : {error.msg}"])
    try:
        submission = read_submission(raw)
    except SubmissionError as error:
        fail(error.problems)
    result = submission.score()
    output = RESULT_ADAPTER.dump_python(result, mode="json")
    if explain:
        output["explanations"] = explain_result(submission.ref, result).model_dump(mode="json")
    click.echo(json.dumps(output, ensure_ascii=False, indent=2))


from app.commands.accounts import secret, tokens, users  # noqa: E402
from app.commands.service import db, serve  # noqa: E402

main.add_command(serve)
main.add_command(db)
main.add_command(users)
main.add_command(tokens)
main.add_command(secret)

from app.commands.outbox import outbox_group  # noqa: E402
from app.commands.printing import print_group  # noqa: E402
from app.commands.scanning import scan_group  # noqa: E402

main.add_command(print_group, "print")
main.add_command(scan_group, "scan")
main.add_command(outbox_group, "outbox")

from app.commands.offer import offer_group  # noqa: E402

main.add_command(offer_group, "offer")

from app.commands.pathways import demo, model_group  # noqa: E402

main.add_command(model_group, "model")
main.add_command(demo, "demo")

from app.commands.badges import rotate_key_command  # noqa: E402
from app.commands.verifying import badges_group  # noqa: E402

badges_group.add_command(rotate_key_command)
main.add_command(badges_group, "badges")

from app.commands.statistics import stats_group  # noqa: E402

main.add_command(stats_group, "stats")
