"""Work whose cost a stranger chooses, run in a separate process with a time limit.

Verifying a badge someone uploads canonicalises a JSON-LD graph they wrote, and a crafted one
can take minutes. A thread cannot be stopped, so the work runs in a child process of this
one, one job at a time; a job over its limit has the child killed (a new one starts at the
next job) and its caller gets ``OverTimeError``. The child is started once and imports what
the jobs need before the first clock starts, so that imports never count against a job.
"""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any, Final, TypeVar

import anyio

T = TypeVar("T")
_READY: Final = "ready"
_START_SECONDS: Final = 60.0


class OverTimeError(Exception):
    """The job did not finish within its limit; it was stopped."""


def _serve(connection: Connection, preload: tuple[str, ...]) -> None:
    for module in preload:
        __import__(module)
    connection.send(_READY)
    while True:
        try:
            job, args = connection.recv()
        except EOFError:
            return
        try:
            connection.send((True, job(*args)))
        except Exception as error:  # the caller decides what a failed job means
            connection.send((False, f"{type(error).__name__}: {error}"))


class BoundedWorker:
    """One child process running jobs in turn, each within ``seconds``."""

    def __init__(self, seconds: float, preload: tuple[str, ...] = ()) -> None:
        self.seconds = seconds
        self._preload = preload
        self._lock = threading.Lock()
        self._process: BaseProcess | None = None
        self._connection: Connection | None = None

    async def run(self, job: Callable[..., T], *args: Any) -> T:
        """``job(*args)`` in the child (both picklable); ``OverTimeError`` past the limit,
        ``RuntimeError`` when the job raised."""
        return await anyio.to_thread.run_sync(self._run, job, args)

    def _run(self, job: Callable[..., T], args: tuple[Any, ...]) -> T:
        with self._lock:
            connection = self._started()
            connection.send((job, args))
            try:
                if not connection.poll(self.seconds):
                    self._stop()
                    raise OverTimeError(f"stopped after {self.seconds:g} s")
                done, value = connection.recv()
            except (EOFError, OSError) as error:  # the child died (out of memory, killed)
                self._stop()
                raise RuntimeError("the worker process stopped") from error
        if not done:
            raise RuntimeError(value)
        result: T = value
        return result

    def _started(self) -> Connection:
        if self._process is not None and self._process.is_alive() and self._connection:
            return self._connection
        self._stop()
        context = multiprocessing.get_context("spawn")
        ours, theirs = context.Pipe()
        process = context.Process(target=_serve, args=(theirs, self._preload), daemon=True)
        process.start()
        theirs.close()
        if not ours.poll(_START_SECONDS) or ours.recv() != _READY:
            process.kill()
            raise OverTimeError("the worker process did not start")
        self._process, self._connection = process, ours
        return ours

    def _stop(self) -> None:
        if self._process is not None:
            self._process.kill()
            self._process.join()
        if self._connection is not None:
            self._connection.close()
        self._process = self._connection = None

    def close(self) -> None:
        """Stop the child (at shutdown)."""
        with self._lock:
            self._stop()
