//! Shared helpers for Padlock's criterion benches (`benches/*.rs`).
//!
//! Each bench measures Padlock beside the peer a user would otherwise pick, in
//! the same run, so the ratio between them is what to read; absolute figures
//! depend on the machine. `docs/performance.md` records both, with commands.

use criterion::measurement::{Measurement, ValueFormatter, WallTime};
use criterion::{BenchmarkGroup, Throughput};

/// The message sizes the hash and cipher benches use: one block, a typical
/// TLS handshake message, and a full TLS record.
pub const SIZES: [usize; 3] = [64, 1024, 16 * 1024];

/// A deterministic, non-constant input of `len` bytes.
pub fn input(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 131 + 7) as u8).collect()
}

/// Sets the group to report bytes per second for messages of `len` bytes.
pub fn throughput(group: &mut BenchmarkGroup<'_, WallTime>, len: usize) {
    group.throughput(Throughput::Bytes(len as u64));
}

/// Criterion measurement: the CPU time of the benchmark thread, in
/// nanoseconds (`clock_gettime(CLOCK_THREAD_CPUTIME_ID)`). It holds up when
/// other processes share the machine, as `openssl speed`'s CPU time does:
/// `Criterion::default().with_measurement(ThreadCpuTime)`.
pub struct ThreadCpuTime;

/// The one FFI call: `clock_gettime(CLOCK_THREAD_CPUTIME_ID)`.
#[allow(unsafe_code, reason = "one FFI call to clock_gettime for the thread's CPU time")]
mod thread_clock {
    #[repr(C)]
    struct Timespec {
        tv_sec: i64,
        tv_nsec: i64,
    }

    unsafe extern "C" {
        fn clock_gettime(clock: i32, time: *mut Timespec) -> i32;
    }

    /// Linux's clock id for the calling thread's CPU time.
    const CLOCK_THREAD_CPUTIME_ID: i32 = 3;

    /// The CPU time the calling thread has used, in nanoseconds.
    pub(crate) fn thread_cpu_ns() -> u64 {
        let mut time = Timespec { tv_sec: 0, tv_nsec: 0 };
        // SAFETY: `time` is a valid, writable timespec; the call only writes it.
        let status = unsafe { clock_gettime(CLOCK_THREAD_CPUTIME_ID, &mut time) };
        assert_eq!(status, 0, "clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed");
        time.tv_sec as u64 * 1_000_000_000 + time.tv_nsec as u64
    }
}

use thread_clock::thread_cpu_ns;

impl Measurement for ThreadCpuTime {
    type Intermediate = u64;
    type Value = u64;

    fn start(&self) -> u64 {
        thread_cpu_ns()
    }
    fn end(&self, start: u64) -> u64 {
        thread_cpu_ns() - start
    }
    fn add(&self, a: &u64, b: &u64) -> u64 {
        a + b
    }
    fn zero(&self) -> u64 {
        0
    }
    fn to_f64(&self, value: &u64) -> f64 {
        *value as f64
    }
    fn formatter(&self) -> &dyn ValueFormatter {
        &CpuTimeFormatter
    }
}

/// Shows CPU times in µs and throughputs in MiB/s or GiB/s of CPU time.
struct CpuTimeFormatter;

impl ValueFormatter for CpuTimeFormatter {
    fn scale_values(&self, _typical_ns: f64, values: &mut [f64]) -> &'static str {
        values.iter_mut().for_each(|v| *v /= 1e3);
        "µs (cpu)"
    }

    fn scale_throughputs(
        &self,
        typical_ns: f64,
        throughput: &Throughput,
        values: &mut [f64],
    ) -> &'static str {
        let bytes = match *throughput {
            Throughput::Bytes(n) | Throughput::BytesDecimal(n) => n as f64,
            _ => return self.scale_values(typical_ns, values),
        };
        let gib = bytes * 1e9 / typical_ns >= f64::from(1u32 << 30);
        let unit = if gib { f64::from(1u32 << 30) } else { f64::from(1u32 << 20) };
        values.iter_mut().for_each(|v| *v = bytes * 1e9 / *v / unit);
        if gib { "GiB/s (cpu)" } else { "MiB/s (cpu)" }
    }

    fn scale_for_machines(&self, _values: &mut [f64]) -> &'static str {
        "ns"
    }
}
