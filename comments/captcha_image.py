"""Captcha picture: random answers and their PNG (pure Python + Pillow).

No Django here: `comments.captcha` keeps the challenges and checks answers.

The picture is drawn at twice its display size and then downscaled, which
keeps edges smooth for people while the PNG stays small (200x70, ~4 KB).
The only font is the scalable one inside Pillow (>= 10.1), so nothing depends
on the fonts of the machine.

It has to be read at a glance by a person and not by OCR, including OCR
tuned by someone who has read this file (`make captcha-ocr` measures the
attacks of bench/captcha_attacks.py and a CNN trained on this generator).
What does it:

* each character has its own size, rotation, shear and height, and
  neighbours touch or overlap (by up to 8% of a glyph's width), so there are
  no clean, upright, separate glyphs;
* each character shades from one dark ink to another, top to bottom, and
  neighbours never share an ink pair: a person tells them apart, but no
  single colour picks out one character (so colour does not segment them);
* a dark ribbon shading through the same inks runs behind the letters: no
  luminance or colour threshold keeps the letters and drops it, so it welds
  them into one blob; a brighter ribbon behind them does the same to an
  Otsu threshold. A person sees both as background, the letters on top;
* the dark ribbon swells into a knot wherever one character meets the next
  (two to four times its width there): cut the ink into characters at the emptiest
  columns and the cuts land inside the characters, since the columns between
  two characters now hold more ink than a thin part of one (a person sees a
  knotted ribbon);
* short thick arcs and dashes in ink colours lie around the text: they
  survive a median filter and look like bits of characters (a thin curve
  over the letters, "over_lines", is off: the dark ribbon does its work and
  people read the letters better without it);
* a smooth two-axis sine warp bends the whole picture, baselines included.

The drawing itself (glyph layers, curves, the warp) is in
`comments.captcha_draw`.

Randomness comes from `secrets.SystemRandom()`; tests may pass their own
`rng` (e.g. a seeded `random.Random`) to get repeatable pictures.
"""

from __future__ import annotations

import io
import math
import secrets
from collections.abc import Sequence

from PIL import Image, ImageDraw

from . import captcha_draw as draw_

__all__ = [
    "ALPHABET",
    "HEIGHT",
    "PNG_PALETTE",
    "WIDTH",
    "normalize",
    "random_answer",
    "render_image",
    "render_png",
]

# Upper-case letters and digits that people do not confuse with one another.
# Left out on purpose: 0 O Q D (round shapes), 1 I L (vertical bars),
# 2 Z, 5 S, 8 B, U V, G (vs 6 / C), and lower-case altogether.
ALPHABET = "ACEFHJKMNPRTWXY34679"

WIDTH = 200
HEIGHT = 70
_SCALE = 2  # drawn at 2x, then downscaled
_W = WIDTH * _SCALE
_H = HEIGHT * _SCALE

# Dark, saturated ink colours: clearly darker than any background colour so a
# person (and a threshold) sees them all as "text".
_INKS: Sequence[tuple] = (
    (25, 45, 140),  # dark blue
    (130, 20, 30),  # dark red
    (20, 90, 40),  # dark green
    (90, 30, 120),  # purple
    (30, 30, 30),  # near black
    (120, 65, 10),  # brown
)


# Brighter medium tones for a ribbon behind the letters: a person tells them
# from the dark inks at once; an Otsu threshold keeps them with the ink.
_MID_INKS: Sequence[tuple] = (
    (205, 95, 55),  # orange
    (60, 140, 205),  # sky blue
    (70, 160, 105),  # leaf green
    (185, 90, 185),  # magenta
)

# How strong each distortion is (lengths in 2x drawing pixels; a pair is a
# random range).
STYLE = {
    "font_size": (88, 100),
    "stroke": 2,  # outline that thickens the glyphs, for legibility
    "rotate": 15,  # degrees, +/-
    "shear": 0.12,  # horizontal shear factor, +/-
    "jitter_y": 8,  # vertical offset of each glyph, +/-
    "overlap": (0.0, 0.08),  # part of a glyph's width its right neighbour covers
    "warp_amp": (3, 5),
    "warp_period": (90, 160),
    "mid_ribbons": 1,  # medium-tone ribbons behind the letters
    "mid_width": (10, 12),
    "ribbons": 1,  # dark shaded ribbons behind the letters
    "ribbon_width": (7, 9),
    "ribbon_swell": (12, 18),  # extra width where two characters meet
    "swell_sigma": 9,
    "ribbon_shades": 3,  # inks a ribbon shades through
    "over_lines": 0,  # thin ink curves over the letters
    "over_width": (4, 4),
    "arcs": (6, 9),  # noise arcs
    "dashes": (2, 4),  # noise dashes
    "noise_width": (4, 6),
}

_rng_default = secrets.SystemRandom()


def random_answer(length: int = 5) -> str:
    """Return a random answer of `length` symbols from ALPHABET."""
    if length < 1:
        raise ValueError("length must be at least 1")
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def normalize(answer: str) -> str:
    """Normalise a typed answer: drop all whitespace, upper-case it."""
    if answer is None:
        return ""
    return "".join(str(answer).split()).upper()


# ---------------------------------------------------------------------------
# public rendering API
# ---------------------------------------------------------------------------


def _layout(glyphs, rng):
    """Where each glyph goes: neighbours touch or overlap (each advance is
    shorter than the glyph), the row centred. Returns (places, left, right,
    centre_y)."""
    advances = [g.width * (1 - rng.uniform(*STYLE["overlap"])) for g in glyphs[:-1]]
    total = sum(advances) + glyphs[-1].width
    max_w = _W - 24
    squeeze = max(0.0, (total - max_w) / max(1, len(advances)))
    total = min(total, max_w)
    x = (_W - total) / 2 + rng.uniform(-6, 6)
    centre_y = _H / 2 + rng.uniform(-4, 4)
    left = x
    places = []
    for i, g in enumerate(glyphs):
        jy = STYLE["jitter_y"]
        places.append((int(x), int(centre_y - g.height / 2 + rng.uniform(-jy, jy))))
        if i < len(advances):
            x += advances[i] - squeeze
    return places, left, x + glyphs[-1].width, centre_y


def _noise(draw, inks, rng):
    """Short thick arcs and dashes in the ink colours, anywhere."""
    for _ in range(rng.randint(*STYLE["arcs"])):
        r = rng.randint(6, 12)
        cx = rng.uniform(0, _W)
        cy = rng.uniform(0, _H)
        start = rng.uniform(0, 360)
        draw.arc(
            (cx - r, cy - r, cx + r, cy + r),
            start,
            start + rng.uniform(60, 150),
            fill=rng.choice(inks),
            width=rng.randint(*STYLE["noise_width"]),
        )
    for _ in range(rng.randint(*STYLE["dashes"])):
        cx = rng.uniform(0, _W)
        cy = rng.uniform(0, _H)
        angle = rng.uniform(0, math.pi)
        length = rng.uniform(8, 14)
        draw.line(
            (cx, cy, cx + length * math.cos(angle), cy + length * math.sin(angle)),
            fill=rng.choice(inks),
            width=rng.randint(*STYLE["noise_width"]),
        )


def _swelling(base, swells):
    """Width along x of a ribbon `base` wide that swells by `extra` around
    each (x, extra) of `swells` (a Gaussian bump STYLE["swell_sigma"] wide)."""
    sigma = STYLE["swell_sigma"]

    def width_at(x):
        bumps = (extra * math.exp(-(((x - gap) / sigma) ** 2)) for gap, extra in swells)
        return base + max(bumps, default=0.0)

    return width_at


def render_image(answer: str, rng=None) -> Image.Image:
    """Render `answer` (normalised first) as an RGB image of WIDTH x HEIGHT."""
    rng = rng or _rng_default
    text = normalize(answer)
    if not text:
        raise ValueError("empty captcha answer")

    background = draw_.background((_W, _H), rng)
    img = background.copy()
    inks = list(_INKS)
    rng.shuffle(inks)
    shape = {k: STYLE[k] for k in ("stroke", "rotate", "shear")}
    # each glyph shades from one ink to another, top to bottom, so a colour
    # does not single out one character; neighbours never share a pair
    glyphs = [
        draw_.glyph(
            ch,
            rng.randint(*STYLE["font_size"]),
            (inks[i % len(inks)], inks[(i + 3) % len(inks)]),
            rng,
            **shape,
        )
        for i, ch in enumerate(text)
    ]
    places, left, right, centre_y = _layout(glyphs, rng)
    draw = ImageDraw.Draw(img)

    # ribbons behind the letters: a medium one, and a dark one shading from
    # ink to ink along its length, which no threshold or colour tells from
    # the letters
    mids = list(_MID_INKS)
    rng.shuffle(mids)
    for i in range(STYLE["mid_ribbons"]):
        pts = draw_.curve_across(rng, left, right, centre_y, 16, 30)
        draw_.thick_polyline(draw, pts, rng.randint(*STYLE["mid_width"]), mids[i % len(mids)])
    # the dark ribbon swells where one character meets the next, so the
    # emptiest columns are no longer those between characters
    gaps = [(places[i][0] + glyphs[i].width + places[i + 1][0]) / 2 for i in range(len(glyphs) - 1)]
    for _ in range(STYLE["ribbons"]):
        pts = draw_.curve_across(rng, left, right, centre_y, 16, 30, steps=200)
        shades = [rng.choice(_INKS) for _ in range(STYLE["ribbon_shades"])]
        base = rng.randint(*STYLE["ribbon_width"])
        swells = [(gap, rng.uniform(*STYLE["ribbon_swell"])) for gap in gaps]
        draw_.shaded_polyline(draw, pts, _swelling(base, swells), shades)

    for g, place in zip(glyphs, places):
        img.paste(g, place, g)
    _noise(draw, inks, rng)
    for _ in range(STYLE["over_lines"]):  # thin ink curves over the letters
        pts = draw_.curve_across(rng, left, right, centre_y, 26, 25)
        draw_.thick_polyline(draw, pts, rng.randint(*STYLE["over_width"]), rng.choice(inks))

    # areas pulled in from outside the picture get the background colour
    fill = background.getpixel((_W // 2, 0))
    img = draw_.warp(img, rng, fill, amp=STYLE["warp_amp"], period=STYLE["warp_period"])
    return img.resize((WIDTH, HEIGHT), Image.LANCZOS)


# An adaptive palette keeps the file small (a few KB).
PNG_PALETTE = {"colors": 48, "method": Image.Quantize.MEDIANCUT, "dither": Image.Dither.NONE}


def render_png(answer: str, rng=None) -> bytes:
    """Render `answer` as PNG bytes (WIDTH x HEIGHT, no text metadata)."""
    img = render_image(answer, rng=rng).quantize(**PNG_PALETTE)
    buf = io.BytesIO()
    img.save(buf, format="PNG", optimize=True)
    return buf.getvalue()
