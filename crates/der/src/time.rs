//! UTCTime and GeneralizedTime in their strict DER forms, as certificates
//! carry their validity dates (RFC 5280 §4.1.2.5).
//!
//! DER (X.690 §11.7, §11.8) requires the `Z` (UTC) ending and the seconds;
//! RFC 5280 §4.1.2.5 further forbids fractional seconds. So exactly two forms
//! are accepted:
//!
//! ```text
//!   UTCTime          YYMMDDHHMMSSZ     YY >= 50 is 19YY, YY < 50 is 20YY (RFC 5280 §4.1.2.5.1)
//!   GeneralizedTime  YYYYMMDDHHMMSSZ
//! ```
//!
//! A [`Time`] is a date and time of the proleptic Gregorian calendar in UTC,
//! years 0 to 9999, without leap seconds. It converts to and from seconds
//! since 1970-01-01T00:00:00Z with Howard Hinnant's `days_from_civil` and
//! `civil_from_days` ("chrono-Compatible Low-Level Date Algorithms").

use core::fmt;

use crate::Error;

/// A UTC date and time to the second.
///
/// Ordering is chronological, so `not_before <= now && now <= not_after`
/// reads as it should.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Time {
    // Field order matters: the derived `Ord` compares year first.
    year: u16,
    month: u8,
    day: u8,
    hour: u8,
    minute: u8,
    second: u8,
}

impl Time {
    /// The time with these fields, if it is a real one: year 0 to 9999,
    /// month 1 to 12, a day that month has, hour below 24, minute and second
    /// below 60.
    pub fn new(year: u16, month: u8, day: u8, hour: u8, minute: u8, second: u8) -> Result<Time, Error> {
        let valid = year <= 9999
            && (1..=12).contains(&month)
            && day >= 1
            && day <= days_in_month(year, month)
            && hour < 24
            && minute < 60
            && second < 60;
        if valid { Ok(Time { year, month, day, hour, minute, second }) } else { Err(Error::InvalidTime) }
    }

    /// The time `seconds` after 1970-01-01T00:00:00Z (before it, if
    /// negative), if its year is 0 to 9999.
    pub fn from_unix_seconds(seconds: i64) -> Result<Time, Error> {
        let (days, in_day) = (seconds.div_euclid(86_400), seconds.rem_euclid(86_400));
        let (year, month, day) = civil_from_days(days);
        let year = u16::try_from(year).map_err(|_| Error::InvalidTime)?;
        let (hour, minute, second) = (in_day / 3600, in_day / 60 % 60, in_day % 60);
        Time::new(year, month, day, hour as u8, minute as u8, second as u8)
    }

    /// Seconds since 1970-01-01T00:00:00Z (negative before it).
    pub fn unix_seconds(&self) -> i64 {
        let days = days_from_civil(i64::from(self.year), self.month, self.day);
        days * 86_400 + i64::from(self.hour) * 3600 + i64::from(self.minute) * 60 + i64::from(self.second)
    }

    /// The year, 0 to 9999.
    pub fn year(&self) -> u16 {
        self.year
    }

    /// The month, 1 to 12.
    pub fn month(&self) -> u8 {
        self.month
    }

    /// The day of the month, from 1.
    pub fn day(&self) -> u8 {
        self.day
    }

    /// The hour, 0 to 23.
    pub fn hour(&self) -> u8 {
        self.hour
    }

    /// The minute, 0 to 59.
    pub fn minute(&self) -> u8 {
        self.minute
    }

    /// The second, 0 to 59.
    pub fn second(&self) -> u8 {
        self.second
    }

    /// Whether a UTCTime can hold this time: years 1950 to 2049
    /// (RFC 5280 §4.1.2.5.1).
    pub fn fits_utc_time(&self) -> bool {
        (1950..=2049).contains(&self.year)
    }

    /// Reads UTCTime contents: `YYMMDDHHMMSSZ`.
    pub(crate) fn from_utc_time(contents: &[u8]) -> Result<Time, Error> {
        let [yy @ .., b'Z'] = contents else { return Err(Error::InvalidTime) };
        let fields = two_digit_fields::<6>(yy)?;
        // RFC 5280 §4.1.2.5.1: YY of 50 or more is 19YY, below 50 is 20YY.
        let year = if fields[0] >= 50 { 1900 } else { 2000 } + u16::from(fields[0]);
        Time::new(year, fields[1], fields[2], fields[3], fields[4], fields[5])
    }

    /// Reads GeneralizedTime contents: `YYYYMMDDHHMMSSZ`.
    pub(crate) fn from_generalized_time(contents: &[u8]) -> Result<Time, Error> {
        let [yyyy @ .., b'Z'] = contents else { return Err(Error::InvalidTime) };
        let fields = two_digit_fields::<7>(yyyy)?;
        let year = u16::from(fields[0]) * 100 + u16::from(fields[1]);
        Time::new(year, fields[2], fields[3], fields[4], fields[5], fields[6])
    }

    /// UTCTime contents, if the year is 1950 to 2049.
    pub(crate) fn to_utc_time(self) -> Option<[u8; 13]> {
        if !self.fits_utc_time() {
            return None;
        }
        let mut out = [b'Z'; 13];
        let fields = [(self.year % 100) as u8, self.month, self.day, self.hour, self.minute, self.second];
        write_two_digit_fields(&fields, &mut out);
        Some(out)
    }

    /// GeneralizedTime contents.
    pub(crate) fn to_generalized_time(self) -> [u8; 15] {
        let mut out = [b'Z'; 15];
        let (century, year) = ((self.year / 100) as u8, (self.year % 100) as u8);
        let fields = [century, year, self.month, self.day, self.hour, self.minute, self.second];
        write_two_digit_fields(&fields, &mut out);
        out
    }
}

/// RFC 3339: `2024-02-29T12:00:00Z`.
impl fmt::Display for Time {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        )
    }
}

/// `N` two-digit decimal numbers making up exactly `digits`.
fn two_digit_fields<const N: usize>(digits: &[u8]) -> Result<[u8; N], Error> {
    if digits.len() != 2 * N || !digits.iter().all(u8::is_ascii_digit) {
        return Err(Error::InvalidTime);
    }
    let mut fields = [0; N];
    for (field, pair) in fields.iter_mut().zip(digits.chunks_exact(2)) {
        *field = (pair[0] - b'0') * 10 + (pair[1] - b'0');
    }
    Ok(fields)
}

/// Writes each field (below 100) as two decimal digits at the start of `out`.
fn write_two_digit_fields(fields: &[u8], out: &mut [u8]) {
    for (pair, &field) in out.chunks_exact_mut(2).zip(fields) {
        pair[0] = b'0' + field / 10;
        pair[1] = b'0' + field % 10;
    }
}

/// Whether `year` has a 29 February in the Gregorian calendar.
fn is_leap_year(year: u16) -> bool {
    year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400))
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        2 if is_leap_year(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days from 1970-01-01 to the date. Hinnant's `days_from_civil`: count in
/// 400-year eras of 146097 days, with years starting in March so that the
/// leap day comes last.
fn days_from_civil(year: i64, month: u8, day: u8) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year.rem_euclid(400); // 0 ..= 399
    let month_from_march = (i64::from(month) + 9) % 12; // March = 0
    let day_of_year = (153 * month_from_march + 2) / 5 + i64::from(day) - 1; // 0 ..= 365
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The date `days` after 1970-01-01: Hinnant's `civil_from_days`, the
/// inverse of [`days_from_civil`].
fn civil_from_days(days: i64) -> (i64, u8, u8) {
    let days = days + 719_468; // from 0000-03-01
    let era = days.div_euclid(146_097);
    let day_of_era = days.rem_euclid(146_097); // 0 ..= 146096
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * month_from_march + 2) / 5 + 1) as u8;
    let month = if month_from_march < 10 { month_from_march + 3 } else { month_from_march - 9 } as u8;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Seconds checked with GNU `date -u -d <time> +%s`.
    #[test]
    fn unix_seconds_of_known_dates() {
        let cases = [
            ((1970, 1, 1, 0, 0, 0), 0),
            ((2000, 1, 1, 0, 0, 0), 946_684_800),
            ((2000, 2, 29, 12, 0, 0), 951_825_600),
            ((1950, 1, 1, 0, 0, 0), -631_152_000),
            ((2049, 12, 31, 23, 59, 59), 2_524_607_999),
            ((1900, 3, 1, 0, 0, 0), -2_203_891_200),
            ((9999, 12, 31, 23, 59, 59), 253_402_300_799),
            ((0, 1, 1, 0, 0, 0), -62_167_219_200),
        ];
        for ((y, mo, d, h, mi, s), seconds) in cases {
            let time = Time::new(y, mo, d, h, mi, s).unwrap();
            assert_eq!(time.unix_seconds(), seconds, "{time}");
            assert_eq!(Time::from_unix_seconds(seconds), Ok(time));
        }
        assert_eq!(Time::from_unix_seconds(253_402_300_800), Err(Error::InvalidTime));
        assert_eq!(Time::from_unix_seconds(-62_167_219_201), Err(Error::InvalidTime));
        assert_eq!(Time::from_unix_seconds(i64::MIN), Err(Error::InvalidTime));
        assert_eq!(Time::from_unix_seconds(i64::MAX), Err(Error::InvalidTime));
    }

    #[test]
    fn calendar_rules() {
        assert!(Time::new(2000, 2, 29, 0, 0, 0).is_ok());
        assert!(Time::new(2024, 2, 29, 0, 0, 0).is_ok());
        assert!(Time::new(1900, 2, 29, 0, 0, 0).is_err());
        assert!(Time::new(2023, 2, 29, 0, 0, 0).is_err());
        assert!(Time::new(2023, 4, 31, 0, 0, 0).is_err());
        assert!(Time::new(2023, 13, 1, 0, 0, 0).is_err());
        assert!(Time::new(2023, 0, 1, 0, 0, 0).is_err());
        assert!(Time::new(2023, 1, 0, 0, 0, 0).is_err());
        assert!(Time::new(2023, 1, 1, 24, 0, 0).is_err());
        assert!(Time::new(2023, 1, 1, 0, 60, 0).is_err());
        assert!(Time::new(2023, 1, 1, 0, 0, 60).is_err());
        assert!(Time::new(10000, 1, 1, 0, 0, 0).is_err());
    }

    #[test]
    fn two_digit_years() {
        let time = |text: &[u8]| Time::from_utc_time(text).map(|t| t.year());
        assert_eq!(time(b"500101000000Z"), Ok(1950));
        assert_eq!(time(b"991231235959Z"), Ok(1999));
        assert_eq!(time(b"000101000000Z"), Ok(2000));
        assert_eq!(time(b"491231235959Z"), Ok(2049));
    }

    #[test]
    fn only_the_strict_forms() {
        for bad in [
            &b"9105062345Z"[..],  // no seconds
            b"910506234540",      // no Z
            b"910506234540+0000", // an offset
            b"910506234540.5Z",   // a fraction
            b"91050623454Z0",     // Z in the wrong place
            b" 10506234540Z",     // not a digit
            b"91-506234540Z",     // not a digit
            b"910229000000Z",     // 1991 has no 29 February
            b"",
        ] {
            assert_eq!(
                Time::from_utc_time(bad),
                Err(Error::InvalidTime),
                "{:?}",
                String::from_utf8_lossy(bad)
            );
        }
        assert_eq!(Time::from_generalized_time(b"20500101000000.0Z"), Err(Error::InvalidTime));
        assert_eq!(Time::from_generalized_time(b"205001010000Z"), Err(Error::InvalidTime));
        assert!(Time::from_generalized_time(b"20500101000000Z").is_ok());
    }

    #[test]
    fn writes_both_forms() {
        let time = Time::new(2049, 12, 31, 23, 59, 59).unwrap();
        assert_eq!(&time.to_utc_time().unwrap(), b"491231235959Z");
        assert_eq!(&time.to_generalized_time(), b"20491231235959Z");
        assert_eq!(Time::new(2050, 1, 1, 0, 0, 0).unwrap().to_utc_time(), None);
        assert_eq!(Time::new(7, 1, 2, 3, 4, 5).unwrap().to_generalized_time(), *b"00070102030405Z");
        assert_eq!(time.to_string(), "2049-12-31T23:59:59Z");
    }
}
