"""Consistency rules for the referential file, reported all at once in plain words.

Whoever edits the YAML (adds an item, a competence or a need) runs `parcours referentiel check`
and gets every problem in one pass, each on one line that names the faulty entry.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any

from pydantic import ValidationError

from referentiel.adaptive import first_item
from referentiel.models import Referential
from referentiel.pictograms import known_pictograms
from referentiel.plain_language import point_median, resident_texts, unexplained_jargon
from referentiel.rules import Tube, tube_confidence

MIN_DIFFICULTIES_PER_COMPETENCE = 2


def check_raw(raw: Any) -> list[str]:
    """Every problem of a raw (parsed but unvalidated) referential; empty when it is sound."""
    try:
        ref = Referential.model_validate(raw)
    except ValidationError as error:
        return [_describe(e) for e in error.errors()]
    return list(check(ref))


def _describe(error: Any) -> str:
    where = ".".join(str(p) for p in error["loc"]) or "(racine)"
    return f"{where} : {error['msg']}"


def check(ref: Referential) -> Iterator[str]:
    yield from _duplicates("domaine", (d.code for d in ref.domains))
    yield from _duplicates("compétence", (c.code for c in ref.competences))
    yield from _duplicates("item", (i.id for i in ref.items))
    yield from _duplicates("besoin", (n.code for n in ref.needs))
    yield from _duplicates("question de contexte", (q.id for q in ref.context_questions))
    yield from _scale(ref)
    yield from _competences(ref)
    yield from _items(ref)
    yield from _orders(ref)
    yield from _forms(ref)
    yield from _inferences(ref)
    yield from _needs(ref)
    yield from _pictograms(ref)
    yield from _autonomy(ref)
    yield from _plain_language(ref)


def _duplicates(kind: str, codes: Iterable[str]) -> Iterator[str]:
    for code, count in sorted(Counter(codes).items()):
        if count > 1:
            yield f"{kind} {code} : identifiant présent {count} fois"


def _scale(ref: Referential) -> Iterator[str]:
    values = [v.value for v in ref.scale.values]
    if values != [0, 1, 2, 3, 4]:
        yield f"échelle : les valeurs doivent être 0, 1, 2, 3, 4 dans l'ordre (lu : {values})"


def _competences(ref: Referential) -> Iterator[str]:
    fw = ref.frameworks
    known = {
        "crcn": {c.code for c in fw.crcn_competences},
        "digcomp": {c.code for c in fw.digcomp_competences},
        "clea": {d.code for d in fw.clea_domains},
        "coop": {t.code for t in fw.coop_thematiques},
    }
    domains = {d.code for d in ref.domains}
    for comp in ref.competences:
        if comp.domain not in domains:
            yield f"compétence {comp.code} : domaine inconnu {comp.domain}"
        for framework, codes in known.items():
            mapped: tuple[str, ...] = getattr(comp.mappings, framework)
            if not mapped:
                yield f"compétence {comp.code} : aucune correspondance {framework}"
            for code in mapped:
                if code not in codes:
                    yield f"compétence {comp.code} : code {framework} inconnu {code}"
        difficulties = {i.difficulty for i in ref.items if i.competence == comp.code}
        if len(difficulties) < MIN_DIFFICULTIES_PER_COMPETENCE:
            yield (
                f"compétence {comp.code} : items à {len(difficulties)} niveau(x) de difficulté, "
                f"il en faut au moins {MIN_DIFFICULTIES_PER_COMPETENCE}"
            )
    for domain in ref.domains:
        if not any(c.domain == domain.code for c in ref.competences):
            yield f"domaine {domain.code} : aucune compétence"
    for framework, parents, children in (
        ("crcn", fw.crcn_domains, fw.crcn_competences),
        ("digcomp", fw.digcomp_areas, fw.digcomp_competences),
    ):
        parent_codes = {p.code for p in parents}
        for child in children:
            if child.domain not in parent_codes:
                yield f"{framework} {child.code} : domaine inconnu {child.domain}"


def _items(ref: Referential) -> Iterator[str]:
    competences = {c.code for c in ref.competences}
    for item in ref.items:
        if item.competence not in competences:
            yield f"item {item.id} : compétence inconnue {item.competence}"
        elif not item.id.startswith(f"{item.competence}."):
            yield f"item {item.id} : l'identifiant doit commencer par {item.competence}."
        for field in ("text", "falc", "pictogram"):
            if not getattr(item, field).strip():
                yield f"item {item.id} : champ {field} vide"


def _orders(ref: Referential) -> Iterator[str]:
    competences = [c.code for c in ref.competences]
    if sorted(ref.prerequisite_order) != sorted(competences):
        yield "ordre des prérequis : doit citer chaque compétence une fois et une seule"
    for code in ref.core_competences:
        if code not in competences:
            yield f"compétences socles : compétence inconnue {code}"


def _forms(ref: Referential) -> Iterator[str]:
    items = {i.id for i in ref.items}
    questions = {q.id for q in ref.context_questions}
    for name in ("complet", "papier"):
        form = getattr(ref.forms, name)
        for item_id in form.items or ():
            if item_id not in items:
                yield f"formulaire {name} : item inconnu {item_id}"
        for question in form.context:
            if question not in questions:
                yield f"formulaire {name} : question de contexte inconnue {question}"
    rapide = ref.forms.rapide
    if rapide.max_questions is not None and rapide.max_questions < len(ref.competences):
        yield (
            f"formulaire rapide : max_questions {rapide.max_questions} ne laisse pas une "
            f"question à chacune des {len(ref.competences)} compétences"
        )


def _inferences(ref: Referential) -> Iterator[str]:
    yield from _duplicates("déduction", (r.id for r in ref.inferences))
    rank = {code: n for n, code in enumerate(ref.prerequisite_order)}
    items = {i.id: i for i in ref.items}
    one_answer = tube_confidence(Tube("", (1,)), (0,))
    for rule in ref.inferences:
        where = f"déduction {rule.id}"
        if not rule.items or not rule.competences:
            yield f"{where} : il faut au moins un item et une compétence"
        latest = -1
        for item_id in rule.items:
            item = items.get(item_id)
            if item is None:
                yield f"{where} : item inconnu {item_id}"
            elif first_item(ref, item.competence).id != item_id:
                yield f"{where} : {item_id} n'est pas la première question de {item.competence}"
            else:
                latest = max(latest, rank.get(item.competence, -1))
        for code in rule.competences:
            if code not in rank:
                yield f"{where} : compétence inconnue {code}"
            elif rank[code] <= latest:
                yield f"{where} : {code} doit venir après les items dans l'ordre des prérequis"
            if code in ref.core_competences:
                yield f"{where} : {code} est une compétence socle, le profil a besoin de sa réponse"
        if rule.confidence >= one_answer:
            yield (
                f"{where} : confiance {rule.confidence} pas plus faible qu'une réponse "
                f"({one_answer})"
            )


def _pictograms(ref: Referential) -> Iterator[str]:
    drawn = known_pictograms()
    for where, name in [(f"item {i.id}", i.pictogram) for i in ref.items] + [
        (f"besoin {n.code}", n.pictogram) for n in ref.needs
    ]:
        if name.strip() and name not in drawn:
            yield f"{where} : pictogramme {name!r} non dessiné (referentiel/pictograms.py)"


def _needs(ref: Referential) -> Iterator[str]:
    competences = {c.code for c in ref.competences}
    themes = {t.code for t in ref.frameworks.coop_thematiques}
    for need in ref.needs:
        if not need.requires:
            yield f"besoin {need.code} : aucune compétence requise"
        for code, level in need.requires.items():
            if code not in competences:
                yield f"besoin {need.code} : compétence inconnue {code}"
            if not 1 <= level <= 4:
                yield f"besoin {need.code} : niveau requis {level} hors de 1..4 pour {code}"
        for theme in need.coop:
            if theme not in themes:
                yield f"besoin {need.code} : thématique Coop inconnue {theme}"


def _autonomy(ref: Referential) -> Iterator[str]:
    codes = [a.code for a in ref.autonomy_levels]
    if codes != ["A0", "A1", "A2", "A3", "A4"]:
        yield f"niveaux d'autonomie : A0 à A4 attendus dans l'ordre (lu : {codes})"
    profiles = sorted(p.code for p in ref.profiles)
    if profiles != sorted(["eloigne", "debutant", "autonome", "avance"]):
        yield f"profils : eloigne, debutant, autonome, avance attendus (lu : {profiles})"


def _plain_language(ref: Referential) -> Iterator[str]:
    """The French texts read easily: no point médian anywhere, no unexplained jargon in what a
    resident reads."""
    for where, text in _strings(ref.model_dump()):
        for problem in point_median(text):
            yield f"{where} : {problem}"
    for where, text in resident_texts(ref):
        for problem in unexplained_jargon(text, "fr"):
            yield f"{where} : {problem}"


def _strings(node: Any, where: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(node, str):
        yield where or "(racine)", node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _strings(value, f"{where}.{key}" if where else str(key))
    elif isinstance(node, list | tuple):
        for index, value in enumerate(node):
            yield from _strings(value, f"{where}.{index}")
