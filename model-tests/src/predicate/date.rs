//! Date.prototype.toString from ECMA-262's date arithmetic (Day, YearFromTime,
//! MonthFromTime, DateFromTime, WeekDay, ...), in a realm whose local time
//! zone is UTC.
//!
//! <https://tc39.es/ecma262/#sec-todatestring>

const MS_PER_DAY: i64 = 86_400_000;

/// ToDateString(tv) with LocalTZA = 0. The time zone's name, which the
/// standard leaves to the implementation, is the one V8 prints for UTC.
pub fn to_date_string(tv: f64) -> String {
    if tv.is_nan() || !tv.is_finite() {
        return "Invalid Date".to_owned();
    }
    // A time value is an integer within ±8.64 × 10^15: exact in an i64.
    let t = tv as i64;
    format!("{} {}{}", date_string(t), time_string(t), time_zone_string())
}

/// Day(t): the day number, counted from the epoch, floor.
fn day(t: i64) -> i64 {
    t.div_euclid(MS_PER_DAY)
}

/// DayFromYear(y): the day number of the first day of year y.
fn day_from_year(y: i64) -> i64 {
    365 * (y - 1970) + (y - 1969).div_euclid(4) - (y - 1901).div_euclid(100) + (y - 1601).div_euclid(400)
}

fn days_in_year(y: i64) -> i64 {
    if y % 4 != 0 {
        365
    } else if y % 100 != 0 {
        366
    } else if y % 400 != 0 {
        365
    } else {
        366
    }
}

/// YearFromTime(t): the largest y with TimeFromYear(y) ≤ t.
fn year_from_time(t: i64) -> i64 {
    let d = day(t);
    // An estimate within a year or two, then the exact answer.
    let mut y = 1970 + d * 400 / 146_097;
    while day_from_year(y) > d {
        y -= 1;
    }
    while day_from_year(y + 1) <= d {
        y += 1;
    }
    y
}

/// MonthFromTime(t) (0 = January) and DateFromTime(t) (1-based).
fn month_and_date(t: i64) -> (usize, i64) {
    let y = year_from_time(t);
    let mut within = day(t) - day_from_year(y); // DayWithinYear
    let leap = i64::from(days_in_year(y) == 366);
    let lengths = [31, 28 + leap, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    for (month, length) in lengths.into_iter().enumerate() {
        if within < length {
            return (month, within + 1);
        }
        within -= length;
    }
    unreachable!("a day within a year falls in one of its months")
}

/// DateString(tv): weekday, month, day and year.
fn date_string(t: i64) -> String {
    const WEEKDAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let weekday = WEEKDAYS[(day(t) + 4).rem_euclid(7) as usize]; // WeekDay: the epoch was a Thursday
    let (month, date) = month_and_date(t);
    let year = year_from_time(t);
    let sign = if year < 0 { "-" } else { "" };
    format!("{weekday} {} {date:02} {sign}{:04}", MONTHS[month], year.abs())
}

/// TimeString(tv): hours, minutes, seconds and "GMT".
fn time_string(t: i64) -> String {
    let hour = t.div_euclid(3_600_000).rem_euclid(24);
    let minute = t.div_euclid(60_000).rem_euclid(60);
    let second = t.div_euclid(1000).rem_euclid(60);
    format!("{hour:02}:{minute:02}:{second:02} GMT")
}

/// TimeZoneString(tv) for UTC: offset +0000, and a name.
fn time_zone_string() -> &'static str {
    "+0000 (Coordinated Universal Time)"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_dates() {
        let utc = " GMT+0000 (Coordinated Universal Time)";
        let cases: &[(f64, &str)] = &[
            (0.0, "Thu Jan 01 1970 00:00:00"),
            (-1.0, "Wed Dec 31 1969 23:59:59"),
            (951_782_400_000.0, "Tue Feb 29 2000 00:00:00"),
            (1_700_000_000_123.0, "Tue Nov 14 2023 22:13:20"),
            (-2_208_988_800_000.0, "Mon Jan 01 1900 00:00:00"),
            (4_107_542_400_000.0, "Mon Mar 01 2100 00:00:00"),
            (8.64e15, "Sat Sep 13 275760 00:00:00"),
            (-8.64e15, "Tue Apr 20 -271821 00:00:00"),
            (-62_167_219_200_000.0, "Sat Jan 01 0000 00:00:00"),
            (-62_167_219_200_001.0, "Fri Dec 31 -0001 23:59:59"),
        ];
        for &(tv, expected) in cases {
            assert_eq!(to_date_string(tv), format!("{expected}{utc}"), "{tv}");
        }
        assert_eq!(to_date_string(f64::NAN), "Invalid Date");
    }

    #[test]
    fn years_start_where_day_from_year_says() {
        for y in -3000..3000 {
            let t = day_from_year(y) * MS_PER_DAY;
            assert_eq!(year_from_time(t), y);
            assert_eq!(year_from_time(t - 1), y - 1);
            assert_eq!(month_and_date(t), (0, 1));
            assert_eq!(day_from_year(y + 1) - day_from_year(y), days_in_year(y));
        }
    }
}
