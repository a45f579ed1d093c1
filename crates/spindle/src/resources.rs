//! Estimating a network's memory before it is built, and the limit it is checked against.
//!
//! [`crate::Network::build`] adds up what the network will hold — neuron state, input ring
//! buffers, synapses, per-thread indices, recording buffers — from the node counts and the
//! *expected* number of connections of every rule, before any connection is expanded, and
//! refuses a network that would not fit. The figures are estimates meant to catch the network
//! that cannot possibly fit (a typo that asks for 10¹² synapses), not to predict the peak to
//! the byte: the benchmark networks (15.65 M synapses) need about 0.15 GB.

use std::fmt;

/// How much memory a network may need.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum MemoryLimit {
    /// What the machine has available now (`MemAvailable` in `/proc/meminfo`, or the cgroup's
    /// remaining allowance if that is smaller); no limit if neither can be read.
    #[default]
    Available,
    /// A fixed number of bytes; `source` says where it came from, for messages (e.g.
    /// `SPINDLE_MEMORY_LIMIT`).
    Bytes { bytes: u64, source: String },
    /// No check.
    Unlimited,
}

impl MemoryLimit {
    /// The limit in bytes and where it comes from, or `None` if nothing is to be checked.
    pub fn resolve(&self) -> Option<(u64, String)> {
        match self {
            MemoryLimit::Available => available_memory(),
            MemoryLimit::Bytes { bytes, source } => Some((*bytes, source.clone())),
            MemoryLimit::Unlimited => None,
        }
    }
}

/// The memory available to this process: `MemAvailable` from `/proc/meminfo`, lowered to the
/// cgroup v2 allowance (`memory.max − memory.current`) where one is set. `None` if neither
/// can be read (other systems): the check is then skipped.
pub fn available_memory() -> Option<(u64, String)> {
    let meminfo = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|text| {
            text.lines().find_map(|line| {
                let rest = line.strip_prefix("MemAvailable:")?;
                let kib: u64 = rest.trim().trim_end_matches("kB").trim().parse().ok()?;
                Some(kib.saturating_mul(1024))
            })
        });
    let read = |f: &str| -> Option<u64> {
        std::fs::read_to_string(format!("/sys/fs/cgroup/{f}"))
            .ok()?
            .trim()
            .parse()
            .ok()
    };
    let cgroup =
        read("memory.max").map(|max| max.saturating_sub(read("memory.current").unwrap_or(0)));
    match (meminfo, cgroup) {
        (Some(m), Some(c)) if c < m => Some((c, "the cgroup's memory.max".into())),
        (Some(m), _) => Some((m, "MemAvailable in /proc/meminfo".into())),
        (None, Some(c)) => Some((c, "the cgroup's memory.max".into())),
        (None, None) => None,
    }
}

/// Parse a size such as `100MB`, `1.5 GiB`, `2G`, `512k` or `1e9` (bytes). Decimal units are
/// powers of 1000, binary units (`KiB`, `MiB`, …) powers of 1024. `unlimited` (or `none`, `0`)
/// means no limit (`Ok(None)`).
pub fn parse_size(text: &str) -> Result<Option<u64>, String> {
    let t = text.trim();
    if ["unlimited", "none", "0"].contains(&t.to_ascii_lowercase().as_str()) {
        return Ok(None);
    }
    let split = t
        .find(|c: char| c.is_ascii_alphabetic() && c != 'e' && c != 'E')
        .unwrap_or(t.len());
    let (number, unit) = t.split_at(split);
    let factor: f64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1.0,
        "k" | "kb" => 1e3,
        "m" | "mb" => 1e6,
        "g" | "gb" => 1e9,
        "t" | "tb" => 1e12,
        "kib" => 1024.0,
        "mib" => 1024.0f64.powi(2),
        "gib" => 1024.0f64.powi(3),
        "tib" => 1024.0f64.powi(4),
        _ => {
            return Err(format!(
                "{text:?}: unknown unit; use B, kB, MB, GB, TB, KiB, MiB, GiB or TiB"
            ))
        }
    };
    let n: f64 = number
        .trim()
        .parse()
        .map_err(|_| format!("{text:?}: expected a size such as 100MB, 2GiB or 1e9"))?;
    let bytes = n * factor;
    if !(bytes.is_finite() && bytes >= 1.0) {
        return Err(format!("{text:?}: expected a positive size such as 100MB"));
    }
    Ok(Some(bytes.min(u64::MAX as f64) as u64))
}

/// Bytes in words: `512 B`, `12.3 MB`, `4.20 GB`, `1.5e6 TB`.
pub fn format_bytes(bytes: f64) -> String {
    const UNITS: [(&str, f64); 4] = [("TB", 1e12), ("GB", 1e9), ("MB", 1e6), ("kB", 1e3)];
    for (unit, size) in UNITS {
        if bytes >= size {
            let v = bytes / size;
            return if v >= 1e4 {
                format!("{v:.2e} {unit}")
            } else if v >= 100.0 {
                format!("{v:.0} {unit}")
            } else {
                format!("{v:.2} {unit}")
            };
        }
    }
    format!("{bytes:.0} B")
}

/// The parts of a network's memory, largest first when reported.
#[derive(Clone, Debug, Default)]
pub struct MemoryEstimate {
    parts: Vec<(String, f64)>,
}

impl MemoryEstimate {
    pub fn add(&mut self, what: impl Into<String>, bytes: f64) {
        if bytes > 0.0 {
            self.parts.push((what.into(), bytes));
        }
    }

    pub fn total(&self) -> f64 {
        self.parts.iter().map(|p| p.1).sum()
    }

    /// The `n` largest parts.
    pub fn largest(&self, n: usize) -> Vec<(String, f64)> {
        let mut v = self.parts.clone();
        v.sort_by(|a, b| b.1.total_cmp(&a.1));
        v.truncate(n);
        v
    }
}

impl fmt::Display for MemoryEstimate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self
            .largest(3)
            .into_iter()
            .map(|(what, b)| format!("{what}: {}", format_bytes(b)))
            .collect();
        write!(f, "{}", parts.join("; "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_with_decimal_and_binary_units() {
        assert_eq!(parse_size("100MB"), Ok(Some(100_000_000)));
        assert_eq!(parse_size("1.5 GiB"), Ok(Some(1_610_612_736)));
        assert_eq!(parse_size("2g"), Ok(Some(2_000_000_000)));
        assert_eq!(parse_size("1e9"), Ok(Some(1_000_000_000)));
        assert_eq!(parse_size("512"), Ok(Some(512)));
        assert_eq!(parse_size("unlimited"), Ok(None));
        assert!(parse_size("lots").is_err());
        assert!(parse_size("10 parsecs").is_err());
        assert!(parse_size("-5MB").is_err());
        assert!(parse_size("nanGB").is_err());
    }

    #[test]
    fn bytes_read_naturally() {
        assert_eq!(format_bytes(512.0), "512 B");
        assert_eq!(format_bytes(12.345e6), "12.35 MB");
        assert_eq!(format_bytes(6e12), "6.00 TB");
    }

    #[test]
    fn the_largest_parts_come_first() {
        let mut e = MemoryEstimate::default();
        e.add("a", 1.0);
        e.add("b", 3e9);
        e.add("c", 2e6);
        assert_eq!(e.total(), 1.0 + 3e9 + 2e6);
        assert_eq!(e.to_string(), "b: 3.00 GB; c: 2.00 MB; a: 1 B");
    }
}
