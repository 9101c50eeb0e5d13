#!/usr/bin/env python3
"""Measure how often off-the-shelf OCR (Tesseract 5) solves the comment captcha.

Run from the project root:

    python bench/captcha_ocr.py [--count 500] [--save-samples DIR]

Every captcha comes from `random_answer()` + `render_png()`, exactly as the
site makes them. Each is attacked the usual way, with two preprocessing
variants (three with --thorough):

  * median5:  grayscale, upscale 3x, Otsu threshold, median filter 5
  * median3:  grayscale, upscale 3x, Otsu threshold, median filter 3
  * nomedian: grayscale, upscale 3x, Otsu threshold (only with --thorough)

and for each variant Tesseract runs with --psm 8, 7 and 13, always with
`-c tessedit_char_whitelist=<ALPHABET>`. A captcha counts as solved if ANY
attempt reads exactly the answer (after `normalize`). The last line is like

    captcha OCR solve rate: 3/500 = 0.60%

`--baseline` attacks plain, undistorted text instead, to show that the
attacker itself works (it should solve nearly all of those).

Needs the tesseract program (5.x) and the Python packages pytesseract, numpy
and Pillow.
"""

import argparse
import io
import os
import sys
import time
from multiprocessing import Pool

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

# One tesseract thread per process: the work is spread over captchas instead.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

import numpy as np  # noqa: E402
import pytesseract  # noqa: E402
from PIL import Image, ImageDraw, ImageFilter, ImageFont  # noqa: E402

from comments.captcha_image import (  # noqa: E402
    ALPHABET,
    HEIGHT,
    WIDTH,
    normalize,
    random_answer,
    render_png,
)

PSMS = (8, 7, 13)
# (name, median filter size; 0 = none)
VARIANTS = (("median5", 5), ("median3", 3))
THOROUGH_VARIANTS = (*VARIANTS, ("nomedian", 0))
SAMPLES = 20


def otsu_threshold(gray: np.ndarray) -> int:
    """Otsu's threshold of a uint8 image: pixels <= t are the dark class."""
    hist = np.bincount(gray.ravel(), minlength=256).astype(np.float64)
    total = hist.sum()
    omega = np.cumsum(hist) / total  # probability of the dark class
    mu = np.cumsum(hist * np.arange(256)) / total  # its cumulative mean
    mu_t = mu[-1]
    denom = omega * (1.0 - omega)
    with np.errstate(divide="ignore", invalid="ignore"):
        sigma_b = np.where(denom > 0, (mu_t * omega - mu) ** 2 / denom, 0.0)
    return int(np.argmax(sigma_b))


def preprocess(img: Image.Image, median: int) -> Image.Image:
    gray = img.convert("L")
    gray = gray.resize((gray.width * 3, gray.height * 3), Image.LANCZOS)
    arr = np.asarray(gray)
    t = otsu_threshold(arr)
    # black text on a white background, as Tesseract likes it
    bw = np.where(arr > t, 255, 0).astype(np.uint8)
    out = Image.fromarray(bw)
    if median:
        out = out.filter(ImageFilter.MedianFilter(median))
    return out


def attack(png: bytes, answer: str, variants=VARIANTS):
    """Returns (solved, how, guess); guess is the closest wrong reading."""
    img = Image.open(io.BytesIO(png))
    img.load()
    target = normalize(answer)
    guesses = []
    for name, median in variants:
        pre = preprocess(img, median)
        for psm in PSMS:
            cfg = f"--psm {psm} -c tessedit_char_whitelist={ALPHABET}"
            try:
                got = normalize(pytesseract.image_to_string(pre, config=cfg))
            except pytesseract.TesseractError:
                got = ""
            if got == target:
                return True, f"{name}/psm{psm}", got
            guesses.append(got)
    best = max(guesses, key=lambda g: sum(a == b for a, b in zip(g, target)), default="")
    return False, "", best


def plain_png(answer: str) -> bytes:
    """Undistorted black-on-white text of the same size (checks the attacker)."""
    img = Image.new("L", (WIDTH, HEIGHT), 255)
    font = ImageFont.load_default(size=36)
    ImageDraw.Draw(img).text((WIDTH / 2, HEIGHT / 2), answer, fill=0, anchor="mm", font=font)
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


def one(job):
    i, baseline, variants = job
    answer = random_answer()
    png = plain_png(answer) if baseline else render_png(answer)
    solved, how, guess = attack(png, answer, variants)
    return i, answer, png, solved, how, guess


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Tesseract solve rate of the captcha.")
    ap.add_argument("--count", type=int, default=500, help="captchas to attack (500)")
    ap.add_argument(
        "--save-samples",
        metavar="DIR",
        help=f"write the first {SAMPLES} captchas as PNG files to DIR",
    )
    ap.add_argument("--processes", type=int, default=2, help="worker processes (2)")
    ap.add_argument(
        "--thorough",
        action="store_true",
        help="also try a third variant without median filter (slower)",
    )
    ap.add_argument(
        "--baseline",
        action="store_true",
        help="attack plain undistorted text instead, to check the attacker works",
    )
    args = ap.parse_args(argv)

    variants = THOROUGH_VARIANTS if args.thorough else VARIANTS
    print(
        f"tesseract {pytesseract.get_tesseract_version()}; {args.count} captchas; "
        f"{args.processes} processes; variants {', '.join(n for n, _ in variants)} "
        f"x psm {', '.join(map(str, PSMS))}" + ("; BASELINE (plain text)" if args.baseline else ""),
        flush=True,
    )
    if args.save_samples:
        os.makedirs(args.save_samples, exist_ok=True)

    solved = done = chars_right = chars_total = 0
    sizes = []
    start = time.time()
    jobs = [(i, args.baseline, variants) for i in range(args.count)]
    with Pool(args.processes) as pool:
        for i, answer, png, ok, how, guess in pool.imap_unordered(one, jobs):
            done += 1
            sizes.append(len(png))
            chars_total += len(answer)
            chars_right += sum(a == b for a, b in zip(guess, answer))
            if ok:
                solved += 1
                print(f"  solved #{i}: {answer} by {how}", flush=True)
            if args.save_samples and i < SAMPLES:
                path = os.path.join(args.save_samples, f"captcha_{i:02d}_{answer}.png")
                with open(path, "wb") as fh:
                    fh.write(png)
            if done % 50 == 0 or done == args.count:
                print(
                    f"  {done}/{args.count} attacked, {solved} solved, {time.time() - start:.0f}s",
                    flush=True,
                )

    if sizes:
        print(
            f"PNG size: mean {sum(sizes) / len(sizes):.0f} B, max {max(sizes)} B; "
            f"characters in place in the best readings: {chars_right}/{chars_total}"
        )
    rate = 100.0 * solved / args.count if args.count else 0.0
    print(f"captcha OCR solve rate: {solved}/{args.count} = {rate:.2f}%")
    return 0


if __name__ == "__main__":
    sys.exit(main())
