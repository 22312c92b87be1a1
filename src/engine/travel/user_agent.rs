//! The browser's name and major version, from a user-agent string: what a
//! result says it was measured in.

/// "Chromium 131" from a user-agent string; the engine's family when the
/// browser is not one of the common ones.
pub fn browser_name(user_agent: &str) -> String {
    let version = |marker: &str| {
        user_agent.split(marker).nth(1).map(|rest| {
            rest.chars()
                .take_while(char::is_ascii_digit)
                .collect::<String>()
        })
    };
    // Order matters: Edge and Opera also say Chrome, Chrome also says Safari.
    let known = [
        ("Edg/", "Edge"),
        ("OPR/", "Opera"),
        ("Firefox/", "Firefox"),
        ("HeadlessChrome/", "Chromium"),
        ("Chromium/", "Chromium"),
        ("Chrome/", "Chromium"),
        ("Version/", "Safari"),
    ];
    for (marker, name) in known {
        if let Some(v) = version(marker).filter(|v| !v.is_empty()) {
            return format!("{name} {v}");
        }
    }
    String::new()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn browser_names() {
        let chrome = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.6778.85 Safari/537.36";
        assert_eq!(browser_name(chrome), "Chromium 131");
        assert_eq!(
            browser_name("Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"),
            "Firefox 128"
        );
        assert_eq!(
            browser_name("Mozilla/5.0 ... Chrome/120.0 Safari/537.36 Edg/120.0"),
            "Edge 120"
        );
        assert_eq!(browser_name(""), "");
    }
}
