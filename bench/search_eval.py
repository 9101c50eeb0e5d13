"""make search-eval: the new search against the old LIKE search on the demo
content, over the queries of search/eval/judgments.jsonl (each with the
articles a reader would want), printing recall@10 and MRR side by side.

Runs on a fresh SQLite database in a temporary folder (prepare_site: the
migrations and the demo articles), so it never touches the site's data.

    python bench/search_eval.py [--candidates N]

--candidates N scores only N candidates per pass (search/engine.py,
CANDIDATES, 400 by default): the 45 demo articles never reach 400, so this
is how the bounded ranking a large site gets is judged on them.
"""

import argparse
import json
import os
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
JUDGMENTS = ROOT / "search" / "eval" / "judgments.jsonl"
TARGETS = {"recall": 0.95, "mrr": 0.85}


def setup(folder):
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = f"sqlite:///{folder}/eval.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "forum.settings")
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("import_articles", str(ROOT / "articles/demo/articles.jsonl"), verbosity=0)


def old_like_search(query):
    """The search the site had before: every word a LIKE over titles and
    bodies, newest first (ArticleQuerySet.search, kept for this)."""
    from articles.models import Article

    query = " ".join(query.split())[:50]
    return list(Article.objects.published().search(query).newest().values_list("pk", flat=True))


def new_search(query):
    from search import engine

    return engine.run(query).ids


def scores(ranked, relevant):
    top = ranked[:10]
    recall = len(set(top) & relevant) / len(relevant)
    rank = next((i + 1 for i, pk in enumerate(ranked) if pk in relevant), None)
    return recall, (1 / rank if rank else 0.0)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--candidates", type=int, help="candidates scored per pass")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        setup(folder)
        if args.candidates:
            from search import engine

            engine.CANDIDATES = args.candidates
        from articles.models import Article

        ids = dict(Article.objects.values_list("title", "pk"))
        judgments = [json.loads(line) for line in JUDGMENTS.read_text("utf-8").splitlines()]
        totals = defaultdict(lambda: defaultdict(list))
        misses = []
        for item in judgments:
            relevant = {ids[title] for title in item["relevant"]}
            for name, engine in (("like", old_like_search), ("new", new_search)):
                recall, rr = scores(engine(item["query"]), relevant)
                for group in (item["kind"], "全部"):
                    totals[group][name + "_recall"].append(recall)
                    totals[group][name + "_mrr"].append(rr)
                if name == "new" and (recall < 1 or rr < 1):
                    misses.append((item["query"], recall, rr))

    def mean(values):
        return sum(values) / len(values)

    from search import engine

    print(
        f"{len(judgments)} queries over the demo content (45 articles),"
        f" {engine.CANDIDATES} candidates per pass\n"
    )
    print(
        f"{'kind':<12}{'n':>4}  {'LIKE R@10':>10}{'LIKE MRR':>10}  {'new R@10':>10}{'new MRR':>10}"
    )
    order = [k for k in dict.fromkeys(item["kind"] for item in judgments)] + ["全部"]
    for group in order:
        row = totals[group]
        print(
            f"{group:<10}{len(row['new_recall']):>6}  "
            f"{mean(row['like_recall']):>10.3f}{mean(row['like_mrr']):>10.3f}  "
            f"{mean(row['new_recall']):>10.3f}{mean(row['new_mrr']):>10.3f}"
        )
    print("\nnot perfect with the new search (query, recall@10, reciprocal rank):")
    for query, recall, rr in misses:
        print(f"  {query}: {recall:.2f} {rr:.2f}")
    overall = totals["全部"]
    recall, mrr = mean(overall["new_recall"]), mean(overall["new_mrr"])
    ok = (
        recall >= TARGETS["recall"]
        and mrr >= TARGETS["mrr"]
        and recall > mean(overall["like_recall"])
        and mrr > mean(overall["like_mrr"])
    )
    print(
        f"\ntargets: recall@10 >= {TARGETS['recall']}, MRR >= {TARGETS['mrr']}, better than LIKE:"
        f" {'met' if ok else 'MISSED'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
