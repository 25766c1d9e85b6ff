//! `address.postal`: postal codes checked against their country's format, and normalised to
//! its canonical spelling. Formats are data: `rules/lists/postal_codes.tsv`.

use std::collections::HashMap;
use std::fmt;
use std::sync::LazyLock;

use regex::Regex;

use crate::checks::text::{fold_full_width, list_entries};

#[derive(Debug)]
struct PostalFormat {
    pattern: Regex,
    layouts: Vec<&'static str>,
    prefixes: Vec<&'static str>,
    example: &'static str,
}

static FORMATS: LazyLock<HashMap<&'static str, PostalFormat>> = LazyLock::new(|| {
    list_entries(include_str!("../../../rules/lists/postal_codes.tsv"))
        .filter_map(|line| {
            let mut columns = line.split('\t');
            let country = columns.next()?;
            let pattern = Regex::new(&format!("^(?:{})$", columns.next()?)).ok()?;
            let layouts = columns.next()?.split('|').collect();
            let prefixes = columns
                .next()?
                .split('|')
                .filter(|p| !p.is_empty())
                .collect();
            let example = columns.next()?;
            Some((
                country,
                PostalFormat {
                    pattern,
                    layouts,
                    prefixes,
                    example,
                },
            ))
        })
        .collect()
});

/// Why a postal code is not valid for its country. `Display` is the plain-words finding detail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PostalProblem {
    Malformed {
        country: String,
        example: String,
        /// The code with lost leading zeros restored, when that makes it valid (a spreadsheet
        /// read `02134` as the number 2134). Only a hint: the value is not changed.
        leading_zero_hint: Option<String>,
    },
    AllZeros,
}

impl fmt::Display for PostalProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Malformed {
                country,
                example,
                leading_zero_hint,
            } => {
                write!(
                    f,
                    "not a valid {country} postal code (expected like {example})"
                )?;
                match leading_zero_hint {
                    Some(fixed) => write!(
                        f,
                        "; it looks like a spreadsheet dropped a leading zero: {fixed}?"
                    ),
                    None => Ok(()),
                }
            }
            Self::AllZeros => write!(f, "is all zeros, a placeholder"),
        }
    }
}

/// What the postal check says about one (code, country) pair.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostalVerdict {
    /// `postal_code_normalized`: the canonical spelling of a valid code; for countries without
    /// a known format, the value upper-cased with single spaces (not validated).
    pub normalized: Option<String>,
    pub problem: Option<PostalProblem>,
    /// Whether the country's format is known, i.e. whether the code was actually judged.
    pub checked: bool,
}

/// Checks `code` against the format of `country` (ISO alpha-2, see `normalize_country`).
/// An empty code is not judged (that is `field.missing`'s business).
pub fn verify_postal(code: &str, country: &str) -> PostalVerdict {
    let folded = fold_full_width(code);
    let written = folded.split_whitespace().collect::<Vec<_>>().join(" ");
    if written.is_empty() {
        return PostalVerdict {
            normalized: None,
            problem: None,
            checked: false,
        };
    }
    let Some(format) = FORMATS.get(country.trim().to_ascii_uppercase().as_str()) else {
        return PostalVerdict {
            normalized: Some(written.to_uppercase()),
            problem: None,
            checked: false,
        };
    };
    let compact: String = written
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_uppercase)
        .collect();
    let code = without_prefix(&compact, format);
    let problem = if !format.pattern.is_match(code) {
        Some(PostalProblem::Malformed {
            country: country.to_ascii_uppercase(),
            example: format.example.to_string(),
            leading_zero_hint: leading_zero_hint(code, format),
        })
    } else if code.chars().all(|c| c == '0') {
        Some(PostalProblem::AllZeros)
    } else {
        None
    };
    PostalVerdict {
        normalized: problem.is_none().then(|| layout(code, format)),
        problem,
        checked: true,
    }
}

/// `D-10115` -> `10115`: a country prefix is dropped when what follows is a valid code.
fn without_prefix<'a>(compact: &'a str, format: &PostalFormat) -> &'a str {
    format
        .prefixes
        .iter()
        .filter_map(|prefix| compact.strip_prefix(prefix))
        .find(|rest| format.pattern.is_match(rest))
        .unwrap_or(compact)
}

/// The canonical spelling: the layout with one `#` per character of the code.
fn layout(code: &str, format: &PostalFormat) -> String {
    let chars: Vec<char> = code.chars().collect();
    let Some(layout) = format
        .layouts
        .iter()
        .find(|l| l.matches('#').count() == chars.len())
    else {
        return code.to_string();
    };
    let mut next = chars.iter();
    layout
        .chars()
        .map(|c| match c {
            '#' => next.next().copied().unwrap_or(c),
            literal => literal,
        })
        .collect()
}

fn leading_zero_hint(code: &str, format: &PostalFormat) -> Option<String> {
    // A spreadsheet may also have turned the number into "2134.0".
    let digits = code.strip_suffix(".0").unwrap_or(code);
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    format
        .layouts
        .iter()
        .map(|l| l.matches('#').count())
        .filter(|&len| len > digits.len())
        .map(|len| format!("{digits:0>len$}"))
        .find(|padded| format.pattern.is_match(padded))
        .map(|padded| layout(&padded, format))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn normalized(code: &str, country: &str) -> String {
        let verdict = verify_postal(code, country);
        assert_eq!(verdict.problem, None, "{code:?} in {country}");
        assert!(verdict.checked);
        verdict.normalized.unwrap_or_default()
    }

    fn malformed(code: &str, country: &str) -> PostalProblem {
        let verdict = verify_postal(code, country);
        assert_eq!(verdict.normalized, None, "{code:?} in {country}");
        match verdict.problem {
            Some(problem) => problem,
            None => panic!("{code:?} accepted for {country}"),
        }
    }

    #[test]
    fn table_has_at_least_25_countries_and_every_row_parses() {
        let rows = list_entries(include_str!("../../../rules/lists/postal_codes.tsv")).count();
        assert_eq!(FORMATS.len(), rows, "a row failed to parse");
        assert!(FORMATS.len() >= 25);
        // Every example in the table is itself valid.
        for (country, format) in FORMATS.iter() {
            for example in format.example.split(" or ") {
                assert_eq!(
                    verify_postal(example, country).problem,
                    None,
                    "{country} {example}"
                );
            }
        }
    }

    /// A valid code (as people write it, canonical form) and a near miss for each country.
    #[test]
    fn valid_codes_and_near_misses_per_country() {
        #[rustfmt::skip]
        let cases = [
            ("US", "02134", "02134", "2134"),
            ("US", "90210-1234", "90210-1234", "90210-123"),
            ("US", "902101234", "90210-1234", "9021"),
            ("CA", "k1a0b1", "K1A 0B1", "K1A 0B"),
            ("CA", "M5V 3L9", "M5V 3L9", "D5V 3L9"),
            ("GB", "sw1a1aa", "SW1A 1AA", "SW1A 1A"),
            ("GB", "M1 1AE", "M1 1AE", "Q1 1AE"),
            ("GB", "B33 8TH", "B33 8TH", "B33 8CH"),
            ("GB", "CR2 6XH", "CR2 6XH", "CR2 6X"),
            ("GB", "DN55 1PT", "DN55 1PT", "DN555 1PT"),
            ("IE", "D02 X285", "D02 X285", "D02 X28"),
            ("IE", "d6wxy12", "D6W XY12", "B02 X285"),
            ("DE", "10115", "10115", "1011"),
            ("DE", "D-10115", "10115", "00115"),
            ("FR", "75001", "75001", "7500"),
            ("FR", "F-75001", "75001", "99001"),
            ("IT", "00184", "00184", "184"),
            ("ES", "28013", "28013", "53013"),
            ("PT", "1000-001", "1000-001", "1000"),
            ("NL", "1012ab", "1012 AB", "0123 AB"),
            ("NL", "NL-1012 AB", "1012 AB", "1012 SA"),
            ("BE", "1000", "1000", "0999"),
            ("CH", "CH-8001", "8001", "08001"),
            ("AT", "1010", "1010", "101"),
            ("DK", "2100", "2100", "21000"),
            ("NO", "0150", "0150", "150"),
            ("SE", "11455", "114 55", "01455"),
            ("FI", "00100", "00100", "0010"),
            ("PL", "00950", "00-950", "0095"),
            ("CZ", "110 00", "110 00", "910 00"),
            ("GR", "10557", "105 57", "905 57"),
            ("LV", "LV-1050", "LV-1050", "LV-105"),
            ("LT", "01100", "LT-01100", "1100"),
            ("IN", "110 001", "110001", "010001"),
            ("AU", "2000", "2000", "0100"),
            ("AU", "0800", "0800", "800"),
            ("NZ", "6011", "6011", "60110"),
            ("ZA", "2001", "2001", "201"),
            ("SG", "018956", "018956", "18956"),
            ("KR", "03154", "03154", "110-123"),
            ("CN", "100000", "100000", "10000"),
            ("JP", "1000001", "100-0001", "100-001"),
            ("JP", "１００－０００１", "100-0001", "１００－００１"),
            ("BR", "01310100", "01310-100", "1310-100"),
            ("MX", "06700", "06700", "6700"),
            ("AR", "c1425dkf", "C1425DKF", "C1425DK"),
            ("RU", "101000", "101000", "010000"),
            ("TR", "34000", "34000", "99000"),
        ];
        for (country, written, canonical, near_miss) in cases {
            assert_eq!(
                normalized(written, country),
                canonical,
                "{written} {country}"
            );
            assert!(matches!(
                malformed(near_miss, country),
                PostalProblem::Malformed { .. }
            ));
        }
    }

    #[test]
    fn lost_leading_zero_is_reported_with_a_hint_not_fixed() {
        let problem = malformed("2134", "US");
        assert_eq!(
            problem,
            PostalProblem::Malformed {
                country: "US".into(),
                example: "12345 or 12345-6789".into(),
                leading_zero_hint: Some("02134".into()),
            }
        );
        assert_eq!(
            problem.to_string(),
            "not a valid US postal code (expected like 12345 or 12345-6789); \
             it looks like a spreadsheet dropped a leading zero: 02134?"
        );
        assert_eq!(
            malformed("2134-1234", "US"),
            PostalProblem::Malformed {
                country: "US".into(),
                example: "12345 or 12345-6789".into(),
                leading_zero_hint: Some("02134-1234".into()),
            }
        );
        let float = malformed("2134.0", "US");
        assert!(float.to_string().contains("02134?"), "{float}");
        // No hint where zeros would not make it valid.
        let no_hint = malformed("ABCD", "US");
        assert!(!no_hint.to_string().contains("leading zero"), "{no_hint}");
    }

    #[test]
    fn all_zeros_is_a_placeholder() {
        assert_eq!(malformed("00000", "US"), PostalProblem::AllZeros);
        assert_eq!(malformed("0000", "DK"), PostalProblem::AllZeros);
    }

    #[test]
    fn unknown_countries_and_empty_codes_are_not_judged() {
        let hk = verify_postal(" 999077 ", "HK");
        assert_eq!(
            hk,
            PostalVerdict {
                normalized: Some("999077".into()),
                problem: None,
                checked: false
            }
        );
        assert!(!verify_postal("", "US").checked);
        assert!(!verify_postal("12345", "").checked);
        assert_eq!(verify_postal("  ", "US").normalized, None);
    }
}
