# The two commands a newcomer needs (see README.md):
#   make run   — set up from nothing, load the demo data, serve http://127.0.0.1:8000/ (SQLite)
#   make test  — set up from nothing, then lint and the whole test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test setup lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@

setup: $(VENV)/.installed

run: setup
	$(BIN)/python manage.py migrate --noinput
	# with TASKS_URL the task queue has a database of its own (README "Task queue")
	if [ -n "$$TASKS_URL" ]; then $(BIN)/python manage.py migrate --noinput --database tasks; fi
	$(BIN)/python manage.py load_demo_data
	$(BIN)/python manage.py rebuild_search_index
	$(BIN)/python manage.py send_renewal_reminders --enqueue
	$(BIN)/python manage.py record_expired_authorisations --enqueue
	# the task worker (contact mail, large label sheets, the daily renewal reminders, webhook deliveries) runs beside the server and stops with it
	$(BIN)/python manage.py db_worker --backend background & worker=$$!; trap 'kill $$worker' EXIT INT TERM; \
	$(BIN)/python manage.py runserver 127.0.0.1:8000

test: setup
	bash scripts/test.sh

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

clean:
	rm -rf $(VENV) db.sqlite3 media staticfiles .pytest_cache .ruff_cache
