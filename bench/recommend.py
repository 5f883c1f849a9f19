"""Recommending at scale: simulated people against the national offer, on SQLite and PostgreSQL.

Run with `make bench`, or `python bench/recommend.py --databases sqlite` for a quick look.

People: 100,000 simulated residents (`pathways.simulator`, fixed seed) living in real
communes of metropolitan France drawn by population, each with their answers to the short form,
their needs, wished goals and equipment. The offer: the one `bench/sessions.py` writes (10,000
places, 100,000 sessions over real communes, kept between runs the same day).

Prints:
- scoring alone: the 100,000 people's answers scored, per second;
- the recommender without the session search (the plan and its completion with what a search
  would bring, here nothing), per second, and its time as a ratio of scoring's, measured in the
  same run on the same people. Goal: <= 3x;
- per database, one recommendation as the result page makes it (the plan, the searches near the
  person, the completion) for a sample of the people: recommendations per second and the p50
  and p99 of one. Goal: p99 <= 20 ms on both.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import random
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sessions import _metropolitan, database, percentile, seed  # noqa: E402
from sqlalchemy.ext.asyncio import AsyncSession  # noqa: E402

from app.commands.service import settle  # noqa: E402
from app.config import Settings  # noqa: E402
from app.db.engine import make_engine  # noqa: E402
from app.db.migrate import upgrade  # noqa: E402
from app.features.pathways.service import recommend  # noqa: E402
from pathways.models import Context  # noqa: E402
from pathways.recommend import Recommender  # noqa: E402
from pathways.rules import load_rules  # noqa: E402
from pathways.simulator import Simulator  # noqa: E402
from referentiel import load_referential  # noqa: E402
from referentiel.answers import Answer  # noqa: E402
from referentiel.scoring import scorer_for  # noqa: E402

PEOPLE = 100_000
SAMPLE = 1_000  # recommendations with the search, per database
SEED = 20261206
GOAL_RATIO = 3.0
GOAL_P99_MS = 20.0


def people(count: int, seed: int = SEED) -> list[tuple[dict[str, Answer], Context]]:
    towns = _metropolitan()
    rng = random.Random(SEED)
    chosen = rng.choices(towns, [t.population for t in towns], k=1_000)
    simulator = Simulator(load_referential(), communes=[t.insee for t in chosen])
    return [(dict(p.answers), p.context) for p in simulator.people(count, seed)]


def best_of(repeats: int, run: Callable[[], object]) -> float:
    """The shortest processor time of ``repeats`` runs: other work on the machine adds wall
    time, not processor time, to a computation that waits for nothing."""
    best = float("inf")
    for _ in range(repeats):
        started = time.process_time()
        run()
        best = min(best, time.process_time() - started)
    return best


def in_memory(crowd: list[tuple[dict[str, Answer], Context]]) -> None:
    """Scoring, then recommending, the same people; the recommender first meets as many
    other people (another seed), as a running service has, and then the measured ones once:
    proposals it shares between people alike are found or made as they would be."""
    ref = load_referential()
    scorer = scorer_for(ref)
    before = people(len(crowd), SEED + 1)
    results = [scorer.score(answers) for answers, _ in crowd]  # fills the scorer's tables
    # The people are the bench's input, not the service's state: out of garbage collection,
    # whose full passes would otherwise walk all of them and be counted against whichever
    # side allocates more (a service holds one person at a time).
    gc.freeze()

    def score() -> None:
        for answers, _ in crowd:
            scorer.score(answers)

    def recommend_once() -> None:
        engine = Recommender(ref, load_rules())
        for answers, context in before:
            engine.complete(engine.plan(scorer.score(answers), context), {})
        started = time.process_time()
        for result, (_, context) in zip(results, crowd, strict=True):
            engine.complete(engine.plan(result, context), {})
        times.append(time.process_time() - started)

    times: list[float] = []
    scorings = []
    for _ in range(3):  # interleaved, so that both see the machine in the same state
        scorings.append(best_of(1, score))
        recommend_once()
    scoring, recommending = min(scorings), min(times)
    count = len(crowd)
    ratio = recommending / scoring
    print(f"people                       : {count:,}")
    each = scoring / count * 1e6
    print(f"scoring                      : {count / scoring:,.0f}/s ({each:.1f} µs each)")
    print(
        f"recommender without search   : {count / recommending:,.0f}/s "
        f"({recommending / count * 1e6:.1f} µs each)"
    )
    print(
        f"ratio recommender / scoring  : {ratio:.2f} "
        f"(goal <= {GOAL_RATIO:.0f}: {'met' if ratio <= GOAL_RATIO else 'NOT met'})",
        flush=True,
    )


async def with_search(
    kind: str, settings: Settings, crowd: list[tuple[dict[str, Answer], Context]]
) -> None:
    engine = make_engine(settings)
    ref = load_referential()
    scorer = scorer_for(ref)
    try:
        day = datetime.now(UTC).date().isoformat()
        print(f"== {kind}: offer {await seed(engine, day)}", flush=True)
        sample = random.Random(SEED).sample(crowd, SAMPLE)
        settle()  # as `parcours serve` does before it serves
        times: list[float] = []
        sessions = 0
        async with AsyncSession(engine) as db:
            for answers, context in sample[:20]:  # warm the caches and the connection
                await recommend(db, ref, scorer.score(answers), context)
            started = time.perf_counter()
            for answers, context in sample:
                one = time.perf_counter()
                found = await recommend(db, ref, scorer.score(answers), context)
                times.append(time.perf_counter() - one)
                sessions += len(found.sessions)
            elapsed = time.perf_counter() - started
        p50, p99 = percentile(times, 0.5), percentile(times, 0.99)
        print(
            f"   {SAMPLE} recommendations with the search: {SAMPLE / elapsed:,.0f}/s, "
            f"p50 {p50 * 1000:.2f} ms, p99 {p99 * 1000:.2f} ms "
            f"(goal <= {GOAL_P99_MS:.0f} ms: {'met' if p99 * 1000 <= GOAL_P99_MS else 'NOT met'}); "
            f"{sessions / SAMPLE:.1f} sessions proposed per person",
            flush=True,
        )
    finally:
        await engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--people", type=int, default=PEOPLE)
    args = parser.parse_args()
    crowd = people(args.people)
    in_memory(crowd)
    for kind in args.databases.split(","):
        try:
            with database(kind) as url:
                settings = Settings(database_url=url, secret_key="banc")
                upgrade(settings)
                asyncio.run(with_search(kind, settings, crowd))
        except RuntimeError as error:
            print(f"== {kind}: not measured: {error}")


if __name__ == "__main__":
    main()
