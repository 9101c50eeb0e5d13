"""Drawing primitives of the captcha picture (pure Pillow, no Django).

`comments.captcha_image` decides what the captcha looks like; this module
only draws what it is told: the background, one glyph on its own layer,
Bezier curves, thick lines (one colour, or shading from colour to colour
with a width that may vary along the line) and a smooth sine warp of the
whole picture. Lengths are in the pixels of the picture being drawn (twice
the served size).
"""

from __future__ import annotations

import math

from PIL import Image, ImageDraw, ImageFont


def font(size: int) -> ImageFont.FreeTypeFont:
    """Pillow (>= 10.1) ships a scalable FreeType font (Aileron) inside
    itself, so nothing depends on the machine's fonts."""
    return ImageFont.load_default(size=size)


def background(size: tuple[int, int], rng) -> Image.Image:
    """Light, smoothly varying background (cheap to compress)."""
    width, height = size
    c1 = [rng.randint(225, 250) for _ in range(3)]
    c2 = [rng.randint(225, 250) for _ in range(3)]
    # horizontal gradient built on a 1-pixel-high strip, then stretched
    strip = Image.new("RGB", (width, 1))
    px = strip.load()
    for x in range(width):
        t = x / (width - 1)
        px[x, 0] = tuple(int(a + (b - a) * t) for a, b in zip(c1, c2))
    img = strip.resize((width, height))
    # a few large pale blobs (removed by any threshold; they only add colour)
    draw = ImageDraw.Draw(img)
    for _ in range(rng.randint(3, 5)):
        r = rng.randint(20, 50)
        x = rng.randint(0, width)
        y = rng.randint(0, height)
        col = tuple(rng.randint(205, 235) for _ in range(3))
        draw.ellipse((x - r, y - r, x + r, y + r), fill=col)
    return img


def glyph(ch: str, size: int, inks, rng, *, stroke: int, rotate: float, shear: float):
    """One character on a transparent RGBA layer: drawn with an outline of
    `stroke` pixels, sheared by up to +/-`shear`, rotated by up to
    +/-`rotate` degrees, cropped to its ink. Its colour shades from the
    first of `inks` at the top to the second at the bottom."""
    box = int(size * 1.6)
    layer = Image.new("L", (box, box), 0)
    ImageDraw.Draw(layer).text(
        (box / 2, box / 2),
        ch,
        font=font(size),
        fill=255,
        anchor="mm",
        stroke_width=stroke,
        stroke_fill=255,
    )
    s = rng.uniform(-shear, shear)
    layer = layer.transform(
        layer.size, Image.AFFINE, (1, s, -s * box / 2, 0, 1, 0), resample=Image.BICUBIC
    )
    layer = layer.rotate(rng.uniform(-rotate, rotate), resample=Image.BICUBIC, expand=False)
    bbox = layer.getbbox()
    if bbox:
        layer = layer.crop(bbox)
    top, bottom = inks
    shade = Image.linear_gradient("L").resize(layer.size)
    rgba = Image.composite(
        Image.new("RGBA", layer.size, bottom), Image.new("RGBA", layer.size, top), shade
    )
    rgba.putalpha(layer)
    return rgba


def bezier(points, steps: int = 60):
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


def thick_polyline(draw, pts, width, fill):
    """A line through `pts` with round joints and round ends."""
    draw.line(pts, fill=fill, width=width, joint="curve")
    r = width / 2
    for x, y in (pts[0], pts[-1]):
        draw.ellipse((x - r, y - r, x + r, y + r), fill=fill)


def shaded_polyline(draw, pts, width, colours):
    """A thick round line whose colour runs smoothly through `colours`
    from its first point to its last. `width` is a number, or a function
    of x giving the width there (a ribbon that swells and narrows)."""
    width_at = width if callable(width) else (lambda _x: width)
    last = len(pts) - 1
    for i, (x, y) in enumerate(pts):
        t = i / last * (len(colours) - 1)
        k = min(int(t), len(colours) - 2)
        f = t - k
        col = tuple(round(a + (b - a) * f) for a, b in zip(colours[k], colours[k + 1]))
        w = width_at(x)
        r = w / 2
        if i:
            draw.line((pts[i - 1], (x, y)), fill=col, width=max(1, round(w)))
        draw.ellipse((x - r, y - r, x + r, y + r), fill=col)


def curve_across(rng, left, right, centre_y, end_dy, mid_dy, steps: int = 60):
    """A cubic Bezier from a bit left of the text to a bit right of it."""
    return bezier(
        [
            (left - rng.uniform(10, 25), centre_y + rng.uniform(-end_dy, end_dy)),
            (left + (right - left) / 3, centre_y + rng.uniform(-mid_dy, mid_dy)),
            (left + (right - left) * 2 / 3, centre_y + rng.uniform(-mid_dy, mid_dy)),
            (right + rng.uniform(10, 25), centre_y + rng.uniform(-end_dy, end_dy)),
        ],
        steps,
    )


def warp(img: Image.Image, rng, fill, *, amp, period) -> Image.Image:
    """Smooth two-axis sine warp of the whole picture, through a quad mesh;
    `amp` and `period` are (low, high) ranges in pixels."""
    width, height = img.size
    ax = rng.uniform(*amp)  # horizontal displacement
    ay = rng.uniform(*amp)  # vertical displacement
    px = rng.uniform(*period)  # vertical waves along x
    py = rng.uniform(*period) * 0.7  # horizontal waves along y
    phx = rng.uniform(0, 2 * math.pi)
    phy = rng.uniform(0, 2 * math.pi)

    def src(x, y):
        return (
            x + ax * math.sin(2 * math.pi * y / py + phx),
            y + ay * math.sin(2 * math.pi * x / px + phy),
        )

    step = 8
    mesh = []
    for x0 in range(0, width, step):
        x1 = min(x0 + step, width)
        for y0 in range(0, height, step):
            y1 = min(y0 + step, height)
            quad = (*src(x0, y0), *src(x0, y1), *src(x1, y1), *src(x1, y0))
            mesh.append(((x0, y0, x1, y1), quad))
    return img.transform(img.size, Image.MESH, mesh, resample=Image.BICUBIC, fillcolor=fill)
