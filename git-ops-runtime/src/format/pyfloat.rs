//! Python's `repr(float)`, which both `json.dumps` and PyYAML use.
//!
//! Python prints the shortest digit string that reads back to the same
//! double (as Rust's `{:e}` does), laid out in positional notation when the
//! decimal exponent is in `-4..16` (`0.0001`, `1500.0`, `-0.0`: always with a
//! fraction) and in exponent notation otherwise (`1e-05`, `1.5e+16`: sign and
//! at least two exponent digits).

use std::fmt::Write as _;

/// A float written in scientific form (`-1.5e-7`), on the stack.
struct Scientific {
    buf: [u8; 40],
    len: usize,
}

impl std::fmt::Write for Scientific {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        let end = self.len + s.len();
        let slot = self.buf.get_mut(self.len..end).ok_or(std::fmt::Error)?;
        slot.copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

/// Formats `value` with `{:e}` (shortest round-trip digits) or, with a
/// precision, `{:.N$e}` (exactly rounded, ties to even).
fn scientific(value: f64, precision: Option<usize>) -> Scientific {
    let mut sci = Scientific {
        buf: [0; 40],
        len: 0,
    };
    // 40 bytes hold any f64 with up to 17 digits, sign, dot and "e-324".
    match precision {
        None => write!(sci, "{value:e}"),
        Some(precision) => write!(sci, "{value:.precision$e}"),
    }
    .expect("a f64 in scientific notation fits in 40 bytes");
    sci
}

impl Scientific {
    fn as_str(&self) -> &str {
        std::str::from_utf8(&self.buf[..self.len]).expect("float formatting is ASCII")
    }

    /// Sign, significant digits (at most 17) and decimal exponent.
    fn parts(&self) -> (bool, ([u8; 20], usize), i32) {
        let text = self.as_str();
        let (negative, text) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (mantissa, exponent) = text
            .split_once('e')
            .expect("`{:e}` always writes an exponent");
        let exponent: i32 = exponent.parse().expect("`{:e}` writes a decimal exponent");
        let mut digits = [0u8; 20];
        let mut n = 0;
        for &b in mantissa.as_bytes() {
            if b != b'.' {
                digits[n] = b;
                n += 1;
            }
        }
        (negative, (digits, n), exponent)
    }
}

/// Appends `repr(value)` to `out`. `value` must be finite (a JSON number
/// always is).
pub(crate) fn write_repr(value: f64, out: &mut String) {
    debug_assert!(value.is_finite());
    let mut sci = scientific(value, None);
    // Rust's shortest digits are not always the ones Python picks: when two
    // digit strings of that length read back as `value` (the exact value is
    // a midpoint), Python takes the correctly rounded one, ties to even
    // (-27087630593803.0625 is "...062", Rust's shortest says "...063").
    // The exactly rounded string of the same length is Python's when it
    // reads back as `value`.
    let (_, (_, n), _) = sci.parts();
    let exact = scientific(value, Some(n - 1));
    if exact
        .as_str()
        .parse::<f64>()
        .is_ok_and(|parsed| parsed.to_bits() == value.to_bits())
    {
        sci = exact;
    }
    let (negative, (digits, n), exponent) = sci.parts();
    let digits = &digits[..n];
    let digits = std::str::from_utf8(digits).expect("ASCII digits");

    if negative {
        out.push('-');
    }
    // Python's `decpt`: the value is 0.DIGITS × 10^decpt.
    let decpt = exponent + 1;
    if !(-4 < decpt && decpt <= 16) {
        out.push_str(&digits[..1]);
        if digits.len() > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        out.push('e');
        out.push(if exponent < 0 { '-' } else { '+' });
        let magnitude = exponent.unsigned_abs();
        if magnitude < 10 {
            out.push('0');
        }
        let mut itoa = itoa::Buffer::new();
        out.push_str(itoa.format(magnitude));
    } else if decpt <= 0 {
        out.push_str("0.");
        for _ in decpt..0 {
            out.push('0');
        }
        out.push_str(digits);
    } else {
        let decpt = decpt as usize;
        if decpt >= digits.len() {
            out.push_str(digits);
            for _ in digits.len()..decpt {
                out.push('0');
            }
            out.push_str(".0");
        } else {
            out.push_str(&digits[..decpt]);
            out.push('.');
            out.push_str(&digits[decpt..]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repr(value: f64) -> String {
        let mut out = String::new();
        write_repr(value, &mut out);
        out
    }

    /// Expected values checked with Python 3.11: `repr(float(...))`.
    #[test]
    fn matches_python_repr() {
        let cases: &[(f64, &str)] = &[
            (0.0, "0.0"),
            (-0.0, "-0.0"),
            (1.0, "1.0"),
            (1500.0, "1500.0"),
            (1.5, "1.5"),
            (0.1, "0.1"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (0.000015, "1.5e-05"),
            (1.5e-7, "1.5e-07"),
            (1e16, "1e+16"),
            (9999999999999998.0, "9999999999999998.0"),
            (1e15, "1000000000000000.0"),
            (123456789012345680.0, "1.2345678901234568e+17"),
            (1e100, "1e+100"),
            (-2.5e-300, "-2.5e-300"),
            (f64::MAX, "1.7976931348623157e+308"),
            (f64::MIN_POSITIVE, "2.2250738585072014e-308"),
            (5e-324, "5e-324"),
            (0.30000000000000004, "0.30000000000000004"),
            (123.456, "123.456"),
            // -27087630593803.0625, a midpoint: Python rounds the 17th digit to even.
            (-433_402_089_500_849.0 / 16.0, "-27087630593803.062"),
        ];
        for &(value, expected) in cases {
            assert_eq!(repr(value), expected, "repr({value:e})");
        }
    }
}
