"""The secret key kept in var/ when none is configured: one key, whoever starts first."""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path
from typing import Any

import pytest

from app.config import Settings


def _secret_after(barrier: Any, workdir: Path, results: Any) -> None:
    os.chdir(workdir)
    barrier.wait()
    results.put(Settings(secret_key="").secret())


def test_workers_starting_together_share_one_secret(tmp_path: Path) -> None:
    context = multiprocessing.get_context("fork")
    for attempt in range(5):
        workdir = tmp_path / str(attempt)
        workdir.mkdir()
        barrier, results = context.Barrier(6), context.Queue()
        processes = [
            context.Process(target=_secret_after, args=(barrier, workdir, results))
            for _ in range(6)
        ]
        for process in processes:
            process.start()
        secrets = {results.get(timeout=30) for _ in processes}
        for process in processes:
            process.join(timeout=30)
        assert len(secrets) == 1 and len(secrets.pop()) >= 32
        assert [p.name for p in (workdir / "var").iterdir()] == ["secret_key"]
        assert (workdir / "var" / "secret_key").stat().st_mode & 0o077 == 0


def test_a_configured_secret_is_used_and_nothing_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert Settings(secret_key="from-the-environment").secret() == "from-the-environment"
    assert not (tmp_path / "var").exists()


@pytest.mark.parametrize(
    ("public_url", "in_clear"),
    [
        ("https://parcours.cher.fr", False),
        ("HTTPS://parcours.cher.fr/", False),
        ("http://127.0.0.1:8000", False),
        ("http://127.8.0.1", False),
        ("http://localhost:8000", False),
        ("http://parcours.localhost", False),
        ("http://[::1]:8000", False),
        ("http://parcours.cher.fr", True),
        ("http://192.168.1.20:8000", True),
        ("http://localhost.cher.fr", True),
        ("parcours.cher.fr", True),
    ],
)
def test_a_public_address_in_clear_is_told_apart_from_this_machine(
    public_url: str, in_clear: bool
) -> None:
    """Badges are refused (and `parcours serve` warns) only for an address other machines
    would reach without https; the demo and the tests run on loopback."""
    settings = Settings(secret_key="x", public_url=public_url)
    assert settings.public_url_in_clear is in_clear
