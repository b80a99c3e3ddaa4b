# Two commands a newcomer runs on a fresh Debian/Ubuntu machine (as root or with sudo):
#   make demo   - set up, then dry-run the example delegation against the mock portal
#                 (prints the path of the run's report last)
#   make test   - set up, then run the test suite
# Both are idempotent: each step is skipped when already done.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test setup system-packages system-packages-test mock-portal clean

demo: system-packages setup
	$(BIN)/ustd dry-run profiles/examples/delegation.yaml

test: system-packages-test setup
	$(BIN)/python -m pytest

setup: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m compileall -q assistant flows fixtures  # as a wheel install does: faster start
	touch $(STAMP)

# Debian packages: a browser to drive, Chinese fonts for readable zh-CN screenshots, and for
# the tests a real Secret Service (gnome-keyring on a private D-Bus) to keep secrets in, and
# tesseract (English and Simplified Chinese) to read the run's images back for secrets.
system-packages:
	@sh .ci/system-packages.sh chromium chromium-headless-shell fonts-noto-cjk fonts-liberation

system-packages-test:
	@sh .ci/system-packages.sh chromium chromium-headless-shell fonts-noto-cjk fonts-liberation gnome-keyring dbus libreoffice-calc-nogui \
		tesseract-ocr tesseract-ocr-eng tesseract-ocr-chi-sim

mock-portal: setup
	$(BIN)/ustd mock-portal

clean:
	rm -rf $(VENV) test-results .pytest_cache
