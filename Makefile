# Permitsuite: the documented entry points. Each target installs what it needs.
PYTHON ?= python3
UV := $(shell command -v uv 2>/dev/null || echo "$(PYTHON) -m uv")
export UV_PYTHON_DOWNLOADS ?= never

.PHONY: help run test check fmt bench schemas messages sync uv clean vendor browser deploy-tools deploy-check

# the deployments are checked with Debian's docker-compose and kubectl (its
# kustomize), the same version everywhere, and against this Kubernetes
KUBECTL := .permitsuite/tools/kubectl
K8S_VERSION := 1.30.0

help:
	@echo "make run      start the whole suite on the embedded default (ARGS=--fresh to start clean)"
	@echo "make test     run every test (real broker and database processes)"
	@echo "make check    ruff lint + format check, mypy, import-linter, the deployments"
	@echo "make bench    run the benchmarks, results in benchmarks/results/"
	@echo "make schemas  regenerate contracts/schemas and contracts/asyncapi.json"
	@echo "make messages add the portal's new text to its Spanish catalog (then translate it)"

uv:
	@$(UV) --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet "uv>=0.5"

sync: uv
	@$(UV) sync --frozen --all-packages --group dev --quiet

vendor: sync
	@$(UV) run --frozen python -m portal.vendor

browser:
	@command -v chromium >/dev/null 2>&1 || { echo "installing Debian's chromium for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

run: vendor
	$(UV) run --frozen python -m permitsuite_embedded $(ARGS)

test: vendor browser
	$(UV) run --frozen pytest $(PYTEST_ARGS)

check: sync deploy-check
	$(UV) run --frozen ruff check .
	$(UV) run --frozen ruff format --check .
	$(UV) run --frozen mypy contracts/src chassis/src services/identity/src services/notifications/src services/gateway/src services/registration/src services/permits/src services/payments/src services/inspections/src services/integrations/src deploy/devstack/src deploy/embedded/src deploy/sandboxpay/src deploy/admin/src services/portal/src
	$(UV) run --frozen lint-imports

deploy-tools:
	@command -v docker-compose >/dev/null 2>&1 || { echo "installing Debian's docker-compose"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker-compose >/dev/null; }
	@test -x $(KUBECTL) || { echo "fetching Debian's kubernetes-client"; \
		mkdir -p .permitsuite/tools/deb && cd .permitsuite/tools/deb && \
		{ apt-get download -qq kubernetes-client 2>/dev/null || { apt-get update -qq && apt-get download -qq kubernetes-client 2>/dev/null; }; } && \
		dpkg-deb -x kubernetes-client_*.deb root && cp root/usr/bin/kubectl ../kubectl; }

# the Compose file as docker-compose reads it; every Kubernetes overlay as
# kustomize renders it, validated against the Kubernetes version named above
deploy-check: sync deploy-tools
	docker-compose --env-file deploy/compose/.env.example -f deploy/compose/compose.yaml config -q
	@for size in small large; do \
		$(KUBECTL) kustomize deploy/kubernetes/overlays/$$size > .permitsuite/kubernetes-$$size.yaml || exit 1; \
		$(UV) run --frozen kubernetes-validate -k $(K8S_VERSION) --strict --quiet .permitsuite/kubernetes-$$size.yaml || exit 1; \
		echo "deploy/kubernetes/overlays/$$size: valid for Kubernetes $(K8S_VERSION)"; \
	done

fmt: sync
	$(UV) run --frozen ruff format .
	$(UV) run --frozen ruff check --fix .

bench: sync
	$(UV) run --frozen python -m benchmarks.outbox_throughput
	$(UV) run --frozen python -m benchmarks.payments_flow
	$(UV) run --frozen python -m benchmarks.dashboard_latency
	$(UV) run --frozen python -m benchmarks.read_paths
	$(UV) run --frozen python -m benchmarks.portal_pages
	$(UV) run --frozen python -m benchmarks.idle_writes
	$(UV) run --frozen python -m benchmarks.embedded_settings
	$(UV) run --frozen python -m benchmarks.enumeration_timing
	$(UV) run --frozen python -m benchmarks.suite_at_rest
	$(UV) run --frozen python -m benchmarks.capacity
	$(UV) run --frozen python -m benchmarks.integrations
	$(UV) run --frozen python -m benchmarks.plots

schemas: sync
	$(UV) run --frozen python -m contracts.schemas

# the portal's marked text (templates and code, services/portal/babel.cfg)
# merged into locales/es: new text arrives untranslated, and the portal's
# test_translations fails until it is translated
PORTAL_LOCALES := services/portal/src/portal/locales
messages: sync
	@mkdir -p .permitsuite
	cd services/portal && $(UV) run --frozen pybabel extract -F babel.cfg --no-location \
		--sort-output --omit-header -o ../../.permitsuite/portal.pot src/portal
	$(UV) run --frozen pybabel update -i .permitsuite/portal.pot -d $(PORTAL_LOCALES) -l es \
		--no-fuzzy-matching --ignore-obsolete -w 100

clean:
	rm -rf .permitsuite .pytest_cache .mypy_cache .ruff_cache
