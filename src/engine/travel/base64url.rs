//! Base64url (RFC 4648 §5, no padding): a result link's fragment, `#r=…`.

use super::LinkError;
use super::recorded::{FRAGMENT_PREFIX, MAX_FRAGMENT_CHARS, TRUNCATED, refuse};

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Base64url without padding (RFC 4648 §5): safe in a URL fragment as is.
pub fn base64url_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | (u32::from(b) << (16 - 8 * i)));
        for i in 0..=chunk.len() {
            out.push(B64[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

/// Reads base64url (padding and the standard alphabet's `+/` tolerated).
pub fn base64url_decode(text: &str) -> Result<Vec<u8>, LinkError> {
    if text.len() > MAX_FRAGMENT_CHARS {
        return refuse(format!(
            "This link is {} characters long, more than the {MAX_FRAGMENT_CHARS} a result link may have.",
            text.len()
        ));
    }
    let text = text.trim_end_matches('=');
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in text.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' | b'+' => 62,
            b'_' | b'/' => 63,
            _ => {
                return refuse(
                    "This link's result is damaged: it has characters a result link never has.",
                );
            }
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    if bits >= 6 {
        return refuse(TRUNCATED);
    }
    Ok(out)
}

/// The encoded result in a location's hash (`#r=…`), if it has one.
pub fn fragment_payload(hash: &str) -> Option<&str> {
    hash.strip_prefix(FRAGMENT_PREFIX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64url_round_trip_and_rejects() {
        for n in 0..40u8 {
            let bytes: Vec<u8> = (0..n).map(|i| i.wrapping_mul(37)).collect();
            let text = base64url_encode(&bytes);
            assert!(!text.contains(['+', '/', '=']));
            assert_eq!(base64url_decode(&text), Ok(bytes));
        }
        assert!(base64url_decode("ab<c").is_err());
        assert!(base64url_decode("A").is_err(), "6 bits are no byte");
    }
}
