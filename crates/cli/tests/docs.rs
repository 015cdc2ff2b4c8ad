//! The documents a reader follows: every relative link in the README, the
//! chapters in `docs/` and the fuzzing guide leads to a file that exists,
//! every name a table row gives beside a link to Rust source is in that
//! source, and `docs/SUMMARY.md` (the book's table of contents, see
//! `docs/book.toml`) lists every chapter, each of which exists. `.ci/run`
//! also builds the book with mdBook, which fails on a chapter it cannot find.

use std::fs;
use std::path::{Path, PathBuf};

/// The repository's root, two levels above this crate.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The Markdown files whose links are checked.
fn documents() -> Vec<PathBuf> {
    let root = root();
    let mut files = vec![root.join("README.md"), root.join("fuzz/README.md")];
    // docs/ and its one level of sub-folders (docs/labs/).
    let mut dirs = vec![root.join("docs")];
    while let Some(dir) = dirs.pop() {
        for entry in fs::read_dir(&dir).unwrap_or_else(|e| panic!("reading {}: {e}", dir.display())) {
            let path = entry.expect("a docs/ entry").path();
            if path.is_dir() && dir == root.join("docs") {
                dirs.push(path);
            } else if path.extension().is_some_and(|ext| ext == "md") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// The targets of the Markdown links `[text](target)` in `text`, outside
/// fenced code blocks.
fn links(text: &str) -> Vec<String> {
    let mut targets = Vec::new();
    let mut in_code = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
            continue;
        }
        if in_code {
            continue;
        }
        let mut rest = line;
        while let Some(start) = rest.find("](") {
            rest = &rest[start + 2..];
            let Some(end) = rest.find(')') else { break };
            targets.push(rest[..end].to_string());
            rest = &rest[end..];
        }
    }
    targets
}

#[test]
fn relative_links_lead_to_files_that_exist() {
    let mut broken = Vec::new();
    let mut checked = 0;
    for document in documents() {
        let text = fs::read_to_string(&document).unwrap_or_else(|e| panic!("{}: {e}", document.display()));
        let dir = document.parent().expect("a directory");
        for target in links(&text) {
            if target.contains("://") || target.starts_with('#') || target.starts_with("mailto:") {
                continue;
            }
            // A link's title ("path "title"") and anchor (#section) are not part of the file name.
            let path = target.split([' ', '#']).next().unwrap_or_default();
            checked += 1;
            if !dir.join(path).exists() {
                broken.push(format!("{}: {target}", document.display()));
            }
        }
    }
    assert!(broken.is_empty(), "links to files that do not exist:\n{}", broken.join("\n"));
    assert!(checked > 50, "only {checked} links found: is the link parser broken?");
}

/// The code maps: a table row such as "| the transcript | `Transcript` in
/// [`handshake.rs`](../crates/tls/src/handshake.rs) |" names code (`HalfConn`,
/// `Core::log_secret`) and links the files that hold it. Each such name must
/// stand, as a whole word, in one of the Rust files the row links, unless it
/// names a module (a `.rs` file or folder of that name under `crates/`,
/// `benches/` or `fuzz/`). A function renamed or moved without its map
/// fails here.
#[test]
fn names_in_the_code_maps_are_in_the_files_they_link() {
    let root = root();
    let modules = module_names(&root);
    let mut missing = Vec::new();
    let mut checked = 0;
    for document in documents() {
        let text = fs::read_to_string(&document).unwrap_or_else(|e| panic!("{}: {e}", document.display()));
        let dir = document.parent().expect("a directory");
        let mut in_code = false;
        for (number, line) in text.lines().enumerate() {
            if line.trim_start().starts_with("```") {
                in_code = !in_code;
            }
            if in_code || !line.starts_with('|') {
                continue;
            }
            let sources: Vec<String> = links(line)
                .iter()
                .map(|target| target.split([' ', '#']).next().unwrap_or_default())
                .filter(|path| path.ends_with(".rs"))
                .filter_map(|path| fs::read_to_string(dir.join(path)).ok())
                .collect();
            if sources.is_empty() {
                continue;
            }
            // The code spans: every other piece between backquotes.
            for name in line.split('`').skip(1).step_by(2).filter(|span| is_rust_path(span)) {
                let last = name.rsplit("::").next().unwrap_or(name);
                if modules.contains(last) {
                    continue;
                }
                checked += 1;
                if !sources.iter().any(|source| contains_word(source, last)) {
                    missing.push(format!("{}:{}: `{name}`", document.display(), number + 1));
                }
            }
        }
    }
    assert!(
        missing.is_empty(),
        "names a code map gives that its linked files do not hold:\n{}",
        missing.join("\n")
    );
    assert!(checked > 100, "only {checked} names checked: is the table parser broken?");
}

/// `Name`, `name`, `Type::method`: what a code map names.
fn is_rust_path(span: &str) -> bool {
    span.split("::").all(|part| {
        part.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && part.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    })
}

/// Whether `word` stands in `text` with no identifier character either side.
fn contains_word(text: &str, word: &str) -> bool {
    let is_ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    text.match_indices(word).any(|(at, _)| {
        !text[..at].chars().next_back().is_some_and(is_ident)
            && !text[at + word.len()..].chars().next().is_some_and(is_ident)
    })
}

/// The names of the `.rs` files (without the extension) and of the folders
/// under `crates/`, `benches/` and `fuzz/`: module, crate and target names.
fn module_names(root: &Path) -> std::collections::HashSet<String> {
    let mut names = std::collections::HashSet::new();
    let mut dirs: Vec<PathBuf> = ["crates", "benches", "fuzz"].iter().map(|d| root.join(d)).collect();
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = fs::read_dir(&dir) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
            if path.is_dir() {
                if name != "target" && name != "corpus" && name != "artifacts" {
                    names.insert(name);
                    dirs.push(path);
                }
            } else if path.extension().is_some_and(|ext| ext == "rs") {
                names.insert(name);
            }
        }
    }
    names
}

#[test]
fn the_book_lists_every_chapter() {
    let docs = root().join("docs");
    let summary = fs::read_to_string(docs.join("SUMMARY.md")).expect("docs/SUMMARY.md");
    let listed = links(&summary);
    for chapter in &listed {
        assert!(docs.join(chapter).is_file(), "SUMMARY.md lists {chapter}, which does not exist");
    }
    for document in documents() {
        let Ok(name) = document.strip_prefix(&docs) else { continue };
        let name = name.to_string_lossy().replace('\\', "/");
        assert!(
            name == "SUMMARY.md" || listed.contains(&name),
            "docs/{name} is not in docs/SUMMARY.md, so the book leaves it out"
        );
    }
    let book = fs::read_to_string(docs.join("book.toml")).expect("docs/book.toml");
    assert!(book.contains("src = \".\""), "the book's chapters are in docs/ itself");
}
