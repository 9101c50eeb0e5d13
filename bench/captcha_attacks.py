"""The classical attacks on the captcha, each a function: PNG -> readings.

An attacker has our source, so every attack here may use what it says: the
ink colours, the font, the number of characters. Each attack returns a list
of readings (several settings tried); bench/captcha_ocr.py counts a captcha
as solved when ANY reading is right, which is kinder to the attacker than
the site is (a challenge is used up by its first answer).

* otsu:       the textbook pipeline (3x, Otsu, median 5 or 3, Tesseract
              --psm 8 and 7);
* luminance:  a fixed luminance threshold chosen to keep the dark ink and
              drop the brighter ribbons, on the 1x and 2x pictures;
* colour:     ink separated by colour (every channel dark: the ribbons
              have one bright channel), thin lines opened away, on 1x and 2x;
* columns:    the colour mask cut into 5 characters at the emptiest columns
              near the expected cuts, each read alone (Tesseract --psm 10
              and matching against the font's own glyphs);
* components: each ink pixel given to the nearest of the generator's ink
              colours (neighbouring characters never share one), the biggest
              connected parts of the 5 biggest colours taken as the
              characters, in left-to-right order, each read alone.

The thresholds are the ones that solved most on captchas the attacker made
with our generator (`tune()`, which bench/captcha_ocr.py runs first).
"""

from __future__ import annotations

import io
import itertools
from functools import cache

import numpy as np
import pytesseract
from PIL import Image, ImageDraw, ImageFilter
from scipy import ndimage

from comments.captcha_draw import font as _font
from comments.captcha_image import _INKS, ALPHABET, normalize

LUMINANCE_LEVELS = (60, 75, 90, 105)  # luminance under which a pixel is ink
COLOUR_LEVELS = (120, 140, 160)  # brightest channel under which a pixel is ink
LENGTH = 5
WHITELIST = f"-c tessedit_char_whitelist={ALPHABET}"


def _tesseract(img: Image.Image, psm: int) -> str:
    try:
        return normalize(pytesseract.image_to_string(img, config=f"--psm {psm} {WHITELIST}"))
    except pytesseract.TesseractError:
        return ""


def decode(png: bytes) -> np.ndarray:
    with Image.open(io.BytesIO(png)) as img:
        return np.asarray(img.convert("RGB"), dtype=np.int16)


def _page(mask: np.ndarray, scale: int, median: int = 3) -> Image.Image:
    """An ink mask as black text on white, upscaled, with a median filter."""
    img = Image.fromarray(np.where(mask, 0, 255).astype(np.uint8))
    if scale > 1:
        img = img.resize((img.width * scale, img.height * scale), Image.LANCZOS)
        img = img.point(lambda v: 0 if v < 128 else 255)
    if median:
        img = img.filter(ImageFilter.MedianFilter(median))
    # a white margin: Tesseract reads text touching the border badly
    framed = Image.new("L", (img.width + 40, img.height + 40), 255)
    framed.paste(img, (20, 20))
    return framed


def otsu_threshold(gray: np.ndarray) -> int:
    """Otsu's threshold of a uint8 image: pixels <= t are the dark class."""
    hist = np.bincount(gray.ravel(), minlength=256).astype(np.float64)
    omega = np.cumsum(hist) / hist.sum()
    mu = np.cumsum(hist * np.arange(256)) / hist.sum()
    denom = omega * (1.0 - omega)
    with np.errstate(divide="ignore", invalid="ignore"):
        sigma_b = np.where(denom > 0, (mu[-1] * omega - mu) ** 2 / denom, 0.0)
    return int(np.argmax(sigma_b))


def otsu(png: bytes, medians=(5, 3), psms=(8, 7)):
    """The usual pipeline of the original benchmark."""
    with Image.open(io.BytesIO(png)) as img:
        gray = img.convert("L")
    gray = gray.resize((gray.width * 3, gray.height * 3), Image.LANCZOS)
    arr = np.asarray(gray)
    bw = Image.fromarray(np.where(arr > otsu_threshold(arr), 255, 0).astype(np.uint8))
    for median in medians:
        pre = bw.filter(ImageFilter.MedianFilter(median))
        for psm in psms:
            yield _tesseract(pre, psm)


def luminance_mask(rgb: np.ndarray, level: int) -> np.ndarray:
    lum = 0.299 * rgb[..., 0] + 0.587 * rgb[..., 1] + 0.114 * rgb[..., 2]
    return lum < level


def colour_mask(rgb: np.ndarray, level: int, open_lines: bool = True) -> np.ndarray:
    """Pixels whose every channel is dark; thin curves opened away."""
    mask = rgb.max(axis=2) < level
    if open_lines:
        mask = ndimage.binary_opening(mask, structure=np.ones((2, 2)))
    return mask


def luminance(png: bytes, levels=(75,), scales=(1, 2), psms=(8, 7)):
    rgb = decode(png)
    for level in levels:
        mask = luminance_mask(rgb, level)
        for scale in scales:
            for psm in psms:
                yield _tesseract(_page(mask, scale), psm)


def colour(png: bytes, levels=(140,), scales=(1, 2), psms=(8, 7)):
    rgb = decode(png)
    for level in levels:
        mask = colour_mask(rgb, level)
        for scale in scales:
            for psm in psms:
                yield _tesseract(_page(mask, scale), psm)


# --- reading one character --------------------------------------------------

_TEMPLATE = (20, 28)  # width, height every glyph is compared at


def _normalised(mask: np.ndarray) -> np.ndarray | None:
    ys, xs = np.nonzero(mask)
    if len(xs) < 8:
        return None
    crop = mask[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1]
    img = Image.fromarray((crop * 255).astype(np.uint8)).resize(_TEMPLATE, Image.BILINEAR)
    vec = np.asarray(img, dtype=np.float32).ravel()
    vec -= vec.mean()
    norm = np.linalg.norm(vec)
    return vec / norm if norm else None


@cache
def _templates():
    """The font's glyphs at the generator's sizes, rotations and shears."""
    rows, labels = [], []
    for ch in ALPHABET:
        for size in (44, 50):
            for angle in (-10, -5, 0, 5, 10):
                for shear in (-0.12, 0, 0.12):
                    box = int(size * 1.8)
                    layer = Image.new("L", (box, box), 0)
                    ImageDraw.Draw(layer).text(
                        (box / 2, box / 2), ch, font=_font(size), fill=255, anchor="mm",
                        stroke_width=1, stroke_fill=255,
                    )  # fmt: skip
                    layer = layer.transform(
                        layer.size, Image.AFFINE, (1, shear, -shear * box / 2, 0, 1, 0),
                        resample=Image.BICUBIC,
                    )  # fmt: skip
                    layer = layer.rotate(angle, resample=Image.BICUBIC)
                    vec = _normalised(np.asarray(layer) > 128)
                    if vec is not None:
                        rows.append(vec)
                        labels.append(ch)
    return np.stack(rows), labels


def match_glyph(mask: np.ndarray) -> str:
    """The symbol whose drawn glyph correlates best with this ink."""
    vec = _normalised(mask)
    if vec is None:
        return ""
    table, labels = _templates()
    return labels[int(np.argmax(table @ vec))]


def _row(pieces: list[np.ndarray]) -> np.ndarray:
    """The separated characters side by side, bottoms aligned, with gaps."""
    crops = []
    for p in pieces:
        ys, xs = np.nonzero(p)
        crops.append(p[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1] if len(xs) else p)
    height = max(c.shape[0] for c in crops)
    row = np.zeros((height, sum(c.shape[1] for c in crops) + 8 * len(crops)), dtype=bool)
    x = 0
    for c in crops:
        row[height - c.shape[0] :, x : x + c.shape[1]] = c
        x += c.shape[1] + 8
    return row


def _read_pieces(pieces: list[np.ndarray]):
    """Two readings of 5 separated characters: each matched against the
    font's glyphs, and Tesseract on them set apart in a row."""
    if len(pieces) != LENGTH or not all(p.any() for p in pieces):
        return
    yield "".join(match_glyph(p) for p in pieces)
    yield _tesseract(_page(_row(pieces), 2, median=0), 7)


def _crop_rows(mask: np.ndarray) -> np.ndarray:
    rows = np.nonzero(mask.any(axis=1))[0]
    return mask[rows.min() : rows.max() + 1] if len(rows) else mask


def columns(png: bytes, level: int = 140):
    """Column projection: cut at the emptiest column near each expected cut."""
    mask = colour_mask(decode(png), level)
    ink = mask.sum(axis=0)
    cols = np.nonzero(ink >= 3)[0]
    if len(cols) < LENGTH * 4:
        return
    left, right = cols[0], cols[-1] + 1
    cell = (right - left) / LENGTH
    cuts = [left]
    for k in range(1, LENGTH):
        lo, hi = int(left + (k - 0.4) * cell), int(left + (k + 0.4) * cell)
        cuts.append(lo + int(np.argmin(ink[lo:hi])))
    cuts.append(right)
    yield from _read_pieces([_crop_rows(mask[:, a:b]) for a, b in itertools.pairwise(cuts)])


def _nearest_ink(rgb: np.ndarray) -> np.ndarray:
    inks = np.array(_INKS, dtype=np.float32)
    dist = ((rgb[:, :, None, :].astype(np.float32) - inks[None, None]) ** 2).sum(-1)
    return dist.argmin(-1)


def components(png: bytes, level: int = 140):
    """Per-colour connected components: one ink colour per character."""
    rgb = decode(png)
    mask = colour_mask(rgb, level)
    nearest = _nearest_ink(rgb)
    groups = []
    for c in range(len(_INKS)):
        labels, n = ndimage.label(mask & (nearest == c), structure=np.ones((3, 3)))
        if not n:
            continue
        sizes = ndimage.sum_labels(np.ones_like(labels), labels, range(1, n + 1))
        biggest = int(np.argmax(sizes)) + 1
        xs = np.nonzero((labels == biggest).any(axis=0))[0]
        # parts of the same colour over the same columns belong to the glyph
        # (a crossing line of another colour may have cut it)
        keep = np.zeros_like(mask)
        for k in range(1, n + 1):
            kx = np.nonzero((labels == k).any(axis=0))[0]
            if sizes[k - 1] >= 6 and kx.min() <= xs.max() + 2 and kx.max() >= xs.min() - 2:
                keep |= labels == k
        groups.append((keep.sum(), xs.mean(), keep))
    groups = sorted(groups, key=lambda g: g[0], reverse=True)[:LENGTH]
    pieces = [g[2] for g in sorted(groups, key=lambda g: g[1])]
    yield from _read_pieces(pieces)


ATTACKS = {
    "otsu": otsu,
    "luminance": luminance,
    "colour": colour,
    "columns": columns,
    "components": components,
}


def tune(samples: list[tuple[str, bytes]]) -> dict:
    """How many of the attacker's own captchas each level of each threshold
    attack solves: {attack: {level: solved}}."""
    out = {}
    for name, fn, levels in (
        ("luminance", luminance, LUMINANCE_LEVELS),
        ("colour", colour, COLOUR_LEVELS),
        ("columns", columns, COLOUR_LEVELS),
        ("components", components, COLOUR_LEVELS),
    ):
        out[name] = {}
        for level in levels:
            kwargs = {"levels": (level,)} if name in ("luminance", "colour") else {"level": level}
            out[name][level] = sum(
                any(reading == answer for reading in fn(png, **kwargs)) for answer, png in samples
            )
    return out
