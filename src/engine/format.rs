//! Numbers as the page shows them.

/// Formats milliseconds for labels: "840 ms", "12.5 ms", "3.20 s".
pub fn format_ms(ms: f64) -> String {
    if !ms.is_finite() {
        "–".into()
    } else if ms >= 1000.0 {
        format!("{:.2} s", ms / 1000.0)
    } else if ms >= 100.0 {
        format!("{ms:.0} ms")
    } else if ms >= 10.0 {
        format!("{ms:.1} ms")
    } else {
        format!("{ms:.2} ms")
    }
}

/// An axis tick: as short as the value allows ("0 ms", "50 ms", "1.5 s"),
/// since ticks are round numbers and trailing zeros only crowd the axis.
pub fn format_tick(ms: f64) -> String {
    let trim = |x: f64| {
        let s = format!("{x:.2}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    };
    if !ms.is_finite() {
        "–".into()
    } else if ms.abs() >= 1000.0 {
        format!("{} s", trim(ms / 1000.0))
    } else {
        format!("{} ms", trim(ms))
    }
}

/// A count with its thousands grouped: 10000 → "10,000".
pub fn thousands(n: impl Into<u64>) -> String {
    let digits = n.into().to_string();
    let mut out = String::with_capacity(digits.len() * 4 / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// "s" for a count other than one: "1 thread", "2 threads".
pub fn plural(n: impl Into<u64>) -> &'static str {
    if n.into() == 1 { "" } else { "s" }
}

/// A count and its noun, plural as the count asks: "1 thread", "16 threads".
pub fn count(n: impl Into<u64>, noun: &str) -> String {
    let n = n.into();
    format!("{n} {noun}{}", plural(n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(thousands(7u32), "7");
        assert_eq!(thousands(10_000u32), "10,000");
        assert_eq!(thousands(1_234_567u64), "1,234,567");
    }

    #[test]
    fn counts_take_their_plural() {
        assert_eq!(count(1u32, "thread"), "1 thread");
        assert_eq!(count(2u32, "thread"), "2 threads");
        assert_eq!(count(0u32, "logical core"), "0 logical cores");
        assert_eq!(plural(1u32), "");
    }

    #[test]
    fn ticks_are_short() {
        assert_eq!(format_tick(0.0), "0 ms");
        assert_eq!(format_tick(50.0), "50 ms");
        assert_eq!(format_tick(2.5), "2.5 ms");
        assert_eq!(format_tick(1500.0), "1.5 s");
        assert_eq!(format_tick(2000.0), "2 s");
    }

    #[test]
    fn milliseconds_read_well() {
        assert_eq!(format_ms(1234.0), "1.23 s");
        assert_eq!(format_ms(840.2), "840 ms");
        assert_eq!(format_ms(12.46), "12.5 ms");
        assert_eq!(format_ms(0.5), "0.50 ms");
        assert_eq!(format_ms(f64::NAN), "–");
    }
}
