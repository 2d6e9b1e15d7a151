//! Date.prototype.toString for the built-in heap, whose local time zone is UTC.

const MS_PER_DAY: i64 = 86_400_000;

/// The largest time value a Date can hold (TimeClip makes anything beyond NaN).
const MAX_TIME: f64 = 8.64e15;

/// Date.prototype.toString of a Date with this [[DateValue]]: ToDateString
/// with UTC as the local time zone, so the offset is always `+0000`; the
/// zone's name, which the standard leaves to the implementation, is V8's
/// "(Coordinated Universal Time)". NaN, and values no Date can hold, give
/// "Invalid Date".
///
/// <https://tc39.es/ecma262/#sec-todatestring>
pub(super) fn date_to_string(time: f64) -> String {
    if time.is_nan() || time.abs() > MAX_TIME {
        return "Invalid Date".to_owned();
    }
    // In range, so the conversion is exact for integers and floors the rest.
    let time = time.floor() as i64;
    let days = time.div_euclid(MS_PER_DAY);
    let ms = time.rem_euclid(MS_PER_DAY);
    let (year, month, day) = civil_from_days(days);
    const WEEKDAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    // 1970-01-01 was a Thursday.
    let weekday = WEEKDAYS[(days + 4).rem_euclid(7) as usize];
    let month = MONTHS[(month - 1) as usize];
    let sign = if year < 0 { "-" } else { "" };
    let (hours, minutes, seconds) = (ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60);
    format!(
        "{weekday} {month} {day:02} {sign}{:04} {hours:02}:{minutes:02}:{seconds:02} GMT+0000 \
         (Coordinated Universal Time)",
        year.abs()
    )
}

/// The proleptic Gregorian (year, month 1-12, day 1-31) of a day number
/// counted from 1970-01-01 (Howard Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153; // March is 0
    let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::date_to_string;

    #[test]
    fn formats_like_v8_in_utc() {
        assert_eq!(
            date_to_string(0.0),
            "Thu Jan 01 1970 00:00:00 GMT+0000 (Coordinated Universal Time)"
        );
        assert_eq!(
            date_to_string(1_700_000_000_123.0),
            "Tue Nov 14 2023 22:13:20 GMT+0000 (Coordinated Universal Time)"
        );
        assert_eq!(
            date_to_string(-1.0),
            "Wed Dec 31 1969 23:59:59 GMT+0000 (Coordinated Universal Time)"
        );
        assert_eq!(
            date_to_string(951_782_400_000.0),
            "Tue Feb 29 2000 00:00:00 GMT+0000 (Coordinated Universal Time)"
        );
        assert_eq!(
            date_to_string(8.64e15),
            "Sat Sep 13 275760 00:00:00 GMT+0000 (Coordinated Universal Time)"
        );
        assert_eq!(
            date_to_string(-8.64e15),
            "Tue Apr 20 -271821 00:00:00 GMT+0000 (Coordinated Universal Time)"
        );
        assert_eq!(
            date_to_string(-62_167_305_600_000.0),
            "Fri Dec 31 -0001 00:00:00 GMT+0000 (Coordinated Universal Time)"
        );
    }

    #[test]
    fn invalid_times() {
        for t in [f64::NAN, f64::INFINITY, -f64::INFINITY, 8.64e15 + 1.0] {
            assert_eq!(date_to_string(t), "Invalid Date");
        }
    }
}
