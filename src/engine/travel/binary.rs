//! The link record's primitives: LEB128 varints (zigzag for signed ones),
//! length-prefixed text, and a reader that checks every value against a
//! bound before anything is allocated (`codec.rs`, `served_record.rs` and
//! `trained_record.rs` write and read their records with them).

use super::LinkError;
use super::recorded::{TRUNCATED, refuse};

pub(super) struct Writer(pub(super) Vec<u8>);

impl Writer {
    pub(super) fn u(&mut self, mut v: u64) {
        loop {
            let byte = (v & 0x7f) as u8;
            v >>= 7;
            if v == 0 {
                self.0.push(byte);
                return;
            }
            self.0.push(byte | 0x80);
        }
    }

    pub(super) fn i(&mut self, v: i64) {
        self.u(((v << 1) ^ (v >> 63)) as u64);
    }

    pub(super) fn s(&mut self, s: &str) {
        self.u(s.len() as u64);
        self.0.extend_from_slice(s.as_bytes());
    }

    /// An f64 as its 8 bytes, little-endian: read back to the last bit.
    pub(super) fn f(&mut self, x: f64) {
        self.0.extend_from_slice(&x.to_le_bytes());
    }

    /// 0 for none, or 1 and the f64.
    pub(super) fn opt_f(&mut self, x: Option<f64>) {
        match x {
            None => self.u(0),
            Some(x) => {
                self.u(1);
                self.f(x);
            }
        }
    }

    /// 8 bytes, little-endian (a checksum: no shorter as a varint).
    pub(super) fn u64_le(&mut self, v: u64) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
}

pub(super) struct Reader<'a> {
    pub(super) bytes: &'a [u8],
    pub(super) at: usize,
}

impl Reader<'_> {
    pub(super) fn byte(&mut self) -> Result<u8, LinkError> {
        let b = *self.bytes.get(self.at).ok_or(LinkError(TRUNCATED.into()))?;
        self.at += 1;
        Ok(b)
    }

    pub(super) fn u(&mut self) -> Result<u64, LinkError> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        refuse("The result in this link holds a number too large to be real.")
    }

    /// A varint that must be at most `max`; `what` names it in the refusal.
    pub(super) fn bounded(&mut self, max: u64, what: &str) -> Result<u64, LinkError> {
        let v = self.u()?;
        if v > max {
            return refuse(format!(
                "The result in this link gives {what} as {v}, more than the {max} allowed."
            ));
        }
        Ok(v)
    }

    /// 8 bytes, little-endian.
    pub(super) fn u64_le(&mut self) -> Result<u64, LinkError> {
        let mut b = [0u8; 8];
        for byte in &mut b {
            *byte = self.byte()?;
        }
        Ok(u64::from_le_bytes(b))
    }

    /// An f64 that must be finite and within 0..=`max`; `what` names it.
    pub(super) fn f(&mut self, max: f64, what: &str) -> Result<f64, LinkError> {
        let x = f64::from_bits(self.u64_le()?);
        if !(x.is_finite() && (0.0..=max).contains(&x)) {
            return refuse(format!(
                "The result in this link gives {what} as {x}, outside 0 to {max}."
            ));
        }
        Ok(x)
    }

    /// An optional f64 as [`Writer::opt_f`] writes it, checked as [`Reader::f`].
    pub(super) fn opt_f(&mut self, max: f64, what: &str) -> Result<Option<f64>, LinkError> {
        Ok(
            match self.bounded(1, &format!("whether there is {what}"))? {
                0 => None,
                _ => Some(self.f(max, what)?),
            },
        )
    }

    /// What is left to read: no count may ask for more items than that.
    pub(super) fn left(&self) -> u64 {
        (self.bytes.len() - self.at.min(self.bytes.len())) as u64
    }

    pub(super) fn i(&mut self) -> Result<i64, LinkError> {
        let v = self.u()?;
        Ok(((v >> 1) as i64) ^ -((v & 1) as i64))
    }

    pub(super) fn s(&mut self, max_bytes: usize, what: &str) -> Result<String, LinkError> {
        let len = self.bounded(max_bytes as u64, &format!("the length of {what}"))? as usize;
        let end = self
            .at
            .checked_add(len)
            .ok_or(LinkError(TRUNCATED.into()))?;
        let raw = self
            .bytes
            .get(self.at..end)
            .ok_or(LinkError(TRUNCATED.into()))?;
        self.at = end;
        String::from_utf8(raw.to_vec()).map_err(|_| {
            LinkError(format!(
                "The result in this link has unreadable text in {what}."
            ))
        })
    }
}
