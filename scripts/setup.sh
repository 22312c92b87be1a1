#!/usr/bin/env bash
# Installs what conpar needs and is missing. Idempotent: every step checks first
# and is skipped when the pinned version is already there.
#
#   scripts/setup.sh build   toolchain, Trunk, wasm-bindgen-cli, wasm-opt (npm)
#   scripts/setup.sh test    all of `build`, plus Chromium and Firefox ESR (Debian),
#                            Playwright and Puppeteer (npm) to drive them
#
# Only the package registries are reachable on our machines, so nothing here
# downloads a binary from anywhere else (see ../shared/TOOLCHAIN.md, and
# docs/SETUP.md for the reasons behind each pin).
set -euo pipefail

cd "$(dirname "$0")/.."
what=${1:-build}

TRUNK_VERSION=0.22.1
# wasm-bindgen-cli must match the wasm-bindgen in Cargo.lock exactly, or Trunk
# tries to download its own copy from GitHub (unreachable here).
WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3 }' Cargo.lock)

log() { printf '\033[1;34m[setup]\033[0m %s\n' "$*" >&2; }
timed() {
  local label=$1
  shift
  local start=$SECONDS
  "$@"
  log "$label: done in $((SECONDS - start)) s"
}

rust_toolchain() {
  # RUSTUP_AUTO_INSTALL=0 here: without this step every cargo in the repo fails
  # with "toolchain ... is not installed". Reads rust-toolchain.toml.
  if rustup run "$(toolchain)" rustc --version >/dev/null 2>&1 &&
    [ -d "$(rustup run "$(toolchain)" rustc --print sysroot)/lib/rustlib/src/rust/library" ]; then
    return
  fi
  timed "rust toolchain $(toolchain)" rustup toolchain install
}

toolchain() { sed -n 's/^channel = "\(.*\)"/\1/p' rust-toolchain.toml; }

# `cargo install` from outside the repository: inside it, .cargo/config.toml's
# build-std would rebuild std for every tool installed.
cargo_install() {
  local tc
  tc=$(toolchain)
  (cd "${TMPDIR:-/tmp}" && cargo "+$tc" install "$@")
}

trunk_cli() {
  if command -v trunk >/dev/null && [ "$(trunk --version)" = "trunk $TRUNK_VERSION" ]; then
    return
  fi
  # Trunk 0.22.1 needs rustc >= 1.96.1, hence our nightly. Its own release
  # profile (fat LTO, 1 codegen unit) takes ~22 min on 2 cores; these settings
  # halve that and build an equally fast site.
  log "installing trunk $TRUNK_VERSION (10-20 minutes on 2 cores)"
  CARGO_PROFILE_RELEASE_LTO=off CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
    CARGO_PROFILE_RELEASE_OPT_LEVEL=2 \
    timed "trunk" cargo_install trunk --version "$TRUNK_VERSION" --locked
}

wasm_bindgen_cli() {
  if command -v wasm-bindgen >/dev/null &&
    [ "$(wasm-bindgen --version)" = "wasm-bindgen $WASM_BINDGEN_VERSION" ]; then
    return
  fi
  # Not --locked: its lockfile names a webpki-roots the registry does not have.
  log "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION"
  timed "wasm-bindgen-cli" cargo_install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
}

npm_packages() {
  # binaryen (wasm-opt; Debian's v108 produces a broken module), playwright-core,
  # puppeteer-core, coi-serviceworker: all pinned in package-lock.json.
  if [ -d node_modules ] && [ node_modules/.package-lock.json -nt package-lock.json ] &&
    [ -x node_modules/.bin/wasm-opt ]; then
    return
  fi
  # puppeteer-core downloads no browser by itself; the variable makes sure of
  # it (the tests drive Debian's browsers only).
  timed "npm packages" env PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
}

chromium() {
  if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
    return
  fi
  local sudo=""
  [ "$(id -u)" = 0 ] || sudo=sudo
  log "installing chromium from Debian's packages"
  timed "apt-get update" $sudo apt-get update -qq
  timed "chromium" $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
    --no-install-recommends chromium chromium-driver >/dev/null
}

# The second engine for e2e/firefox.test.mjs, driven by puppeteer-core over
# WebDriver BiDi.
firefox() {
  if [ -x /usr/bin/firefox-esr ]; then
    return
  fi
  local sudo=""
  [ "$(id -u)" = 0 ] || sudo=sudo
  log "installing firefox-esr from Debian's packages"
  timed "apt-get update" $sudo apt-get update -qq
  timed "firefox-esr" $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
    --no-install-recommends firefox-esr >/dev/null
}

rust_toolchain
npm_packages
wasm_bindgen_cli
trunk_cli
if [ "$what" = test ]; then
  chromium
  firefox
fi
log "ready: $(trunk --version), $(wasm-bindgen --version), wasm-opt $(node_modules/.bin/wasm-opt --version | awk '{print $3}')"
