"""Plain-French explanations of a result, built only when someone asks to read them.

Each sentence says which answers and which rule produced a level, so that a mediator can
check a result with the person. Sentences are French message ids: pass a ``gettext`` to get
another language (the app's catalogs translate them), and the referential in that same
language (:func:`referentiel.i18n.localized`), whose item labels and scale sentences they quote.
"""

from __future__ import annotations

from collections.abc import Callable

from pydantic import BaseModel, ConfigDict

from referentiel.answers import UNKNOWN
from referentiel.models import Referential
from referentiel.rules import ALONE, tube_values
from referentiel.scoring import CompetenceScore, DiagnosticResult, scorer_for

Translate = Callable[[str], str]


def _identity(message: str) -> str:
    return message


class Explanation(BaseModel):
    model_config = ConfigDict(frozen=True)

    version: str
    competences: dict[str, list[str]]
    domains: dict[str, str]
    profile: str
    autonomy: dict[str, str]


def explain(
    ref: Referential,
    result: DiagnosticResult,
    _: Translate = _identity,
    *,
    decimal_mark: str = ",",
) -> Explanation:
    """`result` in words. `ref` is the result's referential in the reader's language: every
    quoted label comes from it; `_` translates the sentences around them and `decimal_mark`
    writes a deduced value such as 2,5 (French) or 2.5 (English)."""
    if ref.version != result.version:
        raise ValueError(
            f"résultat du référentiel {result.version}, référentiel fourni {ref.version}"
        )
    return Explanation(
        version=_("Référentiel version {version}.").format(version=result.version),
        competences={
            c.code: _competence(ref, result, c, _, decimal_mark) for c in result.competences
        },
        domains={d.code: _domain(ref, result, d.code, _) for d in result.domains},
        profile=_profile(ref, result, _),
        autonomy={a.need: _need(ref, result, a.need, _) for a in result.autonomy},
    )


def _competence(
    ref: Referential,
    result: DiagnosticResult,
    score: CompetenceScore,
    _: Translate,
    decimal_mark: str,
) -> list[str]:
    tube = ref.tube(score.code)
    values = [result.answers.get(i.id) for i in tube]
    answered = [v if isinstance(v, int) else None for v in values]
    lines = []
    for item, value in zip(tube, values, strict=True):
        if value == UNKNOWN:
            lines.append(
                _("« {item} » : vous avez répondu « ? ». Cette réponse ne compte pas.").format(
                    item=item.falc
                )
            )
        elif value is not None:
            lines.append(
                _("« {item} » : vous avez répondu {value} ({label}).").format(
                    item=item.falc, value=value, label=ref.scale.values[value].label
                )
            )
    if score.inferred is not None:
        return [*lines, *_inferred_lines(ref, score.inferred, _)]
    if score.level is None and not score.evidence:
        lines.append(_("Pas assez de réponses pour donner un niveau."))
        return lines
    estimates = tube_values(scorer_for(ref).tubes[_index(ref, score.code)], answered)
    for item, estimate, own in zip(tube, estimates, answered, strict=False):
        if own is None:
            lines.append(
                _("« {item} » : pas demandé. D'après vos autres réponses : {value}.").format(
                    item=item.falc, value=_number(float(estimate), decimal_mark)
                )
            )
    if estimates:
        lines.append(
            _(
                "Votre niveau est la moyenne de ces réponses. "
                "Les choses les plus difficiles comptent un peu plus."
            )
        )
    lines.extend(_evidence_lines(score, _))
    lines.append(_("Votre niveau : {level} sur 4.").format(level=score.level))
    return lines


def _inferred_lines(ref: Referential, rule_id: str, _: Translate) -> list[str]:
    rule = next(r for r in ref.inferences if r.id == rule_id)
    items = ", ".join(_("« {item} »").format(item=ref.item(i).falc) for i in rule.items)
    return [
        _("Pas demandé : vous avez répondu 0 ou 1 à {items}.").format(items=items),
        _("Sans doute pas encore acquis : à vérifier avec un médiateur."),
        _("Votre niveau : 0 sur 4. C'est une estimation, moins sûre qu'une réponse."),
    ]


def _evidence_lines(score: CompetenceScore, _: Translate) -> list[str]:
    lines = []
    for item in score.evidence:
        if item.kind == "observed_task":
            text = (
                _("Vous l'avez fait devant un médiateur : niveau {level} au moins.").format(
                    level=ALONE
                )
                if item.passed
                else _("Devant un médiateur, ce n'était pas encore possible : niveau 1 au plus.")
            )
        else:
            text = _("Votre résultat Pix compte aussi : niveau {pix}.").format(pix=item.pix_level)
        lines.append(text + (f" ({item.source})" if item.source else ""))
    if score.evidence:
        lines.append(_("Ce que vous avez montré compte plus que vos réponses."))
    return lines


def _domain(ref: Referential, result: DiagnosticResult, code: str, _: Translate) -> str:
    members = [c for c in result.competences if ref.competence(c.code).domain == code]
    parts = ", ".join(f"{c.code} = {c.level if c.level is not None else '?'}" for c in members)
    return _("Moyenne des compétences du domaine ({parts}), arrondie au plus proche.").format(
        parts=parts
    )


def _profile(ref: Referential, result: DiagnosticResult, _: Translate) -> str:
    levels = {c.code: c.level for c in result.competences}
    core = ", ".join(f"{c} = {levels.get(c, '?')}" for c in ref.core_competences)
    rules = {
        None: _("Profil à compléter : il faut une réponse pour chaque compétence de base."),
        "eloigne": _(
            "Utiliser un appareil (E1) ou se connecter (E2) se fait seulement avec aide, "
            "ou au moins 4 compétences sont à 0."
        ),
        "debutant": _("Au moins une compétence de base ne se fait pas encore sans aide."),
        "autonome": _("Toutes les compétences de base se font sans aide."),
        "avance": _(
            "Toutes les compétences de base sont au moins à 3 et au moins 3 compétences à 4."
        ),
    }
    return _("{rule} Compétences de base : {core}.").format(rule=rules[result.profile], core=core)


def _need(ref: Referential, result: DiagnosticResult, code: str, _: Translate) -> str:
    need = next(n for n in ref.needs if n.code == code)
    levels = {c.code: c.level for c in result.competences}
    parts = ", ".join(
        _("{code} : {level} (il faut {minimum})").format(
            code=comp,
            level=levels.get(comp) if levels.get(comp) is not None else "?",
            minimum=minimum,
        )
        for comp, minimum in need.requires.items()
    )
    rules = {
        "A4": _("Tout est à 4 : vous pouvez aider les autres."),
        "A3": _(
            "Chaque compétence nécessaire atteint le niveau demandé : vous le faites sans aide."
        ),
        "A2": _("Chaque compétence nécessaire est au moins à 1 : vous le faites avec quelqu'un."),
        "A1": _("Vous savez où trouver de l'aide près de chez vous."),
        "A0": _("Pour l'instant, quelqu'un le fait pour vous."),
    }
    return f"{rules[result.need(code)]} {parts}."


def _index(ref: Referential, code: str) -> int:
    return next(i for i, c in enumerate(ref.competences) if c.code == code)


def _number(value: float, decimal_mark: str) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".").replace(".", decimal_mark)
