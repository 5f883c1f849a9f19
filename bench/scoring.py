"""Scoring throughput, and its cost relative to parsing the same payloads with json.loads.

Run with `make bench`. Prints diagnostics per second and the ratio scoring / parsing measured
in the same process on the same 100,000 random answer sets (goal: ratio <= 2).
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable

from referentiel import load_referential
from referentiel.scoring import scorer_for

COUNT = 100_000
SEED = 20261122


def payloads(count: int) -> list[str]:
    """Random diagnostics: a random share of the complete form, some « ? », as JSON text."""
    ref = load_referential()
    ids = [i.id for i in ref.items]
    rng = random.Random(SEED)
    out = []
    for _ in range(count):
        chosen = rng.sample(ids, rng.randint(1, len(ids)))
        answers = {i: "?" if rng.random() < 0.05 else rng.randint(0, 4) for i in chosen}
        out.append(json.dumps({"answers": answers}))
    return out


def best_of(repeats: int, run: Callable[[], object]) -> float:
    timings = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        timings.append(time.perf_counter() - start)
    return min(timings)


def main() -> None:
    texts = payloads(COUNT)
    parsed = [json.loads(t)["answers"] for t in texts]
    scorer = scorer_for(load_referential())

    def parse() -> None:
        for text in texts:
            json.loads(text)

    def score() -> None:
        for answers in parsed:
            scorer.score(answers)

    score()  # the first pass fills the per-tube tables, as a running service would
    parse_time = best_of(3, parse)
    score_time = best_of(3, score)
    print(f"answer sets            : {COUNT}")
    print(f"json.loads             : {COUNT / parse_time:,.0f} payloads/s")
    print(f"scoring                : {COUNT / score_time:,.0f} diagnostics/s")
    print(f"ratio scoring / parsing: {score_time / parse_time:.2f} (goal <= 2)")


if __name__ == "__main__":
    main()
