//! `padlock digest` against GNU coreutils.
//!
//! For every algorithm and a set of awkward inputs (an empty file, a file
//! spanning several 1 MiB reads, names with spaces, backslashes, newlines and
//! invalid UTF-8, standard input), our standard output must equal that of
//! `sha1sum`, `sha224sum`, `sha256sum`, `sha384sum` or `sha512sum` byte for
//! byte. Errors must read like theirs, with `padlock` as the program name, and
//! give the same exit status.
//!
//! The coreutils tools are the reference, so a missing one fails the test
//! rather than skipping it. Each test works in its own scratch directory,
//! removed when the test ends, so the tests can run in parallel.

mod common;

use std::ffi::{OsStr, OsString};
use std::fs;
use std::io::{self, Write};
use std::path::Path;
use std::process::{Command, Output, Stdio};

use common::{Scratch, describe};

/// Every `--algo` value, with the coreutils tool that is its reference.
const ALGORITHMS: [(&str, &str); 5] = [
    ("sha1", "sha1sum"),
    ("sha224", "sha224sum"),
    ("sha256", "sha256sum"),
    ("sha384", "sha384sum"),
    ("sha512", "sha512sum"),
];

#[test]
fn sha1_matches_sha1sum() {
    files_match_coreutils("sha1", "sha1sum");
}

#[test]
fn sha224_matches_sha224sum() {
    files_match_coreutils("sha224", "sha224sum");
}

#[test]
fn sha256_matches_sha256sum() {
    files_match_coreutils("sha256", "sha256sum");
}

#[test]
fn sha384_matches_sha384sum() {
    files_match_coreutils("sha384", "sha384sum");
}

#[test]
fn sha512_matches_sha512sum() {
    files_match_coreutils("sha512", "sha512sum");
}

/// The SHA-3 `--algo` values; `openssl dgst -<algo>` is their reference, as
/// coreutils (before 9.8) has no SHA-3 tool.
const SHA3_ALGORITHMS: [&str; 4] = ["sha3-224", "sha3-256", "sha3-384", "sha3-512"];

/// `padlock digest --algo sha3-*` against `openssl dgst -sha3-* -r`, on the
/// same files (names OpenSSL writes unescaped) and on standard input. With
/// `-r`, OpenSSL writes `<hex> *<name>`; we write `<hex>  <name>` as
/// sha256sum does, and OpenSSL names standard input `stdin` where we write
/// `-`: those are the differences allowed.
#[test]
fn sha3_matches_openssl_dgst() {
    let dir = Scratch::new("sha3");
    let files: [(&str, &[u8]); 5] = [
        ("empty", b""),
        ("abc", b"abc"),
        ("random.bin", &pseudo_random_bytes(3 * 1024 * 1024 + 17, 3)),
        ("rate-minus-one", &[0xa3; 135]),
        ("with space.txt", b"spaces"),
    ];
    let mut files_only: Vec<OsString> = Vec::new();
    for (name, contents) in files {
        dir.write(name, contents);
        files_only.push(name.into());
    }
    let mut names = files_only.clone();
    names.push("-".into());
    let stdin = b"read from standard input";
    for algo in SHA3_ALGORITHMS {
        let ours = padlock(&dir, &with_algo(algo, &names), stdin);
        assert!(ours.status.success(), "{}", describe(&ours));

        // OpenSSL takes `-` for a file name: it reads standard input when
        // given no file, in a second run.
        let theirs = openssl_dgst(algo, &dir, &files_only, b"") + &openssl_dgst(algo, &dir, &[], stdin);
        let theirs = theirs.replace(" *stdin\n", "  -\n").replace(" *", "  ");
        assert_eq!(String::from_utf8_lossy(&ours.stdout), theirs, "--algo {algo}");
        assert_eq!(lines(&ours.stdout), names.len());
    }
}

/// The standard output of `openssl dgst -<algo> -r <names>` run in `dir`.
fn openssl_dgst(algo: &str, dir: &Scratch, names: &[OsString], stdin: &[u8]) -> String {
    let mut command = Command::new("openssl");
    command.args(["dgst", &format!("-{algo}"), "-r"]).args(names);
    let output = run(command, dir, stdin).unwrap_or_else(|error| {
        panic!("running openssl failed ({error}): install it, e.g. `apt-get install openssl`")
    });
    assert!(output.status.success(), "openssl dgst -{algo}: {}", describe(&output));
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Hashes the files of [`sample_files`], with standard input (`-`) among
/// them, and compares with `tool`.
fn files_match_coreutils(algo: &str, tool: &str) {
    let (dir, mut names) = sample_files(&format!("files-{algo}"));
    names.insert(2, "-".into());
    let stdin = b"read from standard input";

    let ours = padlock(&dir, &with_algo(algo, &names), stdin);
    let theirs = coreutils(tool, &dir, &names, stdin);
    assert_same(&ours, &theirs, tool);
    assert!(ours.status.success(), "{}", describe(&ours));
    assert_eq!(lines(&ours.stdout), names.len());
}

#[test]
fn default_algorithm_is_sha256() {
    let (dir, names) = sample_files("default");
    let ours = padlock(&dir, &with_no_algo(&names), b"");
    let theirs = coreutils("sha256sum", &dir, &names, b"");
    assert_same(&ours, &theirs, "sha256sum");
}

#[test]
fn standard_input_via_dash_and_via_no_file() {
    let dir = Scratch::new("stdin");
    let input = pseudo_random_bytes(1_500_000, 7);
    for (algo, tool) in ALGORITHMS {
        for args in [&[][..], &["-".into()], &["-".into(), "-".into()]] {
            let ours = padlock(&dir, &with_algo(algo, args), &input);
            let theirs = coreutils(tool, &dir, args, &input);
            assert_same(&ours, &theirs, tool);
            assert!(ours.status.success(), "{}", describe(&ours));
        }
    }
}

#[test]
fn missing_file_is_reported_and_the_others_hashed() {
    let (dir, _) = sample_files("missing");
    let names: Vec<OsString> = vec!["abc".into(), "nosuch".into(), "empty".into()];
    for (algo, tool) in ALGORITHMS {
        let ours = padlock(&dir, &with_algo(algo, &names), b"");
        assert_eq!(ours.status.code(), Some(1), "{}", describe(&ours));
        assert_eq!(String::from_utf8_lossy(&ours.stderr), "padlock: nosuch: No such file or directory\n");
        assert_eq!(lines(&ours.stdout), 2);
        assert_same(&ours, &coreutils(tool, &dir, &names, b""), tool);
    }
}

#[test]
fn directory_is_reported_and_the_others_hashed() {
    let (dir, _) = sample_files("directory");
    fs::create_dir(dir.path.join("subdir")).expect("creating a directory in the scratch dir");
    let names: Vec<OsString> = vec!["abc".into(), "subdir".into(), "empty".into()];
    for (algo, tool) in ALGORITHMS {
        let ours = padlock(&dir, &with_algo(algo, &names), b"");
        assert_eq!(ours.status.code(), Some(1), "{}", describe(&ours));
        assert_eq!(String::from_utf8_lossy(&ours.stderr), "padlock: subdir: Is a directory\n");
        assert_eq!(lines(&ours.stdout), 2);
        assert_same(&ours, &coreutils(tool, &dir, &names, b""), tool);
    }
}

/// coreutils quotes a name in a message when a shell would misread it; we
/// must quote each of these missing files' names exactly as it does.
#[test]
fn names_in_errors_are_quoted_like_coreutils() {
    let dir = Scratch::new("quoting");
    let mut names: Vec<OsString> = [
        "plain-name_1.txt",
        "with space",
        "it's",
        "a'b c",
        "a\"b",
        "a'\"b",
        "a$b",
        "a:b",
        "a\\b",
        "a\tb",
        "x\ny",
        "a\rb",
        "a\x01b",
        "a\x07\x08\x0b\x0cb",
        "a\x7fb",
        "",
        "'",
        "#a",
        "a#b",
        "~x",
        "{",
        "a{b",
        "a?b",
        "a]b",
        "a=b",
        "it's#1",
        "#it's",
        "a'\tb",
        "é",
        "é'",
        "日本 語",
        "\u{85}",
        "\u{2028}",
        "\u{200b}",
    ]
    .into_iter()
    .map(OsString::from)
    .collect();
    names.extend(non_utf8_names());

    let ours = padlock(&dir, &with_no_algo(&names), b"");
    let theirs = coreutils("sha256sum", &dir, &names, b"");
    assert_same(&ours, &theirs, "sha256sum");
    assert_eq!(lines(&ours.stderr), names.len(), "{}", describe(&ours));
}

/// `padlock digest | head -c 0`: the reader is gone before we write. We must
/// stop quietly with a failure status, not panic.
#[test]
fn closed_standard_output_ends_quietly() {
    let dir = Scratch::new("closed-stdout");
    let mut child = Command::new(env!("CARGO_BIN_EXE_padlock"))
        .arg("digest")
        .current_dir(&dir.path)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starting padlock");
    // Close our end of its standard output first; padlock only writes once
    // its standard input ends, so the write is certain to find the pipe closed.
    drop(child.stdout.take());
    let mut stdin = child.stdin.take().expect("stdin was piped");
    stdin.write_all(b"abc").expect("writing padlock's input");
    drop(stdin);
    let output = child.wait_with_output().expect("waiting for padlock");
    assert_eq!(output.status.code(), Some(1), "{}", describe(&output));
    assert_eq!(String::from_utf8_lossy(&output.stderr), "");
}

/// Any other write error (here a full disk: Linux's `/dev/full`) is reported.
#[cfg(target_os = "linux")]
#[test]
fn failed_write_is_reported() {
    let full = Path::new("/dev/full");
    let (dir, _) = sample_files("full");
    let output = Command::new(env!("CARGO_BIN_EXE_padlock"))
        .args(["digest", "abc"])
        .current_dir(&dir.path)
        .stdout(fs::File::create(full).expect("opening /dev/full"))
        .output()
        .expect("running padlock");
    assert_eq!(output.status.code(), Some(1), "{}", describe(&output));
    assert_eq!(String::from_utf8_lossy(&output.stderr), "padlock: write error: No space left on device\n");
}

#[test]
fn help_describes_digest() {
    for args in [&["--help"][..], &["digest", "--help"]] {
        let output =
            Command::new(env!("CARGO_BIN_EXE_padlock")).args(args).output().expect("running padlock");
        assert!(output.status.success(), "{}", describe(&output));
        let help = String::from_utf8_lossy(&output.stdout);
        assert!(help.contains("SHA-1, SHA-2 or SHA-3 digest"), "{help}");
    }
}

/// A scratch directory with the files every algorithm is checked on, and
/// their names in order.
fn sample_files(test: &str) -> (Scratch, Vec<OsString>) {
    let dir = Scratch::new(test);
    let mut names = Vec::new();
    let mut add = |name: OsString, contents: &[u8]| {
        fs::write(dir.path.join(&name), contents).expect("writing a file in the scratch dir");
        names.push(name);
    };
    add("empty".into(), b"");
    add("abc".into(), b"abc");
    // Three full 1 MiB reads and a partial one, not a whole number of blocks.
    add("random.bin".into(), &pseudo_random_bytes(3 * 1024 * 1024 + 17, 1));
    add("with space.txt".into(), b"spaces");
    // These three names make coreutils start the line with `\` and escape.
    add("back\\slash".into(), b"backslash");
    add("new\nline".into(), b"newline");
    add("carriage\rreturn".into(), b"carriage return");
    add("tab\there".into(), b"tab");
    add("é-ü.txt".into(), b"utf-8");
    for name in non_utf8_names() {
        add(name, b"latin-1");
    }
    (dir, names)
}

/// File names that are not valid UTF-8: Unix allows any bytes but `/` and NUL.
#[cfg(unix)]
fn non_utf8_names() -> Vec<OsString> {
    use std::os::unix::ffi::OsStrExt;
    [&b"latin-1 caf\xe9"[..], b"\xff", b"a\xc3(b"]
        .into_iter()
        .map(|bytes| OsStr::from_bytes(bytes).to_owned())
        .collect()
}

/// Other systems' file names are Unicode.
#[cfg(not(unix))]
fn non_utf8_names() -> Vec<OsString> {
    Vec::new()
}

/// `len` bytes from xorshift64 (Marsaglia 2003) started at `seed`: not
/// random at all, but patternless enough to exercise the hash, and the same
/// on every run.
fn pseudo_random_bytes(len: usize, seed: u64) -> Vec<u8> {
    let mut state = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    let mut bytes = Vec::with_capacity(len + 8);
    while bytes.len() < len {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        bytes.extend_from_slice(&state.to_le_bytes());
    }
    bytes.truncate(len);
    bytes
}

/// `digest --algo <algo> <names>...`
fn with_algo(algo: &str, names: &[OsString]) -> Vec<OsString> {
    let mut args: Vec<OsString> = vec!["digest".into(), "--algo".into(), algo.into()];
    args.extend(names.iter().cloned());
    args
}

/// `digest <names>...`, the default algorithm.
fn with_no_algo(names: &[OsString]) -> Vec<OsString> {
    let mut args: Vec<OsString> = vec!["digest".into()];
    args.extend(names.iter().cloned());
    args
}

/// Runs the `padlock` binary built for this test in `dir`.
fn padlock(dir: &Scratch, args: &[OsString], stdin: &[u8]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_padlock"));
    command.args(args);
    run(command, dir, stdin).expect("running padlock")
}

/// Runs a coreutils tool in `dir`, in the C.UTF-8 locale so that its messages
/// are in English and UTF-8 names print as themselves. Panics, failing the
/// test, if the tool is not installed.
fn coreutils(tool: &str, dir: &Scratch, args: &[OsString], stdin: &[u8]) -> Output {
    let mut command = Command::new(tool);
    command.args(args).env("LC_ALL", "C.UTF-8").env_remove("LANGUAGE");
    match run(command, dir, stdin) {
        Ok(output) => output,
        Err(error) if error.kind() == io::ErrorKind::NotFound => panic!(
            "`{tool}` was not found on PATH. These tests compare padlock with GNU \
             coreutils; install coreutils (9.1 or later) to run them."
        ),
        Err(error) => panic!("running `{tool}`: {error}"),
    }
}

/// Runs `command` in `dir` with `stdin` as its standard input, collecting its
/// output. The input is written from another thread, so that a program which
/// writes before it has read everything cannot deadlock with us.
fn run(mut command: Command, dir: &Scratch, stdin: &[u8]) -> io::Result<Output> {
    let mut child = command
        .current_dir(&dir.path)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    let mut pipe = child.stdin.take().expect("stdin was piped");
    std::thread::scope(|scope| {
        // The program may exit without reading its input (when given no `-`),
        // so a broken pipe here is expected and ignored.
        scope.spawn(move || {
            let _ = pipe.write_all(stdin);
        });
        child.wait_with_output()
    })
}

/// Asserts that our output equals coreutils': the same standard output, the
/// same standard error once the program name is swapped, the same status.
fn assert_same(ours: &Output, theirs: &Output, tool: &str) {
    let their_stderr = String::from_utf8_lossy(&theirs.stderr)
        .lines()
        .map(|line| match line.strip_prefix(&format!("{tool}: ")) {
            Some(rest) => format!("padlock: {rest}\n"),
            None => format!("{line}\n"),
        })
        .collect::<String>();
    assert_eq!(
        String::from_utf8_lossy(&ours.stdout),
        String::from_utf8_lossy(&theirs.stdout),
        "standard output differs from {tool}'s"
    );
    // The lossy strings above can hide a difference in invalid UTF-8.
    assert_eq!(ours.stdout, theirs.stdout, "standard output differs from {tool}'s");
    assert_eq!(String::from_utf8_lossy(&ours.stderr), their_stderr, "standard error differs from {tool}'s");
    assert_eq!(ours.status.code(), theirs.status.code(), "exit status differs from {tool}'s");
}

/// How many lines `text` has.
fn lines(text: &[u8]) -> usize {
    text.iter().filter(|&&b| b == b'\n').count()
}
