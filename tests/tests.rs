//! conpar's integration tests: one crate, as ripgrep's `tests/` (one link
//! step instead of one per file). Each module below is a file of `tests/`
//! whose first line says what belongs in it; what they share is in `common`.

mod common;
mod links;
mod modes;
mod result_links;
mod scenarios;
mod shared_state;
