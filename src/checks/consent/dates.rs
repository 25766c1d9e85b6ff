//! Dates in consent records and lead rows: the few formats lead systems export, parsed by
//! hand (millions of cells; trying chrono format strings one after another is ~10x slower),
//! plus the calendar arithmetic the rules need (months/years limits, business days).
//!
//! Accepted: ISO 8601 dates and date-times (`2026-11-25`, `2026-11-25T14:03:00`,
//! fractional seconds, `Z`, `+01:00`, `+0100`), the same with a space instead of `T`
//! (`2026-11-25 14:03:00`, optional ` UTC`), `2026/11/25`, and US dates `11/25/2026` or
//! `1/5/2026` with an optional time (`11/25/2026 2:03 PM`). Slashed dates with the year last
//! are always month first. A time without an offset is taken as UTC.

use chrono::{Datelike, Days, Months, NaiveDate, NaiveTime, Weekday};

/// A point in time from a record: seconds since the Unix epoch (UTC) and whether the text
/// gave a time of day (a bare date compares with other dates by day only).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    pub secs: i64,
    pub has_time: bool,
    /// The UTC calendar day, worked out once (stamps are compared by day a lot).
    day: NaiveDate,
}

impl Stamp {
    pub fn at(secs: i64, has_time: bool) -> Stamp {
        let day = chrono::DateTime::from_timestamp(secs, 0)
            .map(|t| t.date_naive())
            .unwrap_or(NaiveDate::MIN);
        Stamp {
            secs,
            has_time,
            day,
        }
    }

    /// The UTC calendar day.
    pub fn date(self) -> NaiveDate {
        self.day
    }
}

/// A date cell: empty, unreadable, or a point in time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateCell {
    Blank,
    Unreadable,
    At(Stamp),
}

impl DateCell {
    pub fn of(text: Option<&str>) -> DateCell {
        match text.map(str::trim) {
            None | Some("") => DateCell::Blank,
            Some(t) => parse_stamp(t).map_or(DateCell::Unreadable, DateCell::At),
        }
    }

    pub fn stamp(self) -> Option<Stamp> {
        match self {
            DateCell::At(s) => Some(s),
            _ => None,
        }
    }
}

/// Date cells packed into 8 bytes each (a [`DateCell`] takes 16 with its cached day): a
/// consent file has four date columns and, at 10M leads, 14.9M records.
#[derive(Debug, Clone, Default)]
pub struct DateColumn(Vec<i64>);

/// Packed cells: a stamp is `secs * 2 + has_time`; these two values are no stamp's (years
/// are 0 to 9999).
const PACKED_BLANK: i64 = i64::MIN;
const PACKED_UNREADABLE: i64 = i64::MIN + 1;

impl DateColumn {
    pub fn get(&self, i: usize) -> Option<DateCell> {
        self.0.get(i).map(|&packed| match packed {
            PACKED_BLANK => DateCell::Blank,
            PACKED_UNREADABLE => DateCell::Unreadable,
            // An arithmetic shift floors, so negative stamps come back whole too.
            _ => DateCell::At(Stamp::at(packed >> 1, packed & 1 == 1)),
        })
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = DateCell> + '_ {
        (0..self.len()).filter_map(|i| self.get(i))
    }
}

impl Extend<DateCell> for DateColumn {
    fn extend<I: IntoIterator<Item = DateCell>>(&mut self, cells: I) {
        self.0.extend(cells.into_iter().map(|cell| match cell {
            DateCell::Blank => PACKED_BLANK,
            DateCell::Unreadable => PACKED_UNREADABLE,
            DateCell::At(s) => s.secs * 2 + i64::from(s.has_time),
        }));
    }
}

/// Parses one of the accepted formats (see the module docs); `None` when it is none of them
/// or names an impossible date or time.
pub fn parse_stamp(text: &str) -> Option<Stamp> {
    let mut p = Cursor::new(text.trim());
    let first = p.digits(1, 4)?;
    let (date, us_style) = if first.1 == 4 && (p.eat(b'-') || p.eat(b'/')) {
        let sep = p.prev();
        let month = p.digits(1, 2)?.0;
        if !p.eat(sep) {
            return None;
        }
        let day = p.digits(1, 2)?.0;
        (NaiveDate::from_ymd_opt(first.0 as i32, month, day)?, false)
    } else if first.1 <= 2 && p.eat(b'/') {
        let day = p.digits(1, 2)?.0;
        if !p.eat(b'/') {
            return None;
        }
        let year = p.digits(4, 4)?.0;
        (NaiveDate::from_ymd_opt(year as i32, first.0, day)?, true)
    } else {
        return None;
    };
    if p.done() {
        return Some(stamp(date, NaiveTime::MIN, 0, false));
    }
    if !(p.eat(b'T') || p.eat(b't') || p.eat(b' ')) {
        return None;
    }
    p.skip_spaces();
    let hour = p.digits(1, 2)?.0;
    if !p.eat(b':') {
        return None;
    }
    let minute = p.digits(2, 2)?.0;
    let second = if p.eat(b':') { p.digits(2, 2)?.0 } else { 0 };
    if p.eat(b'.') || p.eat(b',') {
        p.digits(1, 9)?;
    }
    p.skip_spaces();
    let hour = match p.meridiem() {
        Some(pm) if us_style && (1..=12).contains(&hour) => hour % 12 + if pm { 12 } else { 0 },
        Some(_) => return None,
        None => hour,
    };
    let time = NaiveTime::from_hms_opt(hour, minute, second)?;
    p.skip_spaces();
    let offset = p.offset()?;
    p.done().then(|| stamp(date, time, offset, true))
}

fn stamp(date: NaiveDate, time: NaiveTime, offset_secs: i64, has_time: bool) -> Stamp {
    Stamp::at(
        date.and_time(time).and_utc().timestamp() - offset_secs,
        has_time,
    )
}

/// A byte cursor over ASCII date text.
struct Cursor<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Cursor<'a> {
    fn new(text: &'a str) -> Self {
        Cursor {
            bytes: text.as_bytes(),
            at: 0,
        }
    }

    fn done(&self) -> bool {
        self.at == self.bytes.len()
    }

    fn prev(&self) -> u8 {
        self.bytes
            .get(self.at.wrapping_sub(1))
            .copied()
            .unwrap_or(0)
    }

    fn eat(&mut self, byte: u8) -> bool {
        if self.bytes.get(self.at) == Some(&byte) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn skip_spaces(&mut self) {
        while self.eat(b' ') {}
    }

    /// `min..=max` ASCII digits as a number, with how many there were.
    fn digits(&mut self, min: usize, max: usize) -> Option<(u32, usize)> {
        let start = self.at;
        let mut value: u32 = 0;
        while self.at - start < max {
            match self.bytes.get(self.at) {
                Some(b) if b.is_ascii_digit() => {
                    value = value * 10 + u32::from(b - b'0');
                    self.at += 1;
                }
                _ => break,
            }
        }
        let n = self.at - start;
        (n >= min).then_some((value, n))
    }

    /// `AM`/`PM` (any case): Some(true) for PM.
    fn meridiem(&mut self) -> Option<bool> {
        let rest = self.bytes.get(self.at..self.at + 2)?;
        let pm = match rest.to_ascii_uppercase().as_slice() {
            b"AM" => false,
            b"PM" => true,
            _ => return None,
        };
        self.at += 2;
        Some(pm)
    }

    /// An optional UTC offset in seconds: `Z`, `UTC`, `GMT`, `±HH`, `±HH:MM`, `±HHMM`.
    fn offset(&mut self) -> Option<i64> {
        if self.done() {
            return Some(0);
        }
        if self.eat(b'Z') || self.eat(b'z') {
            return Some(0);
        }
        let rest = &self.bytes[self.at..];
        if rest.eq_ignore_ascii_case(b"UTC") || rest.eq_ignore_ascii_case(b"GMT") {
            self.at = self.bytes.len();
            return Some(0);
        }
        let sign: i64 = if self.eat(b'+') {
            1
        } else if self.eat(b'-') {
            -1
        } else {
            return None;
        };
        let (hours, n) = self.digits(2, 4)?;
        let (hours, minutes) = if n == 4 {
            (hours / 100, hours % 100)
        } else if n == 2 && self.eat(b':') {
            (hours, self.digits(2, 2)?.0)
        } else if n == 2 {
            (hours, 0)
        } else {
            return None;
        };
        (hours <= 23 && minutes <= 59).then(|| sign * i64::from(hours * 3600 + minutes * 60))
    }
}

/// A consent age limit from the rules: `30d`, `6m`, `2y`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    Days(u32),
    Months(u32),
    Years(u32),
}

impl Period {
    pub fn parse(text: &str) -> Option<Period> {
        let text = text.trim();
        let unit = text.chars().last()?;
        let number: u32 = text[..text.len() - unit.len_utf8()].trim().parse().ok()?;
        match unit.to_ascii_lowercase() {
            'd' => Some(Period::Days(number)),
            'm' => Some(Period::Months(number)),
            'y' => Some(Period::Years(number)),
            _ => None,
        }
    }

    /// The last day still inside the period that starts on `from` (None past year 262143).
    pub fn end(self, from: NaiveDate) -> Option<NaiveDate> {
        match self {
            Period::Days(n) => from.checked_add_days(Days::new(u64::from(n))),
            Period::Months(n) => from.checked_add_months(Months::new(n)),
            Period::Years(n) => from.checked_add_months(Months::new(n.checked_mul(12)?)),
        }
    }
}

/// `date` plus `n` business days (Monday–Friday; public holidays are not modelled, so a
/// deadline spanning a holiday comes out a day early — the cautious side).
pub fn add_business_days(date: NaiveDate, n: u32) -> NaiveDate {
    let mut day = date;
    let mut left = n;
    while left > 0 {
        match day.succ_opt() {
            Some(next) => day = next,
            None => return day,
        }
        if !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
            left -= 1;
        }
    }
    day
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    /// Every kind of cell, before 1970 too, comes back from the packed column as it went in.
    #[test]
    fn date_column_gives_back_the_cells_it_was_given() {
        let cells: Vec<DateCell> = [
            None,
            Some("not a date"),
            Some("2026-11-25"),
            Some("2026-11-25T14:03:07Z"),
            Some("1969-12-31T23:59:59Z"),
            Some("0001-01-01"),
            Some("9999-12-31 23:59:59"),
        ]
        .into_iter()
        .map(DateCell::of)
        .collect();
        assert!(matches!(cells[4], DateCell::At(s) if s.secs == -1 && s.has_time));
        let mut column = DateColumn::default();
        column.extend(cells.iter().copied());
        assert_eq!(column.len(), cells.len());
        assert_eq!(column.iter().collect::<Vec<_>>(), cells);
        assert_eq!(column.get(cells.len()), None);
    }

    fn secs(text: &str) -> i64 {
        parse_stamp(text)
            .unwrap_or_else(|| panic!("{text} should parse"))
            .secs
    }

    #[test]
    fn iso_dates_and_times() {
        let day = ymd(2026, 11, 25).and_hms_opt(0, 0, 0).unwrap().and_utc();
        assert_eq!(secs("2026-11-25"), day.timestamp());
        assert!(!parse_stamp("2026-11-25").unwrap().has_time);
        let t = day.timestamp() + 14 * 3600 + 3 * 60 + 9;
        for text in [
            "2026-11-25T14:03:09",
            "2026-11-25T14:03:09Z",
            "2026-11-25 14:03:09",
            "2026-11-25 14:03:09 UTC",
            "2026-11-25T14:03:09.123456Z",
            "2026-11-25T15:03:09+01:00",
            "2026-11-25T15:03:09+0100",
            "2026-11-25T09:03:09-05",
            " 2026-11-25T14:03:09 ",
            "2026/11/25 14:03:09",
        ] {
            assert_eq!(secs(text), t, "{text}");
            assert!(parse_stamp(text).unwrap().has_time, "{text}");
        }
        assert_eq!(secs("2026-11-25T14:03"), t - 9);
    }

    #[test]
    fn us_dates_are_month_first() {
        assert_eq!(secs("11/25/2026"), secs("2026-11-25"));
        assert_eq!(secs("1/5/2026"), secs("2026-01-05"));
        assert_eq!(secs("11/25/2026 2:03 PM"), secs("2026-11-25T14:03:00"));
        assert_eq!(secs("11/25/2026 12:03 am"), secs("2026-11-25T00:03:00"));
        assert_eq!(secs("11/25/2026 14:03:09"), secs("2026-11-25T14:03:09"));
        // Day-first input is not guessed at: 25 is no month.
        assert_eq!(parse_stamp("25/11/2026"), None);
    }

    #[test]
    fn junk_and_impossible_dates_are_unreadable() {
        for text in [
            "",
            "yesterday",
            "2026-13-01",
            "2026-02-30",
            "2026-11-25T25:00:00",
            "2026-11-25T10:00:00+25:00",
            "2026-11-25T10:00:00 PM",
            "2026-11-25x",
            "20261125",
            "11-25-2026",
            "2026-11",
        ] {
            assert_eq!(parse_stamp(text), None, "{text}");
        }
        assert_eq!(DateCell::of(Some("  ")), DateCell::Blank);
        assert_eq!(DateCell::of(None), DateCell::Blank);
        assert_eq!(DateCell::of(Some("soon")), DateCell::Unreadable);
    }

    #[test]
    fn offsets_can_change_the_utc_day() {
        let s = parse_stamp("2026-11-25T23:30:00-05:00").unwrap();
        assert_eq!(s.date(), ymd(2026, 11, 26));
    }

    #[test]
    fn periods_add_calendar_units() {
        assert_eq!(Period::parse("2y"), Some(Period::Years(2)));
        assert_eq!(Period::parse("6m"), Some(Period::Months(6)));
        assert_eq!(Period::parse("30 d"), Some(Period::Days(30)));
        assert_eq!(Period::parse("6w"), None);
        assert_eq!(Period::parse("y"), None);
        let from = ymd(2024, 11, 25);
        assert_eq!(Period::Years(2).end(from), Some(ymd(2026, 11, 25)));
        assert_eq!(
            Period::Months(6).end(ymd(2026, 8, 31)),
            Some(ymd(2027, 2, 28))
        );
        assert_eq!(Period::Days(31).end(from), Some(ymd(2024, 12, 26)));
    }

    #[test]
    fn business_days_skip_weekends() {
        // 2026-11-20 is a Friday: ten business days later is Friday 2026-12-04.
        assert_eq!(add_business_days(ymd(2026, 11, 20), 10), ymd(2026, 12, 4));
        assert_eq!(add_business_days(ymd(2026, 11, 21), 1), ymd(2026, 11, 23));
        assert_eq!(add_business_days(ymd(2026, 11, 20), 0), ymd(2026, 11, 20));
    }
}
