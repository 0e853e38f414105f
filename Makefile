# Plaidoyer: `make run` serves the demo sections, `make test` runs the whole suite.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
PORT ?= 8000

.PHONY: run test install demo lint format check messages clean

$(BIN)/activate: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $(BIN)/activate

install: $(BIN)/activate

demo: install
	$(MANAGE) migrate --noinput
	$(MANAGE) load_demo --port $(PORT)

# Emails (confirmations, receipts) are printed in this terminal; every link uses $(PORT). Donations go to
# a localstripe (the local fake of Stripe) started on loopback for this run.
run: demo
	WAGTAILADMIN_BASE_URL=http://localhost:$(PORT) $(MANAGE) serve_demo --port $(PORT)

# axe-core for the accessibility tests, from the npm registry (package-lock.json pins it).
node_modules/.package-lock.json: package-lock.json
	@command -v npm >/dev/null || { echo "npm is missing: install Node.js and npm (apt-get install npm), then run make test again."; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Two pytest workers (pytest-xdist), each with its own test database; a file's tests stay on one worker,
# since some of them share a server or a port for the file.
test: install node_modules/.package-lock.json
	$(BIN)/python -m tests.check_database
	$(BIN)/python -m tests.check_chromium
	$(BIN)/python -m pytest --create-db -n 2 --dist loadfile

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

check: install
	DJANGO_SETTINGS_MODULE=plaidoyer.settings.test $(MANAGE) check
	DJANGO_SETTINGS_MODULE=plaidoyer.settings.test $(MANAGE) makemigrations --check --dry-run

# Catalogs (.po) and their compiled form (.mo) are both committed, so running needs no gettext.
messages: install
	for lang in fr de it en; do $(MANAGE) makemessages -l $$lang --ignore=.venv --ignore=static_collected --ignore=media -v 0; done
	$(MANAGE) compilemessages --ignore=.venv -v 0

clean:
	rm -rf $(VENV) node_modules db.sqlite3 media static_collected
