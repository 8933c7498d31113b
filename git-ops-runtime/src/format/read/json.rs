//! JSON through serde_json, refusing duplicate keys and integers a `Value`
//! cannot hold.
//!
//! serde_json's own `Value` keeps the last of two equal keys and turns an
//! integer beyond `u64`/`i64` into a float; both would silently change data.
//! The visitor below notices them; the precise positions then come from the
//! span-aware scanner of [`crate::format::locate`] (error path only).

use std::cell::Cell;
use std::fmt;

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

use super::{ReadError, ReadErrorKind};
use crate::format::Position;
use crate::format::locate::json as scanner;

/// Reads `text`; returns the value and the position of its first character.
pub(super) fn read(text: &str) -> Result<(Value, Position), ReadError> {
    let flags = Flags::default();
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let parsed = Strict { flags: &flags }
        .deserialize(&mut deserializer)
        .and_then(|value| deserializer.end().map(|()| value));
    let value = match parsed {
        Ok(value) => value,
        Err(error) if flags.duplicate.get() => return Err(duplicate_error(text, &error)),
        Err(error) => return Err(syntax_error(text, &error)),
    };
    if flags.huge_float.get()
        && let Some((literal, position)) = scanner::first_out_of_range_integer(text)
    {
        return Err(ReadError {
            kind: ReadErrorKind::Unrepresentable {
                text: literal,
                reason: "integers must be between -9223372036854775808 and 18446744073709551615",
            },
            position,
        });
    }
    let start = text
        .find(|c: char| !c.is_ascii_whitespace())
        .map_or(Position::new(1, 1), |at| {
            Position::of_byte_offset(text.as_bytes(), at)
        });
    Ok((value, start))
}

fn syntax_error(text: &str, error: &serde_json::Error) -> ReadError {
    let message = error.to_string();
    let suffix = format!(" at line {} column {}", error.line(), error.column());
    let message = message.strip_suffix(&suffix).unwrap_or(&message).to_owned();
    ReadError {
        kind: ReadErrorKind::Syntax(message),
        position: Position::of_line_and_byte_column(text.as_bytes(), error.line(), error.column()),
    }
}

fn duplicate_error(text: &str, error: &serde_json::Error) -> ReadError {
    match scanner::first_duplicate_key(text) {
        Some(duplicate) => ReadError {
            kind: ReadErrorKind::DuplicateKey {
                key: duplicate.key,
                first: duplicate.first,
            },
            position: duplicate.second,
        },
        // The scanner agrees with serde_json on what JSON is, so this is
        // not expected; serde_json's position is still right after the key.
        None => syntax_error(text, error),
    }
}

/// What the visitor noticed; read on the way out.
#[derive(Default)]
struct Flags {
    duplicate: Cell<bool>,
    /// A float at least 2^63 in magnitude: maybe an integer literal beyond
    /// `u64`/`i64`, which serde_json reads as a float.
    huge_float: Cell<bool>,
}

/// A `Value` that refuses duplicate keys.
#[derive(Clone, Copy)]
struct Strict<'f> {
    flags: &'f Flags,
}

impl<'de> DeserializeSeed<'de> for Strict<'_> {
    type Value = Value;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Strict<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        if v.abs() >= 9_223_372_036_854_775_808.0 {
            self.flags.huge_float.set(true);
        }
        Number::from_f64(v)
            .map(Value::Number)
            .ok_or_else(|| E::custom("number out of range"))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(item) = seq.next_element_seed(self)? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Value, A::Error> {
        let mut map = Map::new();
        while let Some(key) = access.next_key::<String>()? {
            if map.contains_key(&key) {
                self.flags.duplicate.set(true);
                return Err(de::Error::custom(format_args!("duplicate key {key:?}")));
            }
            let value = access.next_value_seed(self)?;
            map.insert(key, value);
        }
        Ok(Value::Object(map))
    }
}
