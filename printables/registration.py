"""Finding the sheet in a scan or a photo: corner markers, then a homography.

Each corner has an ArUco marker with its own id, so the four corners are told apart whatever
the rotation (upside down included). Their 16 corner points give a RANSAC homography from page
millimetres to image pixels: a full perspective model, so phone photos taken at an angle work,
where the affine fits of AMC, SDAPS and FormScanner only work on flatbed scans. Three markers
(12 points) still define it, so a sheet with one corner torn off or folded is still read, and
sent to review.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Final

import cv2
import numpy as np

from printables.codes import aruco_dictionary
from printables.layout import MARKER_IDS, PAGE_H, PAGE_W, Rect, marker_rects

DETECT_SIDE: Final = 1200  # markers are first looked for on an image about this large
CANONICAL: Final = 6.0  # px per mm of the rectified page (about 150 dpi)
_MAX_SOURCE: Final = 1.6  # above this many times the canonical resolution, shrink first
_MAX_RESIDUAL_MM: Final = 1.2
_NAMES: Final = ("en haut à gauche", "en haut à droite", "en bas à droite", "en bas à gauche")


class RegistrationError(ValueError):
    """The page cannot be placed: not our form, or too few of its corner markers are visible."""


@dataclass(frozen=True, slots=True)
class Registration:
    """Where the sheet is in an image: `homography` maps page mm to image px."""

    image: np.ndarray
    homography: np.ndarray
    found: tuple[int, ...]
    missing: tuple[str, ...]
    residual_mm: float

    def warp(self, rect: Rect, px_per_mm: float) -> np.ndarray:
        """The part `rect` of the page, rectified at `px_per_mm`; outside the image is white."""
        to_page = np.array(
            [[1 / px_per_mm, 0, rect.x], [0, 1 / px_per_mm, rect.y], [0, 0, 1]], np.float64
        )
        size = (round(rect.w * px_per_mm), round(rect.h * px_per_mm))
        return cv2.warpPerspective(
            self.image,
            self.homography @ to_page,
            size,
            flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
            borderMode=cv2.BORDER_CONSTANT,
            borderValue=255,
        )

    def page(self) -> np.ndarray:
        return self.warp(Rect(x=0, y=0, w=PAGE_W, h=PAGE_H), CANONICAL)


@cache
def _detector(quick: bool) -> cv2.aruco.ArucoDetector:
    """The quick detector tries one threshold window, enough for most scans and photos; the
    thorough one (OpenCV's defaults) is the second chance for blurry or dim images."""
    params = cv2.aruco.DetectorParameters()
    params.cornerRefinementMethod = cv2.aruco.CORNER_REFINE_SUBPIX
    if quick:
        params.adaptiveThreshWinSizeMin = params.adaptiveThreshWinSizeMax = 7
    return cv2.aruco.ArucoDetector(aruco_dictionary(), params)


def _page_points() -> dict[int, np.ndarray]:
    """Each marker's four corners in page mm, in ArUco's order (clockwise from top-left)."""
    out = {}
    for marker in marker_rects():
        r = marker.rect
        out[marker.id] = np.array(
            [[r.x, r.y], [r.right, r.y], [r.right, r.bottom], [r.x, r.bottom]], np.float64
        )
    return out


def _detect(grey: np.ndarray) -> dict[int, np.ndarray]:
    """Our markers' corners in `grey` px. Looked for on a copy shrunk by a whole factor (fast
    area averaging) to about DETECT_SIDE px, then, if fewer than four are found, more
    thoroughly and at full size."""
    factor = max(1, round(max(grey.shape) / DETECT_SIDE))
    small = (
        grey
        if factor == 1
        else cv2.resize(grey, None, fx=1 / factor, fy=1 / factor, interpolation=cv2.INTER_AREA)
    )
    attempts = [(small, factor, True), (small, factor, False)]
    if factor > 1:
        attempts.append((grey, 1, False))
    found: dict[int, np.ndarray] = {}
    for image, scale, quick in attempts:
        seen = _markers(image, scale, quick)
        if len(seen) > len(found):
            found = seen
        if len(found) == len(MARKER_IDS):
            break
    return found


def _markers(image: np.ndarray, scale: int, quick: bool) -> dict[int, np.ndarray]:
    corners, ids, _ = _detector(quick).detectMarkers(image)
    found: dict[int, np.ndarray] = {}
    if ids is None:
        return found
    for quad, raw_id in zip(corners, ids.ravel().tolist(), strict=True):
        marker_id = int(raw_id)
        if marker_id not in MARKER_IDS:
            continue
        points = (quad.reshape(4, 2).astype(np.float64) + 0.5) * scale - 0.5
        # The same id twice (a marker printed elsewhere on the page?): keep the larger.
        if marker_id not in found or _area(points) > _area(found[marker_id]):
            found[marker_id] = points
    return found


def _area(points: np.ndarray) -> float:
    return float(cv2.contourArea(points.astype(np.float32)))


def register(grey: np.ndarray) -> Registration:
    found = _detect(grey)
    names = [n for marker, n in zip(marker_rects(), _NAMES, strict=True) if marker.id not in found]
    if not found:
        raise RegistrationError(
            "aucun des quatre carrés noirs des coins n'a été trouvé : ce n'est pas un "
            "Numérimètre, ou l'image est trop floue, trop sombre ou trop petite"
        )
    if len(found) < 3:
        raise RegistrationError(
            f"seulement {len(found)} carré(s) noir(s) de coin sur 4 (il en faut au moins 3) ; "
            f"manquant : {', '.join(names)}. Coin déchiré, plié, caché ou hors de la photo ? "
            "Reprenez l'image avec toute la feuille"
        )
    page_points = _page_points()
    src = np.concatenate([page_points[i] for i in sorted(found)])
    dst = np.concatenate([found[i] for i in sorted(found)])
    side_px = np.mean([np.linalg.norm(q[0] - q[2]) for q in found.values()]) / np.sqrt(2)
    px_per_mm = side_px / marker_rects()[0].rect.w
    homography, _ = cv2.findHomography(src, dst, cv2.RANSAC, 1.0 * px_per_mm)
    if homography is None:
        raise RegistrationError("les carrés des coins sont incohérents : feuille très déformée ?")
    projected = cv2.perspectiveTransform(src.reshape(-1, 1, 2), homography).reshape(-1, 2)
    residual = float(np.max(np.linalg.norm(projected - dst, axis=1)) / px_per_mm)
    if residual > _MAX_RESIDUAL_MM:
        raise RegistrationError(
            f"les carrés des coins ne sont pas à leur place ({residual:.1f} mm d'écart) : "
            "feuille pliée, froissée ou déchirée ?"
        )
    image = grey
    if px_per_mm > _MAX_SOURCE * CANONICAL:
        # Shrinking with area averaging first keeps thin pen strokes that a direct
        # perspective warp would skip over.
        factor = _MAX_SOURCE * CANONICAL / px_per_mm
        image = cv2.resize(grey, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
        homography = np.diag([factor, factor, 1.0]) @ homography
    return Registration(
        image=image,
        homography=homography,
        found=tuple(sorted(found)),
        missing=tuple(names),
        residual_mm=residual,
    )
