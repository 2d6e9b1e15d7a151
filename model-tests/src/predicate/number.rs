//! Number::toString(x, 10) and TimeClip, from ECMA-262's definitions, with
//! exact arithmetic: no float formatting of Rust's (which the library's own
//! `number_to_string` uses) and no shortest-digits algorithm of anyone's.
//!
//! Number::toString (<https://tc39.es/ecma262/#sec-numeric-types-number-tostring>)
//! asks for integers n, k and s with k as small as possible such that
//! s × 10^(n−k) rounds to x; among the s of that length, the closest to x,
//! and of two equally close, the even one. A double is a dyadic rational, so
//! x and the two ends of the interval of reals that round to it are exact
//! decimals: this file writes all three out in full, then tries k = 1, 2, …,
//! rounding x's digits down and up to k digits and keeping what stays
//! inside the interval. Slow (hundreds of digits per number) and plainly
//! right, which is what a predicate wants.

/// A non-negative integer in base 10^9, least significant limb first.
struct Decimal(Vec<u64>);

const LIMB: u64 = 1_000_000_000;

impl Decimal {
    fn one() -> Self {
        Decimal(vec![1])
    }

    /// Multiplies in place by `m`.
    fn times(&mut self, m: u64) {
        let mut carry: u128 = 0;
        for limb in &mut self.0 {
            let product = u128::from(*limb) * u128::from(m) + carry;
            *limb = (product % u128::from(LIMB)) as u64;
            carry = product / u128::from(LIMB);
        }
        while carry > 0 {
            self.0.push((carry % u128::from(LIMB)) as u64);
            carry /= u128::from(LIMB);
        }
    }

    /// Multiplies in place by `base`^`exponent`, `chunk` factors at a time
    /// (`base`^`chunk` must fit in 64 bits).
    fn times_power(&mut self, base: u64, mut exponent: u32, chunk: u32) {
        while exponent > 0 {
            let step = exponent.min(chunk);
            self.times(base.pow(step));
            exponent -= step;
        }
    }

    /// The decimal digits, most significant first, without leading zeros
    /// (zero is one digit).
    fn digits(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.0.len() * 9);
        for (i, limb) in self.0.iter().rev().enumerate() {
            let text = if i == 0 {
                limb.to_string()
            } else {
                format!("{limb:09}")
            };
            out.extend(text.bytes().map(|b| b - b'0'));
        }
        out
    }
}

/// The shortest decimal digits of a positive finite `x` and where its
/// decimal point goes: (s's digits, n), x ≈ 0.s × 10^n.
fn shortest(x: f64) -> (Vec<u8>, i32) {
    let bits = x.to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i32;
    let fraction = bits & ((1 << 52) - 1);
    // x = significand × 2^exponent.
    let (significand, exponent) = if biased == 0 {
        (fraction, -1074)
    } else {
        (fraction | (1 << 52), biased - 1075)
    };
    // The neighbours are one unit in the last place away, except below a
    // power of two (not the smallest normal), where the gap is half as wide.
    let narrow_below = fraction == 0 && biased > 1;
    // In quarters of a unit, 2^(exponent − 2): x, and the midpoints to its
    // neighbours, which bound the reals that round to x.
    let quarters = 4 * significand;
    let low = quarters - if narrow_below { 1 } else { 2 };
    let high = quarters + 2;
    // One quarter as a decimal fraction: `unit` / 10^`scale`.
    let e = exponent - 2;
    let mut unit = Decimal::one();
    let scale = if e >= 0 {
        unit.times_power(2, e as u32, 62);
        0
    } else {
        unit.times_power(5, (-e) as u32, 27);
        -e
    };
    let exact = |quarters: u64| {
        let mut value = Decimal(unit.0.clone());
        value.times(quarters);
        value.digits()
    };
    let (x, low, high) = (exact(quarters), exact(low), exact(high));
    // All three at one width, with a spare leading zero for a carry.
    let width = high.len() + 1;
    let pad = |digits: Vec<u8>| {
        let mut padded = vec![0; width - digits.len()];
        padded.extend(digits);
        padded
    };
    let (x, low, high) = (pad(x), pad(low), pad(high));
    // Ties round to the even significand, so the interval's ends belong to
    // x exactly when its significand is even.
    let even = significand % 2 == 0;
    let inside = |c: &[u8]| {
        let above_low = low.as_slice() < c || (even && low.as_slice() == c);
        let below_high = c < high.as_slice() || (even && c == high.as_slice());
        above_low && below_high
    };
    let first = x.iter().position(|&d| d != 0).expect("x is positive");
    for k in 1.. {
        let cut = first + k;
        let mut down = x[..cut.min(width)].to_vec();
        down.resize(width, 0);
        let rest = &x[cut.min(width)..];
        let inexact = rest.iter().any(|&d| d != 0);
        let mut up = down.clone();
        if inexact {
            increment(&mut up, cut - 1);
        }
        let chosen = match (inside(&down), inexact && inside(&up)) {
            (false, false) => continue,
            (true, false) => down,
            (false, true) => up,
            // Both: the closer one; of two equally close, the even one.
            (true, true) => {
                let mut half = vec![5];
                half.resize(rest.len(), 0);
                match rest.cmp(half.as_slice()) {
                    std::cmp::Ordering::Less => down,
                    std::cmp::Ordering::Greater => up,
                    std::cmp::Ordering::Equal if down[cut - 1] % 2 == 0 => down,
                    std::cmp::Ordering::Equal => up,
                }
            }
        };
        let start = chosen.iter().position(|&d| d != 0).expect("a positive candidate");
        let end = chosen
            .iter()
            .rposition(|&d| d != 0)
            .expect("a positive candidate")
            + 1;
        let n = (width - start) as i32 - scale;
        return (chosen[start..end].to_vec(), n);
    }
    unreachable!("x itself, all its digits, lies inside its own interval")
}

/// Adds one at digit `at` of a big-endian digit string (which has room).
fn increment(digits: &mut [u8], mut at: usize) {
    loop {
        if digits[at] < 9 {
            digits[at] += 1;
            return;
        }
        digits[at] = 0;
        at -= 1;
    }
}

/// Number::toString(x, 10).
///
/// <https://tc39.es/ecma262/#sec-numeric-types-number-tostring>
pub fn number_to_string(x: f64) -> String {
    if x.is_nan() {
        return "NaN".to_owned();
    }
    if x == 0.0 {
        return "0".to_owned(); // +0 and -0 alike
    }
    if x < 0.0 {
        return format!("-{}", number_to_string(-x));
    }
    if x.is_infinite() {
        return "Infinity".to_owned();
    }
    let (digits, n) = shortest(x);
    let s: String = digits.iter().map(|d| char::from(b'0' + d)).collect();
    let k = s.len() as i32;
    if k <= n && n <= 21 {
        // An integer: the digits, then zeros.
        format!("{s}{}", "0".repeat((n - k) as usize))
    } else if 0 < n && n <= 21 {
        // The point falls among the digits.
        format!("{}.{}", &s[..n as usize], &s[n as usize..])
    } else if -6 < n && n <= 0 {
        // A small fraction: leading zeros after the point.
        format!("0.{}{s}", "0".repeat((-n) as usize))
    } else {
        // Exponential notation.
        let sign = if n > 0 { '+' } else { '-' }; // the sign of n - 1
        let exponent = (n - 1).abs();
        if k == 1 {
            format!("{s}e{sign}{exponent}")
        } else {
            format!("{}.{}e{sign}{exponent}", &s[..1], &s[1..])
        }
    }
}

/// TimeClip(time): NaN unless finite and within 8.64 × 10^15 ms of the
/// epoch, else the integer part (as ToIntegerOrInfinity gives it: -0 is +0).
///
/// <https://tc39.es/ecma262/#sec-timeclip>
pub fn time_clip(time: f64) -> f64 {
    if !time.is_finite() || time.abs() > 8.64e15 {
        return f64::NAN;
    }
    let integer = time.trunc();
    if integer == 0.0 { 0.0 } else { integer }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Outputs ECMAScript engines agree on (and test262's
    /// Number.prototype.toString tests use).
    #[test]
    fn known_outputs() {
        let cases: &[(f64, &str)] = &[
            (0.0, "0"),
            (-0.0, "0"),
            (f64::NAN, "NaN"),
            (f64::INFINITY, "Infinity"),
            (f64::NEG_INFINITY, "-Infinity"),
            (1.0, "1"),
            (-1.5, "-1.5"),
            (123456.0, "123456"),
            (0.1, "0.1"),
            (0.1 + 0.2, "0.30000000000000004"),
            (0.000001, "0.000001"),
            (1e-7, "1e-7"),
            (1.5e-7, "1.5e-7"),
            (1e20, "100000000000000000000"),
            (1e21, "1e+21"),
            (123456789012345680000.0, "123456789012345680000"),
            (1.2345e25, "1.2345e+25"),
            (9007199254740993.0, "9007199254740992"),
            (9007199254740991.0, "9007199254740991"),
            (5e-324, "5e-324"),
            (2.2250738585072014e-308, "2.2250738585072014e-308"),
            (f64::MAX, "1.7976931348623157e+308"),
            (1e23, "1e+23"),
            (100.0, "100"),
            (0.5, "0.5"),
            (1.0 / 3.0, "0.3333333333333333"),
            (-1e-6, "-0.000001"),
            (4.35, "4.35"),
            (f64::from_bits(3), "1.5e-323"),
        ];
        for &(x, expected) in cases {
            assert_eq!(number_to_string(x), expected, "{x:e}");
        }
    }

    /// Below a power of two the interval is lopsided; the shortest digits
    /// must still read back as the number.
    #[test]
    fn powers_of_two_read_back() {
        for e in -1074..=1023 {
            let x = 2f64.powi(e);
            let text = number_to_string(x);
            assert_eq!(text.parse::<f64>().unwrap(), x, "2^{e} printed as {text}");
        }
    }

    /// Arbitrary doubles print as digits that read back as them, and no
    /// shorter rounding of them does.
    #[test]
    fn arbitrary_doubles_read_back_and_are_shortest() {
        let mut bits: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..3000 {
            bits = bits
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let x = f64::from_bits(bits).abs();
            if !x.is_finite() || x == 0.0 {
                continue;
            }
            let text = number_to_string(x);
            assert_eq!(text.parse::<f64>().unwrap(), x, "{text}");
            let mantissa = text.split('e').next().unwrap();
            let digits = mantissa.chars().filter(char::is_ascii_digit).collect::<String>();
            let k = digits.trim_start_matches('0').trim_end_matches('0').len();
            assert!((1..=17).contains(&k), "{text}");
            if k > 1 {
                let shorter = format!("{x:.*e}", k - 2);
                assert_ne!(
                    shorter.parse::<f64>().unwrap(),
                    x,
                    "{text} has a shorter form {shorter}"
                );
            }
        }
    }

    #[test]
    fn time_clip_keeps_time_values() {
        assert_eq!(time_clip(-0.0).to_bits(), 0.0f64.to_bits());
        assert_eq!(time_clip(-0.5).to_bits(), 0.0f64.to_bits());
        assert_eq!(time_clip(1.9), 1.0);
        assert_eq!(time_clip(-1.9), -1.0);
        assert_eq!(time_clip(8.64e15), 8.64e15);
        assert!(time_clip(8.64e15 + 1.0).is_nan());
        assert!(time_clip(f64::NEG_INFINITY).is_nan());
        assert!(time_clip(f64::NAN).is_nan());
    }
}
