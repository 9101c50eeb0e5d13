#!/usr/bin/env python3
"""Generate the demo illustration images for the seller knowledge base.

Run it from anywhere; it writes into the project it lives in (give file
names, e.g. cover-shop.jpg funnel.png, to draw only those):

    .venv/bin/python scripts/make_demo_images.py [NAME ...]

Outputs
  * article covers (960x540 JPEG)      -> articles/demo/covers/
  * body illustrations (800x450 PNG)   -> static/img/demo/

Only Pillow is required. Chinese labels use Noto Sans CJK (Debian/Ubuntu
package ``fonts-noto-cjk``). Everything is drawn at 2x and downscaled with
LANCZOS for smooth edges; all randomness uses a fixed seed so the output is
reproducible.
"""

import math
import random
import sys
from pathlib import Path

try:
    from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont
except ImportError:  # pragma: no cover - helper script
    sys.exit("Pillow is required: pip install pillow")

# --------------------------------------------------------------------------
# configuration
# --------------------------------------------------------------------------
FONT_DIR = Path("/usr/share/fonts/opentype/noto")
FONT_REGULAR = FONT_DIR / "NotoSansCJK-Regular.ttc"
FONT_BOLD = FONT_DIR / "NotoSansCJK-Bold.ttc"
FONT_INDEX = 2  # face 2 of the collection is "Noto Sans CJK SC" (Simplified Chinese)

ROOT = Path(__file__).resolve().parents[1]
COVER_DIR = ROOT / "articles" / "demo" / "covers"
BODY_DIR = ROOT / "static" / "img" / "demo"

S = 2  # supersampling factor
SEED = 20240501  # fixed seed: output is deterministic
PNG_LIMIT = 80_000


def rgba(hexstr, a=255):
    h = hexstr.lstrip("#")
    return (int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16), a)


def alpha(color, a):
    return color[:3] + (a,)


def mix(c1, c2, t):
    return tuple(round(c1[i] + (c2[i] - c1[i]) * t) for i in range(4))


# palette
ORANGE = rgba("#ff5000")
ORANGE_D = rgba("#e04600")
ORANGE_L = rgba("#ff8a4c")
ORANGE_XL = rgba("#ffd9c7")
NAVY = rgba("#1f2a44")
NAVY_L = rgba("#3b4a6b")
TEAL = rgba("#14a3a3")
TEAL_D = rgba("#0f8a8a")
TEAL_L = rgba("#8fd6d6")
TEAL_XL = rgba("#dff4f4")
GREY_1 = rgba("#f4f5f7")
GREY_2 = rgba("#e6e8ec")
GREY_3 = rgba("#c9ced6")
GREY_4 = rgba("#8a93a3")
GREY_5 = rgba("#5d6678")
WHITE = rgba("#ffffff")
RED = rgba("#ff2d3d")
PINK = rgba("#ff7aa2")
AMBER = rgba("#ffb020")
AMBER_D = rgba("#e8930c")
KRAFT = rgba("#f2b67e")
KRAFT_D = rgba("#e0975a")
KRAFT_L = rgba("#fad8b4")
SKIN = rgba("#ffd8c2")
SKIN_D = rgba("#f3bfa2")
LIGHT = rgba("#fff1c7")

THEMES = {
    "warm": (rgba("#ffeee4"), ORANGE),
    "teal": (rgba("#e2f4f4"), TEAL),
    "cool": (rgba("#e8ecf4"), NAVY),
}

_FONTS = {}


def font(size, bold=False):
    key = (size, bold)
    if key not in _FONTS:
        path = FONT_BOLD if bold else FONT_REGULAR
        _FONTS[key] = ImageFont.truetype(str(path), round(size * S), index=FONT_INDEX)
    return _FONTS[key]


# --------------------------------------------------------------------------
# geometry helpers (all coordinates in 1x units)
# --------------------------------------------------------------------------
def lerp(p, q, t):
    return (p[0] + (q[0] - p[0]) * t, p[1] + (q[1] - p[1]) * t)


def quad_bezier(p0, p1, p2, n=40):
    pts = []
    for k in range(n + 1):
        t = k / n
        a, b = lerp(p0, p1, t), lerp(p1, p2, t)
        pts.append(lerp(a, b, t))
    return pts


def cubic_bezier(p0, p1, p2, p3, n=60):
    pts = []
    for k in range(n + 1):
        t = k / n
        a, b, c = lerp(p0, p1, t), lerp(p1, p2, t), lerp(p2, p3, t)
        d, e = lerp(a, b, t), lerp(b, c, t)
        pts.append(lerp(d, e, t))
    return pts


def rounded_poly(pts, r, steps=8):
    """Polygon with rounded corners. r: number or list (one radius per vertex)."""
    n = len(pts)
    radii = r if isinstance(r, (list, tuple)) else [r] * n
    out = []
    for i in range(n):
        p0, p1, p2 = pts[i - 1], pts[i], pts[(i + 1) % n]
        rr = radii[i]
        d1 = math.hypot(p0[0] - p1[0], p0[1] - p1[1])
        d2 = math.hypot(p2[0] - p1[0], p2[1] - p1[1])
        rr = min(rr, d1 / 2, d2 / 2)
        if rr <= 0.01 or d1 == 0 or d2 == 0:
            out.append(p1)
            continue
        a = lerp(p1, p0, rr / d1)
        b = lerp(p1, p2, rr / d2)
        out.extend(quad_bezier(a, p1, b, steps))
    return out


def dash_segments(pts, dash, gap):
    segs, cur, on, remain = [], [pts[0]], True, dash
    for (x0, y0), (x1, y1) in zip(pts, pts[1:]):
        seg_len = math.hypot(x1 - x0, y1 - y0)
        pos = 0.0
        while seg_len - pos > remain:
            pos += remain
            t = pos / seg_len
            p = (x0 + (x1 - x0) * t, y0 + (y1 - y0) * t)
            if on:
                cur.append(p)
                segs.append(cur)
            else:
                cur = [p]
            on = not on
            remain = dash if on else gap
        remain -= seg_len - pos
        if on:
            cur.append((x1, y1))
    if on and len(cur) > 1:
        segs.append(cur)
    return segs


def heart_pts(cx, cy, size):
    k = size / 32.0
    pts = []
    for i in range(90):
        t = 2 * math.pi * i / 90
        x = 16 * math.sin(t) ** 3
        y = -(13 * math.cos(t) - 5 * math.cos(2 * t) - 2 * math.cos(3 * t) - math.cos(4 * t))
        pts.append((cx + x * k, cy + (y - 2.5) * k))
    return pts


def star_pts(cx, cy, r, inner=0.48, n=5, rot=-90):
    pts = []
    for i in range(n * 2):
        rr = r if i % 2 == 0 else r * inner
        ang = math.radians(rot + i * 180 / n)
        pts.append((cx + rr * math.cos(ang), cy + rr * math.sin(ang)))
    return pts


def bbox_of(pts):
    xs = [p[0] for p in pts]
    ys = [p[1] for p in pts]
    return (min(xs), min(ys), max(xs), max(ys))


# --------------------------------------------------------------------------
# canvas
# --------------------------------------------------------------------------
class Canvas:
    def __init__(self, w, h, bg=(0, 0, 0, 0)):
        self.w, self.h = w, h
        self.im = Image.new("RGBA", (w * S, h * S), bg)
        self.d = ImageDraw.Draw(self.im)

    # -- coordinate helpers
    @staticmethod
    def _p(pts):
        return [(x * S, y * S) for x, y in pts]

    @staticmethod
    def _b(box):
        return [v * S for v in box]

    # -- layers
    def layer(self):
        return Canvas(self.w, self.h)

    def merge(self, other, opacity=1.0):
        im = other.im
        if opacity < 1:
            im = im.copy()
            im.putalpha(im.getchannel("A").point(lambda v: round(v * opacity)))
        self.im.alpha_composite(im)

    def rotate(self, angle, center):
        self.im = self.im.rotate(
            angle, resample=Image.BICUBIC, center=(center[0] * S, center[1] * S)
        )
        self.d = ImageDraw.Draw(self.im)

    def clip(self, kind, geom, r=0):
        mask = Image.new("L", self.im.size, 0)
        self._shape(ImageDraw.Draw(mask), kind, geom, r, 255, (0, 0))
        self.im.putalpha(ImageChops.multiply(self.im.getchannel("A"), mask))

    def _paste_at(self, im, x, y):
        sx, sy = max(0, -x), max(0, -y)
        if sx or sy:
            im = im.crop((sx, sy, im.width, im.height))
            x, y = x + sx, y + sy
        if x >= self.im.width or y >= self.im.height or im.width <= 0 or im.height <= 0:
            return
        w = min(im.width, self.im.width - x)
        h = min(im.height, self.im.height - y)
        self.im.alpha_composite(im.crop((0, 0, w, h)), dest=(x, y))

    @staticmethod
    def _shape(draw, kind, geom, r, fill, origin):
        ox, oy = origin
        if kind == "poly":
            draw.polygon([((x - ox) * S, (y - oy) * S) for x, y in geom], fill=fill)
            return
        box = [(geom[0] - ox) * S, (geom[1] - oy) * S, (geom[2] - ox) * S, (geom[3] - oy) * S]
        if kind == "rrect":
            draw.rounded_rectangle(box, radius=r * S, fill=fill)
        elif kind == "ellipse":
            draw.ellipse(box, fill=fill)
        else:
            draw.rectangle(box, fill=fill)

    # -- primitives
    def rect(self, box, fill=None, outline=None, width=1):
        self.d.rectangle(self._b(box), fill=fill, outline=outline, width=round(width * S))

    def rrect(self, box, r, fill=None, outline=None, width=1, corners=None):
        self.d.rounded_rectangle(
            self._b(box),
            radius=r * S,
            fill=fill,
            outline=outline,
            width=round(width * S),
            corners=corners,
        )

    def ellipse(self, box, fill=None, outline=None, width=1):
        self.d.ellipse(self._b(box), fill=fill, outline=outline, width=round(width * S))

    def circle(self, cx, cy, r, fill=None, outline=None, width=1):
        self.ellipse((cx - r, cy - r, cx + r, cy + r), fill=fill, outline=outline, width=width)

    def poly(self, pts, fill=None, outline=None, width=1):
        self.d.polygon(self._p(pts), fill=fill, outline=outline, width=round(width * S))

    def chord(self, box, start, end, fill):
        self.d.chord(self._b(box), start, end, fill=fill)

    def pieslice(self, box, start, end, fill):
        self.d.pieslice(self._b(box), start, end, fill=fill)

    def arc(self, box, start, end, fill, width):
        self.d.arc(self._b(box), start, end, fill=fill, width=round(width * S))

    def line(self, pts, fill, width, caps=True):
        P = self._p(pts)
        self.d.line(P, fill=fill, width=round(width * S), joint="curve")
        if caps:
            r = width * S / 2
            for x, y in (P[0], P[-1]):
                self.d.ellipse((x - r, y - r, x + r, y + r), fill=fill)

    def dashed(self, pts, fill, width, dash=10, gap=8, caps=True):
        for seg in dash_segments(pts, dash, gap):
            self.line(seg, fill, width, caps)

    def text(self, xy, s, size, fill, bold=False, anchor="la"):
        self.d.text((xy[0] * S, xy[1] * S), s, font=font(size, bold), fill=fill, anchor=anchor)

    @staticmethod
    def text_w(s, size, bold=False):
        return font(size, bold).getlength(s) / S

    # -- effects
    def shadow(self, kind, geom, r=0, blur=12, offset=(0, 6), color=NAVY, alpha=40):
        box = bbox_of(geom) if kind == "poly" else geom
        pad = blur * 2 + 4
        x0 = box[0] + offset[0] - pad
        y0 = box[1] + offset[1] - pad
        w = box[2] - box[0] + 2 * pad
        h = box[3] - box[1] + 2 * pad
        mask = Image.new("L", (math.ceil(w * S), math.ceil(h * S)), 0)
        md = ImageDraw.Draw(mask)
        origin = (x0 - offset[0], y0 - offset[1])
        self._shape(md, kind, geom, r, alpha, origin)
        mask = mask.filter(ImageFilter.GaussianBlur(blur * S / 2))
        sh = Image.new("RGBA", mask.size, color[:3] + (0,))
        sh.putalpha(mask)
        self._paste_at(sh, round(x0 * S), round(y0 * S))

    def gradient(self, kind, geom, c1, c2, r=0, horizontal=False):
        box = bbox_of(geom) if kind == "poly" else geom
        x0, y0 = math.floor(box[0]), math.floor(box[1])
        x1, y1 = math.ceil(box[2]), math.ceil(box[3])
        w, h = max(1, (x1 - x0) * S), max(1, (y1 - y0) * S)
        g = Image.linear_gradient("L")
        if horizontal:  # black (c1) on the left, white (c2) on the right
            g = g.rotate(90)
        g = g.resize((w, h), Image.BILINEAR)
        grad = Image.composite(Image.new("RGBA", (w, h), c2), Image.new("RGBA", (w, h), c1), g)
        mask = Image.new("L", (w, h), 0)
        self._shape(ImageDraw.Draw(mask), kind, geom, r, 255, (x0, y0))
        grad.putalpha(ImageChops.multiply(grad.getchannel("A"), mask))
        self._paste_at(grad, x0 * S, y0 * S)

    def to_rgb(self, bg=WHITE):
        base = Image.new("RGBA", self.im.size, bg)
        base.alpha_composite(self.im)
        return base.convert("RGB").resize((self.w, self.h), Image.LANCZOS)


# --------------------------------------------------------------------------
# reusable drawings
# --------------------------------------------------------------------------
def person(a, cx, cy, h, color):
    a.circle(cx, cy - h * 0.27, h * 0.21, fill=color)
    a.chord((cx - h * 0.4, cy, cx + h * 0.4, cy + h * 0.9), 180, 360, fill=color)


def tick(a, cx, cy, r, color=WHITE, width=None):
    w = width or r * 0.28
    a.line(
        [
            (cx - r * 0.45, cy + r * 0.02),
            (cx - r * 0.12, cy + r * 0.33),
            (cx + r * 0.45, cy - r * 0.3),
        ],
        color,
        w,
    )


def heart(a, cx, cy, size, fill):
    a.poly(heart_pts(cx, cy, size), fill=fill)


def sparkle(a, cx, cy, r, fill):
    q = r * 0.26
    a.poly(
        rounded_poly(
            [
                (cx, cy - r),
                (cx + q, cy - q),
                (cx + r, cy),
                (cx + q, cy + q),
                (cx, cy + r),
                (cx - q, cy + q),
                (cx - r, cy),
                (cx - q, cy - q),
            ],
            [r * 0.1, 0] * 4,
        ),
        fill=fill,
    )


def parcel(a, box, shadow=True):
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    r = min(w, h) * 0.07
    if shadow:
        a.shadow("rrect", box, r=r, blur=8, offset=(0, 4), alpha=35)
    a.rrect(box, r, fill=KRAFT)
    a.rrect((x0, y0, x1, y0 + h * 0.22), r, fill=KRAFT_D, corners=(True, True, False, False))
    cx = (x0 + x1) / 2
    a.rect((cx - w * 0.09, y0, cx + w * 0.09, y0 + h * 0.5), fill=KRAFT_L)
    lx0, ly0 = x1 - w * 0.4, y1 - h * 0.32
    a.rrect((lx0, ly0, x1 - w * 0.1, y1 - h * 0.1), max(2, r * 0.5), fill=WHITE)
    a.line(
        [(lx0 + w * 0.05, ly0 + h * 0.07), (x1 - w * 0.16, ly0 + h * 0.07)],
        GREY_3,
        max(1.5, h * 0.03),
    )


def bag_icon(a, cx, cy, s, body, hole=WHITE, handle_w=None):
    """Shopping bag: slightly tapered body, handle arc ending in two eyelets."""
    hx, hy = s * 0.2, cy - s * 0.14
    a.arc((cx - hx, hy - s * 0.4, cx + hx, hy + s * 0.4), 180, 360, body, handle_w or s * 0.085)
    a.poly(
        rounded_poly(
            [
                (cx - s * 0.4, cy - s * 0.32),
                (cx + s * 0.4, cy - s * 0.32),
                (cx + s * 0.5, cy + s * 0.5),
                (cx - s * 0.5, cy + s * 0.5),
            ],
            s * 0.1,
        ),
        fill=body,
    )
    for sx in (-1, 1):
        a.circle(cx + sx * hx, hy, s * 0.055, fill=hole)


def cart(a, cx, cy, s, frame=NAVY, fill=ORANGE, grid=None, lw=None):
    lw = lw or s * 0.1

    def P(x, y):
        return (cx + x * s, cy + y * s)

    hx0, hy0, hx1, hy1 = -0.78, -0.82, -0.48, 0.22
    tlx = hx0 + (hx1 - hx0) * ((-0.5 - hy0) / (hy1 - hy0))
    basket = [P(tlx, -0.5), P(0.98, -0.5), P(0.76, 0.22), P(-0.48, 0.22)]
    if fill:
        a.poly(rounded_poly(basket, s * 0.04), fill=fill)
    if grid:
        for t in (0.28, 0.52, 0.76):
            a.line([lerp(basket[0], basket[1], t), lerp(basket[3], basket[2], t)], grid, lw * 0.5)
        a.line([lerp(basket[0], basket[3], 0.5), lerp(basket[1], basket[2], 0.5)], grid, lw * 0.5)
    a.line([P(-1.06, -0.82), P(hx0, hy0), P(hx1, hy1), P(-0.42, 0.42), P(0.8, 0.42)], frame, lw)
    a.line([basket[0], basket[1], basket[2], basket[3]], frame, lw)
    for wx in (-0.3, 0.62):
        a.circle(*P(wx, 0.66), s * 0.13, fill=frame)


def pin(a, x, y, r, color, dot=WHITE):
    """Map pin with its tip at (x, y)."""
    cy = y - r * 1.75
    a.poly([(x - r * 0.82, cy + r * 0.55), (x + r * 0.82, cy + r * 0.55), (x, y)], fill=color)
    a.circle(x, cy, r, fill=color)
    a.circle(x, cy, r * 0.42, fill=dot)


def cloud(a, cx, cy, s, fill=WHITE):
    a.circle(cx - s * 0.45, cy + s * 0.05, s * 0.35, fill=fill)
    a.circle(cx + s * 0.05, cy - s * 0.15, s * 0.48, fill=fill)
    a.circle(cx + s * 0.55, cy + s * 0.08, s * 0.32, fill=fill)
    a.rrect((cx - s * 0.8, cy + s * 0.05, cx + s * 0.87, cy + s * 0.4), s * 0.17, fill=fill)


def store_icon(a, cx, cy, s, color=WHITE, door=ORANGE):
    a.rrect((cx - s * 0.42, cy - 0.02 * s, cx + s * 0.42, cy + s * 0.5), s * 0.06, fill=color)
    a.rrect((cx - s * 0.5, cy - s * 0.46, cx + s * 0.5, cy - s * 0.12), s * 0.08, fill=color)
    for i in range(4):
        x = cx - s * 0.5 + s * 0.25 * i
        a.chord((x, cy - s * 0.25, x + s * 0.25, cy + 0.0 * s), 0, 180, fill=color)
    a.rrect(
        (cx - s * 0.12, cy + s * 0.18, cx + s * 0.12, cy + s * 0.5),
        s * 0.04,
        fill=door,
        corners=(True, True, False, False),
    )


def phone(a, box, r=30, body=NAVY, screen=WHITE, inset=9):
    a.shadow("rrect", box, r=r, blur=18, offset=(0, 12), alpha=60)
    a.rrect(box, r, fill=body)
    sb = (box[0] + inset, box[1] + inset, box[2] - inset, box[3] - inset)
    a.rrect(sb, r - inset + 2, fill=screen)
    return sb, r - inset + 2


def arrow_head(a, tip, direction, size, color):
    dx, dy = direction
    n = math.hypot(dx, dy)
    dx, dy = dx / n, dy / n
    px, py = -dy, dx
    base = (tip[0] - dx * size, tip[1] - dy * size)
    a.poly(
        rounded_poly(
            [
                tip,
                (base[0] + px * size * 0.75, base[1] + py * size * 0.75),
                (base[0] - px * size * 0.75, base[1] - py * size * 0.75),
            ],
            size * 0.12,
        ),
        fill=color,
    )


def coin_stack(a, cx, bottom, n, rx=36, ry=12, th=10):
    for k in range(n):
        y = bottom - ry - th - k * (th + 3)
        a.ellipse((cx - rx, y + th - ry, cx + rx, y + th + ry), fill=AMBER_D)
        a.rect((cx - rx, y, cx + rx, y + th), fill=AMBER_D)
        a.ellipse((cx - rx, y - ry, cx + rx, y + ry), fill=AMBER)
        a.ellipse(
            (cx - rx * 0.65, y - ry * 0.6, cx + rx * 0.65, y + ry * 0.6),
            outline=rgba("#ffd36e"),
            width=2.5,
        )


# --------------------------------------------------------------------------
# covers (960 x 540)
# --------------------------------------------------------------------------
CW, CH = 960, 540


def cover_canvas(theme, dots=(46, 44)):
    tint, accent = THEMES[theme]
    a = Canvas(CW, CH, WHITE)
    a.gradient("rect", (0, 0, CW, CH), tint, mix(tint, WHITE, 0.65))
    deco = a.layer()
    deco.circle(880, 70, 200, fill=alpha(accent, 20))
    deco.circle(60, 520, 150, fill=alpha(accent, 15))
    a.merge(deco)
    if dots:
        for i in range(5):
            for j in range(4):
                a.circle(dots[0] + i * 18, dots[1] + j * 18, 2.4, fill=alpha(GREY_4, 110))
    return a


def ground(a, cx, cy, rx, ry=12, alpha_=45):
    a.shadow("ellipse", (cx - rx, cy - ry, cx + rx, cy + ry), blur=10, offset=(0, 0), alpha=alpha_)


def cover_shop():
    a = cover_canvas("warm")
    ground(a, 480, 455, 320, 14)
    # building
    body = (200, 215, 570, 452)
    a.shadow("rrect", body, r=14, blur=16, offset=(0, 10), alpha=40)
    a.rrect(body, 14, fill=WHITE)
    a.rect((200, 232, 570, 266), fill=GREY_1)
    # sign board
    a.rect((292, 160, 300, 180), fill=NAVY)
    a.rect((470, 160, 478, 180), fill=NAVY)
    a.rrect((245, 108, 525, 166), 16, fill=NAVY)
    bag_icon(a, 385, 141, 34, ORANGE, hole=NAVY)
    a.rrect((275, 131, 345, 143), 6, fill=NAVY_L)
    a.rrect((425, 131, 495, 143), 6, fill=NAVY_L)
    # awning
    stripe = 50
    for i in range(8):
        x = 185 + i * stripe
        col = ORANGE if i % 2 == 0 else ORANGE_XL
        a.rect((x, 180, x + stripe, 236), fill=col)
        a.chord((x, 236 - stripe / 2, x + stripe, 236 + stripe / 2), 0, 180, fill=col)
    a.rrect((178, 172, 592, 188), 8, fill=NAVY)
    # window
    a.rrect((225, 285, 402, 424), 12, fill=NAVY)
    glass = (233, 293, 394, 416)
    a.rrect(glass, 7, fill=TEAL_XL)
    a.rrect((245, 336, 290, 381), 6, fill=ORANGE)
    a.rect((262, 336, 273, 352), fill=ORANGE_L)
    a.rrect((306, 322, 336, 381), 9, fill=TEAL)
    a.rrect((313, 308, 329, 324), 4, fill=NAVY)
    a.rrect((310, 340, 332, 362), 4, fill=TEAL_XL)
    bag_icon(a, 366, 361, 38, NAVY_L, hole=TEAL_XL)
    a.rect((233, 381, 394, 389), fill=NAVY_L)
    refl = a.layer()
    refl.poly([(250, 416), (330, 293), (352, 293), (272, 416)], fill=alpha(WHITE, 120))
    refl.poly([(290, 416), (370, 293), (380, 293), (300, 416)], fill=alpha(WHITE, 120))
    refl.clip("rrect", glass, 7)
    a.merge(refl)
    # door
    a.rrect((428, 286, 542, 452), 52, fill=NAVY, corners=(True, True, False, False))
    a.rrect((444, 304, 526, 384), 40, fill=TEAL_XL, corners=(True, True, False, False))
    a.rect((444, 384, 526, 392), fill=NAVY_L)
    a.circle(516, 416, 6, fill=ORANGE)
    a.rrect((416, 448, 554, 456), 4, fill=ORANGE)
    # phone
    sb, sr = phone(a, (618, 132, 778, 462), r=28)
    a.rrect((sb[0], sb[1], sb[2], sb[1] + 60), sr, fill=ORANGE, corners=(True, True, False, False))
    a.rrect((672, 146, 724, 154), 4, fill=NAVY)
    a.circle(652, 178, 12, fill=WHITE)
    a.rrect((672, 171, 740, 179), 4, fill=WHITE)
    a.rrect((672, 184, 718, 190), 3, fill=ORANGE_XL)
    for row in range(2):
        for col in range(2):
            x0 = 636 + col * 64
            y0 = 214 + row * 88
            a.rrect((x0, y0, x0 + 58, y0 + 80), 10, fill=GREY_1)
            img = ORANGE_XL if (row + col) % 2 == 0 else TEAL_XL
            a.rrect((x0 + 6, y0 + 6, x0 + 52, y0 + 48), 7, fill=img)
            dot = ORANGE if (row + col) % 2 == 0 else TEAL
            a.circle(x0 + 29, y0 + 27, 9, fill=dot)
            a.rrect((x0 + 6, y0 + 55, x0 + 44, y0 + 61), 3, fill=GREY_3)
            a.rrect((x0 + 6, y0 + 66, x0 + 28, y0 + 73), 3, fill=ORANGE)
    a.rrect((638, 400, 758, 432), 16, fill=ORANGE)
    a.rrect((676, 413, 720, 419), 3, fill=WHITE)
    a.rrect((674, 442, 722, 446), 2, fill=GREY_3)
    # badge
    a.shadow("ellipse", (588, 124, 640, 176), blur=8, offset=(0, 4), alpha=50)
    a.circle(614, 150, 26, fill=TEAL)
    cart(a, 612, 149, 14, frame=WHITE, fill=None, lw=3.2)
    # sparkles
    sparkle(a, 140, 200, 13, ORANGE)
    sparkle(a, 835, 110, 10, TEAL)
    sparkle(a, 860, 400, 8, ORANGE_L)
    a.circle(150, 330, 5, fill=TEAL_L)
    a.circle(830, 300, 4, fill=ORANGE_L)
    return a


def cover_growth():
    a = cover_canvas("cool")
    card = (230, 80, 730, 462)
    a.shadow("rrect", card, r=26, blur=18, offset=(0, 12), alpha=45)
    a.rrect(card, 26, fill=WHITE)
    a.rrect((262, 110, 380, 122), 6, fill=NAVY)
    a.rrect((262, 132, 330, 141), 4, fill=GREY_3)
    for y in (190, 250, 310, 370):
        a.dashed([(262, y), (698, y)], GREY_2, 2, 8, 8, caps=False)
    a.line([(262, 430), (698, 430)], GREY_3, 3)
    heights = [60, 100, 140, 195, 255]
    colors = [rgba("#bfe6e6"), TEAL_L, rgba("#4fbcbc"), TEAL, ORANGE]
    for i, (hgt, col) in enumerate(zip(heights, colors)):
        x0 = 285 + i * 84
        a.rrect((x0, 428 - hgt, x0 + 58, 428), 12, fill=col, corners=(True, True, False, False))
    pts = [(272, 372), (376, 296), (462, 318), (572, 204), (640, 142)]
    a.line(pts, WHITE, 26)
    a.line(pts, ORANGE, 13)
    d = (pts[-1][0] - pts[-2][0], pts[-1][1] - pts[-2][1])
    n = math.hypot(*d)
    tip = (pts[-1][0] + d[0] / n * 30, pts[-1][1] + d[1] / n * 30)
    arrow_head(a, (tip[0] + d[0] / n * 5, tip[1] + d[1] / n * 5), d, 46, WHITE)
    arrow_head(a, tip, d, 38, ORANGE)
    # KPI chip
    chip = (676, 262, 816, 318)
    a.shadow("rrect", chip, r=16, blur=12, offset=(0, 8), alpha=45)
    a.rrect(chip, 16, fill=WHITE)
    a.circle(704, 290, 17, fill=TEAL)
    a.line([(695, 297), (702, 289), (707, 293), (714, 283)], WHITE, 3.5)
    a.rrect((730, 278, 796, 288), 5, fill=NAVY)
    a.rrect((730, 295, 772, 303), 4, fill=TEAL_L)
    # coins
    ground(a, 222, 466, 56, 8, 40)
    coin_stack(a, 222, 470, 5)
    sparkle(a, 160, 150, 12, ORANGE)
    sparkle(a, 800, 170, 10, TEAL)
    sparkle(a, 820, 430, 8, ORANGE_L)
    a.circle(150, 260, 5, fill=TEAL_L)
    return a


def cover_traffic():
    a = cover_canvas("teal", dots=(46, 430))
    cx = 480

    def hw(y):
        return 200 - (y - 204) * (158 / 214)

    bands = [(204, 254), (260, 310), (316, 366), (372, 418)]
    cols = [rgba("#ffc4a4"), rgba("#ff9c66"), rgba("#ff7633"), ORANGE]
    shape = [(cx - 206, 196), (cx + 206, 196), (cx + hw(418), 418), (cx - hw(418), 418)]
    a.shadow("poly", shape, blur=18, offset=(0, 14), alpha=40)
    for (y0, y1), col in zip(bands, cols):
        pts = [(cx - hw(y0), y0), (cx + hw(y0), y0), (cx + hw(y1), y1), (cx - hw(y1), y1)]
        a.poly(rounded_poly(pts, 6), fill=col)
    a.rrect((cx - 216, 186, cx + 216, 204), 9, fill=NAVY)
    a.rrect((cx - 30, 414, cx + 30, 448), 8, fill=NAVY, corners=(False, False, True, True))
    # output: orders
    bag_icon(a, cx, 494, 44, ORANGE, hole=WHITE)
    sparkle(a, cx - 46, 478, 8, TEAL)
    sparkle(a, cx + 48, 500, 7, ORANGE_L)
    # flows of visitors
    left = cubic_bezier((70, 150), (150, 40), (300, 60), (400, 176))
    right = cubic_bezier((890, 150), (810, 40), (660, 60), (560, 176))
    centre = cubic_bezier((480, 20), (470, 80), (490, 120), (480, 176))
    for path in (left, right, centre):
        a.dashed(path, alpha(TEAL, 150), 3, 9, 9)
    cols = [NAVY, TEAL, ORANGE, NAVY_L]
    spots = [
        (left, 0.12, 34),
        (left, 0.45, 30),
        (left, 0.78, 27),
        (right, 0.12, 34),
        (right, 0.45, 30),
        (right, 0.78, 27),
        (centre, 0.45, 26),
    ]
    for k, (path, t, r) in enumerate(spots):
        x, y = path[round(t * (len(path) - 1))]
        a.shadow("ellipse", (x - r, y - r, x + r, y + r), blur=8, offset=(0, 4), alpha=40)
        a.circle(x, y, r, fill=WHITE)
        person(a, x, y + r * 0.12, r * 1.15, cols[k % len(cols)])
    sparkle(a, 860, 330, 12, ORANGE)
    sparkle(a, 120, 300, 10, TEAL)
    a.circle(800, 440, 5, fill=ORANGE_L)
    return a


def cover_logistics():
    a = cover_canvas("warm")
    cloud(a, 250, 150, 46)
    cloud(a, 470, 105, 34)
    # ground
    a.rrect((70, 462, 890, 470), 4, fill=GREY_3)
    for x in range(110, 870, 70):
        a.rrect((x, 480, x + 34, 485), 2.5, fill=GREY_2)
    ground(a, 205, 462, 110, 8, 40)
    ground(a, 540, 462, 230, 9, 45)
    # parcels
    parcel(a, (110, 362, 212, 462))
    parcel(a, (218, 382, 302, 462))
    parcel(a, (122, 284, 202, 362))
    # truck cargo box
    a.shadow("rrect", (330, 220, 620, 420), r=16, blur=14, offset=(0, 8), alpha=35)
    a.shadow("rrect", (612, 268, 748, 420), r=20, blur=14, offset=(0, 8), alpha=30)
    a.rrect((330, 220, 620, 420), 16, fill=ORANGE)
    a.rrect((345, 392, 605, 400), 4, fill=ORANGE_L)
    a.circle(475, 302, 52, fill=WHITE)
    parcel(a, (450, 278, 500, 326), shadow=False)
    # cab
    a.rrect((612, 268, 722, 420), 34, fill=NAVY, corners=(False, True, False, False))
    a.rrect((700, 330, 748, 420), 14, fill=NAVY, corners=(False, True, True, False))
    a.rrect((632, 286, 704, 336), 16, fill=TEAL_XL, corners=(False, True, False, False))
    a.line([(646, 326), (668, 296)], alpha(WHITE, 255), 5)
    a.rrect((640, 352, 664, 360), 4, fill=NAVY_L)
    a.rrect((740, 350, 752, 368), 4, fill=AMBER)
    a.rrect((706, 404, 758, 420), 6, fill=GREY_3)
    a.rect((330, 414, 706, 432), fill=NAVY_L)
    for wx in (400, 560, 670):
        a.circle(wx, 432, 31, fill=NAVY)
        a.circle(wx, 432, 14, fill=GREY_2)
        a.circle(wx, 432, 5, fill=NAVY)
    # destination pin and route
    route = cubic_bezier((600, 206), (640, 80), (740, 70), (800, 130))
    a.dashed(route, TEAL, 4, 12, 10)
    a.circle(600, 206, 7, fill=TEAL)
    ground(a, 830, 226, 26, 6, 50)
    pin(a, 830, 224, 30, ORANGE)
    sparkle(a, 880, 330, 10, ORANGE_L)
    sparkle(a, 120, 220, 9, TEAL)
    return a


def cover_live():
    a = cover_canvas("warm")
    sb, sr = phone(a, (375, 34, 585, 506), r=34, inset=10)
    a.gradient("rrect", sb, rgba("#ffe6d9"), rgba("#ffc4a8"), r=sr)
    # screen content clipped to the screen
    scr = a.layer()
    scr.circle(420, 150, 46, fill=alpha(WHITE, 90))
    scr.circle(548, 260, 34, fill=alpha(WHITE, 80))
    scr.circle(536, 130, 16, fill=alpha(WHITE, 110))
    # streamer
    scr.rrect((426, 226, 534, 330), 34, fill=NAVY)
    scr.chord((394, 304, 566, 520), 180, 360, fill=TEAL)
    scr.rect((394, 411, 566, 500), fill=TEAL)
    scr.rect((466, 282, 494, 312), fill=SKIN_D)
    scr.poly([(462, 304), (498, 304), (480, 328)], fill=SKIN_D)
    scr.ellipse((438, 196, 522, 292), fill=SKIN)
    scr.chord((426, 168, 534, 276), 180, 360, fill=NAVY)
    scr.chord((452, 192, 534, 250), 270, 360, fill=NAVY)
    # microphone
    scr.line([(530, 400), (530, 352)], NAVY, 5)
    scr.rrect((519, 330, 541, 360), 10, fill=NAVY_L)
    # comments
    scr.rrect((397, 412, 532, 440), 14, fill=alpha(WHITE, 210))
    scr.circle(411, 426, 9, fill=ORANGE_L)
    scr.rrect((426, 422, 516, 430), 4, fill=GREY_3)
    scr.rrect((397, 448, 500, 476), 14, fill=alpha(WHITE, 210))
    scr.circle(411, 462, 9, fill=TEAL)
    scr.rrect((426, 458, 486, 466), 4, fill=GREY_3)
    scr.clip("rrect", sb, sr)
    a.merge(scr)
    # overlays
    a.rrect((455, 49, 505, 57), 4, fill=NAVY)
    a.rrect((396, 70, 482, 104), 17, fill=RED)
    a.circle(414, 87, 5, fill=WHITE)
    a.text((449, 86), "直播", 21, WHITE, bold=True, anchor="mm")
    a.rrect((492, 72, 562, 102), 15, fill=alpha(NAVY, 255))
    a.circle(508, 87, 5, fill=RED)
    a.rrect((520, 83, 550, 91), 4, fill=WHITE)
    a.circle(552, 470, 19, fill=ORANGE)
    bag_icon(a, 552, 472, 18, WHITE, hole=ORANGE, handle_w=2.4)
    a.circle(552, 424, 19, fill=WHITE)
    heart(a, 552, 425, 20, RED)
    # floating hearts
    for x, y, s, col in [
        (608, 404, 46, RED),
        (650, 318, 32, ORANGE),
        (620, 248, 26, PINK),
        (676, 196, 38, RED),
        (640, 136, 20, ORANGE_L),
        (700, 104, 16, PINK),
    ]:
        heart(a, x, y, s, col)
    # gift box
    ground(a, 280, 448, 54, 7, 40)
    a.rrect((240, 372, 320, 446), 8, fill=TEAL)
    a.rrect((232, 352, 328, 378), 6, fill=TEAL_D)
    a.rect((272, 352, 288, 446), fill=ORANGE)
    a.ellipse((244, 326, 280, 356), outline=ORANGE, width=8)
    a.ellipse((280, 326, 316, 356), outline=ORANGE, width=8)
    a.circle(280, 350, 8, fill=ORANGE_D)
    sparkle(a, 250, 190, 14, ORANGE)
    sparkle(a, 300, 260, 8, TEAL)
    sparkle(a, 790, 420, 12, TEAL)
    a.circle(180, 300, 5, fill=ORANGE_L)
    return a


def cover_global():
    a = cover_canvas("teal")
    cx, cy, R = 480, 268, 172
    rng = random.Random(SEED + 6)
    orbit_rx, orbit_ry, tilt = 300, 80, math.radians(-12)

    def orbit_pt(t):
        x, y = orbit_rx * math.cos(t), orbit_ry * math.sin(t)
        return (
            cx + x * math.cos(tilt) - y * math.sin(tilt),
            cy + 30 + x * math.sin(tilt) + y * math.cos(tilt),
        )

    back = [orbit_pt(math.pi + math.pi * k / 100) for k in range(101)]
    front = [orbit_pt(math.pi * k / 100) for k in range(101)]
    a.dashed(back, alpha(ORANGE, 120), 4, 12, 10)
    ground(a, cx, cy + R + 40, 150, 12, 45)
    a.shadow("ellipse", (cx - R, cy - R, cx + R, cy + R), blur=20, offset=(0, 14), alpha=45)
    g = a.layer()
    g.circle(cx, cy, R, fill=rgba("#bfe6e6"))
    for dx, dy, r in [(-70, -75, 62), (62, -30, 70), (-45, 78, 46), (92, 102, 36), (-135, 10, 34)]:
        n = 9
        pts = []
        for i in range(n):
            ang = 2 * math.pi * i / n
            rr = r * rng.uniform(0.7, 1.2)
            pts.append((cx + dx + rr * math.cos(ang), cy + dy + rr * 0.85 * math.sin(ang)))
        g.poly(rounded_poly(pts, r * 0.6, steps=10), fill=TEAL)
    grid = alpha(WHITE, 120)
    for rx in (R * 0.38, R * 0.75):
        g.ellipse((cx - rx, cy - R, cx + rx, cy + R), outline=grid, width=2)
    g.line([(cx, cy - R), (cx, cy + R)], grid, 2)
    for off in (-0.7, -0.35, 0, 0.35, 0.7):
        y = cy + off * R
        half = math.sqrt(R * R - (off * R) ** 2)
        g.line([(cx - half, y), (cx + half, y)], grid, 2)
    g.clip("ellipse", (cx - R, cy - R, cx + R, cy + R))
    a.merge(g)
    # inner shading crescent
    sh = a.layer()
    sh.circle(cx, cy, R, fill=alpha(TEAL_D, 45))
    cut = Image.new("L", sh.im.size, 255)
    ImageDraw.Draw(cut).ellipse(
        [(cx - R - 26) * S, (cy - R - 30) * S, (cx + R - 26) * S, (cy + R - 30) * S], fill=0
    )
    sh.im.putalpha(ImageChops.multiply(sh.im.getchannel("A"), cut))
    a.merge(sh)
    # routes on the globe
    p1, p2, p3 = (cx - 92, cy - 62), (cx + 84, cy - 22), (cx - 30, cy + 96)
    a.dashed(quad_bezier(p1, (cx, cy - 150), p2), WHITE, 4, 10, 8)
    a.dashed(quad_bezier(p2, (cx + 80, cy + 90), p3), WHITE, 4, 10, 8)
    for p in (p1, p2, p3):
        pin(a, p[0], p[1], 13, ORANGE)
    # front orbit and parcels on it
    a.dashed(front, ORANGE, 4, 12, 10)
    for t, s in ((0.32 * math.pi, 58), (0.78 * math.pi, 50)):
        x, y = orbit_pt(t)
        parcel(a, (x - s / 2, y - s * 0.9, x + s / 2, y - s * 0.9 + s * 0.85))
    sparkle(a, 160, 130, 12, ORANGE)
    sparkle(a, 820, 110, 10, TEAL)
    sparkle(a, 850, 440, 9, ORANGE_L)
    a.circle(140, 400, 5, fill=TEAL_L)
    return a


def cover_service():
    a = cover_canvas("warm")

    # customer row 1
    def avatar(x, y, bg, fg, r=42):
        a.shadow("ellipse", (x - r, y - r, x + r, y + r), blur=10, offset=(0, 6), alpha=45)
        a.circle(x, y, r, fill=bg)
        return r

    def bubble(box, fill, sharp, shadow_alpha=38):
        corners = [True] * 4
        corners[sharp] = False  # 0 tl,1 tr,2 br,3 bl
        a.shadow("rrect", box, r=24, blur=14, offset=(0, 8), alpha=shadow_alpha)
        a.rrect(box, 24, fill=fill, corners=tuple(corners))

    avatar(210, 168, WHITE, TEAL)
    a.circle(210, 168, 36, fill=TEAL_XL)
    person(a, 210, 176, 48, TEAL)
    bubble((276, 86, 590, 206), WHITE, 3)
    a.rrect((302, 110, 356, 164), 10, fill=ORANGE_XL)
    bag_icon(a, 329, 143, 28, ORANGE, hole=ORANGE_XL)
    a.rrect((372, 116, 560, 130), 7, fill=GREY_2)
    a.rrect((372, 142, 500, 156), 7, fill=GREY_2)
    a.rrect((302, 178, 470, 190), 6, fill=GREY_2)
    # shop row 2
    avatar(752, 312, ORANGE, WHITE)
    store_icon(a, 752, 314, 40)
    bubble((384, 234, 686, 346), ORANGE, 2)
    a.rrect((412, 262, 650, 276), 7, fill=WHITE)
    a.rrect((412, 290, 610, 304), 7, fill=ORANGE_XL)
    a.rrect((412, 318, 540, 330), 6, fill=ORANGE_XL)
    heart(a, 700, 222, 26, RED)
    # customer row 3
    avatar(210, 430, WHITE, NAVY)
    a.circle(210, 430, 36, fill=rgba("#e3e8f1"))
    person(a, 210, 438, 48, NAVY_L)
    bubble((276, 388, 412, 458), WHITE, 3)
    for i, col in enumerate((GREY_3, GREY_4, GREY_3)):
        a.circle(314 + i * 30, 423, 7, fill=col)
    # rating
    pill = (478, 390, 714, 446)
    a.shadow("rrect", pill, r=28, blur=12, offset=(0, 6), alpha=35)
    a.rrect(pill, 28, fill=WHITE)
    for i in range(5):
        a.poly(rounded_poly(star_pts(510 + i * 43, 419, 17), 2), fill=AMBER)
    sparkle(a, 120, 300, 12, ORANGE)
    sparkle(a, 820, 120, 12, TEAL)
    sparkle(a, 860, 450, 8, ORANGE_L)
    a.circle(660, 120, 5, fill=TEAL_L)
    return a


def cover_data():
    a = cover_canvas("cool")
    rng = random.Random(SEED + 8)
    card = (140, 62, 820, 480)
    a.shadow("rrect", card, r=24, blur=20, offset=(0, 14), alpha=45)
    a.rrect(card, 24, fill=WHITE)
    a.rrect((140, 62, 216, 480), 24, fill=NAVY, corners=(True, False, False, True))
    a.circle(178, 102, 15, fill=ORANGE)
    for i, y in enumerate((158, 204, 250, 296)):
        a.rrect((166, y - 12, 190, y + 12), 7, fill=WHITE if i == 0 else NAVY_L)
    kcols = [ORANGE, TEAL, NAVY]
    for i in range(3):
        x0 = 240 + i * 190.7
        x1 = x0 + 174.7
        a.rrect((x0, 88, x1, 170), 16, fill=GREY_1)
        a.circle(x0 + 30, 114, 15, fill=kcols[i])
        a.circle(x0 + 30, 114, 6, fill=WHITE)
        a.rrect((x0 + 54, 108, x0 + 120, 118), 5, fill=GREY_3)
        a.rrect((x0 + 18, 138, x0 + 104, 154), 8, fill=NAVY)
        up = i != 2
        pc = TEAL if up else ORANGE
        a.rrect((x1 - 58, 136, x1 - 16, 156), 10, fill=alpha(TEAL_XL if up else ORANGE_XL, 255))
        mid = x1 - 37
        if up:
            arrow_head(a, (mid, 140), (0, -1), 10, pc)
            a.line([(mid, 142), (mid, 152)], pc, 3)
        else:
            arrow_head(a, (mid, 152), (0, 1), 10, pc)
            a.line([(mid, 140), (mid, 150)], pc, 3)
    # main chart
    panel = (240, 188, 592, 456)
    a.rrect(panel, 16, fill=GREY_1)
    a.rrect((262, 206, 350, 216), 5, fill=GREY_3)
    for y in (262, 312, 362, 412):
        a.line([(262, y), (570, y)], WHITE, 2.5, caps=False)
    vals = [0.2, 0.32, 0.28, 0.45, 0.4, 0.58, 0.55, 0.7, 0.66, 0.86]
    vals = [v + rng.uniform(-0.03, 0.03) for v in vals]
    xs = [266 + i * (300 / 9) for i in range(10)]
    pts = [(x, 430 - v * 190) for x, v in zip(xs, vals)]
    a.gradient("poly", pts + [(xs[-1], 432), (xs[0], 432)], alpha(ORANGE, 110), alpha(ORANGE, 0))
    vals2 = [0.15, 0.2, 0.24, 0.22, 0.3, 0.33, 0.31, 0.38, 0.42, 0.46]
    pts2 = [(x, 430 - v * 190) for x, v in zip(xs, vals2)]
    a.dashed(pts2, TEAL, 3.5, 10, 8)
    a.line(pts, ORANGE, 5)
    a.circle(*pts[-1], 9, fill=WHITE)
    a.circle(*pts[-1], 9, outline=ORANGE, width=4)
    # donut panel
    a.rrect((608, 188, 796, 456), 16, fill=GREY_1)
    dc = (702, 282)
    start = -90
    for frac, col in ((0.45, ORANGE), (0.3, TEAL), (0.25, NAVY)):
        end = start + frac * 360
        a.pieslice((dc[0] - 62, dc[1] - 62, dc[0] + 62, dc[1] + 62), start, end, col)
        start = end
    a.circle(*dc, 36, fill=GREY_1)
    for j, col in enumerate((ORANGE, TEAL, NAVY)):
        y = 376 + j * 28
        a.circle(636, y, 7, fill=col)
        a.rrect((652, y - 5, 652 + (110 - j * 22), y + 5), 5, fill=GREY_3)
    # floating trend badge
    a.shadow("ellipse", (786, 30, 854, 98), blur=10, offset=(0, 6), alpha=50)
    a.circle(820, 64, 34, fill=TEAL)
    a.line([(802, 76), (814, 62), (822, 70), (836, 54)], WHITE, 5)
    arrow_head(a, (842, 47), (1, -1.1), 13, WHITE)
    sparkle(a, 100, 140, 12, ORANGE)
    sparkle(a, 870, 300, 10, ORANGE_L)
    a.circle(96, 420, 5, fill=TEAL_L)
    return a


def cover_photo():
    a = cover_canvas("cool", dots=(860, 440))
    ground(a, 480, 500, 380, 10, 35)
    # backdrop stands + paper
    for x in (306, 654):
        a.line([(x, 92), (x, 402)], GREY_4, 6)
    a.rrect((290, 86, 670, 100), 7, fill=NAVY)
    a.gradient("rect", (322, 100, 638, 404), WHITE, rgba("#e9edf3"))
    # table
    a.rect((336, 414, 350, 500), fill=NAVY_L)
    a.rect((610, 414, 624, 500), fill=NAVY_L)
    a.rrect((296, 400, 664, 418), 8, fill=NAVY)
    # lights (drawn before the beams)
    # left softbox
    a.line([(150, 200), (150, 470)], GREY_5, 6)
    for dx in (-42, 0, 42):
        a.line([(150, 462), (150 + dx, 500)], GREY_5, 5)
    box = [(112, 168), (200, 118), (200, 262), (112, 212)]
    a.poly(rounded_poly(box, 8), fill=NAVY)
    a.rrect((196, 114, 216, 266), 8, fill=LIGHT)
    # right small spot light
    a.line([(250, 128), (250, 470)], GREY_5, 5)
    for dx in (-34, 0, 34):
        a.line([(250, 462), (250 + dx, 500)], GREY_5, 4)
    spot = a.layer()
    spot.rrect((224, 94, 282, 134), 12, fill=NAVY)
    spot.ellipse((274, 90, 294, 138), fill=LIGHT)
    spot.rotate(-28, (254, 114))
    a.merge(spot)
    a.gradient(
        "poly",
        [(216, 120), (440, 236), (500, 404), (216, 262)],
        alpha(LIGHT, 200),
        alpha(LIGHT, 0),
        horizontal=True,
    )
    a.gradient(
        "poly",
        [(286, 100), (520, 232), (470, 300), (294, 140)],
        alpha(LIGHT, 170),
        alpha(LIGHT, 0),
        horizontal=True,
    )
    # products
    ground(a, 476, 402, 110, 7, 55)
    a.rrect((388, 356, 436, 400), 10, fill=NAVY_L)
    a.rrect((384, 344, 440, 362), 8, fill=ORANGE_XL)
    a.rrect((456, 236, 490, 270), 7, fill=NAVY)
    a.rrect((463, 264, 483, 290), 3, fill=ORANGE_L)
    a.rrect((442, 284, 504, 400), 16, fill=ORANGE)
    a.rrect((452, 318, 494, 366), 7, fill=WHITE)
    a.rrect((460, 330, 486, 338), 4, fill=TEAL)
    a.rrect((460, 346, 480, 352), 3, fill=GREY_3)
    a.rrect((448, 296, 456, 390), 4, fill=alpha(rgba("#ff9a66"), 255))
    a.rrect((512, 336, 572, 400), 8, fill=TEAL)
    a.rect((512, 352, 572, 358), fill=TEAL_D)
    # camera on tripod (front view)
    a.line([(762, 340), (762, 470)], NAVY_L, 7)
    for dx in (-50, 0, 50):
        a.line([(762, 460), (762 + dx, 500)], NAVY_L, 6)
    a.rrect((742, 330, 782, 352), 6, fill=NAVY)
    cam = (686, 232, 840, 336)
    a.shadow("rrect", cam, r=20, blur=14, offset=(0, 8), alpha=50)
    a.rrect((708, 212, 770, 240), 9, fill=NAVY)
    a.rrect((794, 218, 824, 234), 5, fill=ORANGE)
    a.rrect(cam, 20, fill=NAVY)
    a.rrect((690, 250, 708, 326), 8, fill=NAVY_L)
    a.rrect((796, 248, 826, 266), 5, fill=LIGHT)
    a.circle(760, 286, 42, fill=GREY_2)
    a.circle(760, 286, 34, fill=NAVY_L)
    a.circle(760, 286, 24, fill=rgba("#12324a"))
    a.circle(760, 286, 14, fill=rgba("#1d5c6e"))
    a.circle(750, 276, 6, fill=alpha(WHITE, 230))
    a.circle(820, 316, 5, fill=TEAL)
    sparkle(a, 560, 200, 12, AMBER)
    sparkle(a, 90, 110, 11, ORANGE)
    sparkle(a, 880, 150, 9, TEAL)
    return a


def cover_promo():
    a = cover_canvas("warm")
    rng = random.Random(SEED + 10)
    bg_c = mix(THEMES["warm"][0], WHITE, 0.5)

    def tag(layer, x0, y0, w, h, fill, hole_fill):
        pts = [
            (x0, y0 + h / 2),
            (x0 + h * 0.45, y0),
            (x0 + w, y0),
            (x0 + w, y0 + h),
            (x0 + h * 0.45, y0 + h),
        ]
        shape = rounded_poly(pts, [10, 14, 20, 20, 14])
        layer.shadow("poly", shape, blur=16, offset=(0, 10), alpha=45)
        layer.poly(shape, fill=fill)
        hx, hy = x0 + h * 0.36, y0 + h / 2
        layer.circle(hx, hy, 13, fill=hole_fill)
        layer.circle(hx, hy, 13, outline=GREY_3, width=3)
        return hx, hy

    # confetti
    for x, y in [
        (120, 120),
        (200, 430),
        (90, 330),
        (860, 420),
        (880, 300),
        (780, 470),
        (330, 80),
        (560, 470),
        (150, 220),
        (800, 60),
    ]:
        col = rng.choice([ORANGE, TEAL, NAVY_L, AMBER, ORANGE_L])
        c = a.layer()
        if rng.random() < 0.5:
            c.rrect((x - 10, y - 4, x + 10, y + 4), 3, fill=col)
            c.rotate(rng.uniform(-60, 60), (x, y))
        else:
            c.circle(x, y, rng.uniform(4, 7), fill=col)
        a.merge(c)
    # back tag (navy)
    t1 = a.layer()
    hx, hy = tag(t1, 240, 200, 320, 140, NAVY, bg_c)
    for i, bw in enumerate([4, 8, 4, 4, 10, 4, 6, 4, 8, 4, 4, 8]):
        x = 370 + sum([4, 8, 4, 4, 10, 4, 6, 4, 8, 4, 4, 8][:i]) + i * 6
        t1.rect((x, 236, x + bw, 300), fill=NAVY_L if i % 3 else WHITE)
    t1.line(cubic_bezier((hx - 13, hy), (hx - 70, hy - 10), (200, 170), (190, 120)), NAVY, 4)
    t1.rotate(14, (400, 270))
    a.merge(t1)
    # front tag (white) with a percent sign
    t2 = a.layer()
    hx, hy = tag(t2, 300, 250, 360, 160, WHITE, bg_c)
    t2.line(cubic_bezier((hx - 13, hy), (hx - 80, hy + 20), (230, 380), (220, 450)), NAVY, 4)
    px, py = 520, 330
    t2.circle(px - 34, py - 34, 20, outline=ORANGE, width=11)
    t2.circle(px + 34, py + 34, 20, outline=ORANGE, width=11)
    t2.line([(px + 44, py - 52), (px - 44, py + 52)], ORANGE, 12)
    t2.rrect((400, 290, 440, 302), 6, fill=GREY_2)
    t2.rrect((400, 316, 448, 328), 6, fill=GREY_2)
    t2.rrect((400, 342, 430, 354), 6, fill=GREY_2)
    t2.rotate(-8, (480, 330))
    a.merge(t2)
    # coupon
    cp = (618, 388, 830, 468)
    a.shadow("rrect", cp, r=14, blur=12, offset=(0, 8), alpha=40)
    a.rrect(cp, 14, fill=TEAL)
    a.circle(cp[0], 428, 13, fill=bg_c)
    a.circle(cp[2], 428, 13, fill=bg_c)
    a.dashed([(694, 400), (694, 456)], alpha(WHITE, 200), 3, 7, 6)
    a.circle(656, 428, 16, fill=WHITE)
    a.circle(656, 428, 7, fill=TEAL)
    a.rrect((712, 412, 800, 424), 6, fill=WHITE)
    a.rrect((712, 434, 770, 444), 5, fill=TEAL_L)
    # badge
    bc = (700, 196)
    burst = star_pts(bc[0], bc[1], 118, inner=0.88, n=20)
    a.shadow("poly", burst, blur=16, offset=(0, 10), alpha=55, color=ORANGE_D)
    a.poly(rounded_poly(burst, 4), fill=ORANGE)
    a.circle(*bc, 88, outline=alpha(WHITE, 255), width=4)
    a.text((bc[0], bc[1] + 2), "满减", 56, WHITE, bold=True, anchor="mm")
    sparkle(a, 570, 90, 12, TEAL)
    sparkle(a, 860, 130, 10, NAVY_L)
    return a


def cover_rules():
    a = cover_canvas("teal")
    # pencil
    pen = a.layer()
    pen.shadow("rrect", (130, 316, 330, 346), r=6, blur=8, offset=(0, 6), alpha=45)
    pen.rrect((118, 316, 146, 346), 8, fill=ORANGE_L, corners=(True, False, False, True))
    pen.rect((144, 316, 162, 346), fill=GREY_3)
    pen.rect((162, 316, 300, 346), fill=TEAL)
    pen.rect((162, 326, 300, 336), fill=TEAL_D)
    pen.poly([(300, 316), (300, 346), (342, 331)], fill=KRAFT_L)
    pen.poly([(328, 326), (328, 336), (342, 331)], fill=NAVY)
    pen.rotate(-52, (230, 331))
    a.merge(pen)
    # document with a folded corner
    doc = [(330, 66), (560, 66), (612, 118), (612, 478), (330, 478)]
    dshape = rounded_poly(doc, [18, 4, 4, 18, 18])
    a.shadow("poly", dshape, blur=18, offset=(0, 12), alpha=45)
    a.poly(dshape, fill=WHITE)
    a.poly(rounded_poly([(560, 66), (560, 118), (612, 118)], [2, 8, 2]), fill=GREY_2)
    a.rrect((364, 104, 500, 122), 9, fill=NAVY)
    a.rrect((364, 136, 450, 146), 5, fill=GREY_3)
    lengths = [160, 128, 150, 110, 124]
    for i, L in enumerate(lengths):
        y = 192 + i * 56
        if i < 4:
            a.rrect((364, y - 17, 398, y + 17), 9, fill=TEAL)
            tick(a, 381, y, 15, WHITE, 4.4)
        else:
            a.rrect((364, y - 17, 398, y + 17), 9, outline=GREY_3, width=3.5)
        a.rrect((416, y - 8, 416 + L, y + 8), 8, fill=GREY_2)
    # shield
    scx, top, tip = 650, 250, 478
    right = [(scx + 96, top + 22), (scx + 96, top + 104)]
    curve_r = quad_bezier((scx + 96, top + 104), (scx + 92, tip - 40), (scx, tip), 16)[1:-1]
    curve_l = quad_bezier((scx, tip), (scx - 92, tip - 40), (scx - 96, top + 104), 16)[1:-1]
    pts = [
        (scx - 96, top + 22),
        (scx, top),
        *right,
        *curve_r,
        (scx, tip),
        *curve_l,
        (scx - 96, top + 104),
    ]
    radii = [16, 10, 16] + [0] * (len(pts) - 3)
    shield = rounded_poly(pts, radii)
    a.shadow("poly", shield, blur=16, offset=(0, 12), alpha=55, color=ORANGE_D)
    a.poly(shield, fill=ORANGE)
    inner = [(scx + (x - scx) * 0.78, top + 34 + (y - top) * 0.78) for x, y in shield]
    a.poly(inner, fill=ORANGE_L)
    tick(a, scx, top + 126, 62, WHITE, 17)
    sparkle(a, 780, 140, 12, ORANGE)
    sparkle(a, 180, 140, 11, TEAL)
    sparkle(a, 820, 420, 8, NAVY_L)
    a.circle(250, 460, 5, fill=ORANGE_L)
    return a


def cover_group():
    a = cover_canvas("warm")
    C = (480, 320)
    people = [
        ((236, 214), 48, TEAL_XL, TEAL),
        ((256, 428), 48, rgba("#e3e8f1"), NAVY_L),
        ((724, 214), 48, ORANGE_XL, ORANGE),
        ((704, 428), 48, TEAL_XL, TEAL),
        ((150, 330), 34, ORANGE_XL, ORANGE_L),
        ((812, 330), 34, rgba("#e3e8f1"), NAVY),
    ]
    for (x, y), r, _, _ in people:
        a.dashed([(x, y), C], alpha(TEAL, 170), 3, 10, 9)
    ground(a, 486, 412, 130, 9, 45)
    # goods peeking out of the basket
    a.rrect((410, 196, 470, 262), 8, fill=TEAL)
    a.rrect((430, 196, 450, 230), 3, fill=TEAL_L)
    bag_icon(a, 516, 236, 56, NAVY_L, hole=WHITE)
    cart(a, C[0], C[1], 118, frame=NAVY, fill=ORANGE, grid=ORANGE_L, lw=13)
    for (x, y), r, bg, fg in people:
        a.shadow("ellipse", (x - r, y - r, x + r, y + r), blur=10, offset=(0, 6), alpha=45)
        a.circle(x, y, r, fill=WHITE)
        a.circle(x, y, r - 6, fill=bg)
        person(a, x, y + r * 0.14, r * 1.2, fg)
    # badge
    badge = (400, 62, 560, 122)
    a.shadow("rrect", badge, r=30, blur=12, offset=(0, 8), alpha=55, color=ORANGE_D)
    a.poly([(470, 118), (490, 118), (480, 136)], fill=ORANGE)
    a.rrect(badge, 30, fill=ORANGE)
    a.text((480, 91), "拼团", 34, WHITE, bold=True, anchor="mm")
    sparkle(a, 620, 110, 12, TEAL)
    sparkle(a, 340, 110, 10, ORANGE_L)
    sparkle(a, 880, 470, 9, ORANGE)
    a.circle(90, 470, 5, fill=TEAL_L)
    return a


# --------------------------------------------------------------------------
# body illustrations (800 x 450)
# --------------------------------------------------------------------------
BW, BH = 800, 450


def body_canvas():
    return Canvas(BW, BH, WHITE)


def title(a, text, x=40, y=40, size=28):
    a.rrect((x, y - 14, x + 6, y + 14), 3, fill=ORANGE)
    a.text((x + 18, y), text, size, NAVY, bold=True, anchor="lm")


def body_funnel():
    a = body_canvas()
    title(a, "转化漏斗")
    cx = 280
    y_top, y_bot = 84, 412
    hw_top, hw_bot = 232, 66

    def hw(y):
        return hw_top - (y - y_top) * (hw_top - hw_bot) / (y_bot - y_top)

    levels = [
        ("展现", "展现基数", "100%", NAVY_L),
        ("点击", "点击率", "4.5%", TEAL),
        ("加购", "加购率", "12%", ORANGE_L),
        ("成交", "成交转化率", "3.2%", ORANGE),
    ]
    band_h, gap = 76, 8
    for i, (name, cap, pct, col) in enumerate(levels):
        y0 = y_top + i * (band_h + gap)
        y1 = y0 + band_h
        pts = [(cx - hw(y0), y0), (cx + hw(y0), y0), (cx + hw(y1), y1), (cx - hw(y1), y1)]
        shape = rounded_poly(pts, 10)
        a.shadow("poly", shape, blur=10, offset=(0, 5), alpha=30)
        a.poly(shape, fill=col)
        mid = (y0 + y1) / 2
        a.text((cx, mid), name, 26, WHITE, bold=True, anchor="mm")
        xe = cx + hw(mid) + 16
        a.circle(xe, mid, 5, fill=col)
        a.dashed([(xe + 12, mid), (550, mid)], GREY_3, 2, 6, 6, caps=False)
        a.text((562, mid), cap, 20, GREY_5, anchor="lm")
        a.text((762, mid), pct, 30, col if col != NAVY_L else NAVY, bold=True, anchor="rm")
    return a


def body_sales_trend():
    a = body_canvas()
    title(a, "30天销量走势")
    rng = random.Random(SEED + 20)
    vals = []
    for i in range(30):
        v = 42 + i * 4.5 + rng.uniform(-13, 13) + (10 if i % 7 in (5, 6) else 0)
        vals.append(max(15, min(195, v)))
    x0, x1, y0, y1 = 92, 760, 100, 372
    ymax = 200
    # legend
    a.line([(642, 40), (672, 40)], ORANGE, 4)
    a.circle(657, 40, 5, fill=WHITE)
    a.circle(657, 40, 5, outline=ORANGE, width=2.5)
    a.text((682, 40), "日销量", 20, GREY_5, anchor="lm")
    # axes + grid
    a.text((x0 - 12, 72), "销量", 20, NAVY, bold=True, anchor="rm")
    for v in range(0, ymax + 1, 50):
        y = y1 - v / ymax * (y1 - y0)
        if v:
            a.dashed([(x0, y), (x1, y)], GREY_2, 1.6, 6, 6, caps=False)
        a.text((x0 - 12, y), str(v), 18, GREY_4, anchor="rm")
    a.line([(x0, y1), (x1, y1)], GREY_3, 2.5, caps=False)
    a.line([(x0, y0 - 10), (x0, y1)], GREY_3, 2.5, caps=False)

    def px(i):
        return x0 + 14 + i * (x1 - x0 - 28) / 29

    for d in (1, 5, 10, 15, 20, 25, 30):
        x = px(d - 1)
        a.line([(x, y1), (x, y1 + 6)], GREY_3, 2, caps=False)
        a.text((x, y1 + 20), str(d), 18, GREY_4, anchor="mm")
    a.text(((x0 + x1) / 2, y1 + 52), "天数", 20, NAVY, bold=True, anchor="mm")
    pts = [(px(i), y1 - v / ymax * (y1 - y0)) for i, v in enumerate(vals)]
    a.gradient(
        "poly", pts + [(pts[-1][0], y1), (pts[0][0], y1)], alpha(ORANGE, 90), alpha(ORANGE, 0)
    )
    a.line(pts, ORANGE, 3.5)
    for p in pts[:-1]:
        a.circle(*p, 3.6, fill=WHITE)
        a.circle(*p, 3.6, outline=ORANGE, width=2)
    lx, ly = pts[-1]
    a.circle(lx, ly, 9, fill=alpha(ORANGE, 60))
    a.circle(lx, ly, 6, fill=ORANGE)
    a.circle(lx, ly, 2.5, fill=WHITE)
    label = f"第30天 · {round(vals[-1])}"
    tw = a.text_w(label, 18, True)
    bx1 = lx + 8
    bx0 = bx1 - tw - 28
    by1 = ly - 16
    by0 = by1 - 36
    a.rrect((bx0, by0, bx1, by1), 10, fill=NAVY)
    a.poly([(lx - 12, by1 - 1), (lx + 2, by1 - 1), (lx - 4, by1 + 8)], fill=NAVY)
    a.text(((bx0 + bx1) / 2, (by0 + by1) / 2), label, 18, WHITE, bold=True, anchor="mm")
    return a


def body_checklist():
    a = body_canvas()
    card = (28, 22, 772, 428)
    a.shadow("rrect", card, r=22, blur=16, offset=(0, 8), alpha=30)
    a.rrect(card, 22, fill=WHITE, outline=GREY_2, width=1.5)
    # header
    a.rrect((60, 50, 110, 100), 14, fill=ORANGE)
    a.rrect((74, 45, 96, 57), 5, fill=NAVY)
    for k in range(3):
        y = 67 + k * 12
        a.circle(75, y, 3, fill=WHITE)
        a.rrect((82, y - 2.5, 98, y + 2.5), 2.5, fill=WHITE)
    a.text((126, 75), "上架前检查清单", 30, NAVY, bold=True, anchor="lm")
    pill = (610, 56, 742, 94)
    a.rrect(pill, 19, fill=TEAL_XL)
    a.text(((pill[0] + pill[2]) / 2, 75), "6/6 已完成", 19, TEAL_D, bold=True, anchor="mm")
    a.line([(60, 124), (740, 124)], GREY_2, 2, caps=False)
    items = ["主图清晰", "标题含核心词", "详情页完整", "价格设置正确", "运费模板", "售后说明"]
    for k, name in enumerate(items):
        col, row = k % 2, k // 2
        x0 = 60 + col * 346
        y0 = 146 + row * 76
        box = (x0, y0, x0 + 334, y0 + 60)
        a.rrect(box, 14, fill=GREY_1)
        cy = y0 + 30
        a.circle(x0 + 34, cy, 17, fill=TEAL)
        tick(a, x0 + 34, cy, 15, WHITE, 4)
        a.text((x0 + 64, cy), name, 24, NAVY, anchor="lm")
        a.text((x0 + 314, cy), f"0{k + 1}", 18, GREY_3, bold=True, anchor="rm")
    a.text((60, 392), "完成度", 18, GREY_5, anchor="lm")
    a.rrect((124, 386, 676, 398), 6, fill=TEAL)
    a.text((740, 392), "100%", 20, TEAL_D, bold=True, anchor="rm")
    return a


def body_main_image():
    a = body_canvas()
    sq = (40, 25, 440, 425)
    a.shadow("rrect", sq, r=18, blur=14, offset=(0, 8), alpha=28)
    a.gradient("rrect", sq, rgba("#f8f9fb"), rgba("#eceff4"), r=18)
    a.rrect(sq, 18, outline=GREY_2, width=2)
    for t in (1 / 3, 2 / 3):
        x = sq[0] + (sq[2] - sq[0]) * t
        y = sq[1] + (sq[3] - sq[1]) * t
        a.dashed([(x, sq[1] + 10), (x, sq[3] - 10)], GREY_3, 1.4, 6, 7, caps=False)
        a.dashed([(sq[0] + 10, y), (sq[2] - 10, y)], GREY_3, 1.4, 6, 7, caps=False)
    # product: handbag silhouette
    cx = 240
    ground(a, cx, 332, 108, 9, 60)
    a.arc((186, 118, 294, 240), 180, 360, NAVY, 15)
    body = rounded_poly([(158, 188), (322, 188), (344, 330), (136, 330)], 20)
    a.poly(body, fill=NAVY)
    flap = rounded_poly([(158, 188), (322, 188), (314, 248), (166, 248)], [20, 20, 10, 10])
    a.poly(flap, fill=NAVY_L)
    a.rrect((226, 232, 254, 262), 6, fill=ORANGE)
    a.rrect((234, 242, 246, 252), 3, fill=NAVY_L)
    # callouts

    def callout(box, text, target):
        a.shadow("rrect", box, r=19, blur=8, offset=(0, 4), alpha=45, color=TEAL_D)
        a.rrect(box, 19, fill=TEAL)
        a.text(
            ((box[0] + box[2]) / 2, (box[1] + box[3]) / 2), text, 20, WHITE, bold=True, anchor="mm"
        )

    links = [
        ((62, 52, 172, 90), "卖点一", (172, 71), (196, 150)),
        ((308, 64, 418, 102), "卖点二", (363, 102), (306, 204)),
        ((62, 362, 172, 400), "卖点三", (117, 362), (152, 300)),
    ]
    for box, text, start, target in links:
        a.dashed([start, target], TEAL, 2.4, 7, 6)
        a.circle(*target, 7, fill=WHITE)
        a.circle(*target, 5, fill=TEAL)
    for box, text, start, target in links:
        callout(box, text, target)
    # price badge
    pc = (386, 374)
    a.shadow(
        "ellipse",
        (pc[0] - 46, pc[1] - 46, pc[0] + 46, pc[1] + 46),
        blur=10,
        offset=(0, 6),
        alpha=55,
        color=ORANGE_D,
    )
    a.circle(*pc, 46, fill=ORANGE)
    a.circle(*pc, 39, outline=alpha(WHITE, 255), width=2)
    a.text((pc[0], pc[1] - 15), "到手价", 15, WHITE, anchor="mm")
    a.text((pc[0], pc[1] + 10), "¥99", 28, WHITE, bold=True, anchor="mm")
    # notes
    a.text((478, 56), "主图设计要点", 26, NAVY, bold=True, anchor="lm")
    notes = ["主体居中，占比约六成", "卖点不超过 3 条", "价格角标醒目", "背景简洁不杂乱"]
    for k, note in enumerate(notes):
        y = 122 + k * 62
        a.circle(494, y, 15, fill=ORANGE_XL)
        a.text((494, y), str(k + 1), 18, ORANGE, bold=True, anchor="mm")
        a.text((520, y), note, 21, NAVY, anchor="lm")
    a.rrect((478, 362, 700, 400), 19, fill=GREY_1)
    a.text((589, 381), "1:1 正方形 · 800×800", 18, GREY_5, anchor="mm")
    return a


def body_timeline():
    a = body_canvas()
    title(a, "7天运营计划")
    tasks = ["上架", "基础销量", "优化主图", "报名活动", "开直通车", "复盘数据", "放大投放"]
    ly = 258
    xs = [92 + i * 102.7 for i in range(7)]
    a.rrect((66, ly - 3, 734, ly + 3), 3, fill=GREY_2)
    for i, (x, task) in enumerate(zip(xs, tasks)):
        above = i % 2 == 0
        col = ORANGE if above else TEAL
        card = (x - 68, 112, x + 68, 194) if above else (x - 68, 322, x + 68, 404)
        a.line([(x, card[3] if above else ly), (x, ly if above else card[1])], col, 2.5, caps=False)
        a.shadow("rrect", card, r=14, blur=10, offset=(0, 5), alpha=30)
        a.rrect(card, 14, fill=WHITE, outline=GREY_2, width=1.5)
        a.text((x, card[1] + 28), f"Day{i + 1}", 19, col, bold=True, anchor="mm")
        a.text((x, card[1] + 58), task, 22, NAVY, bold=True, anchor="mm")
        a.circle(x, ly, 14, fill=WHITE)
        a.circle(x, ly, 14, outline=col, width=4)
        a.circle(x, ly, 6, fill=col)
    return a


def body_pie_traffic():
    a = body_canvas()
    title(a, "流量来源占比")
    data = [
        ("搜索", 38, ORANGE),
        ("推荐", 27, NAVY),
        ("付费", 18, TEAL),
        ("站外", 9, rgba("#ffa874")),
        ("老客", 8, GREY_3),
    ]
    cx, cy, R, r = 215, 252, 150, 90
    a.shadow("ellipse", (cx - R, cy - R, cx + R, cy + R), blur=14, offset=(0, 8), alpha=28)
    start = -90.0
    bounds = []
    for name, pct, col in data:
        end = start + pct * 3.6
        a.pieslice((cx - R, cy - R, cx + R, cy + R), start, end, col)
        bounds.append(start)
        start = end
    for ang in bounds:
        rad = math.radians(ang)
        a.line(
            [
                (cx + (r - 4) * math.cos(rad), cy + (r - 4) * math.sin(rad)),
                (cx + (R + 4) * math.cos(rad), cy + (R + 4) * math.sin(rad)),
            ],
            WHITE,
            4,
            caps=False,
        )
    a.circle(cx, cy, r, fill=WHITE)
    a.text((cx, cy - 14), "100%", 32, NAVY, bold=True, anchor="mm")
    a.text((cx, cy + 22), "总访客", 18, GREY_4, anchor="mm")
    # percent labels on the ring
    start = -90.0
    for name, pct, col in data:
        mid = math.radians(start + pct * 1.8)
        start += pct * 3.6
        rr = (R + r) / 2
        tc = WHITE if col not in (GREY_3,) else NAVY
        a.text(
            (cx + rr * math.cos(mid), cy + rr * math.sin(mid)),
            f"{pct}%",
            17,
            tc,
            bold=True,
            anchor="mm",
        )
    # legend
    lx, rx = 432, 762
    for k, (name, pct, col) in enumerate(data):
        y = 116 + k * 64
        a.rrect((lx, y - 11, lx + 22, y + 11), 6, fill=col)
        a.text((lx + 36, y), name, 23, NAVY, anchor="lm")
        a.text((rx, y), f"{pct}%", 23, NAVY, bold=True, anchor="rm")
        a.rrect((lx + 36, y + 22, rx, y + 30), 4, fill=GREY_1)
        a.rrect((lx + 36, y + 22, lx + 36 + (rx - lx - 36) * pct / 100, y + 30), 4, fill=col)
    return a


# --------------------------------------------------------------------------
# output
# --------------------------------------------------------------------------
COVERS = {
    "cover-shop.jpg": cover_shop,
    "cover-growth.jpg": cover_growth,
    "cover-traffic.jpg": cover_traffic,
    "cover-logistics.jpg": cover_logistics,
    "cover-live.jpg": cover_live,
    "cover-global.jpg": cover_global,
    "cover-service.jpg": cover_service,
    "cover-data.jpg": cover_data,
    "cover-photo.jpg": cover_photo,
    "cover-promo.jpg": cover_promo,
    "cover-rules.jpg": cover_rules,
    "cover-group.jpg": cover_group,
}

BODIES = {
    "funnel.png": body_funnel,
    "sales-trend.png": body_sales_trend,
    "checklist.png": body_checklist,
    "main-image-layout.png": body_main_image,
    "timeline.png": body_timeline,
    "pie-traffic.png": body_pie_traffic,
}


def save_jpeg(img, path):
    img.save(path, "JPEG", quality=85, optimize=True, progressive=True)


def save_png(img, path):
    # flat art survives a 256-colour palette well and the file shrinks a lot
    q = img.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    q.save(path, "PNG", optimize=True)
    if path.stat().st_size > PNG_LIMIT:
        print(f"warning: {path.name} is larger than {PNG_LIMIT // 1000} KB", file=sys.stderr)


def main():
    missing = [p for p in (FONT_REGULAR, FONT_BOLD) if not p.exists()]
    if missing:
        sys.exit(
            "CJK font not found: "
            + ", ".join(str(p) for p in missing)
            + "\nInstall it first, e.g. `sudo apt-get install fonts-noto-cjk`."
        )
    random.seed(SEED)
    only = set(sys.argv[1:])
    COVER_DIR.mkdir(parents=True, exist_ok=True)
    BODY_DIR.mkdir(parents=True, exist_ok=True)
    for name, fn in COVERS.items():
        if only and name not in only:
            continue
        path = COVER_DIR / name
        save_jpeg(fn().to_rgb(), path)
        print(f"{path.relative_to(ROOT)}  {path.stat().st_size / 1024:.1f} KB")
    for name, fn in BODIES.items():
        if only and name not in only:
            continue
        path = BODY_DIR / name
        save_png(fn().to_rgb(), path)
        print(f"{path.relative_to(ROOT)}  {path.stat().st_size / 1024:.1f} KB")


if __name__ == "__main__":
    main()
