//! Error messages in the style of GNU coreutils: `padlock: NAME: reason`.
//!
//! Students will run `padlock` beside `sha256sum`, `openssl` and friends, so a
//! problem with a file reads the way those tools put it:
//!
//! ```text
//! padlock: nosuch: No such file or directory
//! padlock: 'my notes.txt': Is a directory
//! ```
//!
//! Two details make that exact. The reason is the C library's message
//! (`strerror`) without the ` (os error 2)` Rust appends ([`os_message`]). The
//! name is quoted the way coreutils' `quotef` does it ([`quote`]): unchanged if
//! that is unambiguous, otherwise in shell quotes that paste back into a shell.
//!
//! Every subcommand stops with a [`Failed`], which carries that message (or
//! none, when its reader closed standard output) to `main`'s exit status 1.

use std::ffi::OsStr;
use std::fmt::{self, Display, Write as _};
use std::io::{self, ErrorKind, Write};
use std::path::Path;
use std::process::ExitCode;

/// Prints `padlock: <message>` on standard error.
///
/// If standard error itself is closed there is nobody left to tell, so a
/// failure to write is ignored (`eprintln!` would panic instead).
pub(crate) fn error(message: fmt::Arguments<'_>) {
    let _ = writeln!(io::stderr().lock(), "padlock: {message}");
}

/// Why a command stopped: the message for standard error, or `None` to stop
/// quietly (standard output was closed by its reader).
pub(crate) struct Failed(Option<String>);

impl Failed {
    /// A failure reported as `padlock: <message>`.
    pub(crate) fn new(message: impl Display) -> Failed {
        Failed(Some(message.to_string()))
    }

    /// A failure about the file `name`: `padlock: NAME: <reason>`.
    pub(crate) fn about(name: &Path, reason: impl Display) -> Failed {
        Failed::new(format_args!("{}: {reason}", quote(name.as_os_str())))
    }

    /// Prints the message, if any, and gives exit status 1.
    pub(crate) fn report(self) -> ExitCode {
        if let Some(message) = self.0 {
            error(format_args!("{message}"));
        }
        ExitCode::FAILURE
    }
}

/// Standard output failed: a closed pipe ends the command quietly (the
/// reader has what it wanted), anything else is reported.
pub(crate) fn write_failed(error: &io::Error) -> Failed {
    if error.kind() == ErrorKind::BrokenPipe {
        Failed(None)
    } else {
        Failed::new(format_args!("write error: {}", os_message(error)))
    }
}

/// The operating system's description of an I/O error, such as `No such file or
/// directory`, without the ` (os error 2)` that Rust's `Display` appends.
pub(crate) fn os_message(error: &io::Error) -> String {
    let text = error.to_string();
    match error.raw_os_error() {
        Some(code) => match text.strip_suffix(&format!(" (os error {code})")) {
            Some(message) => message.to_owned(),
            None => text,
        },
        None => text,
    }
}

/// `name` as GNU coreutils shows a file name in a message (gnulib's
/// `quotearg_n_style_colon` in the `shell_escape` style, which `quotef` uses),
/// assuming a UTF-8 locale:
///
/// - unchanged if no character in it means anything to a shell: `notes.txt`;
/// - else in single quotes, a `'` written `'\''`, and characters that cannot
///   be shown written as `$'...'` escapes: `'a b'`, `'x'$'\n''y'`, `''$'\377'`;
/// - but a name whose only special characters are `'`, spaces and a leading
///   `#` or `~` goes in double quotes instead: `"it's"`.
///
/// Non-ASCII characters count as printable, except control characters and the
/// line and paragraph separators; glibc's tables may disagree on rare ones.
pub(crate) fn quote(name: &OsStr) -> String {
    let units = units(name.as_encoded_bytes());
    let alone = units.len() == 1;
    // The name as text, or `None` if it is not valid UTF-8 (and so has
    // bytes that must be escaped).
    let text: Option<String> = units
        .iter()
        .map(|unit| match unit {
            Unit::Char(c) => Some(*c),
            Unit::Byte(_) => None,
        })
        .collect();
    if let Some(text) = text {
        let needs_quotes =
            units.is_empty() || units.iter().enumerate().any(|(i, &unit)| shell_special(unit, i == 0, alone));
        if !needs_quotes {
            return text;
        }
        let double_quotes_suffice =
            units.iter().enumerate().all(|(i, &unit)| fits_double_quotes(unit, i == 0, alone));
        if text.contains('\'') && double_quotes_suffice {
            return format!("\"{text}\"");
        }
    }

    let mut out = String::from("'");
    // Whether we are inside a `$'...'` section, which the next escape can
    // extend and which any other character must first close with `''`.
    let mut in_dollar_quotes = false;
    for &unit in &units {
        match unit {
            Unit::Char('\'') => {
                // Close the quotes, an escaped quote, reopen: `'\''`.
                out.push_str("'\\''");
                in_dollar_quotes = false;
            }
            Unit::Char(c) if printable(c) => {
                if in_dollar_quotes {
                    out.push_str("''");
                    in_dollar_quotes = false;
                }
                out.push(c);
            }
            _ => {
                if !in_dollar_quotes {
                    out.push_str("'$'");
                    in_dollar_quotes = true;
                }
                push_escape(&mut out, unit);
            }
        }
    }
    out.push('\'');
    out
}

/// A piece of a file name: a character, or a byte that is not valid UTF-8
/// (Unix file names are bytes, not text).
#[derive(Clone, Copy)]
enum Unit {
    /// A character of a valid UTF-8 stretch.
    Char(char),
    /// A byte that is not part of any valid UTF-8 character.
    Byte(u8),
}

/// Splits a file name into characters and invalid bytes.
fn units(bytes: &[u8]) -> Vec<Unit> {
    let mut units = Vec::new();
    for chunk in bytes.utf8_chunks() {
        units.extend(chunk.valid().chars().map(Unit::Char));
        units.extend(chunk.invalid().iter().map(|&b| Unit::Byte(b)));
    }
    units
}

/// Whether the unit forces quoting: the shell-special characters gnulib
/// lists, `:` (the "colon" in `quotearg_n_style_colon`, so that the
/// `NAME: reason` split stays clear), and anything unprintable.
fn shell_special(unit: Unit, first: bool, alone: bool) -> bool {
    match unit {
        Unit::Byte(_) => true,
        // `#` starts a comment and `~` a home directory only at the start;
        // a lone `{` or `}` is a reserved word.
        Unit::Char('#' | '~') => first,
        Unit::Char('{' | '}') => alone,
        Unit::Char(
            ' ' | '!' | '"' | '$' | '&' | '\'' | '(' | ')' | '*' | ':' | ';' | '<' | '=' | '>' | '?' | '['
            | '\\' | '^' | '`' | '|',
        ) => true,
        Unit::Char(c) => !printable(c),
    }
}

/// Whether the unit may appear in the double-quoted form: characters that
/// mean nothing inside double quotes, plus `'`, space and a leading `#` or `~`
/// (or a lone `{` or `}`).
fn fits_double_quotes(unit: Unit, first: bool, alone: bool) -> bool {
    match unit {
        Unit::Byte(_) => false,
        Unit::Char('#' | '~') => first,
        Unit::Char('{' | '}') => alone,
        Unit::Char('\'' | ' ' | '%' | '+' | ',' | '-' | '.' | '/' | ':' | ']' | '_') => true,
        Unit::Char(c) if c.is_ascii() => c.is_ascii_alphanumeric(),
        Unit::Char(c) => printable(c),
    }
}

/// Whether a terminal shows the character as itself.
fn printable(c: char) -> bool {
    !c.is_control() && c != '\u{2028}' && c != '\u{2029}'
}

/// Writes the `$'...'` escape of an unprintable unit: C's letter escapes
/// where there is one, else each byte in three octal digits.
fn push_escape(out: &mut String, unit: Unit) {
    let mut utf8 = [0; 4];
    let bytes: &[u8] = match unit {
        Unit::Char('\x07') => return out.push_str("\\a"),
        Unit::Char('\x08') => return out.push_str("\\b"),
        Unit::Char('\t') => return out.push_str("\\t"),
        Unit::Char('\n') => return out.push_str("\\n"),
        Unit::Char('\x0b') => return out.push_str("\\v"),
        Unit::Char('\x0c') => return out.push_str("\\f"),
        Unit::Char('\r') => return out.push_str("\\r"),
        Unit::Char(c) => c.encode_utf8(&mut utf8).as_bytes(),
        Unit::Byte(ref byte) => std::slice::from_ref(byte),
    };
    for byte in bytes {
        // Writing to a `String` cannot fail.
        let _ = write!(out, "\\{byte:03o}");
    }
}
