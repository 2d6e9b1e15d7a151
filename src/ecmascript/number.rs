//! Number::toString, needed by ToString (an Error's `message` may be a number).

/// Number::toString(x, 10): the shortest decimal text that reads back as `x`,
/// laid out the way ECMAScript lays it out (exponent form outside 1e-7 .. 1e21).
///
/// <https://tc39.es/ecma262/#sec-numeric-types-number-tostring>
pub fn number_to_string(x: f64) -> String {
    if x.is_nan() {
        return "NaN".to_owned();
    }
    if x == 0.0 {
        return "0".to_owned();
    }
    if x < 0.0 {
        return format!("-{}", number_to_string(-x));
    }
    if x.is_infinite() {
        return "Infinity".to_owned();
    }
    // Rust's `{:e}` prints the shortest round-tripping digits: "d.ddde±x".
    let scientific = format!("{x:e}");
    let (mantissa, exponent) = scientific.split_once('e').unwrap_or((&scientific, "0"));
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let exponent: i32 = exponent.parse().unwrap_or(0);
    let scale = exponent - (digits.len() as i32 - 1); // x ≈ digits × 10^scale
    let digits = even_on_a_tie(x, digits, scale);
    let k = digits.len() as i32;
    let n = exponent + 1; // the decimal point sits after n digits
    if k <= n && n <= 21 {
        format!("{digits}{}", "0".repeat((n - k) as usize))
    } else if 0 < n && n <= 21 {
        let (int, frac) = digits.split_at(n as usize);
        format!("{int}.{frac}")
    } else if -6 < n && n <= 0 {
        format!("0.{}{digits}", "0".repeat((-n) as usize))
    } else {
        let sign = if n - 1 < 0 { '-' } else { '+' };
        let (first, rest) = digits.split_at(1);
        let dot = if rest.is_empty() { "" } else { "." };
        format!("{first}{dot}{rest}e{sign}{}", (n - 1).abs())
    }
}

/// Of two shortest digit strings equally close to `x`, ECMA-262 recommends
/// the even one (Number::toString, note 2), and V8 takes it; Rust's
/// formatting may give the odd one. `digits` × 10^`scale` is what Rust gave:
/// when `x` lies exactly halfway between it and its even neighbour of as
/// many digits, and that neighbour reads back as `x`, the neighbour it is.
/// Only a value with a short exact decimal form can be such a midpoint, so
/// the powers of 5 involved stay small.
fn even_on_a_tie(x: f64, digits: String, scale: i32) -> String {
    let Ok(d) = digits.parse::<u64>() else {
        return digits;
    };
    if d % 2 == 0 {
        return digits;
    }
    // x as odd × 2^power.
    let bits = x.to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i32;
    let fraction = bits & ((1 << 52) - 1);
    let (significand, exponent) = if biased == 0 {
        (fraction, -1074)
    } else {
        (fraction | (1 << 52), biased - 1075)
    };
    let zeros = significand.trailing_zeros();
    let (odd, power) = (u128::from(significand >> zeros), exponent + zeros as i32);
    for other in [d - 1, d + 1] {
        // The midpoint (d + other) / 2 × 10^scale = (d + other) × 5^scale × 2^(scale - 1).
        let sum = u128::from(d + other);
        let Some(five) = 5u128.checked_pow(scale.unsigned_abs()) else {
            continue;
        };
        let midpoint_odd = if scale >= 0 {
            sum.checked_mul(five)
        } else {
            (sum % five == 0).then(|| sum / five)
        };
        let neighbour = other.to_string();
        if midpoint_odd == Some(odd)
            && scale - 1 == power
            && neighbour.len() == digits.len()
            && format!("{neighbour}e{scale}").parse::<f64>() == Ok(x)
        {
            return neighbour;
        }
    }
    digits
}

/// TimeClip(time): the time value a Date holds for `time`: NaN when it is
/// not finite or beyond ±8.64e15 ms, otherwise its integral part (never -0).
///
/// <https://tc39.es/ecma262/#sec-timeclip>
pub fn time_clip(time: f64) -> f64 {
    if !time.is_finite() || time.abs() > 8.64e15 {
        return f64::NAN;
    }
    time.trunc() + 0.0
}

/// Whether `time` is a time value, one TimeClip can produce (so a Date can
/// hold it).
pub fn is_time_value(time: f64) -> bool {
    time.is_nan() || time_clip(time).to_bits() == time.to_bits()
}

#[cfg(test)]
mod tests {
    use super::number_to_string as s;

    #[test]
    fn time_values_are_what_time_clip_makes() {
        use super::{is_time_value, time_clip};
        assert_eq!(time_clip(-0.0).to_bits(), 0.0f64.to_bits());
        assert_eq!(time_clip(1.9), 1.0);
        assert_eq!(time_clip(-1.9), -1.0);
        assert!(time_clip(8.64e15 + 1.0).is_nan());
        assert!(time_clip(f64::INFINITY).is_nan());
        assert!(is_time_value(f64::NAN) && is_time_value(8.64e15) && is_time_value(-5.0));
        assert!(!is_time_value(-0.0) && !is_time_value(0.5) && !is_time_value(9e15));
    }

    #[test]
    fn matches_ecmascript_layout() {
        assert_eq!(s(0.0), "0");
        assert_eq!(s(-0.0), "0");
        assert_eq!(s(f64::NAN), "NaN");
        assert_eq!(s(f64::NEG_INFINITY), "-Infinity");
        assert_eq!(s(1.0), "1");
        assert_eq!(s(-1.5), "-1.5");
        assert_eq!(s(123456.0), "123456");
        assert_eq!(s(0.1), "0.1");
        assert_eq!(s(0.000001), "0.000001");
        assert_eq!(s(0.0000001), "1e-7");
        assert_eq!(s(1.5e-7), "1.5e-7");
        assert_eq!(s(1e21), "1e+21");
        assert_eq!(s(1e20), "100000000000000000000");
        assert_eq!(s(1.2345e25), "1.2345e+25");
        assert_eq!(s(5e-324), "5e-324");
        assert_eq!(s(f64::MAX), "1.7976931348623157e+308");
        assert_eq!(s(0.1 + 0.2), "0.30000000000000004");
        // Exactly halfway between two shortest candidates: the even one, as V8 prints it.
        assert_eq!(s(-1025.0 / 1048576.0), "-0.0009775161743164062");
    }
}
