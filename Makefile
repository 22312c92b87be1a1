# conpar's commands. The two a newcomer needs:
#   make serve   install what is missing, then serve the app on http://127.0.0.1:8080
#   make test    install what is missing, then run every test (native and in Chromium)
# Others: make dist PUBLIC_URL=/conpar/ (static site), make bench (performance figures).

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
PUBLIC_URL ?= /

# Tools installed by scripts/setup.sh: cargo's, and npm's (wasm-opt, Playwright) first.
export PATH := $(CURDIR)/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
# build-std is set in .cargo/config.toml, so plain `trunk serve` works too.

.PHONY: serve test setup setup-test lint native-test site e2e bench-smoke dist bench clean

# Unminified: Trunk 0.22.1's HTML minifier folds the live-reload script's
# address placeholder into a string that `trunk serve` then no longer
# finds, and live reload dies ("ws://{{__trunk_address__}}/…"). Built
# sites (`make site`, `make dist`) stay minified.
serve: setup
	trunk serve --release --minify false

setup:
	scripts/setup.sh build

setup-test:
	scripts/setup.sh test

test: setup-test lint native-test site e2e bench-smoke

lint:
	cargo fmt --check
	scripts/native.sh clippy --all-targets -- -D warnings
	cargo clippy --release --target wasm32-unknown-unknown -- -D warnings

# The integration tests last: their harness (tests/harness.rs) ends its
# output with the summary line (passed; skipped; failed) and every check it
# skipped with why, so that those end the native part of `make test`.
# Native builds use the toolchain's own std (scripts/native.sh says why).
native-test:
	scripts/native.sh test --lib --bins
	scripts/native.sh test --doc
	scripts/native.sh test --test tests

# The release site, as `make serve` builds it, under the sub-path the browser
# tests serve it from (e2e/lib.mjs: BASE), as a static host would.
site:
	trunk build --release --public-url /conpar/

e2e:
	node --test --test-concurrency=1 --test-force-exit --test-reporter=spec e2e/

dist: setup
	trunk build --release --public-url $(PUBLIC_URL)

# The figures of docs/BENCHMARKS.md, and the reliability tests in full: the
# 200-run soak and every slider extreme run to its end.
bench: setup-test site
	node bench/run.mjs
	CONPAR_FULL=1 node --test --test-concurrency=1 --test-force-exit --test-reporter=spec e2e/reliability.test.mjs

# One tiny run of every benchmark figure, so that the benchmark cannot rot.
bench-smoke:
	node bench/run.mjs --smoke

clean:
	cargo clean
	rm -rf dist node_modules e2e/artifacts
