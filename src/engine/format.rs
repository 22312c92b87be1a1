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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn milliseconds_read_well() {
        assert_eq!(format_ms(1234.0), "1.23 s");
        assert_eq!(format_ms(840.2), "840 ms");
        assert_eq!(format_ms(12.46), "12.5 ms");
        assert_eq!(format_ms(0.5), "0.50 ms");
        assert_eq!(format_ms(f64::NAN), "–");
    }
}
