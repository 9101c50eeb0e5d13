"""Tests of the captcha picture (pure Pillow; no database, no Django)."""

import io
import os
import random
import sys
import zlib

import pytest
from PIL import Image

# Importable both from the project's test run and on its own
# (`pytest --noconftest comments/tests/test_captcha_image.py`).
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from comments.captcha_image import (  # noqa: E402
    ALPHABET,
    HEIGHT,
    WIDTH,
    normalize,
    random_answer,
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
    with pytest.raises(ValueError):
        random_answer(0)
