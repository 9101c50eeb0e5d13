"""The learned attack on the captcha: a small CNN trained on our own generator.

Anyone can run `comments/captcha_image.py`, so an attacker can make as many
labelled captchas as they like and train a model on them. This module does
exactly that, on the CPU with PyTorch (requirements-ocr.txt):

* `dataset()` makes N captchas with `random_answer()` + `render_image()`
  reduced to the served PNG's palette (the pixels the site serves), halves them to 100x35 RGB and
  caches them under artifacts/captcha-cnn/, keyed on seeded pictures,
  so a second run reuses them and a changed generator makes new ones;
* `Net` is four 3x3 convolution blocks and one linear layer giving, for
  each of the 5 places, scores over the 20 symbols;
* `train()` fits it with Adam and one-cycle learning rates for a fixed number
  of epochs, `solve()` reads fresh captchas.

Used by bench/captcha_ocr.py (`make captcha-ocr`), which reports its solve
rate on the same fresh captchas as the classical attacks.
"""

from __future__ import annotations

import hashlib
import io
import os
import random
import time
from multiprocessing import Pool

import numpy as np
import torch
from PIL import Image
from torch import nn

from comments.captcha_image import ALPHABET, PNG_PALETTE, random_answer, render_image, render_png

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CACHE = os.path.join(ROOT, "artifacts", "captcha-cnn")
LENGTH = 5
SIZE = (100, 35)  # what the model sees: the served picture, halved


def generator_fingerprint() -> str:
    """A hash of a few seeded pictures: a changed generator means new data."""
    digest = hashlib.sha256()
    for seed in range(3):
        digest.update(render_png("AC7HK", rng=random.Random(seed)))
    return digest.hexdigest()[:12]


def to_array(png: bytes) -> np.ndarray:
    """A served PNG as the model's input: 35x100x3 uint8."""
    with Image.open(io.BytesIO(png)) as img:
        return np.asarray(img.convert("RGB").resize(SIZE, Image.BOX), dtype=np.uint8)


def encode(answer: str) -> list[int]:
    return [ALPHABET.index(ch) for ch in answer]


def _lowest_priority():
    """The niceness of the workers: 19 unless CAPTCHA_OCR_NICE says otherwise
    (bench/captcha_ocr.py --nice); never more urgent than the parent."""
    nice = int(os.environ.get("CAPTCHA_OCR_NICE", "19"))
    os.setpriority(os.PRIO_PROCESS, 0, max(nice, os.getpriority(os.PRIO_PROCESS, 0)))


def _make(_):
    answer = random_answer()
    # the served PNG's pixels (its palette) without the cost of compressing it
    img = render_image(answer).quantize(**PNG_PALETTE).convert("RGB")
    return np.asarray(img.resize(SIZE, Image.BOX), dtype=np.uint8), encode(answer)


SHARD = 1000


def dataset(count: int, processes: int = 2, log=print):
    """(images N x 35 x 100 x 3 uint8, labels N x 5 int64), cached on disk
    in shards of 1000, so an interrupted run keeps what it made."""
    folder = os.path.join(CACHE, f"train-{generator_fingerprint()}")
    os.makedirs(folder, exist_ok=True)
    start = time.time()
    xs, ys = [], []
    made = 0
    with Pool(processes, initializer=_lowest_priority) as pool:
        for shard in range((count + SHARD - 1) // SHARD):
            path = os.path.join(folder, f"{shard:03d}.npz")
            if not os.path.exists(path):
                rows = pool.map(_make, range(SHARD), chunksize=50)
                np.savez(
                    path + ".tmp.npz",
                    x=np.stack([x for x, _ in rows]),
                    y=np.array([y for _, y in rows], dtype=np.int64),
                )
                os.replace(path + ".tmp.npz", path)
                made += SHARD
                log(f"  made {made} training captchas, {time.time() - start:.0f}s", flush=True)
            with np.load(path) as data:
                xs.append(data["x"])
                ys.append(data["y"])
    log(
        f"  training set: {count} captchas ({made} made now, the rest from "
        f"{os.path.relpath(folder, ROOT)}), {time.time() - start:.0f}s",
        flush=True,
    )
    return np.concatenate(xs)[:count], np.concatenate(ys)[:count]


def _block(cin: int, cout: int, pool) -> list[nn.Module]:
    layers = [nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU()]
    return [*layers, nn.MaxPool2d(pool)] if pool else layers


class Net(nn.Module):
    """35x100 RGB -> 5 x 20 scores (one classifier per place)."""

    def __init__(self, width: int = 24):
        super().__init__()
        w = width
        self.features = nn.Sequential(
            *_block(3, w, 2),  # 17 x 50
            *_block(w, 2 * w, 2),  # 8 x 25
            *_block(2 * w, 4 * w, 2),  # 4 x 12
            *_block(4 * w, 4 * w, None),
            nn.AdaptiveAvgPool2d((1, 12)),
            nn.Flatten(),
            nn.Dropout(0.3),
        )
        self.head = nn.Linear(4 * w * 12, LENGTH * len(ALPHABET))

    def forward(self, x):
        return self.head(self.features(x)).view(-1, LENGTH, len(ALPHABET))


def _tensor(xs: np.ndarray) -> torch.Tensor:
    # Contiguous in N x C x H x W: the convolutions read a permuted view
    # almost twice as slowly (0.19 against 0.11 s a batch on this machine).
    return torch.from_numpy(xs).permute(0, 3, 1, 2).contiguous().float().div_(255.0)


def train(xs, ys, *, epochs: int, batch: int = 64, threads: int = 2, log=print):
    """Fit a Net on (xs, ys); returns it in evaluation mode."""
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    model = Net()
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=1e-4)
    steps = epochs * (len(xs) // batch)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=3e-3, total_steps=steps)
    x_all, y_all = _tensor(xs), torch.from_numpy(ys)
    gen = torch.Generator().manual_seed(0)
    start = time.time()
    for epoch in range(epochs):
        model.train()
        order = torch.randperm(len(xs), generator=gen)
        total = right = 0
        for i in range(len(xs) // batch):
            idx = order[i * batch : (i + 1) * batch]
            out = model(x_all[idx])
            loss = nn.functional.cross_entropy(
                out.reshape(-1, len(ALPHABET)), y_all[idx].reshape(-1)
            )
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            total += len(idx)
            right += (out.argmax(-1) == y_all[idx]).all(1).sum().item()
        log(
            f"  epoch {epoch + 1}/{epochs}: loss {loss.item():.3f}, "
            f"training captchas solved {100 * right / total:.1f}%, {time.time() - start:.0f}s",
            flush=True,
        )
    model.eval()
    return model


def solve(model, pngs: list[bytes]) -> list[str]:
    """The model's readings of served PNGs."""
    with torch.no_grad():
        out = model(_tensor(np.stack([to_array(p) for p in pngs])))
    return ["".join(ALPHABET[i] for i in row) for row in out.argmax(-1).tolist()]
