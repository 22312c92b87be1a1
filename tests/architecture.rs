//! The layout's invariants (ARCHITECTURE.md), read from the source: the
//! engine and the charts import no browser crate; the engine's folders
//! depend on each other only as the map says; no two engine files import
//! each other, however indirectly.
//!
//! A file's imports are read from its text (`use` trees and inline
//! `crate::engine::…` paths, its unit tests left out), and an item a folder
//! re-exports is followed to the file that defines it, so an import through
//! a folder's `mod.rs` counts as an import of that file.

use crate::harness::tests;
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

tests![
    the_engine_and_the_charts_import_no_browser_crate,
    the_engine_folders_depend_on_each_other_as_the_map_says,
    no_engine_file_imports_itself_through_others,
];

const ENGINE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/src/engine");
const CHARTS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/src/charts");

/// The engine's folders, and the folders (and top-level files) each may
/// import: its layers, bottom up.
const ALLOWED: &[(&str, &[&str])] = &[
    ("work", &[]),
    ("plan", &["work", "format"]),
    ("record", &["plan", "format"]),
    ("exec", &["work", "plan", "record"]),
    ("analysis", &["plan", "record", "format"]),
    ("travel", &["plan", "record", "environment", "format"]),
    // The false-sharing sentence reads how many counters a cache line holds
    // from exec's shared counter; a received result's runs ask a question,
    // and a link carries the answer (travel's `Prediction`).
    (
        "lessons",
        &[
            "work", "plan", "record", "exec", "analysis", "travel", "format",
        ],
    ),
];

/// Every `.rs` file under `dir`, sorted.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for entry in fs::read_dir(&d).expect("a readable source folder") {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                todo.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// A file's code, without its comments and without its unit tests (whose
/// `use super::*` is the file itself).
fn code_of(path: &Path) -> String {
    let text = fs::read_to_string(path).expect("a readable source file");
    // The unit tests: `mod tests {`, under its `#[cfg(…test…)]` line.
    let text = match text.find("\nmod tests {") {
        Some(at) => {
            let attribute = text[..at].rfind('\n').unwrap_or(0);
            if text[attribute..at].contains("#[cfg(") {
                &text[..attribute]
            } else {
                &text[..at]
            }
        }
        None => &text[..],
    };
    text.lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
}

fn the_engine_and_the_charts_import_no_browser_crate() {
    for path in rust_files(Path::new(ENGINE))
        .into_iter()
        .chain(rust_files(Path::new(CHARTS)))
    {
        let code = code_of(&path);
        for krate in ["leptos", "web_sys", "js_sys", "wasm_bindgen", "gloo"] {
            assert!(
                !code.contains(&format!("{krate}::")),
                "{} uses {krate}: the engine and the charts stay free of the browser",
                path.display()
            );
        }
    }
}

/// The paths a `use` tree names: `a::{b, c::{d, e}}` → `a::b`, `a::c::d`, `a::c::e`.
fn expand(tree: &str) -> Vec<String> {
    let tree: String = tree.split_whitespace().collect();
    fn walk(prefix: &str, tree: &str, out: &mut Vec<String>) {
        let Some(open) = tree.find('{') else {
            let item = tree.split(" as ").next().unwrap_or(tree);
            out.push(format!("{prefix}{item}"));
            return;
        };
        let head = &tree[..open];
        let body = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
        let (mut depth, mut start) = (0, 0);
        for (i, c) in body.char_indices() {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    if !body[start..i].is_empty() {
                        walk(&format!("{prefix}{head}"), &body[start..i], out);
                    }
                    start = i + 1;
                }
                _ => {}
            }
        }
        if !body[start..].is_empty() {
            walk(&format!("{prefix}{head}"), &body[start..], out);
        }
    }
    let mut out = Vec::new();
    walk("", &tree, &mut out);
    out
}

/// An engine file, named by its path under `src/engine` without `.rs`:
/// `plan/settings`, `format`; a folder's `mod.rs` is the folder's name.
fn unit_of(path: &Path) -> String {
    let rel = path
        .strip_prefix(ENGINE)
        .expect("a file of the engine")
        .with_extension("");
    let rel = rel.to_string_lossy().replace('\\', "/");
    rel.strip_suffix("/mod").unwrap_or(&rel).to_string()
}

/// The engine's files and what each imports (other files of the engine).
fn engine_imports() -> BTreeMap<String, BTreeSet<String>> {
    let files = rust_files(Path::new(ENGINE));
    let units: BTreeSet<String> = files.iter().map(|p| unit_of(p)).collect();
    // Folder → (re-exported item → the file defining it), from each mod.rs.
    let mut exported: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for path in files.iter().filter(|p| p.ends_with("mod.rs")) {
        let folder = unit_of(path);
        for tree in use_trees(&code_of(path)) {
            for p in expand(tree.trim_start_matches("use ")) {
                let mut parts = p.split("::");
                if let (Some(file), Some(item)) = (parts.next(), parts.next()) {
                    exported
                        .entry(folder.clone())
                        .or_default()
                        .insert(item.to_string(), format!("{folder}/{file}"));
                }
            }
        }
    }
    // The file a path (relative to the engine) leads to.
    let resolve = |path: &[&str]| -> Option<String> {
        let first = *path.first()?;
        if !units.contains(first) {
            return None;
        }
        match path.get(1) {
            Some(second) if units.contains(&format!("{first}/{second}")) => {
                Some(format!("{first}/{second}"))
            }
            Some(item) => exported
                .get(first)
                .and_then(|items| items.get(*item))
                .cloned()
                .or_else(|| Some(first.to_string())),
            None => Some(first.to_string()),
        }
    };
    let mut graph = BTreeMap::new();
    for path in &files {
        let unit = unit_of(path);
        let folder = unit.split('/').next().unwrap_or("").to_string();
        let is_mod = path.ends_with("mod.rs");
        let code = code_of(path);
        let mut deps = BTreeSet::new();
        let mut paths: Vec<String> = use_trees(&code)
            .iter()
            .flat_map(|t| expand(t.trim_start_matches("use ")))
            .collect();
        // Inline paths: `crate::engine::plan::Workload::Counter` in code.
        for (at, _) in code.match_indices("crate::engine::") {
            let rest: String = code[at..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
                .collect();
            paths.push(rest);
        }
        for p in paths {
            let segs: Vec<&str> = p.split("::").filter(|s| !s.is_empty()).collect();
            let target = match segs.as_slice() {
                ["crate", "engine", rest @ ..] => resolve(rest),
                // In a folder's file, `super` is the folder; in a mod.rs,
                // it is the engine.
                ["super", rest @ ..] if !is_mod && unit.contains('/') => {
                    let mut full = vec![folder.as_str()];
                    full.extend_from_slice(rest);
                    resolve(&full)
                }
                [first, ..] if is_mod && units.contains(&format!("{unit}/{first}")) => None,
                _ => None,
            };
            if let Some(t) = target.filter(|t| *t != unit) {
                deps.insert(t);
            }
        }
        graph.insert(unit, deps);
    }
    graph
}

/// The `use` statements of `code`, each as one string.
fn use_trees(code: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (at, _) in code.match_indices("use ") {
        let before = code[..at].chars().last();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue; // a word ending in "use"
        }
        if let Some(end) = code[at..].find(';') {
            out.push(code[at..at + end].to_string());
        }
    }
    out
}

fn the_engine_folders_depend_on_each_other_as_the_map_says() {
    let allowed: BTreeMap<&str, &[&str]> = ALLOWED.iter().copied().collect();
    let mut breaches = Vec::new();
    for (unit, deps) in engine_imports() {
        let folder = unit.split('/').next().unwrap_or("");
        let Some(may) = allowed.get(folder) else {
            continue; // a top-level file (format, environment): imports nothing
        };
        for dep in deps {
            let other = dep.split('/').next().unwrap_or("");
            if other != folder && !may.contains(&other) {
                breaches.push(format!("{unit} imports {dep}"));
            }
        }
    }
    assert!(
        breaches.is_empty(),
        "imports against ARCHITECTURE.md's layers:\n{}",
        breaches.join("\n")
    );
}

fn no_engine_file_imports_itself_through_others() {
    let graph = engine_imports();
    // Depth-first search, reporting the first cycle met.
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        Open,
        Done,
    }
    fn visit(
        unit: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        marks: &mut BTreeMap<String, Mark>,
        stack: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        match marks.get(unit) {
            Some(Mark::Done) => return None,
            Some(Mark::Open) => {
                let from = stack.iter().position(|u| u == unit).unwrap_or(0);
                let mut cycle = stack[from..].to_vec();
                cycle.push(unit.to_string());
                return Some(cycle);
            }
            None => {}
        }
        marks.insert(unit.to_string(), Mark::Open);
        stack.push(unit.to_string());
        for dep in graph.get(unit).into_iter().flatten() {
            // A folder's mod.rs re-exports its files: it is not a step of a cycle.
            if graph.keys().any(|k| k.starts_with(&format!("{dep}/"))) {
                continue;
            }
            if let Some(cycle) = visit(dep, graph, marks, stack) {
                return Some(cycle);
            }
        }
        stack.pop();
        marks.insert(unit.to_string(), Mark::Done);
        None
    }
    let mut marks = BTreeMap::new();
    let files: Vec<&String> = graph
        .keys()
        .filter(|u| !graph.keys().any(|k| k.starts_with(&format!("{u}/"))))
        .collect();
    assert!(files.len() > 40, "the engine's files were read: {files:?}");
    for unit in files {
        if let Some(cycle) = visit(unit, &graph, &mut marks, &mut Vec::new()) {
            panic!("an import cycle: {}", cycle.join(" → "));
        }
    }
    // The graph is the one the layout implies: a file that imports one of
    // another folder is seen doing so.
    assert!(
        graph["exec/run"].contains("plan/settings"),
        "exec/run imports Settings: {:?}",
        graph["exec/run"]
    );
}
