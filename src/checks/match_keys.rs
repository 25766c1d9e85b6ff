//! Match keys: how a lead is recognised on another list (consent records, suppression
//! lists). Both sides of a join go through the same functions, so equal keys mean the same
//! address or number.
//!
//! Phones: the lead's `phone_e164` (the phone family's, valid numbers only); otherwise the
//! raw number parsed with rlibphonenumber in the lead's country (else the rules' default),
//! so a number the phone family rejects still matches the same number on a list. Each
//! distinct (number, region) pair is parsed once, in parallel.

use std::borrow::Cow;

use polars::prelude::*;
use rlibphonenumber::{enums::Region, PhoneNumber, PhoneNumberFormat};

use super::distinct::Distinct;
use super::{str_cells, str_column};
use crate::error::Result;

/// An ISO 3166 alpha-2 country code, upper case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Country([u8; 2]);

impl Country {
    /// Two ASCII letters in any case (`UK` is read as `GB`); anything else is `None`.
    pub fn parse(text: &str) -> Option<Country> {
        match text.trim().as_bytes() {
            [a, b] if a.is_ascii_alphabetic() && b.is_ascii_alphabetic() => {
                match [a.to_ascii_uppercase(), b.to_ascii_uppercase()] {
                    [b'U', b'K'] => Some(Country(*b"GB")),
                    code => Some(Country(code)),
                }
            }
            _ => None,
        }
    }

    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or("")
    }
}

/// Trimmed, lower-cased address; `None` unless it has text on both sides of an `@`.
/// Borrowed when already lower case (most are: every lead is keyed once per list stage).
pub fn email_key(raw: &str) -> Option<Cow<'_, str>> {
    let value = raw.trim();
    let (local, domain) = value.rsplit_once('@')?;
    if local.is_empty() || domain.is_empty() {
        return None;
    }
    let lower = value
        .bytes()
        .all(|b| b.is_ascii() && !b.is_ascii_uppercase());
    Some(if lower {
        Cow::Borrowed(value)
    } else {
        Cow::Owned(value.to_lowercase())
    })
}

/// Email keys of a column (all null when the column is absent).
pub fn email_keys(values: Option<&StringChunked>, height: usize) -> StringChunked {
    match values {
        Some(values) => values
            .iter()
            .map(|v| v.and_then(email_key))
            .collect::<StringChunked>()
            .with_name("email_key".into()),
        None => StringChunked::full_null("email_key".into(), height),
    }
}

/// A number as E.164 (`+16502530000`), parsed in `region` unless it is international; `None`
/// when it cannot be a phone number of that length.
pub fn phone_key(raw: &str, region: &str) -> Option<String> {
    let text = raw.trim();
    if is_e164(text) {
        return Some(text.to_string());
    }
    if let Some(key) = nanp_key(text, region) {
        return Some(key);
    }
    let number = PhoneNumber::parse(text, Region::from_code(region).ok()).ok()?;
    number.is_possible_with_reason().ok()?;
    Some(number.format_as(PhoneNumberFormat::E164).into_owned())
}

/// North American numbers as lead files write them — `(650) 253-0000`, `650.253.0000`,
/// `1-650-253-0000` — read in a `+1` region without the full parser (most US/CA lists are
/// all such numbers; the result equals libphonenumber's, see the tests). Anything else:
/// `None`, and the parser decides.
fn nanp_key(text: &str, region: &str) -> Option<String> {
    if !matches!(region, "US" | "CA") {
        return None;
    }
    let mut digits = String::with_capacity(12);
    digits.push('+');
    for c in text.chars() {
        match c {
            '0'..='9' => digits.push(c),
            ' ' | '(' | ')' | '-' | '.' => {}
            _ => return None,
        }
    }
    let national = match digits.len() - 1 {
        10 => &digits[1..],
        11 if digits.as_bytes().get(1) == Some(&b'1') => &digits[2..],
        _ => return None,
    };
    // NANP area codes and exchanges start with 2–9.
    let bytes = national.as_bytes();
    if !(b'2'..=b'9').contains(bytes.first()?) || !(b'2'..=b'9').contains(bytes.get(3)?) {
        return None;
    }
    Some(format!("+1{national}"))
}

/// `+` and 7–15 digits, no leading zero: already E.164, nothing to parse.
fn is_e164(text: &str) -> bool {
    let digits = text.strip_prefix('+').unwrap_or("");
    (7..=15).contains(&digits.len())
        && !digits.starts_with('0')
        && digits.bytes().all(|b| b.is_ascii_digit())
}

/// Phone keys for (number, region) cells. Numbers already in E.164 are their own key;
/// the others are parsed once per distinct (number, region) pair, in parallel.
pub fn phone_keys(cells: &[Option<(&str, &str)>]) -> StringChunked {
    fn given<'a>(cell: &Option<(&'a str, &str)>) -> Option<&'a str> {
        cell.map(|(value, _)| value.trim())
            .filter(|value| is_e164(value))
    }
    let distinct = Distinct::new(
        cells
            .iter()
            .map(|cell| cell.filter(|_| given(cell).is_none())),
    );
    let keys = distinct.map(|(value, region)| phone_key(value, region));
    StringChunked::from_iter_options(
        "phone_key".into(),
        cells
            .iter()
            .zip(distinct.per_row(&keys))
            .map(|(cell, parsed)| given(cell).or_else(|| parsed.and_then(|k| k.as_deref()))),
    )
}

/// Each lead's own country: `country_normalized` (the identity stage's reading of any
/// spelling) where the row has a `country`, else a two-letter `country` cell. Rows without a
/// country get `None` — not the rules' default, which `country_normalized` fills in — so
/// callers can fall back on the phone number's country.
pub fn lead_countries(leads: &DataFrame) -> Result<Vec<Option<Country>>> {
    let Some(written) = str_column(leads, "country")? else {
        return Ok(vec![None; leads.height()]);
    };
    let normalized = str_column(leads, "country_normalized")?;
    let normalized = normalized.as_deref();
    let height = leads.height();
    // Cells read in step (a lookup by row searches the column's chunks each time).
    Ok(written
        .iter()
        .zip(str_cells(normalized, height))
        .map(|(w, n)| {
            let w = w.filter(|w| !w.trim().is_empty())?;
            match normalized {
                Some(_) => n.and_then(Country::parse),
                None => Country::parse(w),
            }
        })
        .collect())
}

/// Each lead's phone key: the phone family's `phone_e164` where it has one (valid numbers),
/// else the raw number parsed here (see the module docs).
pub fn lead_phone_keys(
    leads: &DataFrame,
    countries: &[Option<Country>],
    default_country: &str,
) -> Result<StringChunked> {
    let Some(phones) = str_column(leads, "phone")? else {
        return Ok(StringChunked::full_null("phone_key".into(), leads.height()));
    };
    let height = leads.height();
    let e164 = str_column(leads, "phone_e164")?;
    let e164: Vec<Option<&str>> = str_cells(e164.as_deref(), height).collect();
    let cells: Vec<Option<(&str, &str)>> = phones
        .iter()
        .zip(&e164)
        .zip(countries)
        .map(|((phone, given), country)| {
            phone
                .filter(|_| given.is_none())
                .map(|p| (p, country.as_ref().map_or(default_country, Country::as_str)))
        })
        .collect();
    let parsed = phone_keys(&cells);
    Ok(StringChunked::from_iter_options(
        "phone_key".into(),
        e164.iter()
            .zip(parsed.iter())
            .map(|(given, parsed)| given.or(parsed)),
    ))
}

/// The country a phone key belongs to (`+14165550000` -> CA).
pub fn phone_country(key: &str) -> Option<Country> {
    let number = PhoneNumber::parse(key, None).ok()?;
    Country::parse(number.get_region_code()?.as_region_str().as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_keys_are_e164_in_the_given_region() {
        assert_eq!(
            phone_key("(650) 253-0000", "US").as_deref(),
            Some("+16502530000")
        );
        assert_eq!(
            phone_key("+1 650 253 0000", "GB").as_deref(),
            Some("+16502530000")
        );
        assert_eq!(
            phone_key("030 123456", "DE").as_deref(),
            Some("+4930123456")
        );
        assert_eq!(phone_key("12", "US"), None);
        assert_eq!(phone_key("not a phone", "US"), None);
        let cells = [
            Some(("650-253-0000", "US")),
            None,
            Some(("650-253-0000", "US")),
            Some(("020 7946 0018", "GB")),
        ];
        let keys = phone_keys(&cells);
        assert_eq!(keys.get(0), Some("+16502530000"));
        assert_eq!(keys.get(1), None);
        assert_eq!(keys.get(2), Some("+16502530000"));
        assert_eq!(keys.get(3), Some("+442079460018"));
    }

    #[test]
    fn nanp_shortcut_agrees_with_the_parser() {
        let samples = [
            "(650) 253-0000",
            "650.253.0000",
            "650-253-0000",
            "6502530000",
            "1-650-253-0000",
            "1 (416) 203-1234",
            "16502530000",
            "(212) 555-0199",
            "650 253 0000",
        ];
        for raw in samples {
            for region in ["US", "CA"] {
                let parsed = PhoneNumber::parse(raw, Region::from_code(region).ok())
                    .ok()
                    .map(|n| n.format_as(PhoneNumberFormat::E164).into_owned());
                assert_eq!(nanp_key(raw, region), parsed, "{raw} in {region}");
            }
        }
        // Left to the parser: other regions, letters, short or odd numbers, extensions.
        for (raw, region) in [
            ("650-253-0000", "GB"),
            ("1-800-FLOWERS", "US"),
            ("253-0000", "US"),
            ("(150) 253-0000", "US"),
            ("650-153-0000", "US"),
            ("650-253-0000 x12", "US"),
        ] {
            assert_eq!(nanp_key(raw, region), None, "{raw} in {region}");
        }
    }

    #[test]
    fn countries_and_emails() {
        assert_eq!(
            Country::parse(" us ").map(|c| c.as_str().to_string()),
            Some("US".into())
        );
        assert_eq!(
            Country::parse("UK").map(|c| c.as_str().to_string()),
            Some("GB".into())
        );
        assert_eq!(Country::parse("USA"), None);
        assert_eq!(
            phone_country("+14165550123").map(|c| c.as_str().to_string()),
            Some("CA".into())
        );
        assert_eq!(
            email_key(" Jo@Example.COM ").as_deref(),
            Some("jo@example.com")
        );
        assert_eq!(email_key("jo@"), None);
        assert_eq!(email_key("jo"), None);
        // Already lower case: borrowed as is; any upper-case or non-ASCII letter: lowered.
        assert!(matches!(
            email_key(" jo@example.com"),
            Some(Cow::Borrowed("jo@example.com"))
        ));
        assert_eq!(
            email_key("ÉLodie@exemple.fr").as_deref(),
            Some("élodie@exemple.fr")
        );
    }
}
