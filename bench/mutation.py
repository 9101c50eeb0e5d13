"""Mutation testing of the modules that matter: would a test fail if a piece
of the feature were removed or changed? (`make mutation`)

    .venv/bin/python bench/mutation.py [MODULE ...] [--workers 1] [--timeout 1800] [--diff]

For each module in MODULES (or only those named), it runs mutmut (pinned in
requirements-dev.txt, shared settings in pyproject.toml [tool.mutmut]) on a
fresh copy of the tree in mutants/, with only that module mutated and only
its test files run, then prints per module killed / total and the score, and
every surviving mutant with its change. mutmut itself runs, for each mutant,
only those of the module's tests that call the mutated function.

A survivor is either killed by a new test or explained in
bench/mutation-survivors.md: its mutant name, whether it is *equivalent*
(no one could tell it from the original) or *harmless* (a difference that
does not matter: a log message, a thread name), and why. The run exits 1
when a survivor is not explained there (a change made a feature untested,
or changed the numbering of mutants: read the new survivor and explain or
kill it) or mutmut failed. The score is printed twice: of all mutants, and
without the equivalent ones (which no test can kill); a module under
TARGET on the second is flagged.

Runs on SQLite and the local-memory cache whatever DATABASE_URL and
REDIS_URL say. Not part of `make test`.
"""

import argparse
import ast
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# The one place to extend: module -> the test files that must kill its mutants.
MODULES = {
    "articles/reads.py": [
        "articles/tests/test_reads.py",
        "articles/tests/test_reads_redis.py",
        "pagecache/tests/test_wsgi.py",
        "articles/tests/test_views.py",
    ],
    "articles/reads_redis.py": [
        "articles/tests/test_reads_redis.py",
        "articles/tests/test_reads.py",
    ],
    "articles/sanitize.py": [
        "articles/tests/test_sanitize.py",
    ],
    "comments/captcha.py": [
        "comments/tests/test_captcha.py",
        "comments/tests/test_comments.py",
    ],
    "comments/captcha_image.py": [
        "comments/tests/test_captcha_image.py",
        "comments/tests/test_captcha.py",
    ],
    "comments/captcha_draw.py": [
        "comments/tests/test_captcha_image.py",
    ],
    "articles/management/commands/import_articles.py": [
        "articles/tests/test_import.py",
        "articles/tests/test_sanitize.py",
        "articles/tests/test_bulk.py",
    ],
    "articles/bulk.py": [
        "articles/tests/test_bulk.py",
        "articles/tests/test_import.py",
    ],
    "pagecache/keys.py": [
        "pagecache/tests/test_keys.py",
        "pagecache/tests/test_wsgi.py",
        "pagecache/tests/test_middleware.py",
        "articles/tests/test_version.py",
    ],
    "pagecache/middleware.py": [
        "pagecache/tests/test_middleware.py",
        "pagecache/tests/test_wsgi.py",
        "pagecache/tests/test_keys.py",
        "articles/tests/test_version.py",
    ],
    "pagecache/wsgi.py": [
        "pagecache/tests/test_wsgi.py",
        "pagecache/tests/test_metrics.py",
        "pagecache/tests/test_health.py",
        "pagecache/tests/test_middleware.py",
        "pagecache/tests/test_keys.py",
        "articles/tests/test_version.py",
    ],
    "articles/version.py": [
        "articles/tests/test_version.py",
        "pagecache/tests/test_wsgi.py",
        "pagecache/tests/test_middleware.py",
        "pagecache/tests/test_keys.py",
    ],
    "articles/querysets.py": [
        "articles/tests/test_querysets.py",
        "articles/tests/test_models.py",
        "articles/tests/test_queries.py",
        "articles/tests/test_version.py",
    ],
}

# Functions whose mutants are not run, per module, with the reason.
_DRAWING = (
    "drawing only: a mutant draws a different-looking captcha, not a broken one; "
    "whether people can read it and OCR cannot is measured by `make captcha-ocr`"
)
NOT_MUTATED = {
    "comments/captcha_image.py": {name: _DRAWING for name in ("_layout", "_noise", "render_image")},
    "comments/captcha_draw.py": {
        name: _DRAWING
        for name in ("background", "glyph", "shaded_polyline", "curve_across", "warp")
    },
}

TARGET = 90.0  # per cent of mutants killed, per module
SURVIVORS_FILE = ROOT / "bench" / "mutation-survivors.md"
LOGS = ROOT / "artifacts" / "mutation"

# mutmut's exit codes of a mutant's test run, as mutmut.stats reads them.
KILLED = {1, 3}
TIMEOUT = {-24, 24, 152, 255, 36}
SURVIVED = {0}
NO_TESTS = {5, 33}


def module_name(path):
    return path.removesuffix(".py").replace("/", ".")


def functions(path):
    """mutmut's names of the functions in `path` it can mutate (x_name,
    xǁClassǁname)."""
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield f"x_{node.name}", node.name
        elif isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
                    yield f"xǁ{node.name}ǁ{item.name}", f"{node.name}.{item.name}"


def mutant_globs(path):
    """The mutants to run: all of the module's but those of NOT_MUTATED."""
    skipped = NOT_MUTATED.get(path, {})
    unknown = set(skipped) - {name for _, name in functions(path)}
    if unknown:
        raise SystemExit(f"NOT_MUTATED names unknown functions of {path}: {sorted(unknown)}")
    if not skipped:
        return []  # all of them
    return [
        f"{module_name(path)}.{mangled}__mutmut_*"
        for mangled, name in functions(path)
        if name not in skipped
    ]


def run_one(path, workers):
    """In a child process: mutmut on `path` alone, with its tests alone."""
    import dataclasses

    from mutmut import configuration

    configuration._config = dataclasses.replace(
        configuration.config(),
        only_mutate=[path],
        pytest_add_cli_args_test_selection=list(MODULES[path]),
    )
    from mutmut.__main__ import _run

    _run(mutant_globs(path), workers)


def results(path):
    meta = ROOT / "mutants" / f"{path}.meta"
    exit_codes = json.loads(meta.read_text())["exit_code_by_key"]
    globs = mutant_globs(path)
    if globs:
        wanted = tuple(glob.removesuffix("*") for glob in globs)
        exit_codes = {k: v for k, v in exit_codes.items() if k.startswith(wanted)}
    return exit_codes


def changed_lines(name, path):
    """The mutant's change as '- old' / '+ new' lines."""
    from mutmut.mutation.diff_apply import get_diff_for_mutant

    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        diff = get_diff_for_mutant(name, path=path)
    finally:
        os.chdir(cwd)
    return [
        line
        for line in diff.splitlines()
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ], diff


def explained():
    """{mutant name: "equivalent" or "harmless"} from bench/mutation-survivors.md."""
    if not SURVIVORS_FILE.exists():
        return {}
    row = re.compile(r"`([\wǁ.]+__mutmut_\d+)`.*\|\s*(equivalent|harmless)\s*\|")
    text = SURVIVORS_FILE.read_text(encoding="utf-8")
    return {m.group(1): m.group(2) for m in map(row.search, text.splitlines()) if m}


def run_module(path, args):
    """Run mutmut on one module in a fresh mutants/; returns its row."""
    shutil.rmtree(ROOT / "mutants", ignore_errors=True)
    LOGS.mkdir(parents=True, exist_ok=True)
    log_path = LOGS / (module_name(path) + ".log")
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    for name in ("DATABASE_URL", "REDIS_URL"):  # SQLite and local memory only
        env.pop(name, None)
    started = time.monotonic()
    with log_path.open("w") as log:
        child = subprocess.Popen(
            [sys.executable, __file__, "--one", path, "--workers", str(args.workers)],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # so a time-out ends mutmut's forks too
        )
        try:
            code = child.wait(timeout=args.timeout)
        except subprocess.TimeoutExpired:
            os.killpg(child.pid, signal.SIGTERM)
            child.wait()
            code = "timeout"
    seconds = time.monotonic() - started
    if code != 0:
        tail = log_path.read_text(errors="replace")[-3000:]
        return {"path": path, "error": f"mutmut ended with {code} (log {log_path})", "tail": tail}
    codes = results(path)
    killed = [k for k, v in codes.items() if v in KILLED | TIMEOUT]
    survivors = {k: v for k, v in codes.items() if v not in KILLED | TIMEOUT}
    # read now: the next module's run starts from an empty mutants/
    changes = {name: changed_lines(name, path) for name in survivors}
    return {
        "path": path,
        "total": len(codes),
        "killed": len(killed),
        "survivors": survivors,
        "changes": changes,
        "seconds": seconds,
    }


def status(code):
    if code in SURVIVED:
        return "survived"
    if code in NO_TESTS:
        return "no tests"
    if code is None:
        return "not run"
    return f"exit {code}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("modules", nargs="*", help="paths from MODULES (default: all)")
    parser.add_argument("--workers", type=int, default=1, help="mutants tested at once")
    parser.add_argument("--timeout", type=int, default=1800, help="seconds per module")
    parser.add_argument("--diff", action="store_true", help="print each survivor's whole diff")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    os.chdir(ROOT)
    if args.one:
        run_one(args.one, args.workers)
        return 0

    modules = args.modules or list(MODULES)
    unknown = [m for m in modules if m not in MODULES]
    if unknown:
        parser.error(f"not in MODULES: {', '.join(unknown)} (known: {', '.join(MODULES)})")

    rows = []
    for path in modules:
        print(f"mutating {path} (tests: {' '.join(MODULES[path])}) ...", flush=True)
        rows.append(run_module(path, args))

    reasons = explained()
    failed = False
    print()
    print(
        f"{'module':<50} {'killed':>7} {'total':>6} {'score':>7} {'w/o equivalent':>15} {'time':>6}"
    )
    for row in rows:
        if "error" in row:
            failed = True
            print(f"{row['path']:<50} {row['error']}")
            continue
        equivalent = sum(1 for name in row["survivors"] if reasons.get(name) == "equivalent")
        score = percent(row["killed"], row["total"])
        adjusted = percent(row["killed"], row["total"] - equivalent)
        flag = "" if adjusted >= TARGET else f"  under {TARGET:.0f}%"
        print(
            f"{row['path']:<50} {row['killed']:>7} {row['total']:>6} {score:>6.1f}% "
            f"{adjusted:>14.1f}% {row['seconds']:>5.0f}s{flag}"
        )
    for path, names in NOT_MUTATED.items():
        if path in modules:
            by_reason = {}
            for name, reason in names.items():
                by_reason.setdefault(reason, []).append(name)
            print(f"\nnot mutated in {path}:")
            for reason, functions_left_out in by_reason.items():
                print(f"  {', '.join(functions_left_out)}: {reason}")
    for row in rows:
        if "error" in row:
            print(f"\n{row['path']}: {row['error']}\n{row['tail']}")
            continue
        if not row["survivors"]:
            continue
        print(f"\nsurvivors in {row['path']}:")
        for name, code in sorted(row["survivors"].items(), key=lambda kv: mutant_number(kv[0])):
            lines, diff = row["changes"][name]
            mark = reasons.get(name, "UNEXPLAINED")
            failed |= name not in reasons
            print(f"  {name} [{status(code)}, {mark}]")
            if args.diff:
                print("    " + diff.replace("\n", "\n    "))
            else:
                for line in lines:
                    print(f"      {line.strip()[:110]}")
    print()
    if failed:
        print(
            f"FAILED: mutmut failed, or a survivor is not explained in "
            f"{SURVIVORS_FILE.relative_to(ROOT)}"
        )
        return 1
    print(f"OK: every survivor is explained in {SURVIVORS_FILE.relative_to(ROOT)}")
    return 0


def percent(part, whole):
    return 100.0 * part / whole if whole else 100.0


def mutant_number(name):
    function, _, number = name.rpartition("__mutmut_")
    return function, int(number)


if __name__ == "__main__":
    sys.exit(main())
