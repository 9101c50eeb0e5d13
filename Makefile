# The front door: `make run` serves the site, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
PORT ?= 8000
# djhtml reads no configuration file: its tab width (the templates' two
# spaces) is given here.
DJHTML := $(VENV)/bin/djhtml --tabwidth 2

.PHONY: run test test-faults test-browser test-security audit lint format bench bench-scale bench-render bench-search bench-import search-eval spam-eval captcha-ocr mutation clean venv

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(VENV)/.installed $@

venv: $(VENV)/.installed

# prepare_site: migrate, the demo articles (--skip-existing), collectstatic.
run: $(VENV)/.installed
	$(PY) manage.py prepare_site
	@echo "Serving on http://127.0.0.1:$(PORT)/  (Ctrl-C to stop)"
	PORT=$(PORT) exec $(PY) serve.py

test: $(VENV)/.installed-dev
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/pytest

# Only the attack suite (template and SQL injection, CSRF, uploads, fuzzing
# under a fixed number of derandomized examples: FUZZ_EXAMPLES, default 60); part of test too.
test-security: $(VENV)/.installed-dev
	$(VENV)/bin/pytest -m security

# Faults survived (faults/): a private redis-server and PostgreSQL cluster,
# the site's own servers (two on 127.0.0.2 and 127.0.0.3 behind a private
# nginx running deploy/nginx/forum.conf), stopped and killed by the tests. Not in `make test`:
# each test starts real servers (about a minute or two in all).
test-faults: $(VENV)/.installed-dev
	@command -v redis-server >/dev/null && command -v nginx >/dev/null && test -x /usr/lib/postgresql/15/bin/initdb || \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server nginx postgresql-15 >/dev/null)
	env -u REDIS_URL -u DATABASE_URL $(VENV)/bin/pytest faults $(FAULTS_ARGS)

# Only the end-to-end tests in Chromium (screenshots in artifacts/screenshots/).
test-browser: $(VENV)/.installed-dev
	$(VENV)/bin/pytest -m browser

# The pages as the Nu Html Checker, axe-core, Lighthouse and a 390 px phone
# see them (audit/run.py); exits non-zero when a target is missed.
audit/node_modules/.installed: audit/package.json audit/package-lock.json
	cd audit && npm ci --ignore-scripts --no-audit --no-fund
	touch $@

audit: $(VENV)/.installed-dev audit/node_modules/.installed
	$(PY) audit/run.py $(AUDIT_ARGS)

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(DJHTML) --check templates/

format: $(VENV)/.installed-dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .
	$(DJHTML) templates/

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache

bench: $(VENV)/.installed
	@command -v wrk >/dev/null && command -v nginx >/dev/null || \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk nginx >/dev/null)
	$(PY) bench/run.py

# The site at 100,000 articles and 1,000,000 comments against the demo size,
# on SQLite and PostgreSQL (bench/scale.py); SCALE_ARGS="--articles 5000
# --comments 50000 --database sqlite" for a quick run.
bench-scale: $(VENV)/.installed
	@command -v wrk >/dev/null && command -v nginx >/dev/null || \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk nginx >/dev/null)
	$(PY) -m bench.scale $(SCALE_ARGS)

# Django's share of a page-cache miss: article renders timed in process.
bench-render: $(VENV)/.installed
	$(PY) bench/render.py $(RENDER_ARGS)

# Mutation testing (bench/mutation.py): per module, mutants killed / total
# and the survivors; MUTATE=articles/reads.py runs one module. Not part of test.
mutation: $(VENV)/.installed-dev
	$(PY) bench/mutation.py $(MUTATE) $(MUTATION_ARGS)

# The new search against the old LIKE search on the demo content: recall@10
# and MRR over the judged queries of search/eval/judgments.jsonl.
search-eval: $(VENV)/.installed
	$(PY) bench/search_eval.py

# The comment filter's layers together on comments/eval/labelled.jsonl:
# spam and real comments held, precision and recall (bench/spam_eval.py).
spam-eval: $(VENV)/.installed
	$(PY) bench/spam_eval.py

# Search at 100,000 generated articles on SQLite and on PostgreSQL (database
# searchbench on BENCH_PG, created and dropped by the bench): index build
# time and size, p50/p99 of uncached searches. Bounded by SEARCH_BENCH_ARGS'
# --budget (seconds per database).
SEARCH_BENCH_ARGS ?= --articles 100000 --queries 300 --budget 1200
bench-search: $(VENV)/.installed
	$(PY) bench/search_bench.py $(SEARCH_BENCH_ARGS)

# The DedeCMS and WordPress importers at 20,000 articles into SQLite and
# PostgreSQL (bench/import_bench.py): articles per second, peak RSS.
bench-import: $(VENV)/.installed
	$(PY) bench/import_bench.py $(IMPORT_BENCH_ARGS)

# The attacks on the comment captcha (bench/captcha_ocr.py): Tesseract with
# tuned thresholds and per-character segmentation, and a small CNN trained
# on 20,000 captchas from our own generator (CPU, cached under artifacts/),
# each as a solve rate on 500 fresh captchas, with timings. Run at the
# lowest priority; CAPTCHA_OCR_ARGS="--count 100 --train 5000" for a quick run.
$(VENV)/.installed-ocr: requirements.txt requirements-ocr.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --disable-pip-version-check -r requirements-ocr.txt
	touch $@

captcha-ocr: $(VENV)/.installed $(VENV)/.installed-ocr
	@command -v tesseract >/dev/null || \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tesseract-ocr tesseract-ocr-eng >/dev/null)
	nice -n 19 $(PY) bench/captcha_ocr.py --count 500 --save-samples artifacts/captcha-samples \
		--sheet artifacts/captcha-sheet.png $(CAPTCHA_OCR_ARGS)
