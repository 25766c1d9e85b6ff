//! Consent records (`--consent`) prepared for judging: consent-record headers mapped to their
//! fields, dates parsed, channels read, match keys computed, and what each distinct consent
//! text says worked out once.

use std::collections::{BTreeMap, HashMap};

use polars::prelude::*;
use rayon::prelude::*;

use super::channels::Channels;
use super::dates::{DateCell, DateColumn};
use super::rules::{method_key, Compiled, ConsentRules, RECORD_FIELDS};
use super::text::{certificate_kind, contains_words, fold, Certificate, Malformed};
use crate::checks::distinct::Distinct;
use crate::checks::match_keys::{email_keys, phone_keys, Country};
use crate::checks::str_cells;
use crate::error::{Error, Location, PolarsContext, Result};
use crate::ingest::{header_key, Batch};

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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
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
    /// Bit `f as usize` set when field `f` has a non-blank value (16 fields: 4 bytes a
    /// record in all).
    present: u16,
    pub bad_ip: bool,
    pub bad_page_url: bool,
}

// `present` has a bit per field.
const _: () = assert!(Field::ALL.len() <= 16);

impl RecordFacts {
    pub fn has(self, field: Field) -> bool {
        self.present & (1 << field as u16) != 0
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
///
/// Only what judging reads is kept, not the file's cells: a 10M-lead consent export (14.9M
/// records, 5.9 GB) held whole took 6.8 GB. Text a finding's detail quotes is kept where it
/// is needed: seller and method once per distinct value, and a date or certificate only when
/// it cannot be read.
#[derive(Default)]
pub struct Records {
    pub path: String,
    /// Per record: index into `sellers` (trimmed, non-blank `seller`), [`NO_VALUE`] when blank.
    seller: Vec<u32>,
    sellers: Vec<String>,
    /// Per record: index into `methods` (the cell as written) and `method_keys` (folded by
    /// [`method_key`] for `max_age` lookups), [`NO_VALUE`] when blank.
    method: Vec<u32>,
    methods: Vec<String>,
    method_keys: Vec<String>,
    /// Unreadable dates and malformed certificates as written (trimmed), by field and record.
    unreadable: HashMap<(Field, u32), String>,
    pub channels: Vec<Channels>,
    pub consented: DateColumn,
    pub revoked: DateColumn,
    pub captured: DateColumn,
    /// Present only when the file has a `certificate_claimed_at` column.
    pub claimed: Option<DateColumn>,
    pub certificate: Vec<Option<std::result::Result<Certificate, Malformed>>>,
    pub record_facts: Vec<RecordFacts>,
    /// Per record: index into `distinct_facts` (what its text says, per distinct text and
    /// seller: 4 bytes a record instead of 16).
    text_facts: Vec<u32>,
    distinct_facts: Vec<TextFacts>,
    pub lead_id: StringChunked,
    pub email_key: StringChunked,
    pub phone_key: StringChunked,
}

impl Records {
    /// Records read (rows of the consent file).
    pub fn count(&self) -> usize {
        self.channels.len()
    }

    /// The record's seller as written (trimmed), `None` when blank or absent.
    pub fn seller(&self, rec: usize) -> Option<&str> {
        let i = *self.seller.get(rec)?;
        self.sellers.get(i as usize).map(String::as_str)
    }

    /// The record's method as written (trimmed; empty when blank or absent).
    pub fn method(&self, rec: usize) -> &str {
        self.method
            .get(rec)
            .and_then(|&i| self.methods.get(i as usize))
            .map_or("", |m| m.trim())
    }

    /// The record's `method`, folded for `max_age` lookups.
    pub fn method_key(&self, rec: usize) -> Option<&str> {
        let i = *self.method.get(rec)?;
        self.method_keys.get(i as usize).map(String::as_str)
    }

    /// What the record's consent text says (all false without a text).
    pub fn text_facts(&self, rec: usize) -> TextFacts {
        self.text_facts
            .get(rec)
            .and_then(|&i| self.distinct_facts.get(i as usize))
            .copied()
            .unwrap_or_default()
    }

    /// A date that could not be read or a malformed certificate, as written (trimmed).
    pub fn unreadable(&self, field: Field, rec: usize) -> Option<&str> {
        self.unreadable
            .get(&(field, rec as u32))
            .map(String::as_str)
    }

    /// A row that only records a revocation (an opt-out log line), not a consent.
    pub fn is_revocation_only(&self, rec: usize) -> bool {
        self.consented.get(rec) == Some(DateCell::Blank)
            && !matches!(self.revoked.get(rec), Some(DateCell::Blank) | None)
    }
}

/// A per-record index with no value behind it (an `Option<u32>` would take 8 bytes).
const NO_VALUE: u32 = u32::MAX;

/// Distinct values of a column across batches, each stored once.
#[derive(Default)]
struct Interned {
    ids: HashMap<String, u32>,
    values: Vec<String>,
}

impl Interned {
    /// Per row, the id of its value ([`NO_VALUE`] for none).
    fn ids<'v>(&mut self, rows: impl Iterator<Item = Option<&'v str>>) -> Vec<u32> {
        let batch = Distinct::new(rows);
        let global: Vec<u32> = batch
            .keys
            .iter()
            .map(|value| match self.ids.get(*value) {
                Some(&id) => id,
                None => {
                    let id = self.values.len() as u32;
                    self.values.push(value.to_string());
                    self.ids.insert(value.to_string(), id);
                    id
                }
            })
            .collect();
        batch
            .row_key
            .into_iter()
            .map(|key| {
                key.and_then(|k| global.get(k as usize).copied())
                    .unwrap_or(NO_VALUE)
            })
            .collect()
    }
}

/// Builds [`Records`] from the consent file's rows as they are read, batch by batch.
pub struct RecordsBuilder<'a> {
    rules: &'a ConsentRules,
    compiled: Compiled,
    default_country: &'a str,
    /// The records so far; their distinct sellers and methods and their match keys are
    /// gathered beside them and put in by [`RecordsBuilder::finish`].
    records: Records,
    sellers: Interned,
    methods: Interned,
    /// Per batch: lead id, email key and phone key columns.
    keys: Vec<[StringChunked; 3]>,
}

impl<'a> RecordsBuilder<'a> {
    pub fn new(
        rules: &'a ConsentRules,
        default_country: &'a str,
        path: String,
    ) -> Result<RecordsBuilder<'a>> {
        // Validated when the rules were loaded; a failure here is a bug, reported as such.
        let compiled = rules
            .compile()
            .map_err(|(key, message)| Error::internal(&format!("compiling {key}"), message))?;
        Ok(RecordsBuilder {
            rules,
            compiled,
            default_country,
            records: Records {
                path,
                ..Records::default()
            },
            sellers: Interned::default(),
            methods: Interned::default(),
            keys: Vec::new(),
        })
    }

    /// Adds the next rows of the consent file.
    pub fn add(&mut self, batch: Batch) -> Result<()> {
        let frame = map_record_headers(batch.frame, batch.columns, &self.records.path, self.rules)?;
        let height = frame.height();
        // The batch's columns as read: strings (only the lead frame holds compacted ones).
        let text = |name: &str| -> Result<Option<&StringChunked>> {
            frame
                .column(name)
                .ok()
                .map(|c| c.str().step(name))
                .transpose()
        };
        let compiled = &self.compiled;
        let default_country = self.default_country;

        let channel = text("channel")?;
        let (consented_at, revoked_at) = (text("consented_at")?, text("revoked_at")?);
        let (captured_at, claimed_at) = (text("captured_at")?, text("certificate_claimed_at")?);
        let (method, certificate) = (text("method")?, text("certificate")?);
        let (consent_text, seller) = (text("consent_text")?, text("seller")?);
        let (lead_ids, emails) = (text("lead_id")?, text("email")?);
        let (country, phone) = (text("country")?, text("phone")?);
        let cells = Field::ALL
            .iter()
            .map(|f| text(f.name()))
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
        let ((channels, (lead_id, certificate_kinds)), (((facts, fact_ids), record_facts), rest)) =
            rayon::join(
                || rayon::join(channels, || rayon::join(lead_id, certificates)),
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

        let records = &mut self.records;
        let base = records.count();
        let mut keep_unreadable =
            |field: Field, cells: &[DateCell], column: Option<&StringChunked>| {
                let Some(column) = column else { return };
                for (i, cell) in cells.iter().enumerate() {
                    if *cell == DateCell::Unreadable {
                        if let Some(value) = column.get(i) {
                            records
                                .unreadable
                                .insert((field, (base + i) as u32), value.trim().to_string());
                        }
                    }
                }
            };
        keep_unreadable(Field::ConsentedAt, &consented, consented_at);
        keep_unreadable(Field::RevokedAt, &revoked, revoked_at);
        keep_unreadable(Field::CapturedAt, &captured, captured_at);
        if let (Some(cells), Some(column)) = (&claimed, claimed_at) {
            keep_unreadable(Field::CertificateClaimedAt, cells, Some(column));
        }
        if let Some(column) = certificate {
            for (i, kind) in certificate_kinds.iter().enumerate() {
                if let (Some(Err(_)), Some(value)) = (kind, column.get(i)) {
                    records.unreadable.insert(
                        (Field::Certificate, (base + i) as u32),
                        value.trim().to_string(),
                    );
                }
            }
        }
        records
            .seller
            .extend(self.sellers.ids(
                str_cells(seller, height).map(|v| v.map(str::trim).filter(|v| !v.is_empty())),
            ));
        records
            .method
            .extend(self.methods.ids(str_cells(method, height)));
        records.channels.extend(channels);
        records.consented.extend(consented);
        records.revoked.extend(revoked);
        records.captured.extend(captured);
        if let Some(claimed) = claimed {
            records
                .claimed
                .get_or_insert_with(DateColumn::default)
                .extend(claimed);
        }
        records.certificate.extend(certificate_kinds);
        records.record_facts.extend(record_facts);
        let first_fact = records.distinct_facts.len() as u32;
        records
            .text_facts
            .extend(fact_ids.into_iter().map(|id| first_fact + id));
        records.distinct_facts.extend(facts);
        self.keys.push([lead_id, email_key, phone_key]);
        Ok(())
    }

    pub fn finish(self) -> Result<Records> {
        // One chunk per key column: judging reads keys by record index, and the batches'
        // partly filled string buffers would otherwise stay allocated.
        let mut joined: [StringChunked; 3] = ["lead_id", "email_key", "phone_key"]
            .map(|name| StringChunked::full_null(name.into(), 0));
        for batch in self.keys {
            for (joined, part) in joined.iter_mut().zip(batch) {
                joined.append_owned(part).step("joining consent keys")?;
            }
        }
        let [lead_id, email_key, phone_key] = joined.map(|c| c.rechunk().into_owned());
        Ok(Records {
            sellers: self.sellers.values,
            method_keys: self.methods.values.iter().map(|m| method_key(m)).collect(),
            methods: self.methods.values,
            lead_id,
            email_key,
            phone_key,
            ..self.records
        })
    }
}

/// Per record: which fields are filled and whether IP and page URL look right. Column by
/// column (sequential reads are several times faster than reading cells by row).
fn record_facts(cells: &[Option<&StringChunked>], height: usize) -> Vec<RecordFacts> {
    let mut facts = vec![RecordFacts::default(); height];
    for field in Field::ALL {
        let Some(column) = cells.get(field as usize).copied().flatten() else {
            continue;
        };
        for (fact, value) in facts.iter_mut().zip(column.iter()) {
            let Some(value) = value.map(str::trim).filter(|v| !v.is_empty()) else {
                continue;
            };
            fact.present |= 1 << field as u16;
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
fn map_record_headers(
    mut frame: DataFrame,
    columns: &BTreeMap<String, String>,
    path: &str,
    rules: &ConsentRules,
) -> Result<DataFrame> {
    let original_of: HashMap<&str, &str> = columns
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
                    Location::file(path).line(1).column(original),
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
/// the seller and which written-consent phrase groups it carries: the facts per distinct
/// pair, and per row the index of its pair's.
fn text_facts(
    texts: Option<&StringChunked>,
    sellers: Option<&StringChunked>,
    compiled: &Compiled,
    height: usize,
) -> (Vec<TextFacts>, Vec<u32>) {
    let Some(texts) = texts else {
        return (vec![TextFacts::default()], vec![0; height]);
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
    // Every row has a key: the pairs were all given as `Some`.
    let ids = distinct.row_key.iter().map(|k| k.unwrap_or(0)).collect();
    (facts, ids)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::{Rules, DEFAULT_RULES};

    /// Everything judging reads of record `rec`, as text.
    fn judged(records: &Records, rec: usize) -> String {
        let unreadable: Vec<Option<&str>> = [
            Field::ConsentedAt,
            Field::RevokedAt,
            Field::CapturedAt,
            Field::CertificateClaimedAt,
            Field::Certificate,
        ]
        .into_iter()
        .map(|f| records.unreadable(f, rec))
        .collect();
        let facts = records.text_facts(rec);
        format!(
            "{:?} {:?} {} {:?} {unreadable:?} {:?} {:?} {:?} {:?} {:?} {:?} {} {} {:?} {:?} {:?} {:?}",
            records.seller(rec),
            records.method(rec),
            records.method_key(rec).unwrap_or("-"),
            records.channels[rec],
            records.consented.get(rec),
            records.revoked.get(rec),
            records.captured.get(rec),
            records.claimed.as_ref().map(|c| c.get(rec)),
            records.certificate[rec],
            records.record_facts[rec].present,
            facts.has_text,
            facts.names_seller,
            facts.phrase_groups,
            records.lead_id.get(rec),
            records.email_key.get(rec),
            records.phone_key.get(rec),
        )
    }

    #[test]
    fn records_read_in_batches_are_the_records_read_whole() {
        let rules = Rules::parse(DEFAULT_RULES, "built-in").unwrap();
        let column = |name: &str, values: &[Option<&str>]| {
            StringChunked::from_iter_options(name.into(), values.iter().copied()).into_column()
        };
        let frame = DataFrame::new(
            5,
            vec![
                column(
                    "lead_id",
                    &[Some(" L1 "), Some("L2"), None, Some("L2"), Some("")],
                ),
                column(
                    "email",
                    &[Some("A@X.com"), None, Some("b@y.org"), None, None],
                ),
                column(
                    "phone",
                    &[
                        None,
                        Some("(650) 253-0000"),
                        None,
                        Some("+44 20 7946 0958"),
                        None,
                    ],
                ),
                column(
                    "channel",
                    &[
                        Some("email"),
                        Some("call;sms"),
                        Some("fax"),
                        None,
                        Some("sms"),
                    ],
                ),
                column(
                    "consented_at",
                    &[
                        Some("2026-09-01T10:00:00Z"),
                        Some("soon"),
                        Some(""),
                        Some("2026-09-02"),
                        Some("31/02/2026"),
                    ],
                ),
                column(
                    "revoked_at",
                    &[None, None, Some("2026-10-01"), Some("never?"), None],
                ),
                column(
                    "certificate_claimed_at",
                    &[None, Some("2026-09-01T11:00:00Z"), Some("xx"), None, None],
                ),
                column(
                    "seller",
                    &[
                        Some(" Acme Solar "),
                        Some("Acme Solar"),
                        Some("  "),
                        None,
                        Some("Other Co"),
                    ],
                ),
                column(
                    "method",
                    &[
                        Some("Web Form"),
                        Some(" web form "),
                        None,
                        Some(""),
                        Some("IVR keypress"),
                    ],
                ),
                column(
                    "certificate",
                    &[
                        Some(
                            "https://cert.trustedform.com/0123456789abcdef0123456789abcdef01234567",
                        ),
                        Some("https://cert.trustedform.com/nope"),
                        None,
                        Some("not-a-cert"),
                        Some(""),
                    ],
                ),
                column(
                    "consent_text",
                    &[
                        Some("I agree to calls from Acme Solar"),
                        None,
                        Some("I agree"),
                        Some("I agree to calls from Acme Solar"),
                        Some("Other Co may text me"),
                    ],
                ),
                column(
                    "ip",
                    &[Some("10.0.0.1"), Some("999.1.1.1"), None, None, None],
                ),
            ],
        )
        .unwrap();
        let read = |cuts: &[usize]| {
            let mut builder =
                RecordsBuilder::new(&rules.consent, "US", "consent.csv".into()).unwrap();
            let mut start = 0;
            for &end in cuts.iter().chain([&frame.height()]) {
                let batch = frame.slice(start as i64, end - start);
                let columns = BTreeMap::new();
                builder
                    .add(Batch {
                        frame: batch,
                        columns: &columns,
                    })
                    .unwrap();
                start = end;
            }
            builder.finish().unwrap()
        };
        let whole = read(&[]);
        assert_eq!(whole.count(), 5);
        // The kept text: trimmed sellers and methods, unreadable cells only.
        assert_eq!(whole.seller(0), Some("Acme Solar"));
        assert_eq!(whole.seller(2), None);
        assert_eq!(whole.method(1), "web form");
        assert_eq!(whole.method(3), "");
        assert_eq!(whole.method_key(0), whole.method_key(1));
        assert_eq!(whole.unreadable(Field::ConsentedAt, 1), Some("soon"));
        assert_eq!(whole.unreadable(Field::ConsentedAt, 0), None);
        assert_eq!(whole.unreadable(Field::RevokedAt, 3), Some("never?"));
        assert_eq!(whole.unreadable(Field::CertificateClaimedAt, 2), Some("xx"));
        assert_eq!(whole.unreadable(Field::Certificate, 3), Some("not-a-cert"));
        assert_eq!(whole.unreadable(Field::Certificate, 0), None);
        assert_eq!(whole.lead_id.get(0), Some("L1"));
        assert_eq!(whole.lead_id.chunks().len(), 1);
        for cuts in [&[1, 2, 3, 4][..], &[2][..], &[3, 4][..]] {
            let batched = read(cuts);
            assert_eq!(batched.count(), 5);
            assert_eq!(batched.email_key.chunks().len(), 1);
            for rec in 0..5 {
                assert_eq!(
                    judged(&batched, rec),
                    judged(&whole, rec),
                    "cuts {cuts:?}, record {rec}"
                );
            }
        }
    }

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
