//! Reading `--suppress` files: plain lists (one email, phone or domain per line, `#`
//! comments), CSV/TSV with a header naming email/phone/domain columns, JSON/Parquet tables,
//! and the FTC Do-Not-Call registry download (ten-digit numbers, `AAANNNNNNN` or
//! `AAA,NNNNNNN`).
//!
//! A file is a Do-Not-Call list when a `# type: dnc` comment says so, when its name contains
//! one of the rules' DNC markers, or when every entry is in the registry format (`# type:
//! list` keeps a plain list of ten-digit numbers a plain list). Its date comes from a
//! `# date: YYYY-MM-DD` comment, else a date in the file name, else the rules'
//! `suppression.dnc_list_date`.

use std::io::Read;
use std::path::Path;

use chrono::NaiveDate;
use polars::prelude::{InitHashMaps, PlHashMap};
use regex::Regex;
use std::sync::LazyLock;

use super::SuppressionRules;
use crate::checks::match_keys::{email_key, phone_key};
use crate::error::{Error, Location, Result};
use crate::ingest::{
    detect_format, header_key, read_table, ContactColumns, Format, HeaderMap, SourceSpec,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Dnc,
    List,
}

/// One suppression file, parsed. Values map to the line (or row) they came from.
#[derive(Debug)]
pub struct ListFile {
    pub path: String,
    pub name: String,
    pub kind: Kind,
    /// Why it is that kind: `header`, `file name`, `registry format`, `default`.
    pub kind_from: &'static str,
    pub list_date: Option<(NaiveDate, &'static str)>,
    /// `line` or `row`, for finding details.
    pub unit: &'static str,
    // Polars' fast hasher: every lead's email, domains and phone are looked up per list.
    pub emails: PlHashMap<String, u32>,
    /// E.164 digits (no `+`) as a number.
    pub phones: PlHashMap<u64, u32>,
    pub domains: PlHashMap<String, u32>,
    pub unrecognised: Vec<u32>,
}

impl ListFile {
    fn new(path: &Path, unit: &'static str) -> ListFile {
        ListFile {
            path: path.display().to_string(),
            name: path
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default(),
            kind: Kind::List,
            kind_from: "default",
            list_date: None,
            unit,
            emails: PlHashMap::new(),
            phones: PlHashMap::new(),
            domains: PlHashMap::new(),
            unrecognised: Vec::new(),
        }
    }

    fn add(&mut self, entry: Entry, line: u32) {
        match entry {
            Entry::Email(e) => {
                self.emails.entry(e).or_insert(line);
            }
            Entry::Phone(p) => {
                self.phones.entry(p).or_insert(line);
            }
            Entry::Domain(d) => {
                self.domains.entry(d).or_insert(line);
            }
        }
    }
}

#[derive(Debug, PartialEq, Eq)]
enum Entry {
    Email(String),
    Phone(u64),
    Domain(String),
}

/// An E.164 key (`+16502530000`) as a number.
pub fn phone_number(key: &str) -> Option<u64> {
    key.strip_prefix('+')?.parse().ok()
}

/// `AAANNNNNNN` or `AAA,NNNNNNN`: the registry download format.
fn registry_number(text: &str) -> Option<u64> {
    let digits: String = match text.split_once(',') {
        Some((area, number)) if area.len() == 3 && number.len() == 7 => {
            format!("{area}{number}")
        }
        Some(_) => return None,
        None if text.len() == 10 => text.to_string(),
        None => return None,
    };
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // Registry numbers are US numbers without the country code.
    format!("1{digits}").parse().ok()
}

fn domain_entry(text: &str) -> Option<String> {
    let domain = text
        .trim_start_matches("*.")
        .trim_end_matches('.')
        .to_lowercase();
    let labels_ok = domain.split('.').all(|label| {
        !label.is_empty()
            && !label.starts_with('-')
            && label.chars().all(|c| c.is_alphanumeric() || c == '-')
    });
    (labels_ok && domain.contains('.') && domain.chars().any(char::is_alphabetic)).then_some(domain)
}

/// What one plain-list value is.
fn classify(value: &str, region: &str) -> Option<Entry> {
    let value = value.trim().trim_matches('"').trim();
    if let Some(n) = registry_number(value) {
        return Some(Entry::Phone(n));
    }
    if let Some(domain) = value.strip_prefix('@') {
        return domain_entry(domain).map(Entry::Domain);
    }
    if value.contains('@') {
        return email_key(value).map(|e| Entry::Email(e.into_owned()));
    }
    if let Some(domain) = domain_entry(value) {
        return Some(Entry::Domain(domain));
    }
    let phone_like = value
        .chars()
        .all(|c| c.is_ascii_digit() || " ()+-./".contains(c))
        && value.chars().filter(char::is_ascii_digit).count() >= 7;
    if phone_like {
        return phone_key(value, region)
            .as_deref()
            .and_then(phone_number)
            .map(Entry::Phone);
    }
    None
}

/// `# type: dnc` / `# date: 2026-11-01` and similar directives in comment lines.
fn directive(comment: &str) -> Option<(String, String)> {
    let (key, value) = comment.split_once([':', '='])?;
    Some((header_key(key), value.trim().to_lowercase()))
}

const DATE_KEYS: &[&str] = &[
    "date",
    "listdate",
    "downloaded",
    "downloadedon",
    "downloaddate",
    "asof",
    "exported",
];

static NAME_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|\D)(\d{4})-?(\d{2})-?(\d{2})(?:\D|$)").unwrap_or_else(|e| panic!("{e}"))
});

/// A `YYYY-MM-DD` or `YYYYMMDD` date in a file name.
fn date_in_name(name: &str) -> Option<NaiveDate> {
    let caps = NAME_DATE.captures(name)?;
    let num = |i: usize| caps.get(i).and_then(|m| m.as_str().parse::<u32>().ok());
    NaiveDate::from_ymd_opt(num(1)? as i32, num(2)?, num(3)?)
}

fn read_text(path: &Path, shown: &str, gz: bool) -> Result<String> {
    let raw = std::fs::read(path)
        .map_err(|e| Error::input(Location::file(shown), format!("cannot read: {e}")))?;
    let bytes = if gz {
        let mut out = Vec::new();
        flate2::read::MultiGzDecoder::new(raw.as_slice())
            .read_to_end(&mut out)
            .map_err(|e| {
                Error::input(Location::file(shown), format!("not a valid gzip file: {e}"))
            })?;
        out
    } else {
        raw
    };
    let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(&bytes);
    String::from_utf8(bytes.to_vec()).map_err(|e| {
        let line = bytes[..e.utf8_error().valid_up_to()]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1;
        Error::input(
            Location::file(shown).line(line),
            "not valid UTF-8 text; convert the file to UTF-8",
        )
    })
}

/// Reads one `--suppress` file. `region` is the country for national-format phones.
pub fn read_list(
    path: &Path,
    rules: &SuppressionRules,
    headers: &HeaderMap,
    region: &str,
) -> Result<ListFile> {
    let shown = path.display().to_string();
    let (format, gz) = detect_format(path).unwrap_or((Format::Text, false));
    let mut file = match format {
        Format::Json | Format::Ndjson | Format::Parquet => read_structured(path, headers, region)?,
        Format::Csv | Format::Tsv => {
            let text = read_text(path, &shown, gz)?;
            let delimiter = if format == Format::Tsv { b'\t' } else { b',' };
            match csv_columns(&text, delimiter, headers) {
                Some(columns) => read_csv(path, &text, delimiter, &columns, region)?,
                None => read_lines(path, &text, region),
            }
        }
        Format::Text => read_lines(path, &read_text(path, &shown, gz)?, region),
    };
    let lower_name = file.name.to_lowercase();
    if file.kind_from == "header" {
        // A `# type:` line decides.
    } else if rules
        .dnc_file_markers
        .iter()
        .any(|m| lower_name.contains(&m.to_lowercase()))
    {
        file.kind = Kind::Dnc;
        file.kind_from = "file name";
    }
    if file.list_date.is_none() {
        file.list_date = date_in_name(&file.name).map(|d| (d, "file name"));
    }
    if file.list_date.is_none() {
        file.list_date = rules
            .dnc_list_date
            .as_deref()
            .and_then(|d| NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d").ok())
            .map(|d| (d, "rules (suppression.dnc_list_date)"));
    }
    Ok(file)
}

fn read_lines(path: &Path, text: &str, region: &str) -> ListFile {
    let mut file = ListFile::new(path, "line");
    let mut all_registry = true;
    for (i, raw) in text.lines().enumerate() {
        let line = (i + 1) as u32;
        let value = raw.trim();
        if value.is_empty() {
            continue;
        }
        if let Some(comment) = value.strip_prefix('#') {
            apply_directive(&mut file, comment);
            continue;
        }
        // A trailing ` # note` is a comment too (a `#` inside an address is not).
        let value = value.split_once(" #").map_or(value, |(v, _)| v.trim());
        all_registry &= registry_number(value).is_some();
        match classify(value, region) {
            Some(entry) => file.add(entry, line),
            None => file.unrecognised.push(line),
        }
    }
    if file.kind_from == "default" && all_registry && !file.phones.is_empty() {
        file.kind = Kind::Dnc;
        file.kind_from = "registry format";
    }
    file
}

fn apply_directive(file: &mut ListFile, comment: &str) {
    let Some((key, value)) = directive(comment) else {
        return;
    };
    if key == "type" {
        match value.as_str() {
            "dnc" | "do-not-call" | "donotcall" => file.kind = Kind::Dnc,
            "list" | "suppression" => file.kind = Kind::List,
            _ => return,
        }
        file.kind_from = "header";
    } else if DATE_KEYS.contains(&key.as_str()) && file.list_date.is_none() {
        let day = value.get(..10).unwrap_or(&value);
        if let Ok(date) = NaiveDate::parse_from_str(day, "%Y-%m-%d") {
            file.list_date = Some((date, "file header"));
        }
    }
}

/// Which columns of a CSV header hold emails, phones, domains; `None` when the first line
/// is not a header naming any of them (then the file is read as a plain list).
struct CsvColumns {
    email: Option<usize>,
    phone: Option<usize>,
    domain: Option<usize>,
    country: Option<usize>,
}

fn csv_columns(text: &str, delimiter: u8, headers: &HeaderMap) -> Option<CsvColumns> {
    let first = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'))?;
    let names: Vec<String> = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .from_reader(first.as_bytes())
        .records()
        .next()?
        .ok()?
        .iter()
        .map(str::to_string)
        .collect();
    let find = |field: &str| {
        names.iter().position(|h| {
            headers.canonical(h) == Some(field)
                || (field == "domain"
                    && ["domain", "emaildomain", "website"].contains(&header_key(h).as_str()))
        })
    };
    let columns = CsvColumns {
        email: find("email"),
        phone: find("phone"),
        domain: find("domain"),
        country: find("country"),
    };
    (columns.email.is_some() || columns.phone.is_some() || columns.domain.is_some())
        .then_some(columns)
}

fn read_csv(
    path: &Path,
    text: &str,
    delimiter: u8,
    columns: &CsvColumns,
    region: &str,
) -> Result<ListFile> {
    let mut file = ListFile::new(path, "line");
    for line in text.lines().map(str::trim) {
        if let Some(comment) = line.strip_prefix('#') {
            apply_directive(&mut file, comment);
        } else if !line.is_empty() {
            break;
        }
    }
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .comment(Some(b'#'))
        .from_reader(text.as_bytes());
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                let mut at = Location::file(path.display().to_string());
                if let Some(pos) = e.position() {
                    at = at.line(pos.line() as usize);
                }
                return Err(Error::input(at, format!("malformed CSV: {e}")));
            }
        }
        let line = record.position().map_or(0, |p| p.line() as u32);
        let cell = |i: Option<usize>| {
            i.and_then(|i| record.get(i))
                .map(str::trim)
                .filter(|v| !v.is_empty())
        };
        let row_region = cell(columns.country)
            .filter(|c| c.len() == 2)
            .unwrap_or(region);
        let mut any = false;
        let mut bad = false;
        if let Some(email) = cell(columns.email) {
            any = true;
            match email_key(email) {
                Some(e) => file.add(Entry::Email(e.into_owned()), line),
                None => bad = true,
            }
        }
        if let Some(phone) = cell(columns.phone) {
            any = true;
            match registry_number(phone).or_else(|| {
                phone_key(phone, row_region)
                    .as_deref()
                    .and_then(phone_number)
            }) {
                Some(p) => file.add(Entry::Phone(p), line),
                None => bad = true,
            }
        }
        if let Some(domain) = cell(columns.domain) {
            any = true;
            match domain_entry(domain.trim_start_matches('@')) {
                Some(d) => file.add(Entry::Domain(d), line),
                None => bad = true,
            }
        }
        if bad || !any {
            file.unrecognised.push(line);
        }
    }
    Ok(file)
}

fn read_structured(path: &Path, headers: &HeaderMap, region: &str) -> Result<ListFile> {
    let spec = SourceSpec {
        name: "suppress".into(),
        path: path.to_path_buf(),
    };
    let table = read_table(&spec, headers, ContactColumns::Optional)?;
    let mut file = ListFile::new(path, "row");
    let frame = &table.frame;
    let column = |name: &str| {
        frame
            .get_column_names()
            .into_iter()
            .find(|c| header_key(c) == name)
            .and_then(|c| frame.column(c).ok())
            .and_then(|c| c.str().ok())
    };
    let (emails, phones, domains) = (column("email"), column("phone"), column("domain"));
    for row in 0..frame.height() {
        let line = (row + 1) as u32;
        let mut found = false;
        if let Some(e) = cell(emails, row).and_then(email_key) {
            file.add(Entry::Email(e.into_owned()), line);
            found = true;
        }
        if let Some(p) = cell(phones, row)
            .and_then(|p| phone_key(p, region))
            .as_deref()
            .and_then(phone_number)
        {
            file.add(Entry::Phone(p), line);
            found = true;
        }
        if let Some(d) = cell(domains, row).and_then(|d| domain_entry(d.trim_start_matches('@'))) {
            file.add(Entry::Domain(d), line);
            found = true;
        }
        if !found {
            file.unrecognised.push(line);
        }
    }
    Ok(file)
}

fn cell(column: Option<&polars::prelude::StringChunked>, row: usize) -> Option<&str> {
    column
        .and_then(|c| c.get(row))
        .map(str::trim)
        .filter(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_plain_values() {
        assert_eq!(
            classify("2015550123", "US"),
            Some(Entry::Phone(12015550123))
        );
        assert_eq!(
            classify("201,5550123", "US"),
            Some(Entry::Phone(12015550123))
        );
        assert_eq!(
            classify("(650) 253-0000", "US"),
            Some(Entry::Phone(16502530000))
        );
        assert_eq!(
            classify("+44 20 7946 0018", "US"),
            Some(Entry::Phone(442079460018))
        );
        assert_eq!(
            classify(" Jo@Example.com ", "US"),
            Some(Entry::Email("jo@example.com".into()))
        );
        assert_eq!(
            classify("@Example.com", "US"),
            Some(Entry::Domain("example.com".into()))
        );
        assert_eq!(
            classify("*.example.co.uk", "US"),
            Some(Entry::Domain("example.co.uk".into()))
        );
        assert_eq!(
            classify("650.253.0000", "US"),
            Some(Entry::Phone(16502530000))
        );
        assert_eq!(classify("hello world", "US"), None);
        assert_eq!(classify("12", "US"), None);
        assert_eq!(classify("20,15550123", "US"), None);
    }

    #[test]
    fn file_name_dates() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day);
        assert_eq!(date_in_name("dnc-2026-11-01.txt"), d(2026, 11, 1));
        assert_eq!(date_in_name("DNC_20261101_full.txt"), d(2026, 11, 1));
        assert_eq!(date_in_name("dnc.txt"), None);
        assert_eq!(date_in_name("dnc-2026-13-01.txt"), None);
        assert_eq!(date_in_name("area-20151234567.txt"), None);
    }
}
