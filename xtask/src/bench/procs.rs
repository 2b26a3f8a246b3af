//! What the processes of a bench use, read from `/proc`: CPU time and peak memory, per process
//! group (wrangler leads one for each worker it runs, with workerd in it).

use std::fs;

/// `(pid, name, fields after the name)` of every process in a process group.
fn group(pgid: u32) -> Vec<(u32, String, Vec<String>)> {
    let mut out = Vec::new();
    for entry in fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(stat) = fs::read_to_string(format!("/proc/{pid}/stat")) else {
            continue;
        };
        let Some((head, rest)) = stat.rsplit_once(')') else {
            continue;
        };
        // Fields after the parenthesised name: state, ppid, pgrp, ...
        let fields: Vec<String> = rest.split_whitespace().map(str::to_string).collect();
        if fields.get(2).and_then(|g| g.parse::<u32>().ok()) != Some(pgid) {
            continue;
        }
        let name = head.split_once('(').map_or("", |(_, n)| n).to_string();
        out.push((pid, name, fields));
    }
    out
}

/// CPU seconds (user + system) used so far by the processes of a group whose name starts with
/// `name` (`workerd`).
pub fn group_cpu_s(pgid: u32, name: &str) -> f64 {
    cpu_s(group(pgid).iter().filter(|(_, n, _)| n.starts_with(name)))
}

/// CPU seconds (user + system) of processes, from their `/proc/PID/stat` fields.
fn cpu_s<'a>(procs: impl Iterator<Item = &'a (u32, String, Vec<String>)>) -> f64 {
    let ticks: u64 = procs
        .map(|(_, _, f)| {
            let at = |i: usize| f.get(i).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
            at(11) + at(12)
        })
        .sum();
    ticks as f64 / 100.0
}

/// CPU seconds used so far by the workerd of a group that runs the worker itself — the one
/// wrangler starts with an inspector — leaving out the workerd of wrangler's own dev proxy,
/// which every request passes first.
pub fn runtime_cpu_s(pgid: u32) -> f64 {
    cpu_s(group(pgid).iter().filter(|(pid, n, _)| {
        n.starts_with("workerd")
            && fs::read(format!("/proc/{pid}/cmdline")).is_ok_and(|c| {
                c.split(|b| *b == 0)
                    .any(|a| a.starts_with(b"--inspector-addr"))
            })
    }))
}

/// Peak resident memory (VmHWM, KiB) and name of a process.
pub fn peak(pid: u32) -> Option<(u32, String, u64)> {
    let status = fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .map(str::trim)
            .map(str::to_string)
    };
    let kib = field("VmHWM:")?
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some((pid, field("Name:")?, kib))
}

/// [`peak`] of every process in a process group.
pub fn group_peaks(pgid: u32) -> Vec<(u32, String, u64)> {
    group(pgid)
        .iter()
        .filter_map(|(pid, _, _)| peak(*pid))
        .collect()
}

/// Memory the kernel says is available for new work, KiB.
pub fn available_kib() -> Option<u64> {
    fs::read_to_string("/proc/meminfo")
        .ok()?
        .lines()
        .find_map(|l| l.strip_prefix("MemAvailable:"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_this_process_own_figures() {
        let me = std::process::id();
        let (pid, name, kib) = peak(me).expect("our own /proc status");
        assert_eq!(pid, me);
        assert!(!name.is_empty() && kib > 0);
        assert!(available_kib().is_some_and(|k| k > 0));
    }
}
