//! How the benchmarks of `git-ops-gen` measure a process: its wall time,
//! its CPU time (user + system) and its peak resident memory, each process
//! on its own. A command runs under a child of the benchmark binary
//! (`--child run PROGRAM ARGS...`, [`run_measured`]), which takes the
//! resource usage of its only child with `getrusage`; a floor, run in a
//! child of the benchmark binary, reports its own ([`own_usage`]). The
//! child prints one `RESULT` line.

#![allow(dead_code)]

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use nix::sys::resource::{UsageWho, getrusage};
use nix::sys::time::TimeVal;

/// What one process used.
#[derive(Debug, Clone, Default)]
pub struct Measure {
    /// Wall time.
    pub wall: Duration,
    /// User and system time.
    pub cpu: Duration,
    /// Peak resident memory, KiB.
    pub peak_kib: u64,
}

impl Measure {
    /// The `RESULT` line.
    pub fn encode(&self) -> String {
        format!(
            "RESULT {} {} {}",
            self.wall.as_nanos(),
            self.cpu.as_nanos(),
            self.peak_kib
        )
    }

    /// A `RESULT` line read back.
    pub fn decode(line: &str) -> Option<Measure> {
        let mut parts = line.strip_prefix("RESULT ")?.split(' ');
        let mut next = || parts.next()?.parse::<u64>().ok();
        Some(Measure {
            wall: Duration::from_nanos(next()?),
            cpu: Duration::from_nanos(next()?),
            peak_kib: next()?,
        })
    }
}

/// Runs `command` in a child of this binary (`--child run PROGRAM ARGS...`),
/// which measures it.
pub fn measure_process(command: &Command) -> Measure {
    let mut child = Command::new(std::env::current_exe().expect("the benchmark binary"));
    child.arg("--child").arg("run").arg(command.get_program());
    child.args(command.get_args());
    for (key, value) in command.get_envs() {
        match value {
            Some(value) => child.env(key, value),
            None => child.env_remove(key),
        };
    }
    if let Some(dir) = command.get_current_dir() {
        child.current_dir(dir);
    }
    read_result(&mut child, "the command")
}

fn duration(time: TimeVal) -> Duration {
    Duration::new(time.tv_sec() as u64, time.tv_usec() as u32 * 1000)
}

/// Runs a child of this binary and reads the [`Measure`] it prints.
pub fn read_result(child: &mut Command, what: &str) -> Measure {
    crate::bench_support::flush();
    let output = child.output().expect("the measuring process");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{what} failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
        .lines()
        .find_map(Measure::decode)
        .unwrap_or_else(|| panic!("{what}: no result in\n{stdout}"))
}

/// In the measuring process: runs the command (its output to `/dev/null`),
/// then takes its resource usage, the only child this process waited for.
/// It may exit 0 or 1 (`check` finds problems); anything else fails.
pub fn run_measured(program: &str, args: &[String]) -> Measure {
    let start = Instant::now();
    let status = Command::new(program)
        .args(args)
        .stdout(Stdio::null())
        .status()
        .expect("the command starts");
    let wall = start.elapsed();
    assert!(
        matches!(status.code(), Some(0 | 1)),
        "{program} {args:?} ended with {status}"
    );
    let usage = getrusage(UsageWho::RUSAGE_CHILDREN).expect("getrusage");
    Measure {
        wall,
        cpu: duration(usage.user_time()) + duration(usage.system_time()),
        // Linux reports it in KiB.
        peak_kib: usage.max_rss() as u64,
    }
}

/// The wall time since `start`, the CPU time and the peak memory of this
/// process.
pub fn own_usage(start: Instant) -> Measure {
    let usage = getrusage(UsageWho::RUSAGE_SELF).expect("getrusage");
    Measure {
        wall: start.elapsed(),
        cpu: duration(usage.user_time()) + duration(usage.system_time()),
        peak_kib: usage.max_rss() as u64,
    }
}
