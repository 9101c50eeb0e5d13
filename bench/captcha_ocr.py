#!/usr/bin/env python3
"""Measure how often off-the-shelf OCR (Tesseract 5) solves our captcha.

Run from the project root:

    python bench/captcha_ocr.py [--count 500] [--save-samples DIR]

Every captcha comes from `random_answer()` + `render_png()`.  Each is attacked
the usual way, with more than one preprocessing variant:

  * "strong":  grayscale, upscale 3x, Otsu threshold, median filter 5
  * "light":   grayscale, upscale 3x, Otsu threshold, median filter 3
  * "raw":     grayscale, upscale 3x, Otsu threshold, no median filter

and for each variant Tesseract runs with --psm 8, 7 and 13, always with
`-c tessedit_char_whitelist=<ALPHABET>`.  A captcha counts as solved if ANY
attempt yields exactly the answer (after `normalize`).  The final line is

    captcha OCR solve rate: 3/500 = 0.60%

Needs: tesseract (5.x) on PATH, and pytesseract, numpy, Pillow.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import time
from multiprocessing import Pool

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

# One tesseract thread per process: we parallelise over captchas instead.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

import numpy as np  # noqa: E402
import pytesseract  # noqa: E402
from PIL import Image, ImageFilter  # noqa: E402

from comments.captcha_image import (  # noqa: E402
    ALPHABET,
    normalize,
    random_answer,
    render_png,
)

PSMS = (8, 7, 13)
# name -> median filter size (0 = none)
VARIANTS = (("median5", 5), ("median3", 3), ("nomedian", 0))


def otsu_threshold(gray: np.ndarray) -> int:
    """Otsu's threshold for a uint8 image (returns t: pixels <= t are dark)."""
    hist = np.bincount(gray.ravel(), minlength=256).astype(np.float64)
    total = hist.sum()
    omega = np.cumsum(hist) / total  # class-0 probability
    mu = np.cumsum(hist * np.arange(256)) / total  # class-0 cumulative mean
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
    # black text on white background, which is what Tesseract expects
    bw = np.where(arr > t, 255, 0).astype(np.uint8)
    out = Image.fromarray(bw, mode="L")
    if median:
        out = out.filter(ImageFilter.MedianFilter(median))
    return out


def attack(png: bytes, answer: str):
    """Return (solved, attempt-that-solved or best guess)."""
    img = Image.open(io.BytesIO(png))
    img.load()
    target = normalize(answer)
    guesses = []
    for name, median in VARIANTS:
        pre = preprocess(img, median)
        for psm in PSMS:
            cfg = f"--psm {psm} -c tessedit_char_whitelist={ALPHABET}"
            try:
                txt = pytesseract.image_to_string(pre, config=cfg)
            except pytesseract.TesseractError:
                txt = ""
            got = normalize(txt)
            guesses.append(got)
            if got == target:
                return True, f"{name}/psm{psm}", got
    # best guess: the one sharing most positions with the answer
    best = max(guesses, key=lambda g: sum(a == b for a, b in zip(g, target)), default="")
    return False, "", best


def plain_png(answer: str) -> bytes:
    """Undistorted black-on-white text of the same size (attacker check)."""
    from PIL import ImageDraw, ImageFont

    img = Image.new("L", (200, 70), 255)
    ImageDraw.Draw(img).text(
        (100, 35), answer, fill=0, anchor="mm", font=ImageFont.load_default(size=36)
    )
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


def one(job):
    i, baseline = job
    answer = random_answer()
    png = plain_png(answer) if baseline else render_png(answer)
    solved, how, guess = attack(png, answer)
    return i, answer, png, solved, how, guess


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=500)
    ap.add_argument(
        "--save-samples",
        metavar="DIR",
        default=None,
        help="write the first 20 captchas as PNG files to DIR",
    )
    ap.add_argument("--processes", type=int, default=2)
    ap.add_argument(
        "--baseline",
        action="store_true",
        help="sanity check of the attacker: render plain, "
        "undistorted text instead (should be solved often)",
    )
    args = ap.parse_args(argv)

    print(
        f"tesseract {pytesseract.get_tesseract_version()}; "
        f"{args.count} captchas, {args.processes} processes"
        + ("; BASELINE: plain undistorted text" if args.baseline else ""),
        flush=True,
    )
    if args.save_samples:
        os.makedirs(args.save_samples, exist_ok=True)

    solved = 0
    chars_right = 0
    chars_total = 0
    done = 0
    sizes = []
    start = time.time()
    with Pool(args.processes) as pool:
        for i, answer, png, ok, how, guess in pool.imap_unordered(
            one, [(i, args.baseline) for i in range(args.count)]
        ):
            done += 1
            sizes.append(len(png))
            chars_total += len(answer)
            chars_right += sum(a == b for a, b in zip(guess, answer))
            if ok:
                solved += 1
                print(f"  solved #{i}: {answer} via {how}", flush=True)
            if args.save_samples and i < 20:
                path = os.path.join(args.save_samples, f"sample_{i:02d}_{answer}.png")
                with open(path, "wb") as fh:
                    fh.write(png)
            if done % 50 == 0 or done == args.count:
                print(
                    f"  {done}/{args.count} done, {solved} solved, {time.time() - start:.0f}s",
                    flush=True,
                )

    n = max(1, args.count)
    print(
        f"mean PNG size: {sum(sizes) / max(1, len(sizes)):.0f} bytes; "
        f"characters in place in best guesses: "
        f"{chars_right}/{chars_total}"
    )
    print(f"captcha OCR solve rate: {solved}/{args.count} = {100.0 * solved / n:.2f}%")
    return 0


if __name__ == "__main__":
    sys.exit(main())
