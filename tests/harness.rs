//! The runner of this crate's tests (`harness = false` in Cargo.toml): what
//! libtest does that we use, plus a check that can say it did not run.
//!
//! A test is a plain function registered with [`tests!`]; it returns `()`,
//! or [`Checked`] when the machine may not let it check what it checks
//! (two threads at once need two free cores): it then returns a [`Skip`]
//! saying why, and is reported as `skipped: why`, counted apart from the
//! passes, and listed with its reason at the end. A panic is a failure.
//! Tests run one at a time, in the order registered: the timing-sensitive
//! ones must not share the machine with each other.

use std::panic;
use std::process::ExitCode;
use std::time::Instant;

/// Why a check did not run, or did not run whole: what the machine would
/// not let it see.
#[derive(Debug)]
pub struct Skip(pub String);

/// What a test that can be skipped returns.
pub type Checked = Result<(), Skip>;

/// Ends the calling test as skipped, saying why (`format!` arguments).
macro_rules! skip {
    ($($why:tt)+) => {
        return Err($crate::harness::Skip(format!($($why)+)))
    };
}
pub(crate) use skip;

/// What a test function may return: `()` (it always runs) or [`Checked`].
pub trait IntoChecked {
    fn into_checked(self) -> Checked;
}

impl IntoChecked for () {
    fn into_checked(self) -> Checked {
        Ok(())
    }
}

impl IntoChecked for Checked {
    fn into_checked(self) -> Checked {
        self
    }
}

/// A registered test.
pub struct Test {
    /// `tests::module::function`, as `module_path!` writes it.
    pub path: &'static str,
    pub run: fn() -> Checked,
}

impl Test {
    /// `module::function`: the path without the crate's name.
    fn name(&self) -> &'static str {
        self.path
            .split_once("::")
            .map_or(self.path, |(_, name)| name)
    }
}

/// Registers the calling module's tests, by function name: defines its
/// `TESTS`, which tests/tests.rs hands to [`main`]. A test function left
/// out is dead code, which clippy (`-D warnings`) refuses.
macro_rules! tests {
    ($($test:ident),+ $(,)?) => {
        pub const TESTS: &[$crate::harness::Test] = &[$(
            $crate::harness::Test {
                path: concat!(module_path!(), "::", stringify!($test)),
                run: || $crate::harness::IntoChecked::into_checked($test()),
            }
        ),+];
    };
}
pub(crate) use tests;

/// The command line, as libtest reads it: names to run (any test whose name
/// contains one), `--skip`, `--exact`, `--list`, `-q`. Flags cargo or a
/// person may pass to libtest that change nothing here are accepted and
/// ignored: `--nocapture` (nothing is captured), `--test-threads` (one at a
/// time always), `--format`, `--color`, …
#[derive(Debug, Default)]
struct Args {
    filters: Vec<String>,
    skip: Vec<String>,
    exact: bool,
    list: bool,
    quiet: bool,
    /// `--ignored`: only the ignored tests, and none is.
    ignored_only: bool,
}

impl Args {
    fn parse(args: impl IntoIterator<Item = String>) -> Result<Args, String> {
        const IGNORED: &[&str] = &[
            "--nocapture",
            "--no-capture",
            "--show-output",
            "--include-ignored",
            "--report-time",
            "--shuffle",
        ];
        const IGNORED_WITH_VALUE: &[&str] = &["--test-threads", "--format", "--color", "-Z"];
        let mut out = Args::default();
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            let (flag, inline) = match arg.split_once('=') {
                Some((flag, value)) if flag.starts_with('-') => (flag.to_string(), Some(value)),
                _ => (arg.clone(), None),
            };
            let mut value = || {
                inline
                    .map(str::to_string)
                    .or_else(|| args.next())
                    .ok_or(format!("{flag} needs a value"))
            };
            match flag.as_str() {
                "--exact" => out.exact = true,
                "--list" => out.list = true,
                "-q" | "--quiet" => out.quiet = true,
                "--ignored" => out.ignored_only = true,
                "--skip" => out.skip.push(value()?),
                f if IGNORED.contains(&f) => {}
                f if IGNORED_WITH_VALUE.contains(&f) => {
                    value()?;
                }
                f if f.starts_with('-') => {
                    return Err(format!(
                        "unknown option {arg}: this harness (tests/harness.rs) takes test names, --skip NAME, --exact, --list, -q, and ignores {}, {}",
                        IGNORED.join(", "),
                        IGNORED_WITH_VALUE.join(", ")
                    ));
                }
                _ => out.filters.push(arg),
            }
        }
        Ok(out)
    }

    fn matches(&self, pattern: &str, name: &str) -> bool {
        if self.exact {
            name == pattern
        } else {
            name.contains(pattern)
        }
    }

    fn wants(&self, name: &str) -> bool {
        !self.ignored_only
            && (self.filters.is_empty() || self.filters.iter().any(|f| self.matches(f, name)))
            && !self.skip.iter().any(|s| self.matches(s, name))
    }
}

/// The message a panic carried.
fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(a panic without a message)".into())
}

/// Runs the tests the command line asks for, one at a time; reports each,
/// then a libtest-like summary line, then every check skipped with why (so
/// that it ends the output). Fails (101, as libtest) if any test failed.
pub fn main(modules: &[&[Test]]) -> ExitCode {
    let args = match Args::parse(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(101);
        }
    };
    let all: Vec<&Test> = modules.iter().flat_map(|m| m.iter()).collect();
    let mut names: Vec<&str> = all.iter().map(|t| t.name()).collect();
    names.sort_unstable();
    if let Some(twice) = names.windows(2).find(|w| w[0] == w[1]) {
        eprintln!("error: {} is registered twice", twice[0]);
        return ExitCode::from(101);
    }
    let chosen: Vec<&Test> = all.into_iter().filter(|t| args.wants(t.name())).collect();
    let filtered_out = names.len() - chosen.len();
    if args.list {
        for t in &chosen {
            println!("{}: test", t.name());
        }
        return ExitCode::SUCCESS;
    }

    let plural = if chosen.len() == 1 { "" } else { "s" };
    println!("\nrunning {} test{plural}", chosen.len());
    let started = Instant::now();
    let (mut passed, mut skipped, mut failed) = (0, Vec::new(), Vec::new());
    for t in chosen {
        // The default panic hook has printed the panic, with where it
        // happened, by the time `catch_unwind` returns.
        match panic::catch_unwind(t.run) {
            Ok(Ok(())) => {
                passed += 1;
                if !args.quiet {
                    println!("test {} ... ok", t.name());
                }
            }
            Ok(Err(Skip(why))) => {
                println!("test {} ... skipped: {why}", t.name());
                skipped.push((t.name(), why));
            }
            Err(payload) => {
                println!("test {} ... FAILED", t.name());
                failed.push((t.name(), panic_message(&*payload)));
            }
        }
    }

    if !failed.is_empty() {
        println!("\nfailures:");
        for (name, message) in &failed {
            println!("\n---- {name} ----\n{message}");
        }
        println!("\nfailures:");
        for (name, _) in &failed {
            println!("    {name}");
        }
    }
    println!(
        "\ntest result: {}. {passed} passed; {} skipped; {} failed; {filtered_out} filtered out; finished in {:.2}s",
        if failed.is_empty() { "ok" } else { "FAILED" },
        skipped.len(),
        failed.len(),
        started.elapsed().as_secs_f64()
    );
    if !skipped.is_empty() {
        println!(
            "\n{} skipped, with why (a skip is not a pass: what it checks was not seen):",
            skipped.len()
        );
        for (name, why) in &skipped {
            println!("    {name}: {why}");
        }
    }
    println!();
    if failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(101)
    }
}
