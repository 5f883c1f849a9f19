"""Work whose cost a stranger chooses, run in a separate process with a time limit.

Verifying a badge someone uploads canonicalises a JSON-LD graph they wrote, and a crafted one
can take minutes. A thread cannot be stopped, so the work runs in a child process, one job at
a time; a job over its limit has the child killed (a new one starts at the next job) and its
caller gets ``OverTimeError``. The child is a fresh `python -m app.bounded` that imports only
what the jobs need (not the whole service, as multiprocessing's children would), and it is
ready before the first clock starts, so that imports never count against a job.
"""

from __future__ import annotations

import asyncio
import pickle
import select
import struct
import subprocess
import sys
import threading
from collections.abc import Callable
from typing import IO, Any, Final, TypeVar

import anyio

T = TypeVar("T")
_READY: Final = b"ready\n"
_START_SECONDS: Final = 60.0
_LENGTH: Final = struct.Struct(">Q")


class OverTimeError(Exception):
    """The job did not finish within its limit; it was stopped."""


def _send(stream: IO[bytes], value: object) -> None:
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_LENGTH.pack(len(data)) + data)
    stream.flush()


def _receive(stream: IO[bytes]) -> Any:
    header = stream.read(_LENGTH.size)
    if len(header) < _LENGTH.size:
        raise EOFError("the other side closed the pipe")
    (size,) = _LENGTH.unpack(header)
    data = stream.read(size)
    if len(data) < size:
        raise EOFError("the other side closed the pipe")
    return pickle.loads(data)  # our own process at the other end


def _serve(preload: list[str]) -> None:
    """The child: run each job received on standard input, answer on standard output."""
    for module in preload:
        __import__(module)
    inbox, outbox = sys.stdin.buffer, sys.stdout.buffer
    outbox.write(_READY)
    outbox.flush()
    while True:
        try:
            job, args = _receive(inbox)
        except EOFError:
            return
        try:
            answer: tuple[bool, Any] = (True, job(*args))
        except Exception as error:  # the caller decides what a failed job means
            answer = (False, f"{type(error).__name__}: {error}")
        _send(outbox, answer)


class BoundedWorker:
    """One child process running jobs in turn, each within ``seconds``."""

    def __init__(self, seconds: float, preload: tuple[str, ...] = ()) -> None:
        self.seconds = seconds
        self._preload = preload
        self._lock = threading.Lock()
        # Jobs wait their turn here, not in a thread each: a queue of them never holds the
        # threads that the rest of the service runs blocking work in.
        self._turn = asyncio.Lock()
        self._process: subprocess.Popen[bytes] | None = None

    async def run(self, job: Callable[..., T], *args: Any) -> T:
        """``job(*args)`` in the child (both picklable, the job importable by name):
        ``OverTimeError`` past the limit, ``RuntimeError`` when the job raised."""
        async with self._turn:
            return await anyio.to_thread.run_sync(self._run, job, args)

    def _run(self, job: Callable[..., T], args: tuple[Any, ...]) -> T:
        with self._lock:
            process = self._started()
            assert process.stdin is not None and process.stdout is not None
            try:
                _send(process.stdin, (job, args))
                if not _readable(process.stdout, self.seconds):
                    self._stop()
                    raise OverTimeError(f"stopped after {self.seconds:g} s")
                done, value = _receive(process.stdout)
            except (EOFError, OSError, pickle.PickleError) as error:  # the child died
                self._stop()
                raise RuntimeError("the worker process stopped") from error
        if not done:
            raise RuntimeError(value)
        result: T = value
        return result

    def _started(self) -> subprocess.Popen[bytes]:
        if self._process is not None and self._process.poll() is None:
            return self._process
        self._stop()
        process = subprocess.Popen(
            [sys.executable, "-m", "app.bounded", *self._preload],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        assert process.stdout is not None
        if not _readable(process.stdout, _START_SECONDS) or process.stdout.readline() != _READY:
            process.kill()
            process.wait()
            raise OverTimeError("the worker process did not start")
        self._process = process
        return process

    def _stop(self) -> None:
        if self._process is not None:
            self._process.kill()
            self._process.wait()
            for stream in (self._process.stdin, self._process.stdout):
                if stream is not None:
                    stream.close()
        self._process = None

    def close(self) -> None:
        """Stop the child (at shutdown)."""
        with self._lock:
            self._stop()


def _readable(stream: IO[bytes], seconds: float) -> bool:
    ready, _, _ = select.select([stream], [], [], seconds)
    return bool(ready)


if __name__ == "__main__":
    _serve(sys.argv[1:])
