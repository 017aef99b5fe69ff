//! Rows streamed by `COPY (SELECT …) TO STDOUT (FORMAT binary)`: the server sends them without
//! waiting to be asked for the next batch, so it produces rows while this side checks the ones
//! already received (the walk of a million-entry ledger), in bounded memory — one row at a time
//! in a buffer that is reused.
//!
//! The format (PostgreSQL's documentation, "COPY … Binary Format"): a signature, flags and a
//! header extension; then each row as a 16-bit field count followed by each field as a 32-bit
//! length (−1: NULL) and that many bytes in the type's binary form; a count of −1 ends it.

use std::io::{self, Read};

use crate::{Error, Result};

const SIGNATURE: &[u8; 11] = b"PGCOPY\n\xff\r\n\0";

/// One row at a time from a binary COPY stream.
pub(super) struct BinaryRows<R> {
    from: R,
    /// The current row's bytes, and where each field lies in them (`None`: NULL).
    buf: Vec<u8>,
    fields: Vec<Option<(usize, usize)>>,
    loc: String,
}

impl<R: Read> BinaryRows<R> {
    /// Read the stream's header.
    pub(super) fn new(mut from: R, loc: &str) -> Result<Self> {
        let mut head = [0u8; 19];
        from.read_exact(&mut head)
            .map_err(|e| Error::store(loc, e))?;
        if &head[..11] != SIGNATURE {
            return Err(bad(loc, "not a binary COPY stream"));
        }
        let extension = u32::from_be_bytes([head[15], head[16], head[17], head[18]]);
        io::copy(&mut (&mut from).take(u64::from(extension)), &mut io::sink())
            .map_err(|e| Error::store(loc, e))?;
        Ok(BinaryRows {
            from,
            buf: Vec::new(),
            fields: Vec::new(),
            loc: loc.to_string(),
        })
    }

    /// The next row, of exactly `width` fields (`false`: the stream ended).
    pub(super) fn next_row(&mut self, width: usize) -> Result<bool> {
        let count = i16::from_be_bytes(self.array()?);
        if count == -1 {
            return Ok(false);
        }
        if usize::try_from(count).ok() != Some(width) {
            return Err(bad(&self.loc, "a row with an unexpected number of fields"));
        }
        self.buf.clear();
        self.fields.clear();
        for _ in 0..width {
            let len = i32::from_be_bytes(self.array()?);
            if len == -1 {
                self.fields.push(None);
                continue;
            }
            let len = usize::try_from(len).map_err(|_| bad(&self.loc, "a negative length"))?;
            let start = self.buf.len();
            self.buf.resize(start + len, 0);
            self.from
                .read_exact(&mut self.buf[start..])
                .map_err(|e| Error::store(&self.loc, e))?;
            self.fields.push(Some((start, start + len)));
        }
        Ok(true)
    }

    /// Field `i` of the current row (`None`: NULL).
    pub(super) fn field(&self, i: usize) -> Option<&[u8]> {
        self.fields
            .get(i)
            .copied()
            .flatten()
            .map(|(a, b)| &self.buf[a..b])
    }

    /// Field `i`, which may not be NULL.
    pub(super) fn required(&self, i: usize) -> Result<&[u8]> {
        self.field(i)
            .ok_or_else(|| bad(&self.loc, "a NULL where the column allows none"))
    }

    /// Field `i` as a BIGINT.
    pub(super) fn bigint(&self, i: usize) -> Result<i64> {
        let b: [u8; 8] = self
            .required(i)?
            .try_into()
            .map_err(|_| bad(&self.loc, "a BIGINT that is not 8 bytes"))?;
        Ok(i64::from_be_bytes(b))
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N]> {
        let mut b = [0u8; N];
        self.from
            .read_exact(&mut b)
            .map_err(|e| Error::store(&self.loc, e))?;
        Ok(b)
    }
}

fn bad(loc: &str, what: &str) -> Error {
    Error::store(
        loc,
        io::Error::new(io::ErrorKind::InvalidData, what.to_string()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stream(rows: &[&[Option<&[u8]>]]) -> Vec<u8> {
        let mut s = SIGNATURE.to_vec();
        s.extend(0u32.to_be_bytes());
        s.extend(4u32.to_be_bytes());
        s.extend(b"skip");
        for r in rows {
            s.extend((r.len() as i16).to_be_bytes());
            for f in *r {
                match f {
                    Some(b) => {
                        s.extend((b.len() as i32).to_be_bytes());
                        s.extend(*b);
                    }
                    None => s.extend((-1i32).to_be_bytes()),
                }
            }
        }
        s.extend((-1i16).to_be_bytes());
        s
    }

    #[test]
    fn reads_rows_nulls_and_the_end() {
        let seven = 7i64.to_be_bytes();
        let bytes = stream(&[
            &[Some(&seven), None, Some(b"")],
            &[Some(&seven), Some(b"x"), None],
        ]);
        let mut rows = BinaryRows::new(&bytes[..], "test").unwrap();
        assert!(rows.next_row(3).unwrap());
        assert_eq!(rows.bigint(0).unwrap(), 7);
        assert_eq!(rows.field(1), None);
        assert_eq!(rows.field(2), Some(&b""[..]));
        assert!(rows.next_row(3).unwrap());
        assert_eq!(rows.required(1).unwrap(), b"x");
        assert!(rows.required(2).is_err());
        assert!(!rows.next_row(3).unwrap());
    }

    #[test]
    fn refuses_what_is_not_the_format() {
        assert!(BinaryRows::new(&b"PGCOPY\nnot really"[..], "test").is_err());
        let bytes = stream(&[&[Some(b"a")]]);
        let mut rows = BinaryRows::new(&bytes[..], "test").unwrap();
        assert!(rows.next_row(2).is_err(), "a row of the wrong width");
        let mut cut = stream(&[&[Some(b"abcdef")]]);
        cut.truncate(cut.len() - 5);
        let mut rows = BinaryRows::new(&cut[..], "test").unwrap();
        assert!(
            rows.next_row(1).is_err(),
            "a stream that stops inside a row"
        );
        let short = stream(&[&[Some(b"abc")]]);
        let mut rows = BinaryRows::new(&short[..], "test").unwrap();
        assert!(rows.next_row(1).unwrap());
        assert!(rows.bigint(0).is_err(), "a BIGINT of 3 bytes");
    }
}
