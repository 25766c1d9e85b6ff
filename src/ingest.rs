//! Reads lead files (and side inputs such as consent records and CRM exports) into polars
//! frames of string columns. Every value stays a string: ZIP codes and phones keep their
//! leading zeros, and checks decide what a value means.
//!
//! Recognised headers are renamed to their canonical field through the rules' aliases
//! (ignoring case, spaces and punctuation); other columns keep their header. Problems with a
//! file become one `Error::Input` naming the file and, where it applies, line/row and column.

use std::collections::{BTreeMap, HashMap};
use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};

use polars::prelude::*;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::error::{Error, Location, PolarsContext, Result};
use crate::rules::{Rules, CANONICAL_FIELDS};

/// Columns the pipeline adds to every lead row.
pub const SOURCE_COL: &str = "_source";
pub const ROW_COL: &str = "_row";

/// A lead file named on the command line: `PATH` or `NAME=PATH`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceSpec {
    pub name: String,
    pub path: PathBuf,
}

impl SourceSpec {
    /// Parses `NAME=PATH`; a bare path is named by its file stem (`vendor_a.csv.gz` → `vendor_a`).
    pub fn parse(arg: &str) -> Result<SourceSpec> {
        if let Some((name, path)) = arg.split_once('=') {
            if !Path::new(arg).exists() {
                if name.is_empty() || path.is_empty() {
                    return Err(Error::Usage(format!(
                        "'{arg}': expected PATH or NAME=PATH with a non-empty NAME and PATH"
                    )));
                }
                return Ok(SourceSpec {
                    name: name.to_string(),
                    path: PathBuf::from(path),
                });
            }
        }
        let path = PathBuf::from(arg);
        let file_name = path
            .file_name()
            .map(|f| f.to_string_lossy().to_string())
            .unwrap_or_default();
        let name = file_name.split('.').next().unwrap_or_default().to_string();
        if name.is_empty() {
            return Err(Error::Usage(format!(
                "'{arg}': cannot derive a source name from this path; use NAME=PATH"
            )));
        }
        Ok(SourceSpec { name, path })
    }
}

/// File formats, by extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Csv,
    Tsv,
    Parquet,
    Ndjson,
    Json,
    /// A plain list, one value per line (suppression lists).
    Text,
}

/// Format and compression of a path, or an error listing what is supported.
pub fn detect_format(path: &Path) -> Result<(Format, bool)> {
    let name = path
        .file_name()
        .map(|f| f.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let (stem, gz) = match name.strip_suffix(".gz") {
        Some(stem) => (stem.to_string(), true),
        None => (name.clone(), false),
    };
    let ext = stem.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    let format = match ext {
        "csv" => Format::Csv,
        "tsv" | "tab" => Format::Tsv,
        "parquet" => Format::Parquet,
        "ndjson" | "jsonl" => Format::Ndjson,
        "json" => Format::Json,
        "txt" | "text" | "lst" => Format::Text,
        _ => {
            return Err(Error::input(
                Location::file(path.display().to_string()),
                format!(
                    "unknown file type '.{ext}': use .csv, .tsv, .parquet, .ndjson/.jsonl or .json (optionally .gz)"
                ),
            ))
        }
    };
    if gz && format == Format::Parquet {
        return Err(Error::input(
            Location::file(path.display().to_string()),
            "gzip-compressed Parquet is not supported (Parquet compresses internally)",
        ));
    }
    Ok((format, gz))
}

/// What the audit trail records about one input file.
#[derive(Debug, Clone, Serialize)]
pub struct InputInfo {
    pub source: String,
    pub path: String,
    pub format: Format,
    pub sha256: String,
    pub rows: usize,
    /// Original header -> canonical field, for the headers that were recognised.
    pub columns: BTreeMap<String, String>,
}

/// One input read into a frame of string columns (recognised columns under canonical names).
pub struct Table {
    pub info: InputInfo,
    pub frame: DataFrame,
}

/// Maps normalised header spellings to canonical fields.
pub struct HeaderMap {
    by_key: HashMap<String, String>,
}

/// Lower-case letters and digits only: `E-mail` and `e_mail ` both become `email`.
pub fn header_key(header: &str) -> String {
    header
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Built-in header spellings per canonical field (the rules may add more).
const BUILTIN_ALIASES: &[(&str, &[&str])] = &[
    (
        "lead_id",
        &[
            "id",
            "leadid",
            "lead_number",
            "record_id",
            "external_id",
            "universal_leadid",
            "contact_id",
        ],
    ),
    (
        "first_name",
        &["first", "fname", "firstname", "given_name", "forename"],
    ),
    (
        "last_name",
        &["last", "lname", "lastname", "surname", "family_name"],
    ),
    (
        "full_name",
        &["name", "fullname", "contact_name", "contact"],
    ),
    (
        "email",
        &[
            "e-mail",
            "email_address",
            "emailaddress",
            "e-mail address",
            "mail",
            "email1",
        ],
    ),
    (
        "phone",
        &[
            "phone_number",
            "telephone",
            "tel",
            "mobile",
            "mobile_phone",
            "cell",
            "cell_phone",
            "phone1",
            "primary_phone",
        ],
    ),
    (
        "company",
        &[
            "company_name",
            "organization",
            "organisation",
            "employer",
            "account",
            "account_name",
        ],
    ),
    ("job_title", &["title", "jobtitle", "position", "role"]),
    ("industry", &["sector", "vertical"]),
    ("naics", &["naics_code", "sic", "sic_code"]),
    (
        "employees",
        &[
            "employee_count",
            "company_size",
            "headcount",
            "num_employees",
            "size",
        ],
    ),
    ("revenue", &["annual_revenue", "company_revenue"]),
    (
        "address",
        &[
            "street",
            "street_address",
            "address1",
            "address_line_1",
            "addr",
        ],
    ),
    // `mailing_*`: Salesforce contact exports (the usual `--known` file).
    ("city", &["town", "locality", "mailing_city"]),
    (
        "state",
        &[
            "province",
            "region",
            "state_province",
            "st",
            "mailing_state",
            "mailing_state_province",
        ],
    ),
    (
        "postal_code",
        &[
            "zip",
            "zipcode",
            "zip_code",
            "postcode",
            "postal",
            "post_code",
            "mailing_zip",
            "mailing_postal_code",
            "mailing_zip_postal_code",
        ],
    ),
    ("country", &["country_code", "nation", "mailing_country"]),
    (
        "date_of_birth",
        &["dob", "birth_date", "birthdate", "birthday"],
    ),
    (
        "captured_at",
        &[
            "created_at",
            "timestamp",
            "lead_date",
            "date_captured",
            "signup_date",
            "created",
            "created_date",
            "date",
        ],
    ),
    (
        "channel",
        &[
            "channels",
            "contact_channel",
            "contact_channels",
            "opt_in_channel",
        ],
    ),
    ("ip", &["ip_address", "ipaddress", "client_ip"]),
    (
        "page_url",
        &[
            "url",
            "landing_page",
            "source_url",
            "form_url",
            "capture_url",
        ],
    ),
    ("email_opens", &["opens"]),
    ("email_clicks", &["clicks"]),
    ("downloads", &["content_downloads"]),
    ("webinar_attended", &["webinar", "attended_webinar"]),
    ("pages_visited", &["page_views", "pageviews"]),
    (
        "last_activity_at",
        &["last_activity", "last_activity_date", "last_seen"],
    ),
    ("budget", &[]),
    ("authority", &["decision_maker"]),
    ("need", &[]),
    ("timeline", &["purchase_timeline", "timeframe"]),
    ("price", &["cost", "lead_price", "cpl"]),
];

impl HeaderMap {
    pub fn from_rules(rules: &Rules) -> HeaderMap {
        let mut by_key = HashMap::new();
        for field in CANONICAL_FIELDS {
            by_key.insert(header_key(field), field.to_string());
        }
        for (field, aliases) in BUILTIN_ALIASES {
            for alias in *aliases {
                by_key.insert(header_key(alias), field.to_string());
            }
        }
        for (field, aliases) in &rules.columns.aliases {
            for alias in aliases {
                by_key.insert(header_key(alias), field.clone());
            }
        }
        HeaderMap { by_key }
    }

    /// Renames no header: for inputs that are not lead tables (rankings results, where
    /// `position` is a rank, not a job title).
    pub fn none() -> HeaderMap {
        HeaderMap {
            by_key: HashMap::new(),
        }
    }

    pub fn canonical(&self, header: &str) -> Option<&str> {
        self.by_key.get(&header_key(header)).map(String::as_str)
    }
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Hashes a file that a check family parses itself (suppression lists) for the audit trail;
/// `rows` counts its non-empty lines.
pub fn describe_file(path: &Path) -> Result<InputInfo> {
    let shown = path.display().to_string();
    let bytes = std::fs::read(path)
        .map_err(|e| Error::input(Location::file(&shown), format!("cannot read: {e}")))?;
    let format = detect_format(path).map(|(f, _)| f).unwrap_or(Format::Text);
    let rows = bytes
        .split(|&b| b == b'\n')
        .filter(|line| line.iter().any(|b| !b.is_ascii_whitespace()))
        .count();
    Ok(InputInfo {
        source: path
            .file_stem()
            .map(|s| s.to_string_lossy().to_string())
            .unwrap_or_default(),
        path: shown,
        format,
        sha256: sha256_hex(&bytes),
        rows,
        columns: BTreeMap::new(),
    })
}

/// Whether a table must have an email or phone column (lead files and CRM exports must).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContactColumns {
    Required,
    Optional,
}

thread_local! {
    /// The file this thread is reading, for the panic hook: a reader library that panics on a
    /// corrupt file (polars' Parquet reader does, see fuzz/README.md) still gets an error line
    /// that names the file.
    static READING: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

/// The input file the current thread is reading, if any.
pub fn file_being_read() -> Option<String> {
    READING.with(|reading| reading.borrow().clone())
}

/// Clears [`READING`] when the read ends, however it ends.
struct ReadingGuard;

impl ReadingGuard {
    fn new(path: &str) -> ReadingGuard {
        READING.with(|reading| *reading.borrow_mut() = Some(path.to_string()));
        ReadingGuard
    }
}

impl Drop for ReadingGuard {
    fn drop(&mut self) {
        READING.with(|reading| *reading.borrow_mut() = None);
    }
}

/// Reads one input file into a [`Table`].
pub fn read_table(
    spec: &SourceSpec,
    headers: &HeaderMap,
    contact: ContactColumns,
) -> Result<Table> {
    let shown = spec.path.display().to_string();
    let _reading = ReadingGuard::new(&shown);
    let at = || Location::file(&shown);
    let (format, gz) = detect_format(&spec.path)?;
    let raw = std::fs::read(&spec.path).map_err(|e| {
        let why = match e.kind() {
            std::io::ErrorKind::NotFound => "file not found".to_string(),
            _ => format!("cannot read: {e}"),
        };
        Error::input(at(), why)
    })?;
    let sha256 = sha256_hex(&raw);
    let bytes = if gz {
        let mut out = Vec::new();
        flate2::read::MultiGzDecoder::new(raw.as_slice())
            .read_to_end(&mut out)
            .map_err(|e| Error::input(at(), format!("not a valid gzip file: {e}")))?;
        out
    } else {
        raw
    };
    if bytes.is_empty() {
        return Err(Error::input(
            at(),
            "empty file: expected a header row and data rows",
        ));
    }
    let raw_table = match format {
        Format::Csv => read_delimited(&bytes, b',', &shown)?,
        Format::Tsv => read_delimited(&bytes, b'\t', &shown)?,
        Format::Ndjson => read_ndjson(&bytes, &shown)?,
        Format::Json => read_json_array(&bytes, &shown)?,
        Format::Parquet => read_parquet(bytes, &shown)?,
        Format::Text => {
            return Err(Error::input(
                at(),
                "a plain .txt list is not a lead table: use .csv, .tsv, .parquet, .ndjson/.jsonl or .json",
            ))
        }
    };
    if raw_table.rows == 0 {
        return Err(Error::input(
            at(),
            "no data rows (the file has a header only)",
        ));
    }

    // Map headers to canonical fields; two headers meaning the same field is ambiguous.
    let mut seen: HashMap<String, &str> = HashMap::new();
    let mut mapped = BTreeMap::new();
    let mut columns = Vec::with_capacity(raw_table.columns.len());
    for (header, values) in raw_table.headers.iter().zip(raw_table.columns) {
        let name = match headers.canonical(header) {
            Some(field) => {
                mapped.insert(header.clone(), field.to_string());
                field.to_string()
            }
            None => header.trim().to_string(),
        };
        if let Some(previous) = seen.insert(name.clone(), header) {
            let message = if previous == header {
                format!("duplicate column header '{header}'")
            } else {
                format!("columns '{previous}' and '{header}' both mean the field '{name}'; keep one or rename the other")
            };
            return Err(Error::input(at().line(1).column(header.as_str()), message));
        }
        columns.push(values.with_name(name.as_str().into()).into_column());
    }
    if contact == ContactColumns::Required
        && !seen.contains_key("email")
        && !seen.contains_key("phone")
    {
        return Err(Error::input(
            at(),
            format!(
                "no email or phone column found (headers: {}); name one `email` or `phone`, or add an alias under [columns.aliases] in the rules",
                raw_table.headers.join(", ")
            ),
        ));
    }
    let frame = DataFrame::new(raw_table.rows, columns).step("reading input")?;
    Ok(Table {
        info: InputInfo {
            source: spec.name.clone(),
            path: shown,
            format,
            sha256,
            rows: raw_table.rows,
            columns: mapped,
        },
        frame,
    })
}

/// Parsed cells before header mapping.
struct RawTable {
    headers: Vec<String>,
    columns: Vec<StringChunked>,
    rows: usize,
}

fn check_not_utf16(bytes: &[u8], path: &str) -> Result<()> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(Error::input(
            Location::file(path),
            "file is UTF-16 encoded; save it as UTF-8 (e.g. `iconv -f UTF-16 -t UTF-8`)",
        ));
    }
    Ok(())
}

fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes)
}

fn utf8_field<'a>(
    field: &'a [u8],
    path: &str,
    line: usize,
    row: Option<usize>,
    column: &str,
) -> Result<&'a str> {
    std::str::from_utf8(field).map_err(|_| {
        let mut at = Location::file(path).line(line);
        if let Some(row) = row {
            at = at.row(row);
        }
        Error::input(
            at.column(column),
            "not valid UTF-8 text; convert the file to UTF-8 (e.g. `iconv -f LATIN1 -t UTF-8`)",
        )
    })
}

fn read_delimited(bytes: &[u8], delimiter: u8, path: &str) -> Result<RawTable> {
    check_not_utf16(bytes, path)?;
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(strip_bom(bytes));
    let mut record = csv::ByteRecord::new();
    let csv_error = |e: csv::Error| {
        let mut at = Location::file(path);
        if let Some(pos) = e.position() {
            at = at.line(pos.line() as usize);
        }
        Error::input(
            at,
            format!(
                "malformed {}: {e}",
                if delimiter == b'\t' { "TSV" } else { "CSV" }
            ),
        )
    };
    if !reader.read_byte_record(&mut record).map_err(csv_error)? {
        return Err(Error::input(
            Location::file(path),
            "empty file: expected a header row",
        ));
    }
    if record.iter().flatten().any(|&b| b < 0x20 && b != b'\t') {
        return Err(Error::input(
            Location::file(path).line(1),
            "the header row contains control characters: this does not look like a text file",
        ));
    }
    let mut headers = Vec::with_capacity(record.len());
    for (i, field) in record.iter().enumerate() {
        let text = utf8_field(field, path, 1, None, &format!("#{}", i + 1))?.trim();
        headers.push(if text.is_empty() {
            format!("column_{}", i + 1)
        } else {
            text.to_string()
        });
    }
    let mut builders: Vec<StringChunkedBuilder> = headers
        .iter()
        .map(|h| StringChunkedBuilder::new(h.as_str().into(), 1024))
        .collect();
    let mut rows = 0usize;
    let (mut last_record_line, mut last_record_byte) = (1, 0);
    while reader.read_byte_record(&mut record).map_err(csv_error)? {
        rows += 1;
        let line = record
            .position()
            .map(|p| p.line() as usize)
            .unwrap_or(rows + 1);
        last_record_line = line;
        last_record_byte = record.position().map(|p| p.byte() as usize).unwrap_or(0);
        if record.len() != headers.len() {
            // A line holding only whitespace is not a row.
            if record.len() == 1
                && record
                    .get(0)
                    .is_some_and(|f| f.iter().all(u8::is_ascii_whitespace))
            {
                rows -= 1;
                continue;
            }
            return Err(Error::input(
                Location::file(path).line(line).row(rows),
                format!(
                    "ragged row: {} fields where the header has {}",
                    record.len(),
                    headers.len()
                ),
            ));
        }
        for ((field, builder), header) in record.iter().zip(builders.iter_mut()).zip(&headers) {
            let text = utf8_field(field, path, line, Some(rows), header)?;
            if text.is_empty() {
                builder.append_null();
            } else {
                builder.append_value(text);
            }
        }
    }
    // An unclosed quote swallows every line after it into the last record's last field,
    // silently merging rows. Quotes pair up in a well-formed record, so a last record that
    // spans lines with an odd number of quotes was never closed.
    let tail = strip_bom(bytes).get(last_record_byte..).unwrap_or_default();
    let tail = tail.trim_ascii_end();
    if tail.contains(&b'\n') && tail.iter().filter(|&&b| b == b'"').count() % 2 == 1 {
        return Err(Error::input(
            Location::file(path).line(last_record_line),
            "unbalanced quotes: a quoted field that starts on this line is never closed",
        ));
    }
    Ok(RawTable {
        headers,
        columns: builders
            .into_iter()
            .map(StringChunkedBuilder::finish)
            .collect(),
        rows,
    })
}

/// Collects JSON objects into string columns: keys in first-seen order, numbers and
/// booleans as their JSON text, nested values as compact JSON, null and absent keys as null.
#[derive(Default)]
struct JsonColumns {
    headers: Vec<String>,
    index: HashMap<String, usize>,
    cells: Vec<Vec<Option<String>>>,
    rows: usize,
}

impl JsonColumns {
    fn push(&mut self, object: serde_json::Map<String, serde_json::Value>) {
        for (key, value) in object {
            let column = match self.index.get(&key) {
                Some(&c) => c,
                None => {
                    self.index.insert(key.clone(), self.headers.len());
                    self.headers.push(key);
                    self.cells.push(vec![None; self.rows]);
                    self.cells.len() - 1
                }
            };
            let text = match value {
                serde_json::Value::Null => None,
                serde_json::Value::String(s) if s.is_empty() => None,
                serde_json::Value::String(s) => Some(s),
                other => Some(other.to_string()),
            };
            self.cells[column].push(text);
        }
        self.rows += 1;
        for column in &mut self.cells {
            column.resize(self.rows, None);
        }
    }

    fn finish(self) -> RawTable {
        let columns = self
            .headers
            .iter()
            .zip(self.cells)
            .map(|(h, cells)| {
                StringChunked::from_iter_options(h.as_str().into(), cells.into_iter())
            })
            .collect();
        RawTable {
            headers: self.headers,
            columns,
            rows: self.rows,
        }
    }
}

fn json_text<'a>(bytes: &'a [u8], path: &str) -> Result<&'a str> {
    check_not_utf16(bytes, path)?;
    let bytes = strip_bom(bytes);
    std::str::from_utf8(bytes).map_err(|e| {
        let line = crate::rules::line_number(&String::from_utf8_lossy(bytes), e.valid_up_to());
        Error::input(
            Location::file(path).line(line),
            "not valid UTF-8 text; convert the file to UTF-8",
        )
    })
}

fn read_ndjson(bytes: &[u8], path: &str) -> Result<RawTable> {
    let text = json_text(bytes, path)?;
    let mut table = JsonColumns::default();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let at = || Location::file(path).line(i + 1).row(table.rows + 1);
        match serde_json::from_str::<serde_json::Value>(line) {
            Ok(serde_json::Value::Object(object)) => table.push(object),
            Ok(_) => return Err(Error::input(at(), "expected a JSON object on each line")),
            Err(e) => return Err(Error::input(at(), format!("invalid JSON: {e}"))),
        }
    }
    Ok(table.finish())
}

fn read_json_array(bytes: &[u8], path: &str) -> Result<RawTable> {
    let text = json_text(bytes, path)?;
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| {
        Error::input(
            Location::file(path).line(e.line()),
            format!("invalid JSON: {e}"),
        )
    })?;
    let serde_json::Value::Array(items) = value else {
        return Err(Error::input(
            Location::file(path),
            "expected a JSON array of objects",
        ));
    };
    let mut table = JsonColumns::default();
    for (i, item) in items.into_iter().enumerate() {
        match item {
            serde_json::Value::Object(object) => table.push(object),
            _ => {
                return Err(Error::input(
                    Location::file(path).row(i + 1),
                    "expected every array element to be a JSON object",
                ))
            }
        }
    }
    Ok(table.finish())
}

fn read_parquet(bytes: Vec<u8>, path: &str) -> Result<RawTable> {
    let frame = ParquetReader::new(Cursor::new(bytes))
        .finish()
        .map_err(|e| {
            Error::input(
                Location::file(path),
                format!("not a readable Parquet file: {e}"),
            )
        })?;
    let mut headers = Vec::with_capacity(frame.width());
    let mut columns = Vec::with_capacity(frame.width());
    for column in frame.columns() {
        let name = column.name().to_string();
        if column.dtype().is_nested() {
            return Err(Error::input(
                Location::file(path).column(&name),
                format!(
                    "nested column type {} is not supported; flatten it first",
                    column.dtype()
                ),
            ));
        }
        let text = column
            .cast(&DataType::String)
            .and_then(|c| c.str().cloned())
            .map_err(|e| {
                Error::input(
                    Location::file(path).column(&name),
                    format!("cannot read as text: {e}"),
                )
            })?;
        headers.push(name);
        columns.push(text);
    }
    Ok(RawTable {
        headers,
        columns,
        rows: frame.height(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_spec_names() {
        let s = SourceSpec::parse("vendor_a=data/a.csv").unwrap();
        assert_eq!(
            (s.name.as_str(), s.path.to_str()),
            ("vendor_a", Some("data/a.csv"))
        );
        let s = SourceSpec::parse("data/web_leads.csv.gz").unwrap();
        assert_eq!(s.name, "web_leads");
    }

    #[test]
    fn header_keys_ignore_case_spaces_punctuation() {
        assert_eq!(header_key(" E-mail Address "), "emailaddress");
        let rules = crate::rules::Rules::parse(crate::rules::DEFAULT_RULES, "built-in").unwrap();
        let map = HeaderMap::from_rules(&rules);
        assert_eq!(map.canonical("E-mail"), Some("email"));
        assert_eq!(map.canonical("Email Address"), Some("email"));
        assert_eq!(map.canonical("ZIP"), Some("postal_code"));
        assert_eq!(map.canonical("favourite colour"), None);
    }

    #[test]
    fn formats_by_extension() {
        assert_eq!(
            detect_format(Path::new("a.CSV")).unwrap(),
            (Format::Csv, false)
        );
        assert_eq!(
            detect_format(Path::new("a.csv.gz")).unwrap(),
            (Format::Csv, true)
        );
        assert_eq!(
            detect_format(Path::new("a.jsonl")).unwrap(),
            (Format::Ndjson, false)
        );
        assert!(detect_format(Path::new("a.xlsx")).is_err());
    }

    #[test]
    fn ragged_row_is_located() {
        let err = read_delimited(b"email,name\na@b.com,x\nc@d.com\n", b',', "f.csv")
            .err()
            .unwrap()
            .to_string();
        assert!(
            err.contains("line 3") && err.contains("row 2") && err.contains("ragged"),
            "{err}"
        );
    }

    #[test]
    fn stray_quote_in_an_unquoted_field_is_data_not_an_unclosed_quote() {
        let table =
            read_delimited(b"email,height\na@b.com,5\"7\nc@d.com,6\"1\n", b',', "f.csv").unwrap();
        assert_eq!(table.rows, 2);
        assert_eq!(table.columns[1].get(1), Some("6\"1"));
        let err = read_delimited(b"email,name\na@b.com,\"Ann\nc@d.com,Bob\n", b',', "f.csv")
            .err()
            .unwrap();
        assert!(err.to_string().contains("unbalanced quotes"), "{err}");
    }

    #[test]
    fn invalid_utf8_names_row_and_column() {
        let err = read_delimited(b"email,name\na@b.com,Jos\xe9\n", b',', "f.csv")
            .err()
            .unwrap()
            .to_string();
        assert!(
            err.contains("row 1") && err.contains("'name'") && err.contains("UTF-8"),
            "{err}"
        );
    }

    #[test]
    fn json_values_become_text() {
        let table = read_ndjson(
            b"{\"email\":\"a@b.com\",\"n\":5}\n\n{\"email\":null,\"tags\":[1,2]}\n",
            "f.ndjson",
        )
        .unwrap();
        assert_eq!(table.rows, 2);
        assert_eq!(table.headers, vec!["email", "n", "tags"]);
        assert_eq!(table.columns[1].get(0), Some("5"));
        assert_eq!(table.columns[2].get(1), Some("[1,2]"));
        assert_eq!(table.columns[0].get(1), None);
    }
}
