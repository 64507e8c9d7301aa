# sd.archive — two commands: `make start` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
VAR := instance/var
LISTEN ?= localhost:8080
SITE ?= archive
PG_PORT ?= 5433
# PostgreSQL runs as the postgres user, who may not enter the checkout (a clone under /root):
# its data directories live outside it, one per checkout, named by a hash of the checkout's path.
PG_ID := $(shell printf '%s' '$(CURDIR)' | sha256sum | cut -c1-12)
PG_DIR ?= /var/lib/postgresql/sd-archive-$(PG_ID)
PG_TEST_DIR ?= /tmp/sd-archive-pg-$(PG_ID)
PG_TEST_PORT ?= 5434
PG_TEST = PG_DIR=$(PG_TEST_DIR) PG_PORT=$(PG_TEST_PORT)
PG_BIN := /usr/lib/postgresql/15/bin
DSN := host=127.0.0.1 port=$(PG_PORT) dbname=sdarchive user=postgres
APT_BASE := build-essential libpq-dev fonts-noto-cjk fonts-wqy-zenhei
APT_TEST := postgresql chromium chromium-driver clamav-daemon
APT_TOOLS := libreoffice-writer-nogui fonts-noto-cjk ghostscript poppler-utils
# text of files (#30): pdftotext/pdftoppm and Tesseract with simplified Chinese, for the demo too
APT_OCR := poppler-utils tesseract-ocr tesseract-ocr-chi-sim tesseract-ocr-eng
# the test OpenID provider (#27, tests/oidc: node-oidc-provider, pinned by package-lock.json):
# Node.js 20 or later with npm (Debian's package or NodeSource's, whose nodejs carries npm)
APT_NODE := nodejs
OIDC_OP := tests/oidc
OIDC_PORT ?= 8089

.PHONY: help
help: ## list the targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | sed 's/:.*##/\t/' | column -t -s $$'\t'

define apt_install
	@missing=""; for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi
endef

.PHONY: system-deps
system-deps: ## Debian packages needed to build (psycopg2) and to read the text of files (OCR)
	$(call apt_install,$(APT_BASE) $(APT_OCR))

.PHONY: test-deps
test-deps: system-deps ## Debian packages the tests use (PostgreSQL, Chromium, clamd, LibreOffice, Ghostscript)
	$(call apt_install,$(APT_TEST) $(APT_TOOLS))

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(BIN)/python pyproject.toml constraints.txt
	$(BIN)/python -m pip install -q -c constraints.txt uv
	$(BIN)/uv pip install --python $(BIN)/python -q -c constraints.txt setuptools -e '.[test,relstorage,zeo]'
	touch $@

.PHONY: translations
translations: $(VENV)/.installed ## compile the .po catalogues (atomically, once)
	@$(BIN)/python scripts/compile_mo.py

.PHONY: install
install: system-deps $(VENV)/.installed translations ## virtualenv with Plone 6.2.2 and sd.archive (pinned)

$(VAR)/etc/zope.conf: instance/*.in scripts/write_instance.py
	$(BIN)/python scripts/write_instance.py --storage filestorage --var $(VAR) --listen $(LISTEN)

.PHONY: instance
instance: install $(VAR)/etc/zope.conf ## write the instance configuration (FileStorage + blobs)

.PHONY: site
site: instance ## create the Plone site with demo data (keeps existing data)
	$(BIN)/zconsole run $(VAR)/etc/zope.conf scripts/create_site.py --site $(SITE) --demo 2>&1 | grep -v "^WARNING" || true
	@test -s $(VAR)/filestorage/Data.fs

.PHONY: start
start: site ## set everything up and serve the demo site
	@echo
	@echo "  sd.archive: http://$(LISTEN)/$(SITE)   (use localhost, not 127.0.0.1: theming is off there)"
	@echo "  logins: admin/admin (Manager); officer-j001/officer-j001-demo (档案员 J001);"
	@echo "          officer-j003/officer-j003-demo (档案员 J003, 按卷整理: 案卷);"
	@echo "          svc-j001/svc-j001-demo (OA service account J001); svc-j002/svc-j002-demo;"
	@echo "          archivist/archivist-demo; supervisor/supervisor-demo; sysadmin/sysadmin-demo;"
	@echo "          secadmin/secadmin-demo; auditor/auditor-demo;"
	@echo "          leader/leader-demo (档案馆领导); leader-j001/leader-j001-demo (机关领导 J001: 销毁审批)"
	@echo "  virus scanner: a clamd of the demo on the project's test signatures (EICAR; scripts/demo_clamd.py)"
	@echo
	$(call apt_install,clamav-daemon)
	@$(BIN)/python scripts/demo_clamd.py start $(VAR)/clamd >/dev/null
	@trap '$(BIN)/python scripts/demo_clamd.py stop $(VAR)/clamd' EXIT; \
	SD_ARCHIVE_CLAMD_SOCKET=$(CURDIR)/$(VAR)/clamd/clamd.sock $(BIN)/runwsgi $(VAR)/etc/zope.ini

# --- the test OpenID provider (#27): packages (npm ci) and the demo signing on through it ---
.PHONY: oidc-op
oidc-op: $(OIDC_OP)/node_modules/.package-lock.json ## the test OpenID provider's npm packages (npm ci, pinned)

$(OIDC_OP)/node_modules/.package-lock.json: $(OIDC_OP)/package.json $(OIDC_OP)/package-lock.json
	$(call apt_install,$(APT_NODE))
	@command -v npm >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null; }
	cd $(OIDC_OP) && npm ci --no-audit --no-fund --loglevel=error

.PHONY: start-oidc
start-oidc: site oidc-op ## the demo site signing on through the test OpenID provider (development only, docs/identity.md)
	$(BIN)/zconsole run $(VAR)/etc/zope.conf scripts/demo_oidc.py --site $(SITE) --issuer http://localhost:$(OIDC_PORT) 2>&1 | grep -v "^WARNING" || true
	@echo
	@echo "  sd.archive: http://$(LISTEN)/$(SITE)  — 登录页: 通过统一身份认证登录 (test provider http://localhost:$(OIDC_PORT))"
	@echo "  provider accounts: zhangwei/zhangwei-demo, lina/lina-demo, wangqiang/wangqiang-demo (tests/oidc/users.json)"
	@echo "  local logins as in make start (password login for every local account stays on in the demo)"
	@echo
	$(call apt_install,clamav-daemon)
	@$(BIN)/python scripts/demo_clamd.py start $(VAR)/clamd >/dev/null
	@OP_PORT=$(OIDC_PORT) OP_REDIRECT_URIS=http://$(LISTEN)/$(SITE)/acl_users/oidc/callback \
	  OP_POST_LOGOUT_URIS=http://$(LISTEN)/$(SITE),http://$(LISTEN)/$(SITE)/logged-out \
	  node $(OIDC_OP)/server.mjs & op=$$!; \
	trap '$(BIN)/python scripts/demo_clamd.py stop $(VAR)/clamd; kill $$op' EXIT; \
	SD_ARCHIVE_CLAMD_SOCKET=$(CURDIR)/$(VAR)/clamd/clamd.sock $(BIN)/runwsgi $(VAR)/etc/zope.ini

# --- PostgreSQL for RelStorage (runs as the postgres user, on loopback, data outside the checkout:
# PG_DIR, kept between runs; `make test` uses a cluster of its own in PG_TEST_DIR on PG_TEST_PORT) ---
.PHONY: pg-start
pg-start: ## start a PostgreSQL 15 on 127.0.0.1:$(PG_PORT) with data in $(PG_DIR)
	$(call apt_install,postgresql)
	@cd / && d=$(PG_DIR); \
	if [ -L $$d ] || { [ -e $$d ] && [ "$$(stat -c %U $$d)" != postgres ]; }; then \
	  echo "$$d is not a directory of the postgres user: remove it or set PG_DIR" >&2; exit 1; fi; \
	install -d -o postgres -g postgres -m 700 $$d; \
	if [ ! -f $$d/PG_VERSION ]; then \
	  runuser -u postgres -- $(PG_BIN)/initdb -D $$d -A trust -E UTF8 --locale=C.UTF-8 >/dev/null; fi; \
	if ! runuser -u postgres -- $(PG_BIN)/pg_ctl -D $$d status >/dev/null 2>&1; then \
	  runuser -u postgres -- $(PG_BIN)/pg_ctl -D $$d -l $$d/server.log \
	    -o "-p $(PG_PORT) -c listen_addresses=127.0.0.1 -k $$d -c fsync=off" -w start >/dev/null; fi; \
	runuser -u postgres -- psql -h 127.0.0.1 -p $(PG_PORT) -tc "select 1 from pg_database where datname='sdarchive'" | grep -q 1 || \
	  runuser -u postgres -- createdb -h 127.0.0.1 -p $(PG_PORT) sdarchive
	@echo "PostgreSQL on 127.0.0.1:$(PG_PORT), data in $(PG_DIR) (dsn: $(DSN))"

.PHONY: pg-stop
pg-stop: ## stop the PostgreSQL started by pg-start
	@cd / && if [ -f $(PG_DIR)/PG_VERSION ]; then runuser -u postgres -- $(PG_BIN)/pg_ctl -D $(PG_DIR) -m fast stop >/dev/null 2>&1 || true; fi

.PHONY: start-relstorage
start-relstorage: install pg-start ## serve the site on RelStorage/PostgreSQL (data in instance/var-rel)
	$(BIN)/python scripts/write_instance.py --storage relstorage --var instance/var-rel --listen $(LISTEN) --dsn "$(DSN)"
	$(BIN)/zconsole run instance/var-rel/etc/zope.conf scripts/create_site.py --site $(SITE) --demo 2>&1 | grep -v "^WARNING" || true
	$(BIN)/runwsgi instance/var-rel/etc/zope.ini

# --- several Zope workers on RelStorage behind HAProxy (#31, docs/deployment.md) ---
WORKERS ?= 2
WORKERS_BASE ?= instance/var-workers
WORKERS_FIRST_PORT ?= 8091
# shared: one blob directory all workers share (RelStorage shared-blob-dir); database: in PostgreSQL
WORKERS_BLOBS ?= shared
APT_WORKERS := haproxy

.PHONY: start-workers
start-workers: install pg-start ## $(WORKERS) Zope workers on RelStorage/PostgreSQL behind HAProxy on $(LISTEN) (demo site; stop-workers)
	$(call apt_install,$(APT_WORKERS))
	$(BIN)/python scripts/workers.py start --workers $(WORKERS) --dsn "$(DSN)" --base $(WORKERS_BASE) \
		--listen $(LISTEN) --first-port $(WORKERS_FIRST_PORT) --site $(SITE) --blobs $(WORKERS_BLOBS) --demo
	@echo "  sd.archive: http://$(LISTEN)/$(SITE) (HAProxy, round robin; logs of each worker: $(WORKERS_BASE)/w*/log)"

.PHONY: stop-workers
stop-workers: ## stop the workers and HAProxy of start-workers, then PostgreSQL
	$(BIN)/python scripts/workers.py stop --base $(WORKERS_BASE)
	@$(MAKE) --no-print-directory pg-stop

.PHONY: zeo
zeo: install ## run a ZEO server (instance/var-zeo) — clients: scripts/write_instance.py --storage zeo
	$(BIN)/python scripts/write_instance.py --storage zeo --var instance/var-zeo --listen $(LISTEN)
	$(BIN)/runzeo -C instance/var-zeo/etc/zeo.conf

.PHONY: ledger-nodes
ledger-nodes: install ## three evidence-ledger nodes on loopback (8181-8183, data in instance/nodes) that cosign each other
	$(BIN)/python scripts/ledger_nodes.py --base instance/nodes --ports 8181 8182 8183 --serve

.PHONY: start-nodes
start-nodes: install ## the province's three nodes on loopback: public-service :8181, administrative :8182, archives LAN :8183 (own storage and ledger each, cosigning)
	$(BIN)/python scripts/ledger_nodes.py --base instance/nodes --ports 8181 8182 8183 \
		--domains public-service administrative archives --serve

# --- tests ---
.PHONY: test
test: install test-deps oidc-op ## install what the tests need and run them all
	@$(MAKE) --no-print-directory pg-start $(PG_TEST)
	@set -o pipefail; status=0; \
	SD_ARCHIVE_PG_DSN="host=127.0.0.1 port=$(PG_TEST_PORT) dbname=sdarchive user=postgres" \
	  TZ=Asia/Shanghai $(BIN)/python -m pytest tests -p no:warnings -q \
	  --junitxml=test-artifacts/junit.xml || status=$$?; \
	$(MAKE) --no-print-directory pg-stop $(PG_TEST); exit $$status

.PHONY: test-core
test-core: install ## the pure-Python domain core only (seconds)
	$(BIN)/python -m pytest tests/core -q -p no:warnings

.PHONY: screenshots
screenshots: install test-deps ## the user guide's screenshots (docs/images) from the browser walks of every role
	SD_ARCHIVE_SCREENSHOTS=docs/images TZ=Asia/Shanghai $(BIN)/python -m pytest tests/browser -q -p no:warnings

LINT_PATHS := src tests bench scripts
ZPRETTY_FILES = $(shell git ls-files 'src/*.zcml' 'src/*.xml')

.PHONY: lint
lint: install ## ruff (rules and format), zpretty (ZCML, XML), codespell
	$(BIN)/ruff check $(LINT_PATHS)
	$(BIN)/ruff format --check $(LINT_PATHS)
	$(BIN)/zpretty --check $(ZPRETTY_FILES)
	$(BIN)/codespell src tests bench scripts docs README.md CHANGES.md

.PHONY: format
format: install ## apply ruff format, ruff's safe fixes and zpretty
	$(BIN)/ruff check --fix $(LINT_PATHS)
	$(BIN)/ruff format $(LINT_PATHS)
	$(BIN)/zpretty -i $(ZPRETTY_FILES)

.PHONY: bench
bench: install ## benchmarks (figures printed, nothing asserted)
	for b in bench/bench_*.py; do echo "== $$b"; $(BIN)/python $$b; done

versions.cfg: constraints.txt scripts/constraints_to_versions.py ## buildout pins from constraints.txt
	python3 scripts/constraints_to_versions.py > versions.cfg

.PHONY: clean
clean: ## remove the virtualenv (keeps instance/var data)
	rm -rf $(VENV) build *.egg-info src/*.egg-info
