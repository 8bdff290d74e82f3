# Two commands matter: `make run` and `make test`. Both install what they need first.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-dev

.PHONY: run test lint typecheck bench bench-check train-crisis train-topics wheel docker clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

# Reinstall only when the project's metadata changes.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[dev,bench]'
	touch $(STAMP)

run: $(STAMP)
	@if [ -n "$$TELEGRAM_BOT_TOKEN" ]; then \
		exec $(BIN)/csp-bot run; \
	else \
		echo "No TELEGRAM_BOT_TOKEN set: starting the terminal chat. To go live: TELEGRAM_BOT_TOKEN=... make run" >&2; \
		exec $(BIN)/csp-bot chat; \
	fi

test: $(STAMP)
	bash .ci/browser-deps
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check bot handlers tests bench
	$(BIN)/mypy bot handlers

bench: $(STAMP)
	$(BIN)/python -m bench

# Fails when a speed ratio (to its in-run baseline) is 25 % worse than bench/baseline.json.
bench-check: $(STAMP)
	$(BIN)/python -m bench.check

# Retrain bot/answering/crisis_model.tsv from the corpus's training split (see bench/train_crisis.py),
# with the concept features and word vectors the shipped model has.
train-crisis: $(STAMP)
	$(BIN)/python -m pip install -q -e '.[dev,bench,train]'
	$(BIN)/python -m bench.split_corpus
	$(BIN)/python -m bench.train_crisis --cv --concepts --vectors

# Retrain bot/answering/topic_model.tsv (see bench/train_topics.py); --cv first shows its gain.
train-topics: $(STAMP)
	$(BIN)/python -m pip install -q -e '.[dev,bench,train]'
	$(BIN)/python -m bench.split_corpus
	$(BIN)/python -m bench.train_topics --cv --vectors

# The installable package (knowledge base, templates, crisis and topic models inside): dist/*.whl.
wheel: $(STAMP)
	$(BIN)/python -m pip wheel --no-deps --no-build-isolation -w dist .

# The container image (docs/deploy.md).
docker:
	docker build -f deploy/Dockerfile -t csp-bot .

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
