"""Captcha image generation (pure Python + Pillow, no Django imports).

The image is drawn at twice the display size and then downscaled, which keeps
edges smooth for people while the output PNG stays small (~200x70, a few KB).

Measures against off-the-shelf OCR (Tesseract with the usual grayscale /
Otsu threshold / median filter preprocessing), while keeping it readable:

* each character has its own size, rotation, shear, vertical offset and dark
  colour, and neighbouring characters overlap or touch, so the text cannot be
  segmented into clean, upright glyphs;
* two curved lines of the same thickness and darkness as the glyph strokes
  run through the text, so thresholding and median filtering keep them and
  they glue the glyphs together;
* short thick arcs and strokes in the text colours are scattered around the
  text: they survive thresholding and a median filter, and look like glyph
  fragments to a recogniser;
* the whole picture is bent by a smooth two-axis sine mesh warp, so baselines
  and strokes are curved.

Only `secrets.SystemRandom()` is used for randomness unless a `rng` is given
(tests may pass a seeded `random.Random`).
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

# Tunable strength of each distortion (sizes are in 2x drawing pixels).
STYLE = {
    "font_size": (88, 100),
    "stroke": 1,  # extra outline width, thickens the glyphs
    "rotate": 12,  # degrees, +/-
    "shear": 0.12, # horizontal shear factor, +/-
    "jitter_y": 8,  # vertical offset of each glyph, +/-
    "overlap": (0.05, 0.15),  # fraction of glyph width shared by neighbours
    "warp_amp": (3, 5),  # mesh warp amplitude
    "warp_period": (90, 160),
    "n_arcs": (6, 9),  # noise arcs
    "n_dashes": (2, 4),  # noise dashes
    "noise_width": (4, 6),
    "wave_line": True,  # a line waving across the text band
    "wave_amp": (14, 22),
    "wave_period": (110, 170),
    "wave_width": (3, 3),
    "curve_line": True,  # a gentle curve from one side to the other
    "curve_width": (3, 4),
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
    rgba = Image.new("RGBA", layer.size, ink + (0,))
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


def _frange(a, b, step):
    out = []
    x = a
    while x <= b:
        out.append(x)
        x += step
    return out


def _thick_polyline(draw, pts, width, fill):
    draw.line(pts, fill=fill, width=width, joint="curve")
    r = width / 2
    for x, y in (pts[0], pts[-1]):
        draw.ellipse((x - r, y - r, x + r, y + r), fill=fill)


def _warp(img: Image.Image, rng) -> Image.Image:
    """Smooth two-axis sine warp via a quad mesh."""
    ax = rng.uniform(*STYLE["warp_amp"])  # horizontal displacement
    ay = rng.uniform(*STYLE["warp_amp"])  # vertical displacement
    px = rng.uniform(*STYLE["warp_period"])  # period along x (vertical waves)
    py = rng.uniform(*STYLE["warp_period"]) * 0.7  # along y (horizontal waves)
    phx = rng.uniform(0, 2 * math.pi)
    phy = rng.uniform(0, 2 * math.pi)

    def src(x, y):
        return (
            x + ax * math.sin(2 * math.pi * y / py + phx),
            y + ay * math.sin(2 * math.pi * x / px + phy),
        )

    step = 10
    mesh = []
    for x0 in range(0, _W, step):
        x1 = min(x0 + step, _W)
        for y0 in range(0, _H, step):
            y1 = min(y0 + step, _H)
            quad = (*src(x0, y0), *src(x0, y1), *src(x1, y1), *src(x1, y0))
            mesh.append(((x0, y0, x1, y1), quad))
    return img.transform(
        img.size, Image.MESH, mesh, resample=Image.BICUBIC, fillcolor=img.getpixel((0, 0))
    )


# ---------------------------------------------------------------------------
# public rendering API
# ---------------------------------------------------------------------------


def render_image(answer: str, rng=None) -> Image.Image:
    """Render `answer` as an RGB PIL image of WIDTH x HEIGHT."""
    rng = rng or _rng_default
    text = normalize(answer)
    if not text:
        raise ValueError("empty captcha answer")

    img = _background(rng)
    inks = list(_INKS)
    rng.shuffle(inks)

    # --- glyphs -----------------------------------------------------------
    glyphs = []
    for i, ch in enumerate(text):
        size = rng.randint(*STYLE["font_size"])
        ink = inks[i % len(inks)]  # neighbours always differ in colour
        glyphs.append(_glyph(ch, size, ink, rng))

    # neighbours overlap: each advance is shorter than the glyph width
    advances = [g.width * (1 - rng.uniform(*STYLE["overlap"])) for g in glyphs[:-1]]
    total = sum(advances) + glyphs[-1].width
    max_w = _W - 24
    squeeze = max(0.0, (total - max_w) / max(1, len(advances)))
    total = min(total, max_w)
    x = (_W - total) / 2 + rng.uniform(-6, 6)
    centre_y = _H / 2 + rng.uniform(-4, 4)
    left = x
    for i, g in enumerate(glyphs):
        jy = STYLE["jitter_y"]
        y = centre_y - g.height / 2 + rng.uniform(-jy, jy)
        img.paste(g, (int(x), int(y)), g)
        if i < len(advances):
            x += advances[i] - squeeze
    right = x + glyphs[-1].width

    draw = ImageDraw.Draw(img)

    # --- noise: short thick arcs and dashes in the ink colours -------------
    # They are as dark and as thick as glyph strokes, so a threshold and a
    # median filter keep them; to OCR they look like bits of characters.
    for _ in range(rng.randint(*STYLE["n_arcs"])):
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
    for _ in range(rng.randint(*STYLE["n_dashes"])):
        cx = rng.uniform(0, _W)
        cy = rng.uniform(0, _H)
        ang = rng.uniform(0, math.pi)
        ln = rng.uniform(8, 14)
        draw.line(
            (cx, cy, cx + ln * math.cos(ang), cy + ln * math.sin(ang)),
            fill=rng.choice(inks),
            width=rng.randint(*STYLE["noise_width"]),
        )

    # --- curved lines through the text ------------------------------------
    if STYLE["wave_line"]:
        # a line waving up and down across the text band: it crosses the
        # glyphs and glues them together for OCR, but is thinner than a
        # glyph stroke so people read through it.
        amp = rng.uniform(*STYLE["wave_amp"])
        period = rng.uniform(*STYLE["wave_period"])
        phase = rng.uniform(0, 2 * math.pi)
        y0 = centre_y + rng.uniform(-6, 6)
        pts = [
            (xx, y0 + amp * math.sin(2 * math.pi * xx / period + phase))
            for xx in _frange(left - rng.uniform(5, 20), right + rng.uniform(5, 20), 3)
        ]
        _thick_polyline(draw, pts, rng.randint(*STYLE["wave_width"]), rng.choice(inks))
    if STYLE["curve_line"]:
        # a gentle curve from one side to the other, slanting across
        y_a = centre_y + rng.choice((-1, 1)) * rng.uniform(14, 26)
        y_b = 2 * centre_y - y_a + rng.uniform(-6, 6)
        pts = _bezier(
            [
                (left - rng.uniform(10, 25), y_a),
                (left + (right - left) * 0.33, centre_y + rng.uniform(-25, 25)),
                (left + (right - left) * 0.66, centre_y + rng.uniform(-25, 25)),
                (right + rng.uniform(10, 25), y_b),
            ]
        )
        _thick_polyline(draw, pts, rng.randint(*STYLE["curve_width"]), rng.choice(inks))

    img = _warp(img, rng)
    img = img.resize((WIDTH, HEIGHT), Image.LANCZOS)
    return img


def render_png(answer: str, rng=None) -> bytes:
    """Render `answer` as PNG bytes (WIDTH x HEIGHT, no text metadata)."""
    img = render_image(answer, rng=rng)
    # an adaptive palette keeps the file small (a few KB)
    img = img.quantize(colors=48, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    buf = io.BytesIO()
    img.save(buf, format="PNG", optimize=True)
    return buf.getvalue()
