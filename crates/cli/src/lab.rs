//! `padlock lab`: famous attacks that really work, against Padlock switched
//! to be vulnerable on purpose (padlock-labs).
//!
//! - `padlock lab list`: the labs, with the switch each turns on and its chapter.
//! - `padlock lab run NAME [--seed N] [--fixed] [--json]`: runs one, narrated
//!   in the demo's style — what is sent, what leaks, a live count of the
//!   oracle queries, the recovered secret beside the true one, the figures.
//!   `--fixed` runs the same attack against the real code, and shows it fail.
//! - `padlock lab ct-check TARGET`: the timing lab's measurement (Welch's
//!   t-test on two classes of inputs, dudect-style) on one of Padlock's real
//!   primitives. Its exit status says what it saw: 0 no leak, 1 a leak, 3
//!   too few measurements for a t-test.
//!
//! The labs send structured notes ([`padlock_labs::report::Note`]); this
//! module only words and paints them, or prints them as JSON lines. It
//! builds no TLS configuration and names no switch: the labs crate alone
//! turns switches on (see `padlock_tls::lab`).

use std::io::{IsTerminal as _, Write as _};
use std::process::ExitCode;

use padlock_labs::report::{Note, Report, Role};
use padlock_labs::{LABS, Params, Scale};
use padlock_tls::trace::hex;

use crate::narrate::{self, Json, Tone, paint};
use crate::report::Failed;

/// Arguments of `padlock lab`.
#[derive(clap::Args)]
pub(crate) struct Args {
    /// What to do.
    #[command(subcommand)]
    command: Command,
}

/// The subcommands of `padlock lab`.
#[derive(clap::Subcommand)]
enum Command {
    /// List the labs.
    List,
    /// Run a lab: the attack against the switched code (or, with --fixed, the real code).
    Run(RunArgs),
    /// Measure whether one of Padlock's primitives runs in constant time (Welch's t-test, dudect-style).
    ///
    /// Exit status: 0 no leak seen (|t| at most 10), 1 a leak (or an error), 3 too few measurements
    /// for a t-test in the time given.
    CtCheck(CtCheckArgs),
}

/// Arguments of `padlock lab run`.
#[derive(clap::Args)]
struct RunArgs {
    /// The lab (see `padlock lab list`).
    name: String,
    /// Every random choice comes from this seed: the same seed, the same run.
    #[arg(long, default_value_t = 2)]
    seed: u64,
    /// Run the attack against the real, unswitched code: it must fail.
    #[arg(long)]
    fixed: bool,
    /// Print the notes as JSON, one object per line, for tools.
    #[arg(long)]
    json: bool,
}

/// `padlock lab ct-check`'s exit status when no t-test had data (2 is
/// clap's, for a usage error).
const TOO_FEW_MEASUREMENTS: u8 = 3;

/// Arguments of `padlock lab ct-check`.
#[derive(clap::Args)]
struct CtCheckArgs {
    /// What to measure: mac-compare, gcm-tag, rsa-decrypt, x25519, or leaky-compare (a control that leaks).
    target: String,
    /// How long to measure, in seconds.
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    /// Print the result as JSON.
    #[arg(long)]
    json: bool,
}

/// Runs `padlock lab`.
pub(crate) fn run(args: &Args) -> ExitCode {
    match &args.command {
        Command::List => list(),
        Command::Run(run) => run_lab(run).unwrap_or_else(Failed::report),
        Command::CtCheck(check) => ct_check(check).unwrap_or_else(Failed::report),
    }
}

fn list() -> ExitCode {
    let mut out = String::new();
    for lab in LABS {
        out.push_str(&format!("{:<16} {}\n", lab.name, lab.title));
        out.push_str(&format!("{:<16} switch {}, chapter docs/labs/{}\n", "", lab.switch, lab.chapter));
    }
    let _ = std::io::stdout().lock().write_all(out.as_bytes());
    ExitCode::SUCCESS
}

fn style(json: bool) -> narrate::Style {
    if json {
        narrate::Style::Json
    } else if std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none() {
        narrate::Style::Color
    } else {
        narrate::Style::Plain
    }
}

fn run_lab(args: &RunArgs) -> Result<ExitCode, Failed> {
    let lab = padlock_labs::lab(&args.name).ok_or_else(|| {
        let names: Vec<&str> = LABS.iter().map(|l| l.name).collect();
        Failed::new(format_args!("lab: no lab called '{}'; there are: {}", args.name, names.join(", ")))
    })?;
    let params = Params { seed: args.seed, fixed: args.fixed, scale: Scale::Lab };
    let mut printer = Printer::new(style(args.json));
    let outcome = {
        let mut sink = |note: &Note| printer.note(note);
        let mut report = Report::new(&mut sink);
        lab.run(&params, &mut report)
    };
    let outcome = outcome.map_err(|e| Failed::new(format_args!("lab {}: {e}", lab.name)))?;
    printer.finish(outcome.queries, outcome.seconds);
    // The lab showed what it should: the attack works on the switch and fails on the real code.
    Ok(if outcome.attack_succeeded != args.fixed { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

/// Words and paints notes as they come.
struct Printer {
    style: narrate::Style,
    /// Figures, printed at the end.
    figures: Vec<(String, String)>,
    /// Whether a live progress line is on screen (to be overwritten).
    live: bool,
    /// The phase of the last progress line printed (plain style prints one per phase).
    last_phase: String,
}

impl Printer {
    fn new(style: narrate::Style) -> Printer {
        Printer { style, figures: Vec::new(), live: false, last_phase: String::new() }
    }

    fn color(&self) -> bool {
        self.style == narrate::Style::Color
    }

    fn out(&mut self, text: &str) {
        let mut stdout = std::io::stdout().lock();
        if self.live {
            let _ = stdout.write_all(b"\n");
            self.live = false;
        }
        let _ = writeln!(stdout, "{text}");
    }

    fn note(&mut self, note: &Note) {
        if self.style == narrate::Style::Json {
            let line = json(note);
            self.out(&line);
            return;
        }
        let color = self.color();
        match note {
            Note::Start { lab, title, seed, fixed, switch } => {
                self.out(&paint(color, Tone::Heading, &format!("padlock lab {lab}: {title}")));
                let against = if *fixed {
                    format!("against the real code (--fixed: {switch} stays off)")
                } else {
                    format!("against Padlock with the switch {switch} on")
                };
                self.out(&format!("  {against}, --seed {seed}"));
            }
            Note::Heading(text) => {
                self.out("");
                self.out(&paint(color, Tone::Heading, text));
            }
            Note::Explain(text) => {
                for line in wrap(text, 98) {
                    let line = format!("  {}", paint(color, Tone::Explain, &line));
                    self.out(&line);
                }
            }
            Note::Wire { from, to, what, bytes } => self.wire(*from, *to, what, bytes),
            Note::Value { label, value } => {
                let line = format!("  {}: {}", label, paint(color, Tone::Value, value));
                self.out(&line);
            }
            Note::Leak(text) => {
                let line = format!("  {} {text}", paint(color, Tone::Bad, "leaks:"));
                self.out(&line);
            }
            Note::Progress { queries, detail } => self.progress(*queries, detail),
            Note::Recovered { what, recovered, truth } => self.recovered(what, recovered, truth),
            Note::Figure { name, value } => self.figures.push((name.clone(), value.clone())),
            Note::Verdict { attack_succeeded, text } => {
                let (tone, word) = if *attack_succeeded {
                    (Tone::Bad, "ATTACK SUCCEEDED")
                } else {
                    (Tone::Good, "attack failed")
                };
                self.out("");
                let line = format!("{}: {text}", paint(color, tone, word));
                self.out(&line);
            }
        }
    }

    fn wire(&mut self, from: Role, to: Role, what: &str, bytes: &[u8]) {
        let color = self.color();
        let tone = |role: Role| match role {
            Role::Client => Tone::Client,
            Role::Server => Tone::Server,
            Role::Attacker => Tone::Bad,
        };
        let size = if bytes.is_empty() { String::new() } else { format!(" ({} bytes)", bytes.len()) };
        let line = format!(
            "  {} -> {} {what}{size}",
            paint(color, tone(from), &format!("{:<8}", from.name())),
            paint(color, tone(to), &format!("{:<8}", to.name())),
        );
        self.out(&line);
        if !bytes.is_empty() {
            let shown = &bytes[..bytes.len().min(32)];
            let more = if bytes.len() > 32 { " ..." } else { "" };
            let line = format!("             {}{more}", paint(color, Tone::Value, &spaced_hex(shown)));
            self.out(&line);
        }
    }

    fn progress(&mut self, queries: u64, detail: &str) {
        let text = format!("  queries: {:>9}  {detail}", padlock_labs::report::thousands(queries));
        if self.color() {
            let mut stdout = std::io::stdout().lock();
            let _ = write!(stdout, "\r\x1b[2K{}", paint(true, Tone::Dim, &text));
            let _ = stdout.flush();
            self.live = true;
            return;
        }
        // Plain text (a file, a pipe): one line per phase, not one per update.
        let phase = detail.split(',').next().unwrap_or("").to_string();
        if phase != self.last_phase {
            self.last_phase = phase;
            self.out(&text);
        }
    }

    fn recovered(&mut self, what: &str, recovered: &[u8], truth: &[u8]) {
        let color = self.color();
        let same = recovered == truth;
        let lines = [
            format!("  {what}, recovered: {}", paint(color, Tone::Value, &text_or_hex(recovered))),
            format!("  {what}, the truth: {}", paint(color, Tone::Value, &text_or_hex(truth))),
            format!(
                "  the same: {}",
                if same { paint(color, Tone::Bad, "yes") } else { paint(color, Tone::Good, "no") }
            ),
        ];
        for line in lines {
            self.out(&line);
        }
    }

    fn finish(&mut self, queries: u64, seconds: f64) {
        if self.style == narrate::Style::Json {
            let line = narrate::object(&[
                ("event", Json::Str("done".into())),
                ("queries", Json::Num(queries)),
                ("milliseconds", Json::Num((seconds * 1000.0) as u64)),
            ]);
            self.out(&line);
            return;
        }
        self.out("");
        let heading = paint(self.color(), Tone::Heading, "Figures");
        self.out(&heading);
        let mut figures = std::mem::take(&mut self.figures);
        figures.push(("time, end to end".into(), format!("{seconds:.1} s")));
        for (name, value) in figures {
            self.out(&format!("  {name:<28} {value}"));
        }
    }
}

/// A note as one JSON object.
fn json(note: &Note) -> String {
    let s = |text: &str| Json::Str(text.to_string());
    match note {
        Note::Start { lab, title, seed, fixed, switch } => narrate::object(&[
            ("event", s("lab")),
            ("lab", s(lab)),
            ("title", s(title)),
            ("seed", Json::Num(*seed)),
            ("fixed", Json::Bool(*fixed)),
            ("switch", s(switch)),
        ]),
        Note::Heading(text) => narrate::object(&[("event", s("heading")), ("text", s(text))]),
        Note::Explain(text) => narrate::object(&[("event", s("explain")), ("text", s(text))]),
        Note::Wire { from, to, what, bytes } => narrate::object(&[
            ("event", s("wire")),
            ("from", s(from.name())),
            ("to", s(to.name())),
            ("what", s(what)),
            ("bytes", Json::Str(hex(bytes))),
        ]),
        Note::Value { label, value } => {
            narrate::object(&[("event", s("value")), ("label", s(label)), ("value", s(value))])
        }
        Note::Leak(text) => narrate::object(&[("event", s("leak")), ("text", s(text))]),
        Note::Progress { queries, detail } => narrate::object(&[
            ("event", s("progress")),
            ("queries", Json::Num(*queries)),
            ("detail", s(detail)),
        ]),
        Note::Recovered { what, recovered, truth } => narrate::object(&[
            ("event", s("recovered")),
            ("what", s(what)),
            ("recovered", Json::Str(hex(recovered))),
            ("truth", Json::Str(hex(truth))),
            ("same", Json::Bool(recovered == truth)),
        ]),
        Note::Figure { name, value } => {
            narrate::object(&[("event", s("figure")), ("name", s(name)), ("value", s(value))])
        }
        Note::Verdict { attack_succeeded, text } => narrate::object(&[
            ("event", s("verdict")),
            ("attack_succeeded", Json::Bool(*attack_succeeded)),
            ("text", s(text)),
        ]),
    }
}

/// Printable ASCII as a quoted string, anything else as hex.
fn text_or_hex(bytes: &[u8]) -> String {
    if !bytes.is_empty() && bytes.iter().all(|b| (0x20..0x7f).contains(b)) {
        format!("\"{}\"", String::from_utf8_lossy(bytes))
    } else {
        hex(bytes)
    }
}

/// `01 02 03`.
fn spaced_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect::<Vec<_>>().join(" ")
}

/// `text` in lines of at most `width` characters (words are not split).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.len() + 1 + word.len() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

fn ct_check(args: &CtCheckArgs) -> Result<ExitCode, Failed> {
    use padlock_labs::{dudect, timing};
    if args.seconds == 0 || args.seconds > 600 {
        return Err(Failed::new("lab ct-check: --seconds must be between 1 and 600"));
    }
    let color = style(args.json) == narrate::Style::Color;
    let out = |text: String| {
        let _ = writeln!(std::io::stdout().lock(), "{text}");
    };
    let mut live = false;
    let mut progress = |taken: u64, t: f64, elapsed: std::time::Duration| {
        if args.json {
            return;
        }
        let text = format!(
            "  measurements: {:>11}  |t| = {t:6.1}  after {:.1} s",
            padlock_labs::report::thousands(taken),
            elapsed.as_secs_f64()
        );
        let mut stdout = std::io::stdout().lock();
        if color {
            let _ = write!(stdout, "\r\x1b[2K{}", paint(true, Tone::Dim, &text));
            let _ = stdout.flush();
            live = true;
        }
    };
    if !args.json {
        let what = timing::CT_TARGETS.iter().find(|(n, _)| *n == args.target).map(|(_, w)| *w);
        if let Some(what) = what {
            out(paint(color, Tone::Heading, &format!("padlock lab ct-check {}", args.target)));
            out(format!("  {what}"));
            out(format!(
                "  Welch's t-test between the two classes, dudect-style, for up to {} s",
                args.seconds
            ));
        }
    }
    let found =
        timing::ct_check(&args.target, std::time::Duration::from_secs(args.seconds), 2, &mut progress)
            .map_err(|e| Failed::new(format_args!("lab ct-check: {e}")))?;
    let evidence = found.measurement.evidence();
    // No t-test had data yet: dudect places its crop limits on the first
    // measurements, and each test needs enough of each class after them.
    // Say so rather than report a |t| of 0 that nothing measured.
    if evidence.used == 0 {
        let taken = found.measurement.taken;
        if args.json {
            out(narrate::object(&[
                ("event", Json::Str("ct-check".into())),
                ("target", Json::Str(args.target.clone())),
                ("measurements", Json::Num(taken)),
                ("milliseconds", Json::Num(found.elapsed.as_millis() as u64)),
                ("verdict", Json::Str("too few measurements".into())),
            ]));
        } else {
            if live {
                out(String::new());
            }
            out(format!(
                "  measurements: {} in {:.1} s",
                padlock_labs::report::thousands(taken),
                found.elapsed.as_secs_f64()
            ));
            out(format!(
                "  too few measurements for a t-test: the first {} only place the crop limits, and each class \
                 then needs {}; give it more --seconds",
                padlock_labs::report::thousands(dudect::CALIBRATION as u64),
                dudect::MIN_PER_CLASS
            ));
        }
        return Ok(ExitCode::from(TOO_FEW_MEASUREMENTS));
    }
    let crop = if evidence.test == 0 {
        "all measurements".to_string()
    } else {
        format!("the measurements below crop {} of 20", evidence.test)
    };
    if args.json {
        let line = narrate::object(&[
            ("event", Json::Str("ct-check".into())),
            ("target", Json::Str(args.target.clone())),
            ("measurements", Json::Num(found.measurement.taken)),
            ("milliseconds", Json::Num(found.elapsed.as_millis() as u64)),
            ("max_t", Json::Str(format!("{:.2}", evidence.max_t))),
            ("test", Json::Str(crop)),
            ("mean_ns_class0", Json::Str(format!("{:.1}", evidence.means_ns[0]))),
            ("mean_ns_class1", Json::Str(format!("{:.1}", evidence.means_ns[1]))),
            ("standard_error_ns", Json::Str(format!("{:.3}", evidence.standard_error_ns))),
        ]);
        out(line);
    } else {
        if live {
            out(String::new());
        }
        out(format!(
            "  measurements: {} in {:.1} s",
            padlock_labs::report::thousands(found.measurement.taken),
            found.elapsed.as_secs_f64()
        ));
        out(format!(
            "  mean per operation: class 0 {:.1} ns, class 1 {:.1} ns ({crop})",
            evidence.means_ns[0], evidence.means_ns[1]
        ));
        out(format!(
            "  a difference of about {:.1} ns between the classes would have shown as |t| > 4.5",
            4.5 * evidence.standard_error_ns
        ));
        let tone = if evidence.max_t > dudect::THRESHOLD_PROBABLE { Tone::Bad } else { Tone::Good };
        out(format!(
            "  largest |t|: {} — {}",
            paint(color, tone, &format!("{:.1}", evidence.max_t)),
            timing::verdict_words(evidence.max_t)
        ));
        let caveat = "A |t| below 4.5 means this measurement, on this machine, with these two classes of input, saw \
                      no difference; it is not a proof of constant time. Above 10, look for a branch or a memory \
                      access that depends on the data (or for noise: run it again; a real leak shows every time).";
        for line in wrap(caveat, 98) {
            out(format!("  {line}"));
        }
    }
    // The exit status says whether a leak was seen, for scripts.
    Ok(if evidence.max_t > dudect::THRESHOLD_LEAK { ExitCode::FAILURE } else { ExitCode::SUCCESS })
}
