//! A small streaming CSV record reader (RFC 4180 quoting) that keeps the
//! raw bytes and byte offset of each record, so errors can point at a cell.

use std::borrow::Cow;
use std::io::{self, BufRead};

/// One record: its raw text (without the line end) and field ranges.
#[derive(Debug, Default, Clone)]
pub struct Record {
    /// Raw text of the record.
    pub raw: String,
    /// Byte offset of the record in the file.
    pub offset: usize,
    /// 0-based line of the record's first line in the file.
    pub line: usize,
    /// Byte ranges of the fields in `raw` (including quotes).
    pub fields: Vec<(usize, usize)>,
}

impl Record {
    /// Field `i`, unquoted, trimmed of surrounding spaces.
    pub fn field(&self, i: usize) -> Cow<'_, str> {
        let Some(&(a, b)) = self.fields.get(i) else {
            return Cow::Borrowed("");
        };
        let s = self.raw[a..b].trim();
        if s.len() >= 2 && s.starts_with('"') && s.ends_with('"') {
            let inner = &s[1..s.len() - 1];
            if inner.contains("\"\"") {
                Cow::Owned(inner.replace("\"\"", "\""))
            } else {
                Cow::Borrowed(inner)
            }
        } else {
            Cow::Borrowed(s)
        }
    }

    /// Byte span of field `i` in the file.
    pub fn span(&self, i: usize) -> (usize, usize) {
        match self.fields.get(i) {
            Some(&(a, b)) => (self.offset + a, b - a),
            None => (self.offset + self.raw.len(), 0),
        }
    }
}

/// Bytes that are not UTF-8, at byte `offset` of the input (the payload
/// of the `InvalidData` error of [`RecordReader::read`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("invalid UTF-8 at byte {offset}")]
pub struct InvalidUtf8 {
    /// Byte offset of the first invalid byte.
    pub offset: usize,
}

impl InvalidUtf8 {
    /// The offset, if `e` is the reader's invalid-UTF-8 error.
    pub fn offset_of(e: &io::Error) -> Option<usize> {
        e.get_ref()
            .and_then(|inner| inner.downcast_ref::<InvalidUtf8>())
            .map(|x| x.offset)
    }
}

/// Reads records one at a time.
pub struct RecordReader<R> {
    r: R,
    buf: Vec<u8>,
    offset: usize,
    line: usize,
}

impl<R: BufRead> RecordReader<R> {
    /// Wraps a reader.
    pub fn new(r: R) -> Self {
        RecordReader {
            r,
            buf: Vec::with_capacity(256),
            offset: 0,
            line: 0,
        }
    }

    /// Reads the next non-empty record into `rec`; `false` at end of input.
    /// Invalid UTF-8 is an `InvalidData` error.
    pub fn read(&mut self, rec: &mut Record) -> io::Result<bool> {
        loop {
            self.buf.clear();
            let start = self.offset;
            let start_line = self.line;
            let mut quotes = 0usize;
            loop {
                let before = self.buf.len();
                let n = self.r.read_until(b'\n', &mut self.buf)?;
                if n == 0 {
                    break;
                }
                self.offset += n;
                self.line += 1;
                quotes += self.buf[before..].iter().filter(|b| **b == b'"').count();
                if quotes & 1 == 0 {
                    break;
                }
            }
            if self.buf.is_empty() {
                return Ok(false);
            }
            let mut end = self.buf.len();
            while end > 0 && matches!(self.buf[end - 1], b'\n' | b'\r') {
                end -= 1;
            }
            self.buf.truncate(end);
            let text = std::str::from_utf8(&self.buf).map_err(|e| {
                io::Error::new(
                    io::ErrorKind::InvalidData,
                    InvalidUtf8 {
                        offset: start + e.valid_up_to(),
                    },
                )
            })?;
            // Skip a UTF-8 byte-order mark on the first record.
            let (text, bom) = if start == 0 && text.starts_with('\u{feff}') {
                (&text[3..], 3)
            } else {
                (text, 0)
            };
            if text.trim().is_empty() {
                continue;
            }
            rec.raw.clear();
            rec.raw.push_str(text);
            rec.offset = start + bom;
            rec.line = start_line;
            split_fields(&rec.raw, &mut rec.fields);
            return Ok(true);
        }
    }
}

/// Splits a raw record into field ranges.
pub fn split_fields(raw: &str, out: &mut Vec<(usize, usize)>) {
    out.clear();
    let b = raw.as_bytes();
    let mut start = 0;
    let mut in_q = false;
    for (i, &c) in b.iter().enumerate() {
        match c {
            b'"' => in_q = !in_q,
            b',' if !in_q => {
                out.push((start, i));
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push((start, b.len()));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_quoted_records() {
        let src = "a,b\n1,\"x, \"\"y\"\"\"\n\n2,\"multi\nline\"\r\n3,z";
        let mut r = RecordReader::new(src.as_bytes());
        let mut rec = Record::default();
        assert!(r.read(&mut rec).unwrap());
        assert_eq!(rec.field(1), "b");
        assert!(r.read(&mut rec).unwrap());
        assert_eq!(rec.field(1), "x, \"y\"");
        assert_eq!(rec.line, 1);
        assert_eq!(&src[rec.offset..rec.offset + 1], "1");
        assert!(r.read(&mut rec).unwrap());
        assert_eq!(rec.field(1), "multi\nline");
        assert_eq!(rec.line, 3);
        assert!(r.read(&mut rec).unwrap());
        assert_eq!(rec.line, 5);
        let (o, l) = rec.span(1);
        assert_eq!(&src[o..o + l], "z");
        assert!(!r.read(&mut rec).unwrap());
    }
}
