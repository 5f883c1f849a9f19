"""Server memory while scans are uploaded: at rest, with one ~190 MB PDF, with three at once.

Run with `make bench` (or `python bench/upload_memory.py --size-mb 50` for a quick look). The
service is started as a user starts it (`parcours serve`, one process, a fresh SQLite database
in a temporary folder); a mediator and a bearer token are made with `parcours users create`
and `parcours tokens create`. A PDF of about 190 MB (pages of photographed noise: the reader
finds no form on them, quickly) is posted to POST /api/v1/scans, then three copies at once.
The server's resident memory (RSS, read from /proc every 10 ms) is printed at rest, then its
peak in each phase: until the upload is answered, and until its pages are read.

`--code DIR` runs the service from another source tree (say, an earlier commit extracted
with `git archive`), with this Python, to compare. Issue « uploads »: 277 MB at rest, 821 MB
with one 190 MB upload, 1.2 GB with three. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import io
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import httpx
import numpy as np
import pypdfium2 as pdfium
from http_load import serve  # beside this file
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]

MB = 1_000_000
EMAIL = "bench-scans@example.org"


def noisy_pdf(path: Path, size_mb: float, pages: int = 20) -> None:
    """A PDF of about `size_mb`: each page a JPEG of noise (which no compression shrinks)."""
    side = int((size_mb * MB / pages / 1.17) ** 0.5)  # about 1.17 bytes a pixel at this quality
    rng = np.random.default_rng(1)
    document = pdfium.PdfDocument.new()
    for _ in range(pages):
        picture = io.BytesIO()
        Image.fromarray(rng.integers(0, 256, (side, side, 3), np.uint8)).save(
            picture, "JPEG", quality=95
        )
        picture.seek(0)
        image = pdfium.PdfImage.new(document)
        image.load_jpeg(picture, inline=True)
        image.set_matrix(pdfium.PdfMatrix().scale(595, 842))
        page = document.new_page(595, 842)
        page.insert_obj(image)
        page.gen_content()
    with path.open("wb") as file:
        document.save(file)


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024 / MB
    return 0.0


@contextmanager
def peak_rss(pid: int) -> Iterator[Callable[[], float]]:
    """The highest RSS seen while the block runs (sampled every 10 ms)."""
    peak = [rss_mb(pid)]
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            peak[0] = max(peak[0], rss_mb(pid))
            time.sleep(0.01)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        yield lambda: peak[0]
    finally:
        stop.set()
        sampler.join()


# The `parcours` command, run with this Python from the source tree in PYTHONPATH.
PARCOURS = [sys.executable, "-c", "from app.cli import main; main()"]


def upload(url: str, token: str, pdf: Path) -> str:
    with pdf.open("rb") as file:
        response = httpx.post(
            f"{url}/api/v1/scans",
            headers={"Authorization": f"Bearer {token}"},
            files=[("files", (pdf.name, file, "application/pdf"))],
            timeout=600,
        )
    response.raise_for_status()
    return str(response.json()["batches"][0]["id"])


def wait_read(url: str, token: str, batch_id: str) -> None:
    deadline = time.monotonic() + 1800
    while time.monotonic() < deadline:
        state = httpx.get(
            f"{url}/api/v1/scans/{batch_id}", headers={"Authorization": f"Bearer {token}"}
        ).json()
        if state["status"] == "done":
            return
        time.sleep(0.5)
    raise RuntimeError(f"batch {batch_id} not read within 30 minutes")


def phase(name: str, url: str, token: str, pid: int, pdf: Path, *, copies: int) -> None:
    """Send `copies` uploads at once; print the server's peak memory meanwhile."""
    with ThreadPoolExecutor(copies) as pool:
        started = time.monotonic()
        with peak_rss(pid) as uploading:
            batches = list(pool.map(lambda _: upload(url, token, pdf), range(copies)))
        sent = time.monotonic() - started
        with peak_rss(pid) as reading:
            list(pool.map(lambda b: wait_read(url, token, b), batches))
    print(
        f"{name:<28} peak while uploading {uploading():6.0f} MB ({sent:4.1f} s), "
        f"while reading {reading():6.0f} MB; after {rss_mb(pid):6.0f} MB",
        flush=True,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mb", type=float, default=190, help="size of the PDF (190)")
    parser.add_argument(
        "--code", type=Path, default=ROOT, help="source tree of the service (this one)"
    )
    args = parser.parse_args()
    env = {"PYTHONPATH": str(args.code.resolve())}
    with tempfile.TemporaryDirectory(prefix="parcours-bench-") as tmp:
        workdir = Path(tmp)
        pdf = workdir / "copieur.pdf"
        noisy_pdf(pdf, args.size_mb)
        print(f"PDF of {pdf.stat().st_size / MB:.0f} MB; service from {args.code}", flush=True)
        command = [*PARCOURS, "serve", "--host", "127.0.0.1", "--port", "{port}"]
        with serve(command, "/sante", workdir, env) as served:

            def cli(*arguments: str, stdin: bytes = b"") -> str:
                done = subprocess.run(
                    [*PARCOURS, *arguments],
                    cwd=workdir,
                    env={**os.environ, **env},
                    input=stdin,
                    capture_output=True,
                    check=True,
                )
                return done.stdout.decode().strip()

            role = ("--role", "mediator", "--structure", "Banc d'essai")
            cli("users", "create", EMAIL, *role, stdin=b"bench password 1234")
            token = cli("tokens", "create", EMAIL)
            pid = served.process.pid
            time.sleep(1)
            print(f"{'at rest':<28} {rss_mb(pid):6.0f} MB", flush=True)
            phase("one upload", served.url, token, pid, pdf, copies=1)
            phase("three uploads at once", served.url, token, pid, pdf, copies=3)
    return 0


if __name__ == "__main__":
    sys.exit(main())
