"""The phone's countdown (seconds left of the current code, and a bar that empties), drawn as two
small animated GIFs.

Why images and not CSS: a browser redraws a CSS animation of a number or a width on every frame,
sixty times a second, for as long as the page is open. Measured in headless Chromium
(``python -m bench.pages --idle``): one idle app page spent 6.1 s of CPU per 20 s on the
countdown alone; a class of 30 pages on one machine, or an old office PC, feels that. An
animated GIF changes once a second and the browser wakes only then: 0.1 s per 20 s.

Each GIF plays once, from the seconds left down to 0, one frame a second. Browsers share one
animation between images of the same bytes, and a finished one does not start again, so every
code period gets its own bytes (its number is written into the GIF's comment)."""

from __future__ import annotations

import base64
import io
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

from ..domain.auth import TOTP_STEP
from ..thai_pdf import sarabun_path

SCALE = 2  # drawn at twice the size shown: sharp on high-density screens
BACKGROUND = (0xFA, 0xFA, 0xFA)  # the phone's background (widgets.py, .gf-phone)
DIGITS = (0x44, 0x44, 0x44)
TRACK = (0xDD, 0xE3, 0xEA)
BAR = (0x0B, 0x3A, 0x66)
SECS_SIZE = (18, 14)  # CSS pixels: two digits of the 12 px caption, in bold
BAR_SIZE = (206, 4)
SHADES = 16  # grey levels between the background and the digits (anti-aliased edges)


def _palette(*colours: tuple[int, int, int]) -> list[int]:
    flat = [c for colour in colours for c in colour]
    return flat + [0] * (768 - len(flat))


def _blend(t: float) -> tuple[int, int, int]:
    return tuple(round(b + (d - b) * t) for b, d in zip(BACKGROUND, DIGITS, strict=True))  # type: ignore[return-value]


@lru_cache(maxsize=1)
def _font() -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(sarabun_path("Bold"), 12 * SCALE)


@lru_cache(maxsize=TOTP_STEP + 1)
def _secs_frame(n: int) -> Image.Image:
    width, height = SECS_SIZE[0] * SCALE, SECS_SIZE[1] * SCALE
    mask = Image.new("L", (width, height), 0)
    ImageDraw.Draw(mask).text((width / 2, height / 2), str(n), fill=255, font=_font(), anchor="mm")
    levels = mask.point(lambda v: v * (SHADES - 1) // 255)
    frame = Image.frombytes("P", (width, height), levels.tobytes())
    frame.putpalette(_palette(*(_blend(i / (SHADES - 1)) for i in range(SHADES))))
    return frame


@lru_cache(maxsize=TOTP_STEP + 1)
def _bar_frame(n: int) -> Image.Image:
    width, height = BAR_SIZE[0] * SCALE, BAR_SIZE[1] * SCALE
    frame = Image.new("P", (width, height), 1)
    frame.putpalette(_palette(BACKGROUND, TRACK, BAR))
    filled = round(width * n / TOTP_STEP)
    if filled:
        ImageDraw.Draw(frame).rectangle([0, 0, filled - 1, height - 1], fill=2)
    return frame


TAG = b"gfmis countdown %020d"  # the comment: one width for every period (its bytes are replaced)


def _encode(kind: str, left: int, running: bool, comment: bytes) -> bytes:
    frame = _secs_frame if kind == "secs" else _bar_frame
    frames = [frame(n) for n in (range(left, -1, -1) if running else [left])]
    out = io.BytesIO()
    # no loop count: the GIF plays once and stays on its last frame (0)
    frames[0].save(out, "GIF", save_all=len(frames) > 1, append_images=frames[1:], duration=1000, comment=comment)
    return out.getvalue()


@lru_cache(maxsize=4 * (TOTP_STEP + 1))
def _encoded(kind: str, left: int, running: bool) -> bytes:
    """The GIF of ``kind`` from ``left`` down with period 0 in its comment, encoded once per
    kernel (else ~8 ms of CPU each time the phone's code changes, for every open page)."""
    return _encode(kind, left, running, TAG % 0)


def encode_all() -> None:
    """Every running countdown encoded now (a process that kernels are forked from: 0.3 s once)."""
    for left in range(TOTP_STEP + 1):
        for kind in ("secs", "bar"):
            _encoded(kind, left, True)


def _gif(kind: str, left: int, running: bool, tag: int) -> str:
    data, blank = _encoded(kind, left, running), TAG % 0
    if data.count(blank) == 1:  # (always: the frames' compressed bytes never spell the comment)
        data = data.replace(blank, TAG % tag)
    else:
        data = _encode(kind, left, running, TAG % tag)
    return "data:image/gif;base64," + base64.b64encode(data).decode("ascii")


def countdown_images(left: int, period: int, running: bool) -> tuple[str, str]:
    """Data URIs of the seconds and the bar, from ``left`` seconds down to 0 (one frame a
    second) when the clock runs, or standing at ``left`` when it does not."""
    left = max(0, min(TOTP_STEP, left))
    tag = period * 2 + int(running)
    return _gif("secs", left, running, tag), _gif("bar", left, running, tag)


def spinner_gif() -> bytes:
    """The page's loading spinner (our Voila template's ``spinner.macro.html.j2`` carries it as a
    data URI; ``tests/test_countdown.py`` checks the two agree): a ring whose dark arc turns in
    eight steps, five a second. Voila's own spinner, a rotating SVG, is redrawn every frame:
    2.0 s of browser CPU per 20 s of waiting against 0.4 s (a class of pages waiting together)."""
    size, scale, steps = 40, 4, 8
    frames = []
    for i in range(steps):
        image = Image.new("RGB", (size * scale, size * scale), (255, 255, 255))
        draw = ImageDraw.Draw(image)
        box = [5 * scale, 5 * scale, (size - 5) * scale, (size - 5) * scale]
        draw.ellipse(box, outline=TRACK, width=4 * scale)
        start = i * 360 / steps - 90
        draw.arc(box, start, start + 90, fill=BAR, width=4 * scale)
        frames.append(image.resize((size, size), Image.LANCZOS).quantize(colors=16))
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], duration=200, loop=0)
    return out.getvalue()
