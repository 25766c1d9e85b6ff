//! Consent records (`--consent`) prepared for judging: consent-record headers mapped to their
//! fields, dates parsed, channels read, match keys computed, and what each distinct consent
//! text says worked out once.

use std::collections::{BTreeMap, HashMap};

use polars::prelude::*;
use rayon::prelude::*;

use super::channels::Channels;
use super::dates::DateCell;
use super::rules::{method_key, Compiled, ConsentRules, RECORD_FIELDS};
use super::text::{certificate_kind, contains_words, fold, Certificate};
use crate::checks::distinct::Distinct;
use crate::checks::match_keys::{email_keys, phone_keys, Country};
use crate::checks::str_column;
use crate::error::{Error, Location, PolarsContext, Result};
use crate::ingest::{header_key, Table};

/// Header spellings of consent-record fields known without any rules (rules add more).
const RECORD_ALIASES: &[(&str, &[&str])] = &[
    (
        "consented_at",
        &[
            "consent_date",
            "consent_at",
            "consent_time",
            "consent_timestamp",
            "consented",
            "consented_on",
            "date_consented",
            "opt_in_date",
            "opted_in_at",
            "optin_at",
            "optin_date",
        ],
    ),
    (
        "consent_text",
        &[
            "consent",
            "consent_language",
            "consent_wording",
            "disclosure",
            "disclosure_text",
            "tcpa_language",
            "tcpa_text",
        ],
    ),
    ("seller", &["seller_name", "brand", "advertiser"]),
    (
        "certificate",
        &[
            "cert",
            "cert_url",
            "certificate_url",
            "consent_certificate",
            "jornaya_leadid",
            "jornaya_token",
            "leadid_token",
            "trusted_form",
            "trustedform",
            "trustedform_cert_url",
            "trustedform_url",
            "xxtrustedformcerturl",
        ],
    ),
    (
        "method",
        &["consent_method", "consent_type", "basis", "legal_basis"],
    ),
    (
        "revoked_at",
        &[
            "opt_out_date",
            "opted_out_at",
            "optout_date",
            "revocation_date",
            "revoked",
            "revoked_on",
            "unsubscribed_at",
            "withdrawn_at",
        ],
    ),
    ("purpose", &["consent_purpose"]),
    (
        "certificate_claimed_at",
        &["claimed_at", "cert_claimed_at", "certificate_claimed"],
    ),
];

/// Record fields read while judging, by position (no name lookups in the per-lead loop).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    ConsentedAt,
    Ip,
    PageUrl,
    ConsentText,
    Seller,
    Certificate,
    Method,
    Purpose,
    Email,
    Phone,
    FirstName,
    LastName,
    FullName,
    CapturedAt,
    RevokedAt,
    CertificateClaimedAt,
}

impl Field {
    pub const ALL: [Field; 16] = [
        Field::ConsentedAt,
        Field::Ip,
        Field::PageUrl,
        Field::ConsentText,
        Field::Seller,
        Field::Certificate,
        Field::Method,
        Field::Purpose,
        Field::Email,
        Field::Phone,
        Field::FirstName,
        Field::LastName,
        Field::FullName,
        Field::CapturedAt,
        Field::RevokedAt,
        Field::CertificateClaimedAt,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Field::ConsentedAt => "consented_at",
            Field::Ip => "ip",
            Field::PageUrl => "page_url",
            Field::ConsentText => "consent_text",
            Field::Seller => "seller",
            Field::Certificate => "certificate",
            Field::Method => "method",
            Field::Purpose => "purpose",
            Field::Email => "email",
            Field::Phone => "phone",
            Field::FirstName => "first_name",
            Field::LastName => "last_name",
            Field::FullName => "full_name",
            Field::CapturedAt => "captured_at",
            Field::RevokedAt => "revoked_at",
            Field::CertificateClaimedAt => "certificate_claimed_at",
        }
    }

    pub fn named(name: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|f| f.name() == name)
    }
}

/// What is true of one record regardless of the lead it serves, worked out once.
#[derive(Debug, Clone, Copy, Default)]
pub struct RecordFacts {
    /// Bit `f as usize` set when field `f` has a non-blank value.
    present: u32,
    pub bad_ip: bool,
    pub bad_page_url: bool,
}

impl RecordFacts {
    pub fn has(self, field: Field) -> bool {
        self.present & (1 << field as u32) != 0
    }
}

/// Not an `http://` or `https://` address with something after the scheme.
fn bad_page_url(url: &str) -> bool {
    let scheme = |s: &str| {
        url.get(..s.len())
            .is_some_and(|p| p.eq_ignore_ascii_case(s))
    };
    let rest = if scheme("https://") {
        &url[8..]
    } else if scheme("http://") {
        &url[7..]
    } else {
        return true;
    };
    rest.len() < 3
}

/// What one distinct (consent text, record seller) pair says.
#[derive(Debug, Clone, Copy, Default)]
pub struct TextFacts {
    pub has_text: bool,
    pub names_seller: bool,
    /// Bit `i` set when the text has a phrase of phrase group `i`.
    pub phrase_groups: u64,
}

/// Consent records ready to judge; `rec` indices are rows of the consent file (0-based).
pub struct Records {
    pub path: String,
    /// The file's columns of each [`Field`], by position.
    cells: Vec<Option<StringChunked>>,
    /// Per record: index into `method_keys` (`method` folded by [`method_key`]).
    method: Vec<Option<u32>>,
    method_keys: Vec<String>,
    pub channels: Vec<Channels>,
    pub consented: Vec<DateCell>,
    pub revoked: Vec<DateCell>,
    pub captured: Vec<DateCell>,
    /// Present only when the file has a `certificate_claimed_at` column.
    pub claimed: Option<Vec<DateCell>>,
    pub certificate: Vec<Option<std::result::Result<Certificate, &'static str>>>,
    pub record_facts: Vec<RecordFacts>,
    pub facts: Vec<TextFacts>,
    pub lead_id: StringChunked,
    pub email_key: StringChunked,
    pub phone_key: StringChunked,
}

impl Records {
    pub fn len(&self) -> usize {
        self.channels.len()
    }

    /// A record field's trimmed value, `None` when empty or absent.
    pub fn value(&self, field: Field, rec: usize) -> Option<&str> {
        self.cells
            .get(field as usize)?
            .as_ref()?
            .get(rec)
            .map(str::trim)
            .filter(|v| !v.is_empty())
    }

    /// The record's `method`, folded for `max_age` lookups.
    pub fn method_key(&self, rec: usize) -> Option<&str> {
        let i = (*self.method.get(rec)?)?;
        self.method_keys.get(i as usize).map(String::as_str)
    }

    /// A row that only records a revocation (an opt-out log line), not a consent.
    pub fn is_revocation_only(&self, rec: usize) -> bool {
        self.consented.get(rec) == Some(&DateCell::Blank)
            && !matches!(self.revoked.get(rec), Some(DateCell::Blank) | None)
    }

    pub fn prepare(
        table: &Table,
        rules: &ConsentRules,
        compiled: &Compiled,
        default_country: &str,
    ) -> Result<Records> {
        let mut frame = map_record_headers(table, rules)?;
        // One chunk per column: the judging reads cells by row index.
        frame.rechunk_mut();
        let height = frame.height();
        let text = |name: &str| str_column(&frame, name);

        let channel = text("channel")?;
        let (consented_at, revoked_at) = (text("consented_at")?, text("revoked_at")?);
        let (captured_at, claimed_at) = (text("captured_at")?, text("certificate_claimed_at")?);
        let (method, certificate) = (text("method")?, text("certificate")?);
        let (consent_text, seller) = (text("consent_text")?, text("seller")?);
        let (lead_ids, emails) = (text("lead_id")?, text("email")?);
        let (country, phone) = (text("country")?, text("phone")?);
        let cells = Field::ALL
            .iter()
            .map(|f| text(f.name()).map(|c| c.cloned()))
            .collect::<Result<Vec<_>>>()?;

        // Each part reads its own columns: run them side by side (one after another, this
        // stage's preparation of 1.5M records used one core of two).
        let channels = || match channel {
            Some(values) => values
                .iter()
                .map(|v| match v.map(Channels::parse) {
                    Some(c) if !c.is_empty() => c,
                    _ => compiled.blank_record_channels,
                })
                .collect(),
            None => vec![compiled.blank_record_channels; height],
        };
        let methods = || match method {
            Some(values) => Distinct::new(values.iter().map(|m| m.map(method_key))),
            None => Distinct::new(std::iter::repeat_n(None, height)),
        };
        let certificates = || match certificate {
            Some(values) => {
                let cells: Vec<Option<&str>> = values.iter().collect();
                cells
                    .par_iter()
                    .map(|v| {
                        v.map(str::trim)
                            .filter(|v| !v.is_empty())
                            .map(certificate_kind)
                    })
                    .collect()
            }
            None => vec![None; height],
        };
        let lead_id = || match lead_ids {
            Some(values) => trimmed(values),
            None => StringChunked::full_null("lead_id".into(), height),
        };
        let phone_key = || {
            let countries: Vec<Option<Country>> = match country {
                Some(values) => values.iter().map(|v| v.and_then(Country::parse)).collect(),
                None => vec![None; height],
            };
            match phone {
                Some(phones) => {
                    let cells: Vec<Option<(&str, &str)>> = phones
                        .iter()
                        .zip(&countries)
                        .map(|(p, c)| {
                            p.map(|p| (p, c.as_ref().map_or(default_country, Country::as_str)))
                        })
                        .collect();
                    phone_keys(&cells)
                }
                None => StringChunked::full_null("phone_key".into(), height),
            }
        };
        let dates = || {
            (
                parse_dates(consented_at, height),
                parse_dates(revoked_at, height),
                parse_dates(captured_at, height),
                claimed_at.map(|c| parse_dates(Some(c), height)),
            )
        };
        let (((channels, methods), (lead_id, certificate)), ((facts, record_facts), rest)) =
            rayon::join(
                || {
                    rayon::join(
                        || rayon::join(channels, methods),
                        || rayon::join(lead_id, certificates),
                    )
                },
                || {
                    rayon::join(
                        || {
                            rayon::join(
                                || text_facts(consent_text, seller, compiled, height),
                                || record_facts(&cells, height),
                            )
                        },
                        || {
                            rayon::join(
                                || rayon::join(|| email_keys(emails, height), phone_key),
                                dates,
                            )
                        },
                    )
                },
            );
        let ((email_key, phone_key), (consented, revoked, captured, claimed)) = rest;
        Ok(Records {
            path: table.info.path.clone(),
            cells,
            record_facts,
            method: methods.row_key,
            method_keys: methods.keys,
            channels,
            consented,
            revoked,
            captured,
            claimed,
            certificate,
            facts,
            lead_id,
            email_key,
            phone_key,
        })
    }
}

/// Per record: which fields are filled and whether IP and page URL look right. Column by
/// column (sequential reads are several times faster than reading cells by row).
fn record_facts(cells: &[Option<StringChunked>], height: usize) -> Vec<RecordFacts> {
    let mut facts = vec![RecordFacts::default(); height];
    for field in Field::ALL {
        let Some(column) = cells.get(field as usize).and_then(Option::as_ref) else {
            continue;
        };
        for (fact, value) in facts.iter_mut().zip(column.iter()) {
            let Some(value) = value.map(str::trim).filter(|v| !v.is_empty()) else {
                continue;
            };
            fact.present |= 1 << field as u32;
            match field {
                Field::Ip => fact.bad_ip = value.parse::<std::net::IpAddr>().is_err(),
                Field::PageUrl => fact.bad_page_url = bad_page_url(value),
                _ => {}
            }
        }
    }
    facts
}

/// Trimmed values, empty ones as null (join keys). Ids usually need neither: then the
/// column itself is returned (shared, not copied: 1.5M consent records' lead ids are ~40 MB).
pub fn trimmed(values: &StringChunked) -> StringChunked {
    let as_is = |v: Option<&str>| v.is_none_or(|v| !v.is_empty() && v.trim().len() == v.len());
    if values.iter().all(as_is) {
        return values.clone();
    }
    values
        .iter()
        .map(|v| v.map(str::trim).filter(|v| !v.is_empty()))
        .collect::<StringChunked>()
        .with_name(values.name().clone())
}

/// Parses a date column in parallel.
pub fn parse_dates(values: Option<&StringChunked>, height: usize) -> Vec<DateCell> {
    match values {
        Some(values) => {
            let cells: Vec<Option<&str>> = values.iter().collect();
            cells.par_iter().map(|v| DateCell::of(*v)).collect()
        }
        None => vec![DateCell::Blank; height],
    }
}

/// Renames consent-record columns to their fields. A header the rules alias under
/// `[consent.aliases]` wins over the lead-field meaning ingest gave it (a consent export's
/// `timestamp` is when consent was given, not when a lead was captured).
fn map_record_headers(table: &Table, rules: &ConsentRules) -> Result<DataFrame> {
    let original_of: HashMap<&str, &str> = table
        .info
        .columns
        .iter()
        .map(|(header, field)| (field.as_str(), header.as_str()))
        .collect();
    let mut by_key: HashMap<String, &str> = HashMap::new();
    for (field, aliases) in RECORD_ALIASES {
        by_key.insert(header_key(field), field);
        for alias in *aliases {
            by_key.insert(header_key(alias), field);
        }
    }
    let mut user_keys: HashMap<String, &str> = HashMap::new();
    for (field, aliases) in &rules.aliases {
        for alias in aliases {
            user_keys.insert(header_key(alias), field.as_str());
        }
    }
    let mut frame = table.frame.clone();
    let mut taken: BTreeMap<&str, String> = BTreeMap::new();
    let names: Vec<String> = frame
        .get_column_names()
        .iter()
        .map(|n| n.to_string())
        .collect();
    let mut renames: Vec<(String, &str)> = Vec::new();
    for name in &names {
        let original = original_of.get(name.as_str()).copied().unwrap_or(name);
        let target = user_keys.get(&header_key(original)).copied().or_else(|| {
            (!original_of.contains_key(name.as_str()))
                .then(|| by_key.get(&header_key(name)).copied())
                .flatten()
        });
        if let Some(field) = target.filter(|f| RECORD_FIELDS.contains(f)) {
            if let Some(previous) = taken.insert(field, original.to_string()) {
                return Err(Error::input(
                    Location::file(&table.info.path).line(1).column(original),
                    format!("consent columns '{previous}' and '{original}' both mean '{field}'; keep one or rename the other"),
                ));
            }
            renames.push((name.clone(), field));
        }
    }
    // Two passes, so a column may take a name another column is giving up.
    for (name, field) in &renames {
        frame
            .rename(name, format!("\u{1}{field}").as_str().into())
            .step("mapping consent headers")?;
    }
    for (_, field) in renames {
        frame
            .rename(&format!("\u{1}{field}"), field.into())
            .step("mapping consent headers")?;
    }
    Ok(frame)
}

/// Works out, once per distinct (text, seller) pair and in parallel, whether the text names
/// the seller and which written-consent phrase groups it carries.
fn text_facts(
    texts: Option<&StringChunked>,
    sellers: Option<&StringChunked>,
    compiled: &Compiled,
    height: usize,
) -> Vec<TextFacts> {
    let Some(texts) = texts else {
        return vec![TextFacts::default(); height];
    };
    let pairs: Vec<(Option<&str>, Option<&str>)> = match sellers {
        Some(s) => texts.iter().zip(s.iter()).collect(),
        None => texts.iter().map(|t| (t, None)).collect(),
    };
    let distinct = Distinct::new(pairs.into_iter().map(Some));
    let facts: Vec<TextFacts> = distinct.map(|(text, seller)| {
        let Some(text) = text.map(fold).filter(|t| !t.is_empty()) else {
            return TextFacts::default();
        };
        let record_seller = seller.map(fold);
        let names_seller = compiled
            .seller_names
            .iter()
            .chain(record_seller.iter())
            .any(|name| contains_words(&text, name));
        let phrase_groups = compiled
            .phrases
            .iter()
            .enumerate()
            .filter(|(_, group)| group.iter().any(|p| contains_words(&text, p)))
            .fold(0u64, |bits, (i, _)| bits | (1u64 << (i % 64)));
        TextFacts {
            has_text: true,
            names_seller,
            phrase_groups,
        }
    });
    distinct
        .per_row(&facts)
        .map(|f| f.copied().unwrap_or_default())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trimmed_keys_trim_and_blank_only_when_needed() {
        let clean = StringChunked::from_iter_options(
            "lead_id".into(),
            [Some("L1"), None, Some("L2")].into_iter(),
        );
        let same = trimmed(&clean);
        assert_eq!(
            same.iter().collect::<Vec<_>>(),
            [Some("L1"), None, Some("L2")]
        );
        let messy = StringChunked::from_iter_options(
            "lead_id".into(),
            [Some(" L1 "), Some("  "), Some(""), Some("L2"), None].into_iter(),
        );
        let fixed = trimmed(&messy);
        assert_eq!(
            fixed.iter().collect::<Vec<_>>(),
            [Some("L1"), None, None, Some("L2"), None]
        );
        assert_eq!(fixed.name().as_str(), "lead_id");
    }
}
