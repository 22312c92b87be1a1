//! JSON, written and read by hand: the shapes of a report are small and
//! fixed, and serde would make the .wasm larger. Writing escapes every
//! string ([`json_string`]); reading ([`parse`]) bounds depth and size
//! before a report's counts are checked.

use super::LinkError;
use super::recorded::{MAX_TOTAL_SPANS, refuse};
use std::fmt::Write;

/// A JSON string literal, escaped per RFC 8259.
pub fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A JSON number; non-finite values (which JSON cannot hold) become `null`.
pub fn json_number(x: f64) -> String {
    if x.is_finite() {
        // Microsecond precision is all the clock gives.
        let rounded = (x * 1000.0).round() / 1000.0;
        format!("{rounded}")
    } else {
        "null".into()
    }
}

/// A parsed JSON value: just what reading a report needs.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Json {
    Null,
    Bool(bool),
    Num(f64),
    Str(String),
    Arr(Vec<Json>),
    Obj(Vec<(String, Json)>),
}

impl Json {
    pub(super) fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Obj(pairs) => pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }
}

const MAX_DEPTH: usize = 16;

struct Parser<'a> {
    b: &'a [u8],
    at: usize,
    /// Values parsed so far: the tree is built before any count is checked,
    /// so its size is bounded here (a file of `[0,0,0,…` would otherwise
    /// hold millions of values).
    values: usize,
}

/// Values a report may hold: about 6 per span, for every span allowed.
const MAX_JSON_VALUES: usize = MAX_TOTAL_SPANS * 8;

const NOT_JSON: &str = "This file is not a conpar report: it is not valid JSON.";

impl Parser<'_> {
    fn ws(&mut self) {
        while self.b.get(self.at).is_some_and(u8::is_ascii_whitespace) {
            self.at += 1;
        }
    }

    fn eat(&mut self, c: u8) -> Result<(), LinkError> {
        self.ws();
        if self.b.get(self.at) == Some(&c) {
            self.at += 1;
            Ok(())
        } else {
            refuse(NOT_JSON)
        }
    }

    fn value(&mut self, depth: usize) -> Result<Json, LinkError> {
        if depth > MAX_DEPTH {
            return refuse("This file is not a conpar report: it nests too deeply.");
        }
        self.values += 1;
        if self.values > MAX_JSON_VALUES {
            return refuse("This file holds more values than any conpar report can.");
        }
        self.ws();
        match self.b.get(self.at) {
            Some(b'{') => {
                self.at += 1;
                let mut pairs = Vec::new();
                self.ws();
                if self.b.get(self.at) == Some(&b'}') {
                    self.at += 1;
                    return Ok(Json::Obj(pairs));
                }
                loop {
                    self.ws();
                    let key = self.string()?;
                    self.eat(b':')?;
                    pairs.push((key, self.value(depth + 1)?));
                    self.ws();
                    match self.b.get(self.at) {
                        Some(b',') => self.at += 1,
                        Some(b'}') => {
                            self.at += 1;
                            return Ok(Json::Obj(pairs));
                        }
                        _ => return refuse(NOT_JSON),
                    }
                }
            }
            Some(b'[') => {
                self.at += 1;
                let mut items = Vec::new();
                self.ws();
                if self.b.get(self.at) == Some(&b']') {
                    self.at += 1;
                    return Ok(Json::Arr(items));
                }
                loop {
                    items.push(self.value(depth + 1)?);
                    self.ws();
                    match self.b.get(self.at) {
                        Some(b',') => self.at += 1,
                        Some(b']') => {
                            self.at += 1;
                            return Ok(Json::Arr(items));
                        }
                        _ => return refuse(NOT_JSON),
                    }
                }
            }
            Some(b'"') => Ok(Json::Str(self.string()?)),
            Some(b't') => self.word("true", Json::Bool(true)),
            Some(b'f') => self.word("false", Json::Bool(false)),
            Some(b'n') => self.word("null", Json::Null),
            Some(c) if *c == b'-' || c.is_ascii_digit() => {
                let start = self.at;
                while self
                    .b
                    .get(self.at)
                    .is_some_and(|c| c.is_ascii_digit() || b"+-.eE".contains(c))
                {
                    self.at += 1;
                }
                std::str::from_utf8(&self.b[start..self.at])
                    .ok()
                    .and_then(|s| s.parse::<f64>().ok())
                    .map(Json::Num)
                    .ok_or(LinkError(NOT_JSON.into()))
            }
            _ => refuse(NOT_JSON),
        }
    }

    fn word(&mut self, w: &str, v: Json) -> Result<Json, LinkError> {
        if self.b[self.at..].starts_with(w.as_bytes()) {
            self.at += w.len();
            Ok(v)
        } else {
            refuse(NOT_JSON)
        }
    }

    fn string(&mut self) -> Result<String, LinkError> {
        if self.b.get(self.at) != Some(&b'"') {
            return refuse(NOT_JSON);
        }
        self.at += 1;
        let mut out = Vec::new();
        loop {
            let c = *self.b.get(self.at).ok_or(LinkError(NOT_JSON.into()))?;
            self.at += 1;
            match c {
                b'"' => break,
                b'\\' => {
                    let e = *self.b.get(self.at).ok_or(LinkError(NOT_JSON.into()))?;
                    self.at += 1;
                    let ch = match e {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => {
                            let hex = self
                                .b
                                .get(self.at..self.at + 4)
                                .and_then(|h| std::str::from_utf8(h).ok())
                                .and_then(|h| u32::from_str_radix(h, 16).ok())
                                .ok_or(LinkError(NOT_JSON.into()))?;
                            self.at += 4;
                            // Lone surrogates become U+FFFD: reports never hold them.
                            char::from_u32(hex).unwrap_or('\u{fffd}')
                        }
                        _ => return refuse(NOT_JSON),
                    };
                    let mut buf = [0u8; 4];
                    out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                }
                c => out.push(c),
            }
        }
        String::from_utf8(out).map_err(|_| LinkError(NOT_JSON.into()))
    }
}

/// The one JSON value in `text`, nothing after it.
pub(super) fn parse(text: &str) -> Result<Json, LinkError> {
    let mut p = Parser {
        b: text.as_bytes(),
        at: 0,
        values: 0,
    };
    let root = p.value(0)?;
    p.ws();
    if p.at != p.b.len() {
        return refuse(NOT_JSON);
    }
    Ok(root)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_strings() {
        assert_eq!(json_string("a\"b\\c\nd\u{1}"), "\"a\\\"b\\\\c\\nd\\u0001\"");
        assert_eq!(json_string("<script>"), "\"<script>\"");
        assert_eq!(json_number(f64::NAN), "null");
        assert_eq!(json_number(1.23456), "1.235");
    }
}
