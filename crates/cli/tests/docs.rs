//! The documents a reader follows: every relative link in the README, the
//! chapters in `docs/` and the fuzzing guide leads to a file that exists, and
//! `docs/SUMMARY.md` (the book's table of contents, see `docs/book.toml`)
//! lists every chapter, each of which exists. `.ci/run` also builds the book
//! with mdBook, which fails on a chapter it cannot find.

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
