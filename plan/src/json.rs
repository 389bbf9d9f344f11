//! A small position-tracking JSON parser: every value keeps its byte span,
//! so data errors can point at the offending member.

use std::collections::HashMap;

/// A JSON value with its byte span `[start, end)` in the source.
#[derive(Debug, Clone, PartialEq)]
pub struct JValue {
    /// Byte offset of the first character.
    pub start: usize,
    /// Byte offset after the last character.
    pub end: usize,
    /// The value.
    pub kind: JKind,
}

/// JSON value kinds. Numbers keep their text; `NaN`, `Infinity` and
/// `-Infinity` are accepted as numbers so the reader can say they are not
/// finite.
#[derive(Debug, Clone, PartialEq)]
pub enum JKind {
    /// `null`
    Null,
    /// `true`/`false`
    Bool(bool),
    /// A number, as written.
    Number(String),
    /// A string (unescaped).
    Str(String),
    /// An array.
    Array(Vec<JValue>),
    /// An object: members with the key's span.
    Object(Vec<JMember>),
}

/// An object member.
#[derive(Debug, Clone, PartialEq)]
pub struct JMember {
    /// The key.
    pub key: String,
    /// Byte span of the key (with quotes).
    pub key_start: usize,
    /// End of the key.
    pub key_end: usize,
    /// The value.
    pub value: JValue,
}

impl JKind {
    /// A short description for "expected X, found Y".
    pub fn describe(&self) -> &'static str {
        match self {
            JKind::Null => "null",
            JKind::Bool(_) => "a bool",
            JKind::Number(_) => "a number",
            JKind::Str(_) => "a string",
            JKind::Array(_) => "an array",
            JKind::Object(_) => "an object",
        }
    }
}

/// A syntax error at a byte offset.
#[derive(Debug, Clone, PartialEq)]
pub struct JsonSyntaxError {
    /// Byte offset.
    pub offset: usize,
    /// Why.
    pub reason: String,
}

/// Parses one JSON document (after a UTF-8 byte-order mark, if any).
/// A member name twice in one object is an error naming it.
pub fn parse(text: &str) -> Result<JValue, JsonSyntaxError> {
    let mut p = P {
        s: text.as_bytes(),
        text,
        i: if text.starts_with('\u{feff}') { 3 } else { 0 },
    };
    p.ws();
    let v = p.value(0)?;
    p.ws();
    if p.i < p.s.len() {
        return Err(p.err("trailing characters after the JSON value"));
    }
    Ok(v)
}

struct P<'a> {
    s: &'a [u8],
    text: &'a str,
    i: usize,
}

impl P<'_> {
    fn err(&self, reason: &str) -> JsonSyntaxError {
        JsonSyntaxError {
            offset: self.i,
            reason: reason.to_string(),
        }
    }
    fn ws(&mut self) {
        while self.i < self.s.len() && matches!(self.s[self.i], b' ' | b'\t' | b'\n' | b'\r') {
            self.i += 1;
        }
    }
    fn lit(&mut self, word: &str) -> bool {
        if self.s[self.i..].starts_with(word.as_bytes()) {
            self.i += word.len();
            true
        } else {
            false
        }
    }
    fn value(&mut self, depth: usize) -> Result<JValue, JsonSyntaxError> {
        if depth > 128 {
            return Err(self.err("nesting too deep"));
        }
        let start = self.i;
        let Some(&c) = self.s.get(self.i) else {
            return Err(self.err("unexpected end of input"));
        };
        let kind = match c {
            b'{' => {
                self.i += 1;
                let mut members: Vec<JMember> = Vec::new();
                let mut names: HashMap<String, usize> = HashMap::new();
                self.ws();
                if self.s.get(self.i) == Some(&b'}') {
                    self.i += 1;
                } else {
                    loop {
                        self.ws();
                        if self.s.get(self.i) != Some(&b'"') {
                            return Err(self.err("expected a member name in double quotes"));
                        }
                        let key_start = self.i;
                        let key = self.string()?;
                        let key_end = self.i;
                        if let Some(first) = names.insert(key.clone(), key_start) {
                            let mut e = self
                                .err(&format!("duplicate member `{key}` (first at byte {first})"));
                            e.offset = key_start;
                            return Err(e);
                        }
                        self.ws();
                        if self.s.get(self.i) != Some(&b':') {
                            return Err(self.err("expected `:`"));
                        }
                        self.i += 1;
                        self.ws();
                        let value = self.value(depth + 1)?;
                        members.push(JMember {
                            key,
                            key_start,
                            key_end,
                            value,
                        });
                        self.ws();
                        match self.s.get(self.i) {
                            Some(b',') => self.i += 1,
                            Some(b'}') => {
                                self.i += 1;
                                break;
                            }
                            _ => return Err(self.err("expected `,` or `}`")),
                        }
                    }
                }
                JKind::Object(members)
            }
            b'[' => {
                self.i += 1;
                let mut items = Vec::new();
                self.ws();
                if self.s.get(self.i) == Some(&b']') {
                    self.i += 1;
                } else {
                    loop {
                        self.ws();
                        items.push(self.value(depth + 1)?);
                        self.ws();
                        match self.s.get(self.i) {
                            Some(b',') => self.i += 1,
                            Some(b']') => {
                                self.i += 1;
                                break;
                            }
                            _ => return Err(self.err("expected `,` or `]`")),
                        }
                    }
                }
                JKind::Array(items)
            }
            b'"' => JKind::Str(self.string()?),
            b't' if self.lit("true") => JKind::Bool(true),
            b'f' if self.lit("false") => JKind::Bool(false),
            b'n' if self.lit("null") => JKind::Null,
            b'N' if self.lit("NaN") => JKind::Number("NaN".into()),
            b'I' if self.lit("Infinity") => JKind::Number("Infinity".into()),
            b'-' | b'0'..=b'9' => {
                if self.lit("-Infinity") {
                    JKind::Number("-Infinity".into())
                } else {
                    while self.i < self.s.len()
                        && matches!(
                            self.s[self.i],
                            b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9'
                        )
                    {
                        self.i += 1;
                    }
                    JKind::Number(self.text[start..self.i].to_string())
                }
            }
            _ => return Err(self.err("expected a JSON value")),
        };
        Ok(JValue {
            start,
            end: self.i,
            kind,
        })
    }
    fn string(&mut self) -> Result<String, JsonSyntaxError> {
        self.i += 1; // opening quote
        let mut out = String::new();
        loop {
            let run = self.i;
            while self.i < self.s.len() && !matches!(self.s[self.i], b'"' | b'\\' | 0..=0x1f) {
                self.i += 1;
            }
            out.push_str(&self.text[run..self.i]);
            match self.s.get(self.i) {
                Some(b'"') => {
                    self.i += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.i += 1;
                    let Some(&e) = self.s.get(self.i) else {
                        return Err(self.err("unterminated string"));
                    };
                    self.i += 1;
                    match e {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => {
                            let hi = self.hex4()?;
                            let c = if (0xD800..0xDC00).contains(&hi) {
                                if !self.lit("\\u") {
                                    return Err(self.err("unpaired surrogate in string"));
                                }
                                let lo = self.hex4()?;
                                char::from_u32(
                                    0x10000
                                        + ((hi - 0xD800) << 10)
                                        + (lo.wrapping_sub(0xDC00) & 0x3FF),
                                )
                            } else {
                                char::from_u32(hi)
                            };
                            out.push(c.ok_or_else(|| self.err("invalid unicode escape"))?);
                        }
                        _ => return Err(self.err("invalid escape in string")),
                    }
                }
                Some(_) => return Err(self.err("control character in string")),
                None => return Err(self.err("unterminated string")),
            }
        }
    }
    fn hex4(&mut self) -> Result<u32, JsonSyntaxError> {
        let h = self
            .text
            .get(self.i..self.i + 4)
            .ok_or_else(|| self.err("short unicode escape"))?;
        let v = u32::from_str_radix(h, 16).map_err(|_| self.err("invalid unicode escape"))?;
        self.i += 4;
        Ok(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_with_spans() {
        let src = "{\n  \"a\": [1, \"x\\n\\u00e9\"],\n  \"b\": {\"c\": true}\n}";
        let v = parse(src).unwrap();
        let JKind::Object(m) = &v.kind else { panic!() };
        assert_eq!(m[0].key, "a");
        assert_eq!(&src[m[0].key_start..m[0].key_end], "\"a\"");
        let JKind::Array(items) = &m[0].value.kind else {
            panic!()
        };
        assert_eq!(items[1].kind, JKind::Str("x\né".into()));
        assert_eq!(&src[items[0].start..items[0].end], "1");
        assert!(parse("{\"a\": }").is_err());
        assert_eq!(parse("[1,]").unwrap_err().offset, 3);
        assert!(parse("[1] x").is_err());
        assert_eq!(parse("NaN").unwrap().kind, JKind::Number("NaN".into()));
        let dup = parse("{\"a\": 1, \"b\": 2, \"a\": 3}").unwrap_err();
        assert_eq!(dup.offset, 17);
        assert!(
            dup.reason.contains("duplicate member `a`"),
            "{}",
            dup.reason
        );
        let bom = parse("\u{feff}{\"a\": 1}").unwrap();
        assert_eq!(bom.start, 3);
    }
}
