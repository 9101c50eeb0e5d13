"""Tests of the captcha picture (pure Pillow; no database, no Django)."""

import io
import itertools
import os
import random
import sys
import zlib

import pytest
from PIL import Image, ImageDraw

# Importable both from the project's test run and on its own
# (`pytest --noconftest comments/tests/test_captcha_image.py`).
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from comments import captcha_draw, captcha_image  # noqa: E402
from comments.captcha_draw import bezier as _bezier  # noqa: E402
from comments.captcha_draw import font as _font  # noqa: E402
from comments.captcha_draw import thick_polyline as _thick_polyline  # noqa: E402
from comments.captcha_image import (  # noqa: E402
    ALPHABET,
    HEIGHT,
    WIDTH,
    normalize,
    random_answer,
    render_image,
    render_png,
)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _chunks(png: bytes):
    """(type, data) of every chunk of a PNG file."""
    assert png.startswith(PNG_SIGNATURE)
    pos = len(PNG_SIGNATURE)
    while pos < len(png):
        length = int.from_bytes(png[pos : pos + 4], "big")
        kind = png[pos + 4 : pos + 8]
        yield kind, png[pos + 8 : pos + 8 + length]
        pos += 12 + length


def test_alphabet_has_no_look_alikes():
    for ch in "0OQD1IL2Z5S8BUV":
        assert ch not in ALPHABET, ch
    assert len(ALPHABET) >= 20
    assert len(set(ALPHABET)) == len(ALPHABET)
    assert not any(ch.islower() for ch in ALPHABET)
    assert all(ch.isascii() and ch.isalnum() for ch in ALPHABET)


@pytest.mark.parametrize("length", [1, 5, 8])
def test_random_answer_length_and_alphabet(length):
    for _ in range(50):
        answer = random_answer(length)
        assert len(answer) == length
        assert set(answer) <= set(ALPHABET)


def test_random_answer_default_is_five_and_varies():
    answers = {random_answer() for _ in range(50)}
    assert all(len(a) == 5 for a in answers)
    assert len(answers) > 45  # 20**5 possibilities: repeats are very unlikely


def test_normalize_accepts_lower_case_and_spaces():
    answer = "AC7HK"
    assert normalize(answer) == answer
    assert normalize("ac7hk") == answer
    assert normalize("  aC7hK\n") == answer
    assert normalize("ac7 hk") == answer
    assert normalize("ac7hx") != answer


def test_render_png_is_a_valid_png_of_the_expected_size():
    png = render_png(random_answer())
    assert png.startswith(PNG_SIGNATURE)
    with Image.open(io.BytesIO(png)) as img:
        assert img.format == "PNG"
        assert img.size == (WIDTH, HEIGHT)
        img.verify()
    with Image.open(io.BytesIO(png)) as img:
        img.load()
        rgb = img.convert("RGB")
        # not blank: there is dark ink on a light background
        lo, hi = zip(*rgb.getextrema())
        assert min(lo) < 120
        assert max(hi) > 200
    assert 190 <= WIDTH <= 210 and 65 <= HEIGHT <= 75
    assert len(png) < 12_000


def test_two_renders_of_the_same_answer_differ():
    answer = random_answer()
    first = render_png(answer)
    second = render_png(answer)
    assert first != second
    with Image.open(io.BytesIO(first)) as a, Image.open(io.BytesIO(second)) as b:
        assert a.convert("RGB").tobytes() != b.convert("RGB").tobytes()


def test_a_given_rng_makes_rendering_repeatable():
    answer = "HK7AC"
    assert render_png(answer, rng=random.Random(7)) == render_png(answer, rng=random.Random(7))
    assert render_png(answer, rng=random.Random(7)) != render_png(answer, rng=random.Random(8))


def test_the_answer_is_not_in_the_png():
    for _ in range(5):
        answer = random_answer()
        png = render_png(answer)
        kinds = set()
        for kind, data in _chunks(png):
            kinds.add(kind)
            if kind == b"IDAT":
                continue
            assert answer.encode() not in data
            assert answer.lower().encode() not in data
        assert not kinds & {b"tEXt", b"zTXt", b"iTXt", b"eXIf"}
        assert answer.encode() not in png
        assert answer.lower().encode() not in png
        # nor in the decompressed pixel data
        idat = b"".join(data for kind, data in _chunks(png) if kind == b"IDAT")
        assert answer.encode() not in zlib.decompress(idat)


def test_lower_case_and_spaced_answers_render_too():
    with Image.open(io.BytesIO(render_png(" ac7hk "))) as img:
        assert img.size == (WIDTH, HEIGHT)


def test_empty_answer_is_refused():
    with pytest.raises(ValueError):
        render_png("  ")
    with pytest.raises(ValueError, match="length must be at least 1"):
        random_answer(0)


# --- what a reader sees: five dark characters across the picture ----------

# Luminance under which a pixel is "ink": the letters' dark colours (and the
# dark ribbon behind them) are under it, the background and the brighter
# ribbon are not.
INK_LUMINANCE = 100


def _ink_columns(img):
    """Per column of the picture, how many of its pixels are dark ink."""
    rgb = img.convert("RGB")
    width, height = rgb.size
    px = rgb.load()
    columns = []
    for x in range(width):
        dark = 0
        for y in range(height):
            r, g, b = px[x, y]
            dark += 0.299 * r + 0.587 * g + 0.114 * b < INK_LUMINANCE
        columns.append(dark)
    return columns


@pytest.mark.parametrize("seed", range(12))
def test_every_character_cell_holds_ink(seed):
    """The text runs across most of the picture, and each fifth of it (one
    character's place) carries a good share of dark ink: no character is
    missing, shrunk to a dot or drawn in a background colour."""
    answer = "".join(random.Random(seed).choice(ALPHABET) for _ in range(5))
    img = render_image(answer, rng=random.Random(seed))
    assert img.size == (WIDTH, HEIGHT) and img.mode == "RGB"
    columns = _ink_columns(img)
    # columns crossed by a glyph; a thin line or a noise arc gives fewer
    text = [x for x, dark in enumerate(columns) if dark >= 12]
    left, right = text[0], text[-1]
    assert right - left >= 110, (left, right)
    cell = (right - left + 1) / 5
    for i in range(5):
        ink = sum(columns[int(left + i * cell) : int(left + (i + 1) * cell)])
        assert ink >= 200, (i, ink)


def test_the_background_is_light():
    """Far from the text (the top and bottom rows), almost nothing is ink."""
    for seed in range(5):
        img = render_image("ACEFH", rng=random.Random(seed)).convert("L")
        border = [img.getpixel((x, y)) for x in range(WIDTH) for y in (0, 1, HEIGHT - 1)]
        assert sum(v < INK_LUMINANCE for v in border) < len(border) * 0.05


def test_distinct_answers_give_distinct_pictures():
    """With the same randomness, changing one character changes the picture
    (the characters drawn come from the answer, not from the randomness)."""
    first = render_image("ACEFH", rng=random.Random(3)).tobytes()
    for other in ("ACEFJ", "JCEFH", "ACKFH"):
        assert render_image(other, rng=random.Random(3)).tobytes() != first, other


def test_the_answer_is_normalised_before_it_is_drawn():
    """A lower-case or spaced answer draws the very picture of its upper-case
    form: what the reader types is compared case-insensitively, so the picture
    must not show lower-case letters."""
    expected = render_image("AC7HK", rng=random.Random(5)).tobytes()
    assert render_image(" ac7 hk ", rng=random.Random(5)).tobytes() == expected


def test_render_png_decodes_to_the_rendered_picture():
    """The PNG is the rendered picture, reduced to a small palette: the same
    size, and close to it pixel by pixel."""
    image = render_image("ACEFH", rng=random.Random(9))
    with Image.open(io.BytesIO(render_png("ACEFH", rng=random.Random(9)))) as png:
        assert png.mode == "P"  # palette: a small file
        assert len(png.getpalette()) // 3 <= 48
        decoded = png.convert("RGB")
    assert decoded.size == image.size
    a, b = image.tobytes(), decoded.tobytes()
    mean_error = sum(abs(x - y) for x, y in zip(a, b)) / len(a)
    assert mean_error < 8


# --- the drawing helpers ----------------------------------------------------


def test_the_font_is_scalable():
    """Glyphs are drawn at the size asked for (Pillow's scalable font, not
    its tiny bitmap one)."""
    small = _font(40).getbbox("W")
    large = _font(90).getbbox("W")
    assert large[3] - large[1] >= 55
    assert (large[3] - large[1]) > 2 * (small[3] - small[1]) * 0.9


def _de_casteljau(points, t):
    """A point of a Bezier curve by repeated interpolation (another way to
    compute what _bezier computes)."""
    while len(points) > 1:
        points = [
            (p[0] + (q[0] - p[0]) * t, p[1] + (q[1] - p[1]) * t)
            for p, q in itertools.pairwise(points)
        ]
    return points[0]


def test_bezier_points_lie_on_the_curve():
    control = [(3.0, 7.0), (40.0, -20.0), (90.0, 55.0), (130.0, 11.0)]
    points = _bezier(control)
    assert len(points) == 61  # 60 steps, both ends included
    assert points[0] == pytest.approx(control[0])
    assert points[-1] == pytest.approx(control[-1])
    for i, point in enumerate(points):
        assert point == pytest.approx(_de_casteljau(control, i / 60)), i
    assert len(_bezier(control, steps=4)) == 5
    assert _bezier(control, steps=4)[2] == pytest.approx(_de_casteljau(control, 0.5))


def _ink(img, x, y):
    return img.getpixel((x, y)) < 128


def test_thick_polyline_has_round_ends():
    img = Image.new("L", (100, 100), 255)
    _thick_polyline(ImageDraw.Draw(img), [(20, 50), (50, 50), (80, 50)], 10, 0)
    for x in (25, 50, 75):
        assert _ink(img, x, 50) and _ink(img, x, 46) and _ink(img, x, 54)
        assert not _ink(img, x, 43) and not _ink(img, x, 57)
    # round caps of radius 5 past both ends, and nothing beyond them
    for x in (16, 84):
        assert _ink(img, x, 50), x
    for x in (13, 87, 10, 90):
        assert not _ink(img, x, 50), x


def test_thick_polyline_has_round_joints():
    img = Image.new("L", (100, 100), 255)
    _thick_polyline(ImageDraw.Draw(img), [(20, 80), (50, 20), (80, 80)], 12, 0)
    # the outer side of the sharp bend is filled (no notch at the corner)
    assert _ink(img, 50, 16)
    assert not _ink(img, 50, 12)


# --- what a tuned attacker meets -------------------------------------------


@pytest.mark.parametrize("seed", range(12))
def test_a_dark_band_runs_behind_the_whole_text(seed, monkeypatch):
    """With the characters left out, the middle of the picture still holds
    a band of ink as dark as the letters, at least 3 pixels thick in every
    column: no threshold on darkness or colour keeps the characters apart
    from it (a thin crossing line alone would be opened away)."""
    drawn = captcha_draw.glyph

    def invisible(*args, **kwargs):
        layer = drawn(*args, **kwargs)
        layer.putalpha(0)
        return layer

    monkeypatch.setattr(captcha_draw, "glyph", invisible)
    columns = _ink_columns(render_image("ACEFH", rng=random.Random(seed)))
    banded = sum(dark >= 3 for dark in columns[50:150])
    assert banded >= 95, banded


def test_each_character_shades_between_two_inks_no_neighbour_shares(monkeypatch):
    """Grouping the dark pixels by colour gives no group per character:
    each one is drawn in two inks, and neighbours share none of them (so a
    person still tells neighbours apart)."""
    calls = []
    drawn = captcha_draw.glyph

    def record(ch, size, inks, rng, **kwargs):
        calls.append(inks)
        return drawn(ch, size, inks, rng, **kwargs)

    monkeypatch.setattr(captcha_draw, "glyph", record)
    for seed in range(5):
        calls.clear()
        render_image("ACEFH", rng=random.Random(seed))
        assert len(calls) == 5
        for top, bottom in calls:
            assert top != bottom
        for first, second in itertools.pairwise(calls):
            assert not set(first) & set(second), (first, second)


def test_a_glyph_shades_from_its_first_ink_at_the_top_to_its_second():
    top, bottom = (200, 0, 0), (0, 0, 200)
    layer = captcha_draw.glyph(
        "H", 90, (top, bottom), random.Random(1), stroke=2, rotate=0, shear=0
    )
    px = layer.load()
    height = layer.height
    upper = [px[x, y] for x in range(layer.width) for y in range(height // 6) if px[x, y][3] > 250]
    lower = [
        px[x, y]
        for x in range(layer.width)
        for y in range(height * 5 // 6, height)
        if px[x, y][3] > 250
    ]
    assert upper and lower
    assert all(r > 150 and b < 50 for r, _, b, _ in upper)
    assert all(b > 150 and r < 50 for r, _, b, _ in lower)


def test_the_png_is_saved_as_small_as_pillow_can_make_it():
    """Every captcha image goes to a phone: the PNG is written with
    Pillow's optimize pass (re-saving the same picture cannot shrink it)."""
    png = render_png("K7M3Q", rng=random.Random(11))
    with Image.open(io.BytesIO(png)) as image:
        image.load()
        again = io.BytesIO()
        image.save(again, format="PNG", optimize=True)
    assert len(png) <= len(again.getvalue())


def test_an_answer_of_no_symbols_is_a_programming_error_said_plainly():
    with pytest.raises(ValueError) as error:
        random_answer(0)
    assert str(error.value) == "length must be at least 1"


@pytest.mark.parametrize("seed", range(8))
def test_the_dark_band_swells_where_two_characters_meet(seed, monkeypatch):
    """With the characters left out, the dark band is far thicker in the
    columns where one character meets the next than half-way across a
    character: the emptiest columns of the picture are no longer the ones
    between characters, so cutting there does not split the text."""
    drawn = captcha_draw.glyph
    laid = captcha_image._layout
    seen = {}

    def invisible(*args, **kwargs):
        layer = drawn(*args, **kwargs)
        layer.putalpha(0)
        return layer

    def layout(glyphs, rng):
        out = laid(glyphs, rng)
        seen["boxes"] = [(x, x + g.width) for (x, _), g in zip(out[0], glyphs)]
        return out

    monkeypatch.setattr(captcha_draw, "glyph", invisible)
    monkeypatch.setattr(captcha_image, "_layout", layout)
    monkeypatch.setattr(captcha_image, "_noise", lambda *args: None)
    columns = _ink_columns(render_image("ACEFH", rng=random.Random(seed)))
    boxes = [(a / 2, b / 2) for a, b in seen["boxes"]]  # drawn at 2x
    meets = [(right + left) / 2 for (_, right), (left, _) in itertools.pairwise(boxes)]
    middles = [(a + b) / 2 for a, b in boxes[1:-1]]

    def band(x):  # the ink a few columns either side, as the warp moves it
        return max(columns[int(x) - 3 : int(x) + 4])

    at_meets = [band(x) for x in meets]
    at_middles = [band(x) for x in middles]
    assert min(at_meets) >= 1.6 * max(at_middles), (at_meets, at_middles)
