#!/usr/bin/env python3
"""How often each attack solves the comment captcha (`make captcha-ocr`).

Run from the project root:

    python bench/captcha_ocr.py [--count 500] [--train 20000] [--epochs 8]

1. The attacker tunes the thresholds of the classical attacks on --tune
   captchas made with our own generator (bench/captcha_attacks.py).
2. --count fresh captchas, made exactly as the site makes them
   (`random_answer()` + `render_png()`), are attacked by each classical
   attack: otsu, luminance, colour (Tesseract on the whole picture, 1x and
   2x), columns and components (cut into characters, each read alone).
   A captcha counts as solved when ANY reading of the attack is right.
3. A small CNN (bench/captcha_cnn.py) is trained on --train captchas from
   the generator, on the CPU, and reads the same fresh captchas (one
   reading each, as the site allows).

Every rate is printed as `<attack> solve rate: N/500 = x.xx%`, with the time
each step took. --sheet writes the first 20 fresh captchas, with their
answers, as one PNG for a person to look at. Needs the tesseract program
and requirements-ocr.txt (Pillow, numpy, scipy, pytesseract, torch CPU).
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

import pytesseract  # noqa: E402
from PIL import Image, ImageDraw, ImageFont  # noqa: E402

from bench import captcha_attacks as attacks  # noqa: E402
from comments.captcha_image import random_answer, render_png  # noqa: E402

SAMPLES = 20
# The levels that solved most in earlier tunings, used with --tune 0.
DEFAULT_LEVELS = {"luminance": 75, "colour": 140, "columns": 140, "components": 140}


def fresh(count: int) -> list[tuple[str, bytes]]:
    return [(a, render_png(a)) for a in (random_answer() for _ in range(count))]


def _lowest_priority():
    """The niceness of the work: --nice (19), never more urgent than the parent.
    And one tesseract thread per worker, the work being spread over captchas:
    set here, in the workers that run tesseract, not in this process, where
    the same variable would hold torch's OpenMP to one thread (the CNN's
    training ran about 4x slower with it)."""
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    nice = int(os.environ.get("CAPTCHA_OCR_NICE", "19"))
    os.setpriority(os.PRIO_PROCESS, 0, max(nice, os.getpriority(os.PRIO_PROCESS, 0)))


def _attack_one(job):
    """{attack: (solved, seconds)} for one captcha."""
    (answer, png), levels = job
    out = {}
    for name, fn in attacks.ATTACKS.items():
        start = time.time()
        kwargs = {}
        if name in ("luminance", "colour"):
            kwargs = {"levels": (levels[name],)}
        elif name in levels:
            kwargs = {"level": levels[name]}
        solved = any(reading == answer for reading in fn(png, **kwargs))
        out[name] = (solved, time.time() - start)
    return out


def _tune_one(job):
    return attacks.tune([job])


def tune(samples, processes):
    """The attacker's best level for each threshold attack."""
    totals = {}
    with Pool(processes, initializer=_lowest_priority) as pool:
        for result in pool.imap_unordered(_tune_one, samples):
            for name, per_level in result.items():
                for level, solved in per_level.items():
                    totals.setdefault(name, {}).setdefault(level, 0)
                    totals[name][level] += solved
    return totals


def contact_sheet(samples, path):
    """The captchas at twice their size, two a row, each with its answer."""
    cols, w, h = 2, 400, 140
    rows = (len(samples) + cols - 1) // cols
    sheet = Image.new("RGB", (cols * (w + 20), rows * (h + 30)), "white")
    draw = ImageDraw.Draw(sheet)
    font = ImageFont.load_default(size=16)
    for i, (answer, png) in enumerate(samples):
        x, y = (i % cols) * (w + 20), (i // cols) * (h + 30)
        with Image.open(io.BytesIO(png)) as img:
            sheet.paste(img.convert("RGB").resize((w, h), Image.LANCZOS), (x, y))
        draw.text((x + 4, y + h + 4), f"{i + 1}. {answer}", fill="black", font=font)
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    sheet.save(path)


def rate_line(name, solved, count):
    return f"{name} solve rate: {solved}/{count} = {100.0 * solved / count:.2f}%"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Solve rates of attacks on the captcha.")
    ap.add_argument("--count", type=int, default=500, help="fresh captchas attacked (500)")
    ap.add_argument(
        "--tune",
        type=int,
        default=40,
        help="captchas to tune thresholds on (40; 0: DEFAULT_LEVELS)",
    )
    ap.add_argument("--train", type=int, default=20000, help="CNN training captchas (20000)")
    ap.add_argument("--epochs", type=int, default=8, help="CNN training epochs (8)")
    ap.add_argument("--no-cnn", action="store_true", help="classical attacks only")
    ap.add_argument("--no-classical", action="store_true", help="the CNN only")
    ap.add_argument("--processes", type=int, default=2, help="worker processes (2)")
    ap.add_argument("--threads", type=int, default=2, help="torch threads (2)")
    ap.add_argument(
        "--nice", type=int, default=19, help="niceness of the work (19: the lowest priority)"
    )
    ap.add_argument("--save-samples", metavar="DIR", help=f"write {SAMPLES} captchas to DIR")
    ap.add_argument("--sheet", metavar="PNG", help=f"write {SAMPLES} captchas as one picture")
    args = ap.parse_args(argv)
    os.environ["CAPTCHA_OCR_NICE"] = str(args.nice)  # read by the worker processes
    began = time.time()
    print(
        f"tesseract {pytesseract.get_tesseract_version()}; {args.count} fresh captchas; "
        f"{args.processes} processes",
        flush=True,
    )

    start = time.time()
    # the thresholds matter only to the classical attacks
    tuned = args.tune and not args.no_classical
    totals = tune(fresh(args.tune), args.processes) if tuned else {}
    levels = dict(DEFAULT_LEVELS)
    for name, per_level in totals.items():
        # on a tie (say nothing solved at any level) the level that solved
        # most before, not merely the first one tried
        levels[name] = max(per_level, key=lambda lv: (per_level[lv], lv == DEFAULT_LEVELS[name]))
        shown = ", ".join(f"{lv}: {n}" for lv, n in sorted(per_level.items()))
        print(f"  tuning {name} on {args.tune} own captchas (level: solved) {shown}", flush=True)
    print(f"tuning: {time.time() - start:.0f}s; levels chosen {levels}", flush=True)

    samples = fresh(args.count)
    if args.sheet:
        contact_sheet(samples[:SAMPLES], args.sheet)
        print(f"contact sheet of {SAMPLES} captchas: {args.sheet}")
    if args.save_samples:
        os.makedirs(args.save_samples, exist_ok=True)
        for i, (answer, png) in enumerate(samples[:SAMPLES]):
            with open(os.path.join(args.save_samples, f"captcha_{i:02d}_{answer}.png"), "wb") as fh:
                fh.write(png)

    if not args.no_classical:
        classical(samples, levels, args)
    if not args.no_cnn:
        learned(samples, args)
    print(f"total: {time.time() - began:.0f}s")
    return 0


def classical(samples, levels, args):
    start = time.time()
    solved = dict.fromkeys(attacks.ATTACKS, 0)
    seconds = dict.fromkeys(attacks.ATTACKS, 0.0)
    any_solved = 0
    jobs = [(s, levels) for s in samples]
    with Pool(args.processes, initializer=_lowest_priority) as pool:
        for done, result in enumerate(pool.imap_unordered(_attack_one, jobs), 1):
            for name, (ok, took) in result.items():
                solved[name] += ok
                seconds[name] += took
            any_solved += any(ok for ok, _ in result.values())
            if done % 50 == 0 or done == args.count:
                so_far = ", ".join(f"{n} {k}" for n, k in solved.items())
                print(
                    f"  {done}/{args.count} attacked, {time.time() - start:.0f}s; solved: "
                    f"{so_far}, any {any_solved}",
                    flush=True,
                )
    print(f"classical attacks: {time.time() - start:.0f}s")
    for name in attacks.ATTACKS:
        per = 1000 * seconds[name] / max(1, args.count)
        print(f"  {rate_line(name, solved[name], args.count)}  ({per:.0f} ms a captcha)")
    print(f"  {rate_line('any classical attack', any_solved, args.count)}", flush=True)


def learned(samples, args):
    from bench import captcha_cnn as cnn  # torch is needed only here

    _lowest_priority()
    start = time.time()
    xs, ys = cnn.dataset(args.train, processes=args.processes)
    made = time.time() - start
    start = time.time()
    model = cnn.train(xs, ys, epochs=args.epochs, threads=args.threads)
    trained = time.time() - start
    readings = cnn.solve(model, [png for _, png in samples])
    right = sum(r == a for r, (a, _) in zip(readings, samples))
    chars = sum(x == y for r, (a, _) in zip(readings, samples) for x, y in zip(r, a))
    print(
        f"CNN: {args.train} training captchas ({made:.0f}s to make or load), "
        f"{args.epochs} epochs trained in {trained:.0f}s on {args.threads} threads; "
        f"characters right {chars}/{5 * args.count}"
    )
    print(f"  {rate_line('CNN', right, args.count)}")


if __name__ == "__main__":
    sys.exit(main())
