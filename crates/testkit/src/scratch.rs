//! A scratch directory for one test: the files a test hands to an outside
//! program (`openssl`, `tshark`, `padlock`) and reads back from it.

use std::fs;
use std::path::PathBuf;

/// An empty directory for one test, deleted (with everything in it) when
/// dropped, on every path, panics too.
pub struct Scratch {
    /// The directory, for `Command::current_dir` and `Path::join`.
    pub path: PathBuf,
}

impl Scratch {
    /// An empty directory `padlock-<process id>-<test>` in the system's
    /// temporary directory. The process id keeps apart test binaries running
    /// at once; `test` must be unique within one binary. Characters other
    /// than ASCII letters and digits in it become `-`, so a label such as
    /// "TLS 1.3 AES128-GCM / P-256" makes a plain directory name.
    pub fn new(test: &str) -> Scratch {
        let test: String = test.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).collect();
        let path = std::env::temp_dir().join(format!("padlock-{}-{test}", std::process::id()));
        // Left over from an earlier, killed run whose process id was the same.
        let _ = fs::remove_dir_all(&path);
        fs::create_dir_all(&path).unwrap_or_else(|e| panic!("creating {}: {e}", path.display()));
        Scratch { path }
    }

    /// The full path of the file `name` in the directory, as text for a
    /// program's command line.
    pub fn file(&self, name: &str) -> String {
        let path = self.path.join(name);
        path.into_os_string().into_string().expect("temporary paths are UTF-8")
    }

    /// Writes `contents` to the file `name`; returns its full path, as
    /// [`Scratch::file`] does.
    pub fn write(&self, name: &str, contents: &[u8]) -> String {
        let file = self.file(name);
        fs::write(&file, contents).unwrap_or_else(|e| panic!("writing {file}: {e}"));
        file
    }

    /// The contents of the file `name`.
    pub fn read(&self, name: &str) -> Vec<u8> {
        let path = self.path.join(name);
        fs::read(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.path);
    }
}
