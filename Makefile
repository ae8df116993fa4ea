# Two commands set up everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

# Debian packages: a venv needs python3-venv; badges embed a CJK font; browser tests drive
# Chromium; compilemessages needs gettext; the benchmarks load the site with wrk.
RUN_PACKAGES := python3-venv fonts-noto-cjk
TEST_PACKAGES := $(RUN_PACKAGES) chromium gettext
BENCH_PACKAGES := $(RUN_PACKAGES) wrk
# The suite runs on every core (pytest-xdist); PYTEST_ARGS="-n 0" runs it in one process.
PYTEST_ARGS ?= -n auto

.PHONY: run test install lint messages clean serve bench system-packages

$(PY):
	@sh .ci/system-packages.sh python3-venv
	$(PYTHON) -m venv $(VENV)

$(STAMP): requirements.txt | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $(STAMP)

install: $(STAMP)

# A local .env with DEBUG on and a random SECRET_KEY; never committed.
.env:
	printf 'DEBUG=true\nSECRET_KEY=%s\n' "$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))')" > .env

# Refresh locale/*.po from the code (no location comments: branches then merge cleanly), then
# compile them; the compiled .mo files are committed.
messages: $(STAMP)
	SECRET_KEY=make-messages $(PY) manage.py makemessages --all --ignore=.venv --ignore=.tools --ignore=tests --no-obsolete --no-location -v0
	SECRET_KEY=make-messages $(PY) manage.py compilemessages --ignore=.venv -v0

run: $(STAMP) .env
	@sh .ci/system-packages.sh $(RUN_PACKAGES)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py loaddemo
	$(PY) manage.py ensureorganizer
	@echo ""
	@echo "Summit Site: http://127.0.0.1:8000/   Organizer admin: http://127.0.0.1:8000/admin/"
	@echo "Log in with the organizer user and the password printed above."
	$(PY) manage.py runserver 127.0.0.1:8000

# Tests get their own random key; DEBUG on keeps static files unhashed (no collectstatic).
test: $(STAMP)
	@sh .ci/system-packages.sh $(TEST_PACKAGES)
	DEBUG=true SECRET_KEY="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')" \
		$(PY) -m pytest $(PYTEST_ARGS)

# Production serving: DEBUG off, static files collected, migrations applied, gunicorn with
# gunicorn.conf.py, against whatever DATABASE_URL and CACHE_URL say. Put it behind a TLS
# proxy (summit_site/nginx.conf); SECURE_SSL_REDIRECT=false to try it over plain http.
serve: $(STAMP)
	@sh .ci/system-packages.sh $(RUN_PACKAGES)
	@test -n "$$SECRET_KEY" || test -f .env || { echo "Set SECRET_KEY (or run make run once to write .env)." >&2; exit 1; }
	DEBUG=false $(PY) manage.py collectstatic --noinput -v0
	DEBUG=false $(PY) manage.py migrate --noinput
	DEBUG=false ALLOWED_HOSTS="$${ALLOWED_HOSTS:-127.0.0.1,localhost}" $(VENV)/bin/gunicorn summit_site.wsgi -c gunicorn.conf.py

# Benchmarks: builds its data sets in scratch databases (SQLite under /tmp, and PostgreSQL
# database BENCH_DATABASE when reachable), starts gunicorn, prints one table, writes JSON.
bench: $(STAMP)
	@sh .ci/system-packages.sh $(BENCH_PACKAGES)
	$(PY) benchmarks/run.py $(BENCH_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
