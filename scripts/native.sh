#!/usr/bin/env bash
# Runs cargo for the host (native tests, the benchmark's native baseline)
# against the toolchain's own std, as any Rust program is built:
#
#   scripts/native.sh test [args…]      scripts/native.sh run --release --example native_bench …
#
# Why from outside the repository: .cargo/config.toml builds std from source
# for the wasm build (threads need it), and cargo cannot scope that to one
# target (rust-lang/cargo#8733), nor remove it with --config (a list given
# there is added to the file's). Cargo reads its configuration from the
# current directory up, so run from elsewhere it reads none of ours, and the
# host gets the prebuilt std: not a size-optimised one compiled with the
# release profile's opt-level "z", which made the native baseline of every
# "wasm vs native" figure slower than native code is (docs/BENCHMARKS.md).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
toolchain=$(sed -n 's/^channel = "\(.*\)"/\1/p' "$root/rust-toolchain.toml")
command=$1
shift
cd "${TMPDIR:-/tmp}"
RUSTUP_TOOLCHAIN=$toolchain exec cargo "$command" --manifest-path "$root/Cargo.toml" --target-dir "$root/target/native" "$@"
