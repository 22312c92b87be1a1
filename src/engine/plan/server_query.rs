//! The server card's numbers in a link, beside the settings' keys:
//! `server_connections=…&server_messages=…&server_handler_ms=…&server_wait_ms=…&server_hot=1`.
//! Written only when they differ from the card's defaults, so the links of
//! other experiments stay as they were; `parse_query` leaves every key with
//! the [`SERVER_PREFIX`] to this file.
//!
//! As with the settings, reading never fails: an unknown key, a repeated
//! one or a bad number is said in a [`Notice`] and the number keeps its
//! default; the numbers read are then clamped (`ServerAsk::clamped`), each
//! change said.

use super::query::{cap_notices, percent_decode, quote};
use super::{Notice, ServerAsk};
use std::collections::BTreeSet;

/// What starts each of the card's keys.
pub const SERVER_PREFIX: &str = "server_";

/// The card's numbers as query pairs (without `?` or a leading `&`); empty
/// when they are the defaults.
pub fn server_to_query(ask: &ServerAsk) -> String {
    let d = ServerAsk::default();
    let mut parts = Vec::new();
    if ask.connections != d.connections {
        parts.push(format!("server_connections={}", ask.connections));
    }
    if ask.messages != d.messages {
        parts.push(format!("server_messages={}", ask.messages));
    }
    if ask.handler_ms != d.handler_ms {
        parts.push(format!("server_handler_ms={}", ask.handler_ms));
    }
    if ask.wait_mean_ms != d.wait_mean_ms {
        parts.push(format!("server_wait_ms={}", ask.wait_mean_ms));
    }
    if ask.hot != d.hot {
        parts.push(format!("server_hot={}", u8::from(ask.hot)));
    }
    parts.join("&")
}

/// The card's numbers a query asks for (`None` when it names none), and
/// what to tell the person about them.
pub fn server_from_query(query: &str) -> (Option<ServerAsk>, Vec<Notice>) {
    let query = query.strip_prefix('?').unwrap_or(query);
    let mut ask = ServerAsk::default();
    let mut notices = Vec::new();
    let mut seen = BTreeSet::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (raw_key, raw_value) = pair.split_once('=').unwrap_or((pair, ""));
        let key = percent_decode(raw_key);
        if !key.starts_with(SERVER_PREFIX) {
            continue;
        }
        if !seen.insert(key.clone()) {
            notices.push(Notice::new(
                quote(&key),
                "given more than once; the first value is used",
            ));
            continue;
        }
        let value = percent_decode(raw_value);
        let value = value.trim();
        let number = || {
            value
                .parse::<f64>()
                .ok()
                .filter(|x| x.is_finite())
                .ok_or_else(|| {
                    format!(
                        "{} is not a number; the card's default is used",
                        quote(value)
                    )
                })
        };
        // A whole count: a fraction or a negative is said, not rounded away
        // in silence; past u32 it saturates and the clamp says so.
        let whole = || {
            number().and_then(|x| {
                if x < 0.0 || x.fract() != 0.0 {
                    Err(format!(
                        "{} is not a whole number of at least 0; the card's default is used",
                        quote(value)
                    ))
                } else {
                    Ok(x.min(f64::from(u32::MAX)) as u32)
                }
            })
        };
        let applied = match &key[SERVER_PREFIX.len()..] {
            "connections" => whole().map(|n| ask.connections = n),
            "messages" => whole().map(|n| ask.messages = n),
            "handler_ms" => number().map(|x| ask.handler_ms = x),
            "wait_ms" => number().map(|x| ask.wait_mean_ms = x),
            "hot" => match value {
                "1" | "true" => Ok(true),
                "0" | "false" => Ok(false),
                _ => Err(format!(
                    "{} is not 1 or 0; the card's default is used",
                    quote(value)
                )),
            }
            .map(|hot| ask.hot = hot),
            _ => Err("not a setting of the server card; ignored".to_string()),
        };
        if let Err(message) = applied {
            notices.push(Notice::new(quote(&key), message));
        }
    }
    if seen.is_empty() {
        return (None, notices);
    }
    let (ask, said) = ask.clamped();
    notices.extend(said.into_iter().map(|m| Notice::new("server", m)));
    (Some(ask), cap_notices(notices))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_write_nothing_and_other_numbers_come_back() {
        assert_eq!(server_to_query(&ServerAsk::default()), "");
        assert_eq!(server_from_query("?mode=parallel"), (None, vec![]));
        let ask = ServerAsk {
            connections: 200,
            messages: 10,
            handler_ms: 0.5,
            wait_mean_ms: 5.0,
            hot: true,
        };
        let q = server_to_query(&ask);
        assert_eq!(
            q,
            "server_connections=200&server_messages=10&server_handler_ms=0.5&server_wait_ms=5&server_hot=1"
        );
        assert_eq!(
            server_from_query(&format!("?mode=both&{q}")),
            (Some(ask), vec![])
        );
        let fine = ServerAsk {
            handler_ms: 0.05,
            ..ServerAsk::default()
        };
        assert_eq!(server_from_query(&server_to_query(&fine)).0, Some(fine));
    }

    #[test]
    fn the_numbers_in_words() {
        assert_eq!(
            ServerAsk::default().describe(),
            "1,000 connections × 5 messages, handlers of 0.2 ms, waits of 50 ms on average"
        );
        let hot = ServerAsk {
            hot: true,
            ..ServerAsk::default()
        };
        assert!(
            hot.describe()
                .ends_with(", one connection's handlers 100× as long")
        );
    }

    #[test]
    fn bad_numbers_are_said_and_keep_the_default() {
        let (ask, notices) = server_from_query(
            "server_connections=-5&server_messages=2.5&server_handler_ms=NaN&server_wait_ms=1e999&server_hot=maybe&server_colour=red&server_messages=3",
        );
        assert_eq!(ask, Some(ServerAsk::default()));
        // Said once, by the card: the settings' parser leaves these keys,
        // repeated ones too, to it.
        assert_eq!(
            crate::engine::plan::parse_query("server_messages=2&server_messages=3").1,
            vec![]
        );
        let said: Vec<String> = notices.iter().map(ToString::to_string).collect();
        for part in [
            "server_connections: -5 is not a whole number",
            "server_messages: 2.5 is not a whole number",
            "server_handler_ms: NaN is not a number",
            "server_wait_ms: 1e999 is not a number",
            "server_hot: maybe is not 1 or 0",
            "server_colour: not a setting of the server card",
            "server_messages: given more than once",
        ] {
            assert!(
                said.iter().any(|s| s.starts_with(part)),
                "{part} missing: {said:?}"
            );
        }
    }

    #[test]
    fn numbers_past_the_bounds_are_clamped_and_said() {
        let (ask, notices) = server_from_query(
            "server_connections=99999999999&server_messages=50&server_handler_ms=0",
        );
        let ask = ask.expect("asked");
        assert_eq!(ask.connections, 100_000);
        assert_eq!(ask.messages, 5, "500,000 messages at most");
        assert_eq!(ask.handler_ms, 0.01);
        assert!(notices.len() >= 3, "{notices:?}");
        assert!(notices.iter().all(|n| n.field == "server"), "{notices:?}");
        // A value with control or direction characters is quoted without them.
        let (_, n) = server_from_query("server_messages=%E2%80%AEevil");
        assert!(!n[0].message.contains('\u{202e}'), "{n:?}");
    }
}
