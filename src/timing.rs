//! Time and peak memory per stage, for `--verbose` and `--timings`.

use std::time::{Duration, Instant};

/// Time and peak memory after one stage.
#[derive(Debug, Clone)]
pub struct Timing {
    /// The stage: load, parse, check, render, write.
    pub stage: &'static str,
    /// How long it took.
    pub time: Duration,
    /// The process's peak resident memory after it, in KiB, where the system says.
    pub peak_kib: Option<u64>,
}

/// The timings of a build's stages, in order.
pub struct Stages {
    progress: bool,
    timings: Vec<Timing>,
}

impl Stages {
    /// No stage timed yet; with `progress`, each stage is reported on standard error as it
    /// ends (`--verbose`).
    pub fn new(progress: bool) -> Self {
        Stages {
            progress,
            timings: Vec::new(),
        }
    }

    /// Runs `stage` and records how long it took and the peak memory after it.
    pub fn time<T, E>(
        &mut self,
        name: &'static str,
        stage: impl FnOnce() -> Result<T, E>,
    ) -> Result<T, E> {
        let started = Instant::now();
        let value = stage()?;
        let timing = Timing {
            stage: name,
            time: started.elapsed(),
            peak_kib: peak_memory_kib(),
        };
        if self.progress {
            eprintln!("{} done in {} ms", timing.stage, timing.time.as_millis());
        }
        self.timings.push(timing);
        Ok(value)
    }

    /// The timings, in the order the stages ran.
    pub fn into_timings(self) -> Vec<Timing> {
        self.timings
    }
}

/// Peak resident set size (Linux `VmHWM`); `None` where the system does not say.
fn peak_memory_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
