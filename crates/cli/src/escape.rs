//! Text that came from a peer, made safe to print on a terminal or in a log.
//!
//! A request target, a certificate's subject or an alert's description is
//! chosen by whoever is at the other end of the connection. Printed raw, an
//! ESC starts a terminal escape sequence (which can retitle the window, move
//! the cursor, or on some terminals answer back as if typed), a CR moves back
//! to the start of the line so that the rest overwrites what came before, and
//! an LF forges a second log line. So everything a peer sent goes through
//! [`for_terminal`] before it is printed, and every control character comes
//! out as a visible escape:
//!
//! ```text
//!   GET /\x1b[2J\r\n  ->  GET /\x1b[2J\r\n   (seven characters for ESC [ 2 J CR LF: `\x1b`, `[2J`, `\r`, `\n`)
//! ```
//!
//! Escaped are the C0 controls (U+0000..U+001F, tab included), DEL (U+007F),
//! the C1 controls (U+0080..U+009F, which some terminals obey as they would
//! ESC sequences), the line and paragraph separators (U+2028, U+2029), and the
//! Unicode bidirectional controls (U+202A..U+202E, U+2066..U+2069), which can
//! make text display in an order other than the one it has ("Trojan Source",
//! CVE-2021-42574). Everything else, `\` and non-ASCII letters included, is
//! printed as itself, so a certificate name such as `CN=Zoë\, Ltd` (RFC 4514)
//! reads as it should.

use std::borrow::Cow;
use std::fmt::Write as _;

/// `text` with every control character written as a visible escape: `\r`,
/// `\n`, `\t`, `\0`, `\x1b` for the other C0 controls and DEL, `\u{9b}` for
/// the others. Text with nothing to escape is returned as it is, unchanged
/// and without a copy.
pub(crate) fn for_terminal(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\r' => out.push_str("\\r"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\0' => out.push_str("\\0"),
            // Writing to a String cannot fail.
            c if c.is_ascii() && needs_escape(c) => {
                let _ = write!(out, "\\x{:02x}", u32::from(c));
            }
            c if needs_escape(c) => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Whether a terminal could take `c` for something other than a character
/// to show.
fn needs_escape(c: char) -> bool {
    c.is_control() // C0, DEL and C1
        || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_borrowed_unchanged() {
        for text in ["", "GET /index.html?q=1", "CN=Zoë\\, Ltd,O=Example", "日本語"] {
            assert!(matches!(for_terminal(text), Cow::Borrowed(t) if t == text), "{text}");
        }
    }

    #[test]
    fn every_control_character_is_escaped() {
        let cases = [
            ("/\x1b[2J\r\nforged", "/\\x1b[2J\\r\\nforged"),
            ("a\tb\0c\x07d\x7f", "a\\tb\\0c\\x07d\\x7f"),
            ("csi \u{9b}31m", "csi \\u{9b}31m"),
            ("next line \u{85}", "next line \\u{85}"),
            ("rtl \u{202e}txt.exe", "rtl \\u{202e}txt.exe"),
            ("isolate \u{2066}x\u{2069}", "isolate \\u{2066}x\\u{2069}"),
            ("sep \u{2028}", "sep \\u{2028}"),
        ];
        for (raw, escaped) in cases {
            assert_eq!(for_terminal(raw), escaped, "{raw:?}");
        }
    }

    #[test]
    fn no_control_character_survives() {
        // Every char up to U+3000, alone and between letters.
        for code in 0..0x3000u32 {
            let Some(c) = char::from_u32(code) else { continue };
            let text = format!("a{c}b");
            let out = for_terminal(&text);
            assert!(!out.chars().any(needs_escape), "{code:#x} -> {out:?}");
            if needs_escape(c) {
                assert!(out.starts_with("a\\") && out.ends_with('b'), "{code:#x} -> {out:?}");
            } else {
                assert_eq!(out, text);
            }
        }
    }
}
