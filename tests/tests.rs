//! conpar's integration tests: one crate, as ripgrep's `tests/` (one link
//! step instead of one per file). Each module below is a file of `tests/`
//! whose first line says what belongs in it; what they share is in `common`.
//!
//! The crate runs with its own harness (`harness = false` in Cargo.toml;
//! `harness.rs`), not libtest: libtest can only pass a test that returned
//! or fail one that panicked, so a native check that cannot run on this
//! machine right now (two threads at once, with another program using a
//! core) used to return early and be printed "ok". Here such a test returns
//! a `Skip` with its reason: it is printed `test name ... skipped: why`,
//! counted in the summary line (`N passed; M skipped; K failed`) and listed
//! with its reason after it, at the end of the output. Everything else is
//! as with libtest: a panic fails the test, `cargo test -- NAME` runs the
//! tests whose name contains NAME, the exit code is non-zero on a failure.
//! The tests run one at a time, in the order listed below.

mod architecture;
mod common;
mod goroutines;
mod harness;
mod links;
mod modes;
mod result_links;
mod scenarios;
mod shared_state;

fn main() -> std::process::ExitCode {
    harness::main(&[
        architecture::TESTS,
        goroutines::TESTS,
        links::TESTS,
        modes::TESTS,
        result_links::TESTS,
        scenarios::TESTS,
        shared_state::TESTS,
    ])
}
