//! The figures of one bench run: each with its unit and, where the project has one, the target it
//! is compared to. Printed as one table at the end and written as JSON. Shown, never asserted.

use serde_json::{json, Value};

/// What a figure must meet.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Target {
    /// At most this.
    AtMost(f64),
    /// At least this.
    AtLeast(f64),
}

impl Target {
    fn met_by(self, value: f64) -> bool {
        match self {
            Target::AtMost(t) => value <= t,
            Target::AtLeast(t) => value >= t,
        }
    }

    fn text(self) -> String {
        match self {
            Target::AtMost(t) => format!("≤ {}", number(t)),
            Target::AtLeast(t) => format!("≥ {}", number(t)),
        }
    }
}

/// One measured figure.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    /// Stable key, e.g. `ingest_rust_cpu_ms_per_event`.
    pub key: String,
    /// What it is, for people.
    pub what: String,
    /// The value.
    pub value: f64,
    /// Its unit.
    pub unit: String,
    /// The target it is compared to, if any.
    pub target: Option<Target>,
}

impl Figure {
    /// A figure without a target.
    pub fn new(key: &str, what: &str, value: f64, unit: &str) -> Self {
        Figure {
            key: key.into(),
            what: what.into(),
            value,
            unit: unit.into(),
            target: None,
        }
    }

    /// The same figure compared to `target`.
    pub fn against(mut self, target: Target) -> Self {
        self.target = Some(target);
        self
    }

    /// Whether it meets its target (`None` without one).
    pub fn pass(&self) -> Option<bool> {
        self.target.map(|t| t.met_by(self.value))
    }
}

/// A number for the table: thousands separated, a few significant decimals below 100 (none for
/// whole numbers such as counts).
pub fn number(v: f64) -> String {
    if !v.is_finite() {
        return v.to_string();
    }
    if v.abs() >= 100.0 || v.fract() == 0.0 {
        let digits = format!("{:.0}", v.abs());
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                out.push(',');
            }
            out.push(c);
        }
        return if v < 0.0 { format!("-{out}") } else { out };
    }
    let text = if v.abs() >= 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    };
    text
}

/// The line a bench prints for [`parse_figures`]: `figure<TAB>key<TAB>value<TAB>unit<TAB>what`.
pub fn figure_line(key: &str, value: f64, unit: &str, what: &str) -> String {
    format!("figure\t{key}\t{value}\t{unit}\t{what}")
}

/// The `figure` lines a bench printed (the core's benches, the re-index child), in order; a line
/// without its description is described by its key.
pub fn parse_figures(output: &str) -> Vec<Figure> {
    output
        .lines()
        .filter_map(|line| {
            let mut parts = line.strip_prefix("figure\t")?.split('\t');
            let key = parts.next()?;
            let value = parts.next()?.parse().ok()?;
            let unit = parts.next().unwrap_or("");
            let what = parts.next().unwrap_or(key);
            Some(Figure::new(key, what, value, unit))
        })
        .collect()
}

/// The figures of a run as a table, one line each.
pub fn table(figures: &[Figure]) -> String {
    let what_w = figures
        .iter()
        .map(|f| f.what.chars().count())
        .max()
        .unwrap_or(0);
    let value_w = figures
        .iter()
        .map(|f| number(f.value).len())
        .max()
        .unwrap_or(0);
    let unit_w = figures
        .iter()
        .map(|f| f.unit.chars().count())
        .max()
        .unwrap_or(0);
    let mut out = String::new();
    for f in figures {
        let verdict = match (f.target, f.pass()) {
            (Some(t), Some(true)) => format!("  {}  pass", t.text()),
            (Some(t), _) => format!("  {}  FAIL", t.text()),
            _ => String::new(),
        };
        let line = format!(
            "{:<what_w$}  {:>value_w$}  {:<unit_w$}{verdict}",
            f.what,
            number(f.value),
            f.unit
        );
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// The run as JSON: the machine, the command, and every figure with unit, target and verdict.
pub fn json(machine: &str, command: &str, figures: &[Figure]) -> Value {
    let figures: Vec<Value> = figures
        .iter()
        .map(|f| {
            let target = f.target.map(|t| match t {
                Target::AtMost(v) => json!({"at_most": v}),
                Target::AtLeast(v) => json!({"at_least": v}),
            });
            json!({
                "key": f.key,
                "what": f.what,
                "value": f.value,
                "unit": f.unit,
                "target": target,
                "pass": f.pass(),
            })
        })
        .collect();
    let unix_s = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    json!({"machine": machine, "command": command, "finished_unix_s": unix_s, "figures": figures})
}

/// The machine, in a line: CPU model, cores, memory.
pub fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpu
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .and_then(|l| l.split_once(':'))
        .map(|(_, m)| m.trim().to_string())
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = cpu.lines().filter(|l| l.starts_with("processor")).count();
    let mem_kib: f64 = std::fs::read_to_string("/proc/meminfo")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0.0);
    format!(
        "{model}, {cores} cores, {:.0} GiB",
        mem_kib / 1024.0 / 1024.0
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_figure_lines_and_skips_the_rest() {
        let out = format!(
            "mapping benchmark: …\nfigure\tmapping_full_per_s\t88033\tproducts/s\nfigure\tbad\tx\tu\n{}\n",
            figure_line("wall", 69.1, "s", "re-index wall time")
        );
        assert_eq!(
            parse_figures(&out),
            [
                Figure::new(
                    "mapping_full_per_s",
                    "mapping_full_per_s",
                    88033.0,
                    "products/s"
                ),
                Figure::new("wall", "re-index wall time", 69.1, "s"),
            ]
        );
    }

    #[test]
    fn figures_are_judged_against_their_targets() {
        let cpu =
            Figure::new("cpu", "CPU per event", 0.42, "ms/event").against(Target::AtMost(0.5));
        let ratio = Figure::new("ratio", "Rust / JS", 1.2, "×").against(Target::AtLeast(1.5));
        let plain = Figure::new("n", "products", 100_000.0, "products");
        assert_eq!(
            (cpu.pass(), ratio.pass(), plain.pass()),
            (Some(true), Some(false), None)
        );
        let t = table(&[cpu.clone(), ratio, plain]);
        let lines: Vec<&str> = t.lines().collect();
        assert!(lines[0].ends_with("≤ 0.50  pass"), "{t}");
        assert!(lines[1].ends_with("≥ 1.50  FAIL"), "{t}");
        assert!(
            lines[2].ends_with("products") && lines[2].contains("100,000"),
            "{t}"
        );
        let j = json("m", "c", &[cpu]);
        assert_eq!(j["figures"][0]["target"], json!({"at_most": 0.5}));
        assert_eq!(j["figures"][0]["pass"], true);
    }

    #[test]
    fn numbers_read_easily() {
        assert_eq!(number(1_447_003.4), "1,447,003");
        assert_eq!(number(-1234.0), "-1,234");
        assert_eq!(number(12.345), "12.3");
        assert_eq!(number(0.516), "0.52");
        assert_eq!(number(35.0), "35");
    }
}
