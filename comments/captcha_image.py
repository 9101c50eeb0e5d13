"""Captcha picture: random answers and their PNG (pure Python + Pillow).

No Django here: `comments.captcha` keeps the challenges and checks answers.

The picture is drawn at twice its display size and then downscaled, which
keeps edges smooth for people while the PNG stays small (200x70, ~4 KB).
The only font is the scalable one inside Pillow (>= 10.1), so nothing depends
on the fonts of the machine.

It has to be read at a glance by a person and not by off-the-shelf OCR
(Tesseract after the usual grayscale, Otsu threshold and median filter;
`bench/captcha_ocr.py` measures that). What does it:

* each character has its own size, rotation, shear, height and dark ink, and
  neighbours touch or overlap, so there are no clean, upright, separate glyphs;
* two thick ribbons in medium, brighter tones run *behind* the letters. A
  person sees them as background and the letters on top stay whole, but an
  Otsu threshold keeps them as dark as the ink, so for OCR they become fat
  strokes welding all the glyphs into one blob;
* thin curves in the ink colours cross over the letters (a threshold keeps
  them too), and short thick arcs and dashes in ink colours lie around the
  text: they survive a median filter and look like bits of characters;
* a smooth two-axis sine warp bends the whole picture, baselines included.

Randomness comes from `secrets.SystemRandom()`; tests may pass their own
`rng` (e.g. a seeded `random.Random`) to get repeatable pictures.
"""

from __future__ import annotations

import io
import math
import secrets
from collections.abc import Sequence

from PIL import Image, ImageDraw, ImageFont

__all__ = [
    "ALPHABET",
    "HEIGHT",
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

# Brighter medium tones for the ribbons behind the letters: a person tells
# them from the dark inks at once, but they are still far darker than the
# background, so an Otsu threshold puts them on the ink side with the text.
# (A fixed threshold tuned to keep only the darkest pixels strips them
# again: they defeat the usual pipeline, not an attacker who adapts to them.)
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
    "rotate": 10,  # degrees, +/-
    "shear": 0.12,  # horizontal shear factor, +/-
    "jitter_y": 8,  # vertical offset of each glyph, +/-
    "overlap": (0.0, 0.07),  # part of a glyph's width its right neighbour covers
    "warp_amp": (3, 5),
    "warp_period": (90, 160),
    "ribbons": 2,  # medium-tone ribbons behind the letters
    "ribbon_width": (10, 12),
    "over_lines": 1,  # thin ink curves over the letters
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
# drawing helpers
# ---------------------------------------------------------------------------


def _font(size: int) -> ImageFont.FreeTypeFont:
    # Pillow >= 10.1 ships a scalable FreeType font (Aileron) inside itself.
    return ImageFont.load_default(size=size)


def _background(rng) -> Image.Image:
    """Light, smoothly varying background (cheap to compress)."""
    c1 = [rng.randint(225, 250) for _ in range(3)]
    c2 = [rng.randint(225, 250) for _ in range(3)]
    # horizontal gradient built on a 1-pixel-high strip, then stretched
    strip = Image.new("RGB", (_W, 1))
    px = strip.load()
    for x in range(_W):
        t = x / (_W - 1)
        px[x, 0] = tuple(int(a + (b - a) * t) for a, b in zip(c1, c2))
    img = strip.resize((_W, _H))
    # a few large pale blobs (removed by any threshold; they only add colour)
    draw = ImageDraw.Draw(img)
    for _ in range(rng.randint(3, 5)):
        r = rng.randint(20, 50)
        x = rng.randint(0, _W)
        y = rng.randint(0, _H)
        col = tuple(rng.randint(205, 235) for _ in range(3))
        draw.ellipse((x - r, y - r, x + r, y + r), fill=col)
    return img


def _glyph(ch: str, size: int, ink: tuple, rng) -> Image.Image:
    """One character on a transparent layer: drawn, sheared, rotated."""
    font = _font(size)
    box = int(size * 1.6)
    layer = Image.new("L", (box, box), 0)
    d = ImageDraw.Draw(layer)
    # stroke_width thickens the thin sans-serif a bit for legibility
    d.text(
        (box / 2, box / 2),
        ch,
        font=font,
        fill=255,
        anchor="mm",
        stroke_width=STYLE["stroke"],
        stroke_fill=255,
    )
    # horizontal shear
    shear = rng.uniform(-STYLE["shear"], STYLE["shear"])
    layer = layer.transform(
        layer.size,
        Image.AFFINE,
        (1, shear, -shear * box / 2, 0, 1, 0),
        resample=Image.BICUBIC,
    )
    layer = layer.rotate(
        rng.uniform(-STYLE["rotate"], STYLE["rotate"]), resample=Image.BICUBIC, expand=False
    )
    bbox = layer.getbbox()
    if bbox:
        layer = layer.crop(bbox)
    rgba = Image.new("RGBA", layer.size, (*ink, 0))
    rgba.putalpha(layer)
    return rgba


def _bezier(points, steps: int = 60):
    """Points on a cubic Bezier curve."""
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = points
    out = []
    for i in range(steps + 1):
        t = i / steps
        a = (1 - t) ** 3
        b = 3 * (1 - t) ** 2 * t
        c = 3 * (1 - t) * t**2
        d = t**3
        out.append((a * x0 + b * x1 + c * x2 + d * x3, a * y0 + b * y1 + c * y2 + d * y3))
    return out


def _thick_polyline(draw, pts, width, fill):
    draw.line(pts, fill=fill, width=width, joint="curve")
    r = width / 2
    for x, y in (pts[0], pts[-1]):
        draw.ellipse((x - r, y - r, x + r, y + r), fill=fill)


def _curve_across(rng, left, right, centre_y, end_dy, mid_dy):
    """A cubic Bezier from a bit left of the text to a bit right of it."""
    return _bezier(
        [
            (left - rng.uniform(10, 25), centre_y + rng.uniform(-end_dy, end_dy)),
            (left + (right - left) / 3, centre_y + rng.uniform(-mid_dy, mid_dy)),
            (left + (right - left) * 2 / 3, centre_y + rng.uniform(-mid_dy, mid_dy)),
            (right + rng.uniform(10, 25), centre_y + rng.uniform(-end_dy, end_dy)),
        ]
    )


def _warp(img: Image.Image, rng, fill) -> Image.Image:
    """Smooth two-axis sine warp of the whole picture, through a quad mesh."""
    ax = rng.uniform(*STYLE["warp_amp"])  # horizontal displacement
    ay = rng.uniform(*STYLE["warp_amp"])  # vertical displacement
    px = rng.uniform(*STYLE["warp_period"])  # vertical waves along x
    py = rng.uniform(*STYLE["warp_period"]) * 0.7  # horizontal waves along y
    phx = rng.uniform(0, 2 * math.pi)
    phy = rng.uniform(0, 2 * math.pi)

    def src(x, y):
        return (
            x + ax * math.sin(2 * math.pi * y / py + phx),
            y + ay * math.sin(2 * math.pi * x / px + phy),
        )

    step = 8
    mesh = []
    for x0 in range(0, _W, step):
        x1 = min(x0 + step, _W)
        for y0 in range(0, _H, step):
            y1 = min(y0 + step, _H)
            quad = (*src(x0, y0), *src(x0, y1), *src(x1, y1), *src(x1, y0))
            mesh.append(((x0, y0, x1, y1), quad))
    return img.transform(img.size, Image.MESH, mesh, resample=Image.BICUBIC, fillcolor=fill)


# ---------------------------------------------------------------------------
# public rendering API
# ---------------------------------------------------------------------------


def render_image(answer: str, rng=None) -> Image.Image:
    """Render `answer` (normalised first) as an RGB image of WIDTH x HEIGHT."""
    rng = rng or _rng_default
    text = normalize(answer)
    if not text:
        raise ValueError("empty captcha answer")

    background = _background(rng)
    img = background.copy()
    inks = list(_INKS)
    rng.shuffle(inks)

    # --- glyphs: sized, sheared, rotated, each in its own ink ---------------
    glyphs = [
        # neighbours always differ in colour
        _glyph(ch, rng.randint(*STYLE["font_size"]), inks[i % len(inks)], rng)
        for i, ch in enumerate(text)
    ]

    # neighbours touch or overlap: each advance is shorter than the glyph
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
    right = x + glyphs[-1].width

    draw = ImageDraw.Draw(img)

    # --- ribbons behind the letters ----------------------------------------
    mids = list(_MID_INKS)
    rng.shuffle(mids)
    for i in range(STYLE["ribbons"]):
        pts = _curve_across(rng, left, right, centre_y, 16, 30)
        width = rng.randint(*STYLE["ribbon_width"])
        _thick_polyline(draw, pts, width, mids[i % len(mids)])

    for g, place in zip(glyphs, places):
        img.paste(g, place, g)

    # --- noise: short thick arcs and dashes in the ink colours -------------
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

    # --- thin ink curves over the letters ----------------------------------
    for _ in range(STYLE["over_lines"]):
        pts = _curve_across(rng, left, right, centre_y, 26, 25)
        _thick_polyline(draw, pts, rng.randint(*STYLE["over_width"]), rng.choice(inks))

    # areas pulled in from outside the picture get the background colour
    img = _warp(img, rng, background.getpixel((_W // 2, 0)))
    return img.resize((WIDTH, HEIGHT), Image.LANCZOS)


def render_png(answer: str, rng=None) -> bytes:
    """Render `answer` as PNG bytes (WIDTH x HEIGHT, no text metadata)."""
    img = render_image(answer, rng=rng)
    # an adaptive palette keeps the file small (a few KB)
    img = img.quantize(colors=48, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    buf = io.BytesIO()
    img.save(buf, format="PNG", optimize=True)
    return buf.getvalue()
