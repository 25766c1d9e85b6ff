//! Reads lead files (and side inputs such as consent records and CRM exports) into polars
//! frames of string columns. Every value stays a string: ZIP codes and phones keep their
//! leading zeros, and checks decide what a value means.
//!
//! Recognised headers are renamed to their canonical field through the rules' aliases
//! (ignoring case, spaces and punctuation); other columns keep their header. Problems with a
//! file become one `Error::Input` naming the file and, where it applies, line/row and column.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};

use polars::prelude::*;
use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{Error, Location, PolarsContext, Result};
use crate::rules::{Rules, CANONICAL_FIELDS};
use crate::shared_text::SharedTextBuilder;

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

/// One input read into a frame of string columns (recognised columns under canonical names),
/// one chunk per column: a large CSV/TSV or NDJSON file is parsed in pieces, and
/// [`read_table`] joins them so the pieces' partly filled buffers do not stay allocated.
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
    hex(&Sha256::digest(bytes))
}

fn hex(digest: &[u8]) -> String {
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

/// Restores [`READING`] when the read ends, however it ends. It restores the previous value
/// rather than clearing it: a rayon thread waiting inside one file's read may run a parsing
/// task of another file, and must name the first file again when that task ends.
struct ReadingGuard {
    previous: Option<String>,
}

impl ReadingGuard {
    fn new(path: &str) -> ReadingGuard {
        let previous = READING.with(|reading| reading.borrow_mut().replace(path.to_string()));
        ReadingGuard { previous }
    }
}

impl Drop for ReadingGuard {
    fn drop(&mut self) {
        let previous = self.previous.take();
        READING.with(|reading| *reading.borrow_mut() = previous);
    }
}

/// Reads one input file into a [`Table`].
pub fn read_table(
    spec: &SourceSpec,
    headers: &HeaderMap,
    contact: ContactColumns,
) -> Result<Table> {
    let mut table = read_table_in_pieces(spec, headers, contact)?;
    // One chunk per column: the pieces' partly filled string buffers otherwise stay
    // allocated as long as the table is held (measured when the lead files were read this
    // way: a 1M-row audit's peak 3.39 GB with them, 3.14 GB without).
    table.frame.rechunk_mut_par();
    Ok(table)
}

/// [`read_table`] with each column left in the pieces it was parsed in, for a caller that
/// builds new columns from them at once ([`crate::frame::LeadFrame::from_tables`]): joining
/// the pieces here too copied every row's string view (16 bytes a cell, 4 GB for 10M rows
/// of 26 columns) into memory the kernel first had to zero.
pub fn read_table_in_pieces(
    spec: &SourceSpec,
    headers: &HeaderMap,
    contact: ContactColumns,
) -> Result<Table> {
    let mut joined: Option<DataFrame> = None;
    let info = read_table_in_batches(spec, headers, contact, &mut |batch| {
        match joined.as_mut() {
            Some(joined) => {
                joined.vstack_mut_owned(batch.frame).step("reading input")?;
            }
            None => joined = Some(batch.frame),
        }
        Ok(())
    })?;
    Ok(Table {
        info,
        frame: joined.unwrap_or_default(),
    })
}

/// Rows of an input as they are read: recognised columns under canonical names.
pub struct Batch<'a> {
    pub frame: DataFrame,
    /// Original header -> canonical field, as [`InputInfo::columns`].
    pub columns: &'a BTreeMap<String, String>,
}

/// Reads an input front to back and hands its rows to `on_batch` in file order (a CSV/TSV
/// file a segment of about 64 MB at a time, other formats whole): a caller that keeps only
/// what it derives from the rows never holds the whole file. Returns what the audit trail
/// records about the file.
pub fn read_table_in_batches(
    spec: &SourceSpec,
    headers: &HeaderMap,
    contact: ContactColumns,
    on_batch: &mut dyn FnMut(Batch) -> Result<()>,
) -> Result<InputInfo> {
    let shown = spec.path.display().to_string();
    let _reading = ReadingGuard::new(&shown);
    let at = || Location::file(&shown);
    let (format, gz) = detect_format(&spec.path)?;
    let open_error = |e: std::io::Error| {
        let why = match e.kind() {
            std::io::ErrorKind::NotFound => "file not found".to_string(),
            _ => format!("cannot read: {e}"),
        };
        Error::input(at(), why)
    };
    // Every format is read through one stream (gunzipped on the fly, hashed as stored); CSV
    // and TSV are parsed as they are read, the others from their whole text.
    let mut input = InputStream::open(&spec.path, gz).map_err(open_error)?;
    let mut sink = MappedRows {
        path: &shown,
        header_map: headers,
        contact,
        names: Vec::new(),
        mapped: BTreeMap::new(),
        rows: 0,
        on_batch,
    };
    let whole = match format {
        Format::Csv | Format::Tsv => {
            let delimiter = if format == Format::Csv { b',' } else { b'\t' };
            read_delimited_in_segments(
                &mut input,
                delimiter,
                &shown,
                DELIMITED_CHUNK_BYTES,
                DELIMITED_SEGMENT_BYTES,
                &mut sink,
            )?;
            None
        }
        Format::Ndjson => Some(read_ndjson(&input.read_whole(&shown)?, &shown)?),
        Format::Json => Some(read_json_array(&input.read_whole(&shown)?, &shown)?),
        Format::Parquet => Some(read_parquet(&input.read_whole(&shown)?, &shown)?),
        Format::Text => {
            return Err(Error::input(
                at(),
                "a plain .txt list is not a lead table: use .csv, .tsv, .parquet, .ndjson/.jsonl or .json",
            ))
        }
    };
    if let Some(table) = whole {
        sink.headers(&table.headers)?;
        sink.rows(table.columns, table.rows)?;
    }
    let sha256 = input
        .finish()
        .map_err(|e| Error::input(at(), e.to_string()))?;
    if sink.rows == 0 {
        return Err(Error::input(
            at(),
            "no data rows (the file has a header only)",
        ));
    }
    Ok(InputInfo {
        source: spec.name.clone(),
        path: shown.clone(),
        format,
        sha256,
        rows: sink.rows,
        columns: sink.mapped,
    })
}

/// Where a reader puts what it parses: the header row first, then rows in file order.
trait RowSink {
    fn headers(&mut self, headers: &[String]) -> Result<()>;
    /// The next `rows` rows, one column per header.
    fn rows(&mut self, columns: Vec<StringChunked>, rows: usize) -> Result<()>;
}

/// Maps headers to canonical fields and passes rows on as [`Batch`]es.
struct MappedRows<'a, 'b> {
    path: &'a str,
    header_map: &'a HeaderMap,
    contact: ContactColumns,
    names: Vec<String>,
    mapped: BTreeMap<String, String>,
    rows: usize,
    on_batch: &'b mut dyn FnMut(Batch) -> Result<()>,
}

impl RowSink for MappedRows<'_, '_> {
    fn headers(&mut self, headers: &[String]) -> Result<()> {
        // Two headers meaning the same field is ambiguous.
        let at = || Location::file(self.path);
        let mut seen: HashMap<String, &str> = HashMap::new();
        for header in headers {
            let name = match self.header_map.canonical(header) {
                Some(field) => {
                    self.mapped.insert(header.clone(), field.to_string());
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
            self.names.push(name);
        }
        if self.contact == ContactColumns::Required
            && !seen.contains_key("email")
            && !seen.contains_key("phone")
        {
            return Err(Error::input(
                at(),
                format!(
                    "no email or phone column found (headers: {}); name one `email` or `phone`, or add an alias under [columns.aliases] in the rules",
                    headers.join(", ")
                ),
            ));
        }
        Ok(())
    }

    fn rows(&mut self, columns: Vec<StringChunked>, rows: usize) -> Result<()> {
        if rows == 0 {
            return Ok(());
        }
        self.rows += rows;
        let columns = columns
            .into_iter()
            .zip(&self.names)
            .map(|(values, name)| values.with_name(name.as_str().into()).into_column())
            .collect();
        let frame = DataFrame::new(rows, columns).step("reading input")?;
        (self.on_batch)(Batch {
            frame,
            columns: &self.mapped,
        })
    }
}

/// The error for a file (or gzip stream) with no bytes at all.
fn empty_file(path: &str) -> Error {
    Error::input(
        Location::file(path),
        "empty file: expected a header row and data rows",
    )
}

/// A file read front to back once, gunzipped when it is `.gz`, hashing its bytes as stored
/// on the way (the audit trail's SHA-256): neither the compressed bytes nor, for a streamed
/// CSV/TSV file, the whole text are held.
enum InputStream {
    Plain(Hashing<std::fs::File>),
    Gz(Box<flate2::read::MultiGzDecoder<Hashing<std::fs::File>>>),
}

/// A reader that hashes what it reads.
struct Hashing<R> {
    inner: R,
    hasher: Sha256,
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let read = self.inner.read(buf)?;
        self.hasher.update(&buf[..read]);
        Ok(read)
    }
}

impl InputStream {
    fn open(path: &Path, gz: bool) -> std::io::Result<InputStream> {
        let file = Hashing {
            inner: std::fs::File::open(path)?,
            hasher: Sha256::new(),
        };
        Ok(if gz {
            InputStream::Gz(Box::new(flate2::read::MultiGzDecoder::new(file)))
        } else {
            InputStream::Plain(file)
        })
    }

    /// The whole (gunzipped) text, for formats parsed in one piece.
    fn read_whole(&mut self, path: &str) -> Result<Vec<u8>> {
        // Sized for the stored file at once (the gunzipped text grows from there).
        let stored = match self {
            InputStream::Plain(file) => file.inner.metadata().map_or(0, |m| m.len()),
            InputStream::Gz(_) => 0,
        };
        let mut bytes = Vec::with_capacity(usize::try_from(stored).unwrap_or(0));
        self.read_to_end(&mut bytes)
            .map_err(|e| Error::input(Location::file(path), e.to_string()))?;
        if bytes.is_empty() {
            return Err(empty_file(path));
        }
        Ok(bytes)
    }

    /// The SHA-256 of the whole file (what the parse did not read is read here).
    fn finish(self) -> std::io::Result<String> {
        let mut file = match self {
            InputStream::Plain(file) => file,
            InputStream::Gz(gz) => gz.into_inner(),
        };
        std::io::copy(&mut file, &mut std::io::sink()).map_err(|e| worded(e, "cannot read"))?;
        Ok(hex(&file.hasher.finalize()))
    }
}

impl Read for InputStream {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self {
            InputStream::Plain(file) => file.read(buf).map_err(|e| worded(e, "cannot read")),
            InputStream::Gz(gz) => gz.read(buf).map_err(|e| {
                use std::io::ErrorKind::{InvalidData, InvalidInput, UnexpectedEof};
                let what = if matches!(e.kind(), InvalidData | InvalidInput | UnexpectedEof) {
                    "not a valid gzip file"
                } else {
                    "cannot read"
                };
                worded(e, what)
            }),
        }
    }
}

/// An I/O error whose message says what failed, as the input error will show it.
fn worded(e: std::io::Error, what: &str) -> std::io::Error {
    std::io::Error::new(e.kind(), format!("{what}: {e}"))
}

/// Parsed cells before header mapping.
#[derive(Default)]
struct RawTable {
    headers: Vec<String>,
    columns: Vec<StringChunked>,
    rows: usize,
}

impl RowSink for RawTable {
    fn headers(&mut self, headers: &[String]) -> Result<()> {
        self.headers = headers.to_vec();
        self.columns = headers
            .iter()
            .map(|h| StringChunked::full_null(h.as_str().into(), 0))
            .collect();
        Ok(())
    }

    fn rows(&mut self, columns: Vec<StringChunked>, rows: usize) -> Result<()> {
        self.rows += rows;
        for (joined, piece) in self.columns.iter_mut().zip(columns) {
            joined.append_owned(piece).step("reading input")?;
        }
        Ok(())
    }
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

/// Bytes of CSV/TSV text one parsing task takes (it runs on to the next record boundary).
/// Large enough that a task's fixed costs (a reader, a builder per column, one more array
/// piece per column to join) vanish against its rows; small enough that the two tasks of a
/// small file still run on both cores and that a large file's tasks balance.
const DELIMITED_CHUNK_BYTES: usize = 4 << 20;

/// Bytes of CSV/TSV text read per round: a file is parsed a segment at a time while the
/// next one is read, so memory holds about two segments of its text, never the whole file
/// (a 10M-row consent export is 5.9 GB).
const DELIMITED_SEGMENT_BYTES: usize = 64 << 20;

/// Reads from `source` until `buf` holds `at_least` bytes or the input ends; true at the end.
fn fill(
    source: &mut (dyn Read + Send),
    buf: &mut Vec<u8>,
    at_least: usize,
) -> std::io::Result<bool> {
    let want = at_least.saturating_sub(buf.len());
    if want == 0 {
        return Ok(false);
    }
    let read = source.take(want as u64).read_to_end(buf)?;
    Ok(read < want)
}

fn malformed(delimiter: u8) -> &'static str {
    if delimiter == b'\t' {
        "TSV"
    } else {
        "CSV"
    }
}

/// Offsets where records start, about `chunk_bytes` apart, beginning with 0: the pieces of
/// `text` that can be parsed on their own. Quote state is tracked as csv_core tracks it (no
/// escape character, doubled quotes, no comments): a quote opens a quoted field only at the
/// start of a field; inside one, `""` is a quote and a lone `"` closes it; a quote anywhere
/// else is data. After a quote that is never closed the rest of the text is one record, so no
/// offset follows it. Offsets are only taken where [`clean_split`] allows.
fn record_starts(text: &[u8], delimiter: u8, chunk_bytes: usize) -> Vec<usize> {
    let chunk_bytes = chunk_bytes.max(1);
    let mut starts = vec![0];
    let mut target = chunk_bytes;
    // Invariant: `pos` is outside any quoted field.
    let mut pos = 0;
    loop {
        let next_quote = memchr::memchr(b'"', &text[pos..]).map_or(text.len(), |i| pos + i);
        // Up to the next quote every `\n` ends a record (or a blank line).
        while target < next_quote {
            let from = target.max(pos);
            let Some(i) = memchr::memchr(b'\n', &text[from..next_quote]) else {
                break;
            };
            let start = from + i + 1;
            if start < text.len() && clean_split(text, start) {
                starts.push(start);
                target = start + chunk_bytes;
            } else {
                target = start;
            }
        }
        if next_quote >= text.len() {
            return starts;
        }
        let opens_field = next_quote == 0
            || matches!(text[next_quote - 1], b'\n' | b'\r')
            || text[next_quote - 1] == delimiter;
        pos = next_quote + 1;
        if opens_field {
            loop {
                let Some(i) = memchr::memchr(b'"', &text[pos..]) else {
                    return starts;
                };
                let quote = pos + i;
                if text.get(quote + 1) == Some(&b'"') {
                    pos = quote + 2;
                } else {
                    pos = quote + 1;
                    break;
                }
            }
        }
    }
}

/// Whether a reader started at `start` (just after a `\n` outside quotes) reads what a
/// reader of the whole text reads from there, positions included. A record's position is
/// where the reader stood when it began reading it: just after the previous record's
/// terminator, blank lines included in the new record's span. csv_core consumes a `\n`
/// terminator with its record, so after `x\n` the whole-text reader stands at `start`, as a
/// new reader does; after `x\r\n` it stands on the `\n` (one byte and one line earlier,
/// which [`parse_delimited_chunk`] corrects for the piece's first record). After a blank
/// line it stands further back, so no piece starts there. Nor where the text starts with a
/// byte-order mark: a new csv reader would drop it.
fn clean_split(text: &[u8], start: usize) -> bool {
    let terminator = |i: usize| matches!(text[i], b'\n' | b'\r');
    let ends_record = match start.checked_sub(2) {
        Some(before) if !terminator(before) => true,
        Some(before) if text[before] == b'\r' => {
            before.checked_sub(1).is_some_and(|b| !terminator(b))
        }
        _ => false,
    };
    ends_record && !text[start..].starts_with(&[0xEF, 0xBB, 0xBF])
}

/// A problem found while parsing one piece of a CSV/TSV file, with lines counted from the
/// file's start and rows from the piece's: [`read_delimited_in_chunks`] turns it into the
/// error a parse of the whole file would give.
enum ChunkProblem {
    Csv {
        line: Option<usize>,
        message: String,
    },
    Ragged {
        line: usize,
        row: usize,
        fields: usize,
    },
    NotUtf8 {
        line: usize,
        row: usize,
        column: usize,
    },
}

/// One piece of a CSV/TSV file, parsed.
struct DelimitedChunk {
    columns: Vec<StringChunked>,
    rows: usize,
    /// Line and byte offset (in the file) where its last record starts.
    last_record: Option<(usize, usize)>,
}

/// A piece of CSV/TSV text and where it lies in the file.
struct DelimitedPiece<'a> {
    bytes: &'a [u8],
    /// Byte offset of the piece in the (BOM-less) text.
    start: usize,
    /// Lines before the piece.
    lines_before: usize,
    /// `\n`s in the piece: about its rows, the capacity its columns start with.
    newlines: usize,
    /// The piece follows a record ended by `\r\n` (see `clean_split`).
    after_cr: bool,
}

fn parse_delimited_chunk(
    piece: &DelimitedPiece,
    delimiter: u8,
    headers: &[String],
) -> std::result::Result<DelimitedChunk, ChunkProblem> {
    let chunk = piece.bytes;
    // The first piece starts with the header row (read already); a piece after `\r\n` has
    // its first record one byte and one line earlier (see `clean_split`).
    let skip_header = piece.start == 0;
    let after_cr = piece.after_cr;
    let mut first_record = true;
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(chunk);
    // Reading a byte slice cannot fail (no I/O, and `flexible` allows any field count); kept
    // so that a failure would still be an error rather than a panic.
    let csv_problem = |e: csv::Error| ChunkProblem::Csv {
        line: e.position().map(|p| piece.lines_before + p.line() as usize),
        message: format!("malformed {}: {e}", malformed(delimiter)),
    };
    let mut record = csv::ByteRecord::new();
    if skip_header && !reader.read_byte_record(&mut record).map_err(csv_problem)? {
        return Ok(DelimitedChunk {
            columns: Vec::new(),
            rows: 0,
            last_record: None,
        });
    }
    // Sized for the piece's lines at once: growing by doubling would copy the cells and leave
    // up to half of each column's allocation unused, for every piece.
    let mut builders: Vec<SharedTextBuilder> = headers
        .iter()
        .map(|h| SharedTextBuilder::new(h, piece.newlines + 1))
        .collect();
    let mut rows = 0usize;
    let mut last_record = None;
    while reader.read_byte_record(&mut record).map_err(csv_problem)? {
        rows += 1;
        let (local_line, local_byte) = record
            .position()
            .map_or((rows + 1, 0), |p| (p.line() as usize, p.byte() as usize));
        let shift = usize::from(after_cr && std::mem::take(&mut first_record));
        let line = piece.lines_before + local_line - shift;
        last_record = Some((line, piece.start + local_byte - shift));
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
            return Err(ChunkProblem::Ragged {
                line,
                row: rows,
                fields: record.len(),
            });
        }
        // One UTF-8 check per record (an ASCII scan of the whole record when it is ASCII),
        // not one per field; the error names the first field that is not UTF-8.
        let text = match csv::StringRecord::from_byte_record(std::mem::take(&mut record)) {
            Ok(text) => text,
            Err(e) => {
                return Err(ChunkProblem::NotUtf8 {
                    line,
                    row: rows,
                    column: e.utf8_error().field(),
                })
            }
        };
        for (field, builder) in text.iter().zip(builders.iter_mut()) {
            if field.is_empty() {
                builder.append_null();
            } else {
                builder.append_value(field);
            }
        }
        record = text.into_byte_record();
    }
    Ok(DelimitedChunk {
        columns: builders
            .into_iter()
            .map(SharedTextBuilder::finish)
            .collect(),
        rows,
        last_record,
    })
}

/// Parses CSV/TSV text from `source` in pieces of about `chunk_bytes` on all cores, reading
/// it `segment_bytes` at a time: each round parses the whole records of what has been read
/// while the next segment is read, and carries the last, possibly cut, piece over. Lines and
/// rows in errors count from the start of the file, and the first error in file order is
/// reported, as a parse from start to end would.
fn read_delimited_in_segments(
    source: &mut (dyn Read + Send),
    delimiter: u8,
    path: &str,
    chunk_bytes: usize,
    segment_bytes: usize,
    sink: &mut dyn RowSink,
) -> Result<()> {
    use rayon::prelude::*;

    let segment_bytes = segment_bytes.max(1);
    let read_error = |e: std::io::Error| Error::input(Location::file(path), e.to_string());
    let mut buf = Vec::new();
    // At least 4 bytes, to see a byte-order mark.
    let mut eof = fill(source, &mut buf, segment_bytes.max(4)).map_err(read_error)?;
    if buf.is_empty() {
        return Err(empty_file(path));
    }
    check_not_utf16(&buf, path)?;
    let bom = buf.len() - strip_bom(&buf).len();
    buf.drain(..bom);
    // The header row is read whole: until a second record starts, read on.
    while !eof && record_starts(&buf, delimiter, chunk_bytes).len() < 2 {
        let at_least = (buf.len() * 2).max(segment_bytes);
        eof = fill(source, &mut buf, at_least).map_err(read_error)?;
    }
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(buf.as_slice());
    let mut record = csv::ByteRecord::new();
    let csv_error = |e: csv::Error| {
        let mut at = Location::file(path);
        if let Some(pos) = e.position() {
            at = at.line(pos.line() as usize);
        }
        Error::input(at, format!("malformed {}: {e}", malformed(delimiter)))
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
    sink.headers(&headers)?;

    let mut rows = 0usize;
    // Where `buf` starts in the (BOM-less) text, the `\n`s before it, and whether it follows
    // a record ended by `\r\n`.
    let (mut offset, mut lines_before, mut after_cr) = (0usize, 0usize, false);
    // The last record's line and its text up to where parsing has reached, for the unclosed
    // quote check below (segments after it hold no record, so nothing but line ends). Before
    // any record: the text from the start.
    let mut last_record: Option<(usize, Vec<u8>)> = None;
    loop {
        let mut starts = record_starts(&buf, delimiter, chunk_bytes);
        if !eof && starts.len() < 2 {
            // One record longer than what has been read: read on.
            let at_least = (buf.len() * 2).max(segment_bytes);
            eof = fill(source, &mut buf, at_least).map_err(read_error)?;
            continue;
        }
        // Until the input ends, the last piece may be cut short: it waits for the next round.
        let cut = match starts.pop() {
            Some(last) if !eof => last,
            Some(last) => {
                starts.push(last);
                buf.len()
            }
            None => buf.len(),
        };
        let ends: Vec<usize> = starts
            .iter()
            .skip(1)
            .copied()
            .chain(std::iter::once(cut))
            .collect();
        let newlines: Vec<usize> = starts
            .par_iter()
            .zip(&ends)
            .map(|(&start, &end)| memchr::memchr_iter(b'\n', &buf[start..end]).count())
            .collect();
        let ends_after_cr = |at: usize| at.checked_sub(2).is_some_and(|i| buf[i] == b'\r');
        let mut piece_lines = lines_before;
        let pieces: Vec<DelimitedPiece> = starts
            .iter()
            .zip(&ends)
            .zip(&newlines)
            .map(|((&start, &end), &newlines)| {
                let piece = DelimitedPiece {
                    bytes: &buf[start..end],
                    start: offset + start,
                    lines_before: piece_lines,
                    newlines,
                    after_cr: if start == 0 {
                        after_cr
                    } else {
                        ends_after_cr(start)
                    },
                };
                piece_lines += newlines;
                piece
            })
            .collect();
        let (parsed, next) = rayon::join(
            || -> Vec<_> {
                pieces
                    .par_iter()
                    .map(|piece| {
                        let _reading = ReadingGuard::new(path);
                        parse_delimited_chunk(piece, delimiter, &headers)
                    })
                    .collect()
            },
            || -> std::io::Result<Option<(Vec<u8>, bool)>> {
                if eof {
                    return Ok(None);
                }
                let carried = &buf[cut..];
                let mut next =
                    Vec::with_capacity(carried.len() + segment_bytes.min(DELIMITED_SEGMENT_BYTES));
                next.extend_from_slice(carried);
                let next_eof = fill(
                    source,
                    &mut next,
                    carried.len().saturating_add(segment_bytes),
                )?;
                Ok(Some((next, next_eof)))
            },
        );
        let mut round_last = None;
        let (mut round_columns, mut round_rows): (Option<Vec<StringChunked>>, usize) = (None, 0);
        for chunk in parsed {
            let chunk = chunk.map_err(|problem| match problem {
                ChunkProblem::Csv { line, message } => {
                    let mut at = Location::file(path);
                    if let Some(line) = line {
                        at = at.line(line);
                    }
                    Error::input(at, message)
                }
                ChunkProblem::Ragged { line, row, fields } => Error::input(
                    Location::file(path).line(line).row(rows + row),
                    format!(
                        "ragged row: {fields} fields where the header has {}",
                        headers.len()
                    ),
                ),
                ChunkProblem::NotUtf8 { line, row, column } => Error::input(
                    Location::file(path)
                        .line(line)
                        .row(rows + row)
                        .column(headers.get(column).map_or("", String::as_str)),
                    "not valid UTF-8 text; convert the file to UTF-8 (e.g. `iconv -f LATIN1 -t UTF-8`)",
                ),
            })?;
            if chunk.last_record.is_some() {
                round_last = chunk.last_record;
            }
            rows += chunk.rows;
            round_rows += chunk.rows;
            match round_columns.as_mut() {
                Some(joined) => {
                    for (joined, piece) in joined.iter_mut().zip(chunk.columns) {
                        joined.append_owned(piece).step("reading input")?;
                    }
                }
                None => round_columns = Some(chunk.columns),
            }
        }
        if let Some(columns) = round_columns {
            sink.rows(columns, round_rows)?;
        }
        match round_last {
            Some((line, byte)) => {
                // A record after `\r\n` is placed on that `\n`, which for the first record
                // of a round is the last byte of the round before.
                let mut tail = if byte < offset {
                    vec![b'\n']
                } else {
                    Vec::new()
                };
                tail.extend_from_slice(&buf[byte.saturating_sub(offset).min(cut)..cut]);
                last_record = Some((line, tail));
            }
            None if last_record.is_none() => last_record = Some((1, buf[..cut].to_vec())),
            None => {}
        }
        let Some((next, next_eof)) = next.map_err(read_error)? else {
            break;
        };
        offset += cut;
        lines_before = piece_lines;
        after_cr = ends_after_cr(cut);
        buf = next;
        eof = next_eof;
    }
    // An unclosed quote swallows every line after it into the last record's last field,
    // silently merging rows. Quotes pair up in a well-formed record, so a last record that
    // spans lines with an odd number of quotes was never closed.
    let (last_record_line, tail) = last_record.unwrap_or_default();
    let tail = tail.trim_ascii_end();
    if tail.contains(&b'\n') && tail.iter().filter(|&&b| b == b'"').count() % 2 == 1 {
        return Err(Error::input(
            Location::file(path).line(last_record_line),
            "unbalanced quotes: a quoted field that starts on this line is never closed",
        ));
    }
    Ok(())
}

/// Bytes of NDJSON text one parsing task takes (it runs on to the end of a line).
const NDJSON_CHUNK_BYTES: usize = 4 << 20;

/// One cell of a JSON object as [`JsonColumns`] stores it, borrowed from the file's text
/// where it can be: `None` for null and empty strings.
type JsonCell<'a> = Option<Cow<'a, str>>;

/// Reads a JSON object's entries in order into a reused list of (key, cell), without
/// building a `serde_json::Value` for the object or its strings.
struct JsonObjectEntries<'e, 'a>(&'e mut Vec<(Cow<'a, str>, JsonCell<'a>)>);

impl<'de> DeserializeSeed<'de> for JsonObjectEntries<'_, 'de> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> std::result::Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for JsonObjectEntries<'_, 'de> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> std::result::Result<(), M::Error> {
        while let Some(key) = map.next_key_seed(JsonKey)? {
            let cell = map.next_value_seed(JsonCellSeed)?;
            self.0.push((key, cell));
        }
        Ok(())
    }
}

/// An object key, borrowed unless it holds escapes.
struct JsonKey;

impl<'de> DeserializeSeed<'de> for JsonKey {
    type Value = Cow<'de, str>;

    fn deserialize<D: Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> std::result::Result<Cow<'de, str>, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for JsonKey {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a string key")
    }

    fn visit_borrowed_str<E>(self, key: &'de str) -> std::result::Result<Cow<'de, str>, E> {
        Ok(Cow::Borrowed(key))
    }

    fn visit_str<E>(self, key: &str) -> std::result::Result<Cow<'de, str>, E> {
        Ok(Cow::Owned(key.to_string()))
    }

    fn visit_string<E>(self, key: String) -> std::result::Result<Cow<'de, str>, E> {
        Ok(Cow::Owned(key))
    }
}

/// A value as the text [`json_cell_text`] gives for it.
struct JsonCellSeed;

impl<'de> DeserializeSeed<'de> for JsonCellSeed {
    type Value = JsonCell<'de>;

    fn deserialize<D: Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> std::result::Result<JsonCell<'de>, D::Error> {
        deserializer.deserialize_any(self)
    }
}

// Numbers and nested values go through `serde_json::Value`, exactly as `json_cell_text`
// formats them; strings, booleans and null (the common cells) do not.
impl<'de> Visitor<'de> for JsonCellSeed {
    type Value = JsonCell<'de>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_unit<E>(self) -> std::result::Result<JsonCell<'de>, E> {
        Ok(None)
    }

    fn visit_bool<E>(self, value: bool) -> std::result::Result<JsonCell<'de>, E> {
        Ok(Some(Cow::Borrowed(if value { "true" } else { "false" })))
    }

    fn visit_borrowed_str<E>(self, value: &'de str) -> std::result::Result<JsonCell<'de>, E> {
        Ok((!value.is_empty()).then_some(Cow::Borrowed(value)))
    }

    fn visit_str<E>(self, value: &str) -> std::result::Result<JsonCell<'de>, E> {
        Ok((!value.is_empty()).then(|| Cow::Owned(value.to_string())))
    }

    fn visit_string<E>(self, value: String) -> std::result::Result<JsonCell<'de>, E> {
        Ok((!value.is_empty()).then_some(Cow::Owned(value)))
    }

    fn visit_u64<E>(self, value: u64) -> std::result::Result<JsonCell<'de>, E> {
        Ok(json_cell_text(serde_json::Value::Number(value.into())).map(Cow::Owned))
    }

    fn visit_i64<E>(self, value: i64) -> std::result::Result<JsonCell<'de>, E> {
        Ok(json_cell_text(serde_json::Value::Number(value.into())).map(Cow::Owned))
    }

    fn visit_f64<E>(self, value: f64) -> std::result::Result<JsonCell<'de>, E> {
        // As serde_json's own `Value` does: a float JSON cannot hold is null.
        let value = serde_json::Number::from_f64(value)
            .map_or(serde_json::Value::Null, serde_json::Value::Number);
        Ok(json_cell_text(value).map(Cow::Owned))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> std::result::Result<JsonCell<'de>, A::Error> {
        let value =
            serde_json::Value::deserialize(serde::de::value::SeqAccessDeserializer::new(seq))?;
        Ok(json_cell_text(value).map(Cow::Owned))
    }

    fn visit_map<M: MapAccess<'de>>(self, map: M) -> std::result::Result<JsonCell<'de>, M::Error> {
        let value =
            serde_json::Value::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
        Ok(json_cell_text(value).map(Cow::Owned))
    }
}

/// A JSON value as cell text: null and empty strings are no value, strings their text,
/// numbers, booleans and nested values their compact JSON.
fn json_cell_text(value: serde_json::Value) -> Option<String> {
    match value {
        serde_json::Value::Null => None,
        serde_json::Value::String(s) if s.is_empty() => None,
        serde_json::Value::String(s) => Some(s),
        other => Some(other.to_string()),
    }
}

/// Collects JSON objects into string columns: keys in first-seen order, numbers and
/// booleans as their JSON text, nested values as compact JSON, null and absent keys as null.
#[derive(Default)]
struct JsonColumns<'a> {
    headers: Vec<String>,
    index: HashMap<String, usize>,
    builders: Vec<SharedTextBuilder>,
    /// This row's cell per column while its entries are read (a repeated key keeps its last
    /// value, as in a `serde_json` map).
    row: Vec<JsonCell<'a>>,
    /// Columns of the previous row's entries in order: rows of one file mostly list the same
    /// keys in the same order, so this finds a key's column without hashing it.
    previous_order: Vec<usize>,
    rows: usize,
}

impl<'a> JsonColumns<'a> {
    fn push(&mut self, entries: &mut Vec<(Cow<'a, str>, JsonCell<'a>)>) {
        for (position, (key, cell)) in entries.drain(..).enumerate() {
            let predicted = self
                .previous_order
                .get(position)
                .copied()
                .filter(|&c| self.headers[c] == *key);
            let column = match predicted.or_else(|| self.index.get(key.as_ref()).copied()) {
                Some(c) => c,
                None => {
                    let mut builder = SharedTextBuilder::new(key.as_ref(), 1024);
                    for _ in 0..self.rows {
                        builder.append_null();
                    }
                    self.index.insert(key.to_string(), self.headers.len());
                    self.headers.push(key.into_owned());
                    self.builders.push(builder);
                    self.row.push(None);
                    self.headers.len() - 1
                }
            };
            if position < self.previous_order.len() {
                self.previous_order[position] = column;
            } else {
                self.previous_order.push(column);
            }
            self.row[column] = cell;
        }
        for (builder, cell) in self.builders.iter_mut().zip(&mut self.row) {
            match cell.take() {
                Some(text) => builder.append_value(&text),
                None => builder.append_null(),
            }
        }
        self.rows += 1;
    }

    fn push_object(&mut self, object: serde_json::Map<String, serde_json::Value>) {
        let mut entries = object
            .into_iter()
            .map(|(key, value)| (Cow::Owned(key), json_cell_text(value).map(Cow::Owned)))
            .collect();
        self.push(&mut entries);
    }

    fn finish(self) -> RawTable {
        RawTable {
            headers: self.headers,
            columns: self
                .builders
                .into_iter()
                .map(SharedTextBuilder::finish)
                .collect(),
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
    read_ndjson_in_chunks(bytes, path, NDJSON_CHUNK_BYTES)
}

/// Offsets where lines start, about `chunk_bytes` apart, beginning with 0.
fn line_starts(text: &[u8], chunk_bytes: usize) -> Vec<usize> {
    let mut starts = vec![0];
    let mut target = chunk_bytes.max(1);
    while target < text.len() {
        let Some(newline) = memchr::memchr(b'\n', &text[target..]) else {
            break;
        };
        let start = target + newline + 1;
        if start < text.len() {
            starts.push(start);
        }
        target = start + chunk_bytes.max(1);
    }
    starts
}

/// A line that is not a JSON object, with line and row counted from its piece's start.
struct JsonLineProblem {
    line: usize,
    row: usize,
    message: String,
}

fn parse_ndjson_chunk(piece: &str) -> std::result::Result<RawTable, JsonLineProblem> {
    let mut table = JsonColumns::default();
    let mut entries = Vec::new();
    for (i, line) in piece.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let mut deserializer = serde_json::Deserializer::from_str(line);
        let fast = JsonObjectEntries(&mut entries)
            .deserialize(&mut deserializer)
            .and_then(|()| deserializer.end());
        if fast.is_ok() {
            table.push(&mut entries);
            continue;
        }
        // Not an object or not JSON: parse the line as any JSON value, as the reader always
        // did, so the message is the one it always gave.
        entries.clear();
        let problem = |message: String| JsonLineProblem {
            line: i + 1,
            row: table.rows + 1,
            message,
        };
        match serde_json::from_str::<serde_json::Value>(line) {
            Ok(serde_json::Value::Object(object)) => table.push_object(object),
            Ok(_) => return Err(problem("expected a JSON object on each line".to_string())),
            Err(e) => return Err(problem(format!("invalid JSON: {e}"))),
        }
    }
    Ok(table.finish())
}

/// Parses NDJSON in pieces of about `chunk_bytes` on all cores, then joins their columns
/// (keys in first-seen order across the file). Lines and rows in errors count from the start
/// of the file, and the first error in file order is reported.
fn read_ndjson_in_chunks(bytes: &[u8], path: &str, chunk_bytes: usize) -> Result<RawTable> {
    use rayon::prelude::*;

    let text = json_text(bytes, path)?;
    let starts = line_starts(text.as_bytes(), chunk_bytes);
    let pieces: Vec<&str> = starts
        .iter()
        .zip(starts.iter().skip(1).chain(std::iter::once(&text.len())))
        // Every start follows a `\n`, so it is a char boundary.
        .map(|(&start, &end)| text.get(start..end).unwrap_or_default())
        .collect();
    let parsed: Vec<_> = pieces
        .par_iter()
        .map(|piece| {
            let _reading = ReadingGuard::new(path);
            (
                parse_ndjson_chunk(piece),
                memchr::memchr_iter(b'\n', piece.as_bytes()).count(),
            )
        })
        .collect();

    let mut headers: Vec<String> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut pieces_by_column: Vec<Vec<(usize, StringChunked)>> = Vec::new();
    let mut piece_rows = Vec::with_capacity(parsed.len());
    let (mut rows, mut lines_before) = (0usize, 0usize);
    for (chunk, newlines) in parsed {
        let chunk = chunk.map_err(|problem| {
            Error::input(
                Location::file(path)
                    .line(lines_before + problem.line)
                    .row(rows + problem.row),
                problem.message,
            )
        })?;
        for (header, column) in chunk.headers.into_iter().zip(chunk.columns) {
            let c = *index.entry(header.clone()).or_insert_with(|| {
                headers.push(header);
                pieces_by_column.push(Vec::new());
                headers.len() - 1
            });
            pieces_by_column[c].push((piece_rows.len(), column));
        }
        piece_rows.push(chunk.rows);
        rows += chunk.rows;
        lines_before += newlines;
    }
    let columns = headers
        .iter()
        .zip(pieces_by_column)
        .map(|(header, pieces)| -> Result<StringChunked> {
            // A column missing from a piece is null there.
            let mut pieces = pieces.into_iter().peekable();
            let mut joined = StringChunked::full_null(header.as_str().into(), 0);
            for (p, &piece_len) in piece_rows.iter().enumerate() {
                let part = match pieces.next_if(|(q, _)| *q == p) {
                    Some((_, column)) => column,
                    None => StringChunked::full_null(header.as_str().into(), piece_len),
                };
                joined.append_owned(part).step("reading input")?;
            }
            Ok(joined)
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(RawTable {
        headers,
        columns,
        rows,
    })
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
            serde_json::Value::Object(object) => table.push_object(object),
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

fn read_parquet(bytes: &[u8], path: &str) -> Result<RawTable> {
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

    /// A CSV/TSV parse of text held whole (one segment), in pieces of `chunk_bytes`.
    fn read_delimited_in_chunks(
        text: &[u8],
        delimiter: u8,
        path: &str,
        chunk_bytes: usize,
    ) -> Result<RawTable> {
        read_in_segments(text, delimiter, path, chunk_bytes, usize::MAX)
    }

    /// A CSV/TSV parse of text read `segment_bytes` at a time, in pieces of `chunk_bytes`.
    fn read_in_segments(
        mut text: &[u8],
        delimiter: u8,
        path: &str,
        chunk_bytes: usize,
        segment_bytes: usize,
    ) -> Result<RawTable> {
        let mut table = RawTable::default();
        read_delimited_in_segments(
            &mut text,
            delimiter,
            path,
            chunk_bytes,
            segment_bytes,
            &mut table,
        )?;
        Ok(table)
    }

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
        let err = read_delimited_in_chunks(
            b"email,name\na@b.com,x\nc@d.com\n",
            b',',
            "f.csv",
            DELIMITED_CHUNK_BYTES,
        )
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
        let table = read_delimited_in_chunks(
            b"email,height\na@b.com,5\"7\nc@d.com,6\"1\n",
            b',',
            "f.csv",
            DELIMITED_CHUNK_BYTES,
        )
        .unwrap();
        assert_eq!(table.rows, 2);
        assert_eq!(table.columns[1].get(1), Some("6\"1"));
        let err = read_delimited_in_chunks(
            b"email,name\na@b.com,\"Ann\nc@d.com,Bob\n",
            b',',
            "f.csv",
            DELIMITED_CHUNK_BYTES,
        )
        .err()
        .unwrap();
        assert!(err.to_string().contains("unbalanced quotes"), "{err}");
    }

    #[test]
    fn invalid_utf8_names_row_and_column() {
        let err = read_delimited_in_chunks(
            b"email,name\na@b.com,Jos\xe9\n",
            b',',
            "f.csv",
            DELIMITED_CHUNK_BYTES,
        )
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

    /// Every column's header and cells.
    type Cells = Vec<(String, Vec<Option<String>>)>;

    /// Cells of every column, for comparing parses.
    fn cells(table: &RawTable) -> Cells {
        table
            .headers
            .iter()
            .zip(&table.columns)
            .map(|(h, c)| {
                assert_eq!(c.len(), table.rows, "column {h}");
                (h.clone(), c.iter().map(|v| v.map(str::to_string)).collect())
            })
            .collect()
    }

    fn outcome(result: Result<RawTable>) -> std::result::Result<(usize, Cells), String> {
        result
            .map(|t| (t.rows, cells(&t)))
            .map_err(|e| e.to_string())
    }

    /// xorshift64*: a tiny seeded generator for the random-input tests.
    struct Rng(u64);

    impl Rng {
        fn below(&mut self, n: u64) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % n
        }
    }

    #[test]
    fn csv_in_small_pieces_parses_as_one_piece() {
        // Quotes, doubled quotes, stray quotes, CR/LF/CRLF, blank and whitespace lines,
        // ragged rows and bad UTF-8, cut into pieces of every small size: each parse must
        // give the same rows, or the same error, as parsing the text in one piece.
        let alphabet: &[&[u8]] = &[
            b"a", b"bc", b",", b",", b"\"", b"\"", b"\"\"", b"\n", b"\n", b"\r", b"\r\n", b" ",
            b"\t", b"\xff",
        ];
        let mut rng = Rng(0x1234_5678_9ABC_DEF1);
        for case in 0..4000 {
            let mut text = b"x,y\n".to_vec();
            let tokens = 1 + rng.below(60);
            for _ in 0..tokens {
                text.extend_from_slice(alphabet[rng.below(alphabet.len() as u64) as usize]);
            }
            let delimiter = if case % 7 == 0 { b'\t' } else { b',' };
            let whole = outcome(read_delimited_in_chunks(
                &text,
                delimiter,
                "f.csv",
                usize::MAX,
            ));
            for chunk_bytes in [1, 2, 3, 5, 8, 13] {
                let pieces = outcome(read_delimited_in_chunks(
                    &text,
                    delimiter,
                    "f.csv",
                    chunk_bytes,
                ));
                assert_eq!(
                    pieces,
                    whole,
                    "chunk_bytes {chunk_bytes}, text {:?}",
                    String::from_utf8_lossy(&text)
                );
            }
            // Read a few bytes at a time too: every cut between segments must give the
            // same rows or error as well.
            for (chunk_bytes, segment_bytes) in [(1, 1), (2, 3), (5, 4), (3, 7), (8, 16)] {
                let segments = outcome(read_in_segments(
                    &text,
                    delimiter,
                    "f.csv",
                    chunk_bytes,
                    segment_bytes,
                ));
                assert_eq!(
                    segments,
                    whole,
                    "chunk_bytes {chunk_bytes}, segment_bytes {segment_bytes}, text {:?}",
                    String::from_utf8_lossy(&text)
                );
            }
        }
    }

    #[test]
    fn record_starts_never_split_a_quoted_field() {
        let text = b"h1,h2\na,\"x\ny\"\nb,\"p\"\"\nq\"\nc,d\"e\nf,g\n";
        let starts = record_starts(text, b',', 1);
        // Records start at 0 (header), 6 (a), 14 (b), 24 (c), 30 (f); none inside quotes.
        assert_eq!(starts, vec![0, 6, 14, 24, 30]);
    }

    /// The error of parsing `text` in pieces of 16 bytes, checked against one piece.
    fn piecewise_error(text: &[u8]) -> String {
        let pieces = read_delimited_in_chunks(text, b',', "f.csv", 16)
            .err()
            .unwrap()
            .to_string();
        let whole = read_delimited_in_chunks(text, b',', "f.csv", usize::MAX)
            .err()
            .unwrap()
            .to_string();
        assert_eq!(pieces, whole);
        pieces
    }

    #[test]
    fn csv_errors_in_a_later_piece_count_lines_and_rows_from_the_file_start() {
        let mut text = b"email,name\n".to_vec();
        for i in 0..50 {
            text.extend_from_slice(format!("a{i}@b.com,\"N\n{i}\"\n\n").as_bytes());
        }
        let table = read_delimited_in_chunks(&text, b',', "f.csv", 16).unwrap();
        assert_eq!(table.rows, 50);
        assert!(table.columns[1].chunks().len() > 1, "parsed in pieces");
        assert_eq!(table.columns[1].get(49), Some("N\n49"));

        // 50 rows of two lines, each followed by a blank line: row 51 is on line 152, and
        // its position (where the reader stood) is the blank line 151 before it.
        let ragged = [text.clone(), b"c@d.com\n".to_vec()].concat();
        let err = piecewise_error(&ragged);
        assert!(
            err.contains("line 151") && err.contains("row 51") && err.contains("ragged"),
            "{err}"
        );
        let latin1 = [text.clone(), b"c@d.com,Jos\xe9\nx@y.com,\xff\n".to_vec()].concat();
        let err = piecewise_error(&latin1);
        assert!(
            err.contains("row 51") && err.contains("'name'") && err.contains("UTF-8"),
            "{err}"
        );
        let unclosed = [text.clone(), b"c@d.com,\"Ann\nx@y.com,Bob\n".to_vec()].concat();
        let err = piecewise_error(&unclosed);
        assert!(err.contains("unbalanced quotes"), "{err}");
        // The first error in the file wins over a later one in another piece.
        let both = [ragged.clone(), b"x@y.com,\xff\n".to_vec()].concat();
        let err = piecewise_error(&both);
        assert!(err.contains("row 51") && err.contains("ragged"), "{err}");
        // CRLF line ends: pieces start after `\r\n` and still count lines as one piece does.
        let crlf = String::from_utf8(ragged.clone())
            .unwrap()
            .replace('\n', "\r\n");
        let err = piecewise_error(crlf.as_bytes());
        assert!(err.contains("row 51") && err.contains("ragged"), "{err}");
        let no_blank_lines = String::from_utf8(ragged).unwrap().replace("\n\n", "\r\n");
        let err = piecewise_error(no_blank_lines.as_bytes());
        assert!(err.contains("row 51") && err.contains("ragged"), "{err}");
    }

    #[test]
    fn ndjson_fast_path_gives_what_a_json_value_gives() {
        let lines = [
            r#"{"email":"a@b.com","n":5,"f":1.50,"e":1e3,"neg":-0,"i":-12,"u":18446744073709551615}"#,
            r#"{"email":"","n":null,"nested":{"b":[1, 2.0,"x",{}],"a":true},"empty":[]}"#,
            r#"{"n":1,"n":2,"esc\u0061pe":"q\"t\u00e9","flag":false,"big":1e300,"tiny":5e-324}"#,
            r#"{"late":"x","email":"c@d.com","big":18446744073709551616,"s":"\ud83d\ude00"}"#,
            r#" { } "#,
        ];
        let mut fast = JsonColumns::default();
        let mut value = JsonColumns::default();
        let mut entries = Vec::new();
        for line in lines {
            let mut deserializer = serde_json::Deserializer::from_str(line);
            JsonObjectEntries(&mut entries)
                .deserialize(&mut deserializer)
                .and_then(|()| deserializer.end())
                .unwrap();
            fast.push(&mut entries);
            match serde_json::from_str::<serde_json::Value>(line).unwrap() {
                serde_json::Value::Object(object) => value.push_object(object),
                other => panic!("{other}"),
            }
        }
        assert_eq!(cells(&fast.finish()), cells(&value.finish()));
    }

    #[test]
    fn ndjson_in_small_pieces_parses_as_one_piece() {
        let text = concat!(
            "{\"email\":\"a@b.com\",\"n\":5,\"f\":1.50,\"e\":1e3,\"neg\":-0}\r\n",
            "\n",
            "{\"email\":\"\",\"n\":null,\"nested\":{\"b\":[1, 2.0,\"x\"],\"a\":true}}\n",
            "{\"n\":1,\"n\":2,\"esc\\u0061pe\":\"q\\\"t\",\"flag\":false}\n",
            "  \n",
            "{\"late\":\"x\",\"email\":\"c@d.com\",\"big\":18446744073709551616}\n",
            "{}\n",
            "{\"email\":\"é\"}",
        );
        let whole = outcome(read_ndjson_in_chunks(
            text.as_bytes(),
            "f.ndjson",
            usize::MAX,
        ));
        let (rows, columns) = whole.clone().unwrap();
        assert_eq!(rows, 6);
        let column = |name: &str| columns.iter().find(|(h, _)| h == name).unwrap().1.clone();
        let headers: Vec<&str> = columns.iter().map(|(h, _)| h.as_str()).collect();
        assert_eq!(
            headers,
            ["email", "n", "f", "e", "neg", "nested", "escape", "flag", "late", "big"]
        );
        assert_eq!(column("f")[0].as_deref(), Some("1.5"));
        assert_eq!(column("e")[0].as_deref(), Some("1000.0"));
        assert_eq!(column("neg")[0].as_deref(), Some("-0.0"));
        assert_eq!(
            column("nested")[1].as_deref(),
            Some("{\"b\":[1,2.0,\"x\"],\"a\":true}")
        );
        assert_eq!(column("n")[1], None);
        assert_eq!(column("n")[2].as_deref(), Some("2"));
        assert_eq!(column("escape")[2].as_deref(), Some("q\"t"));
        assert_eq!(column("big")[3].as_deref(), Some("1.8446744073709552e+19"));
        assert_eq!(column("late")[0], None);
        assert_eq!(column("email")[5].as_deref(), Some("é"));
        for chunk_bytes in [1, 2, 5, 17, 40] {
            assert_eq!(
                outcome(read_ndjson_in_chunks(
                    text.as_bytes(),
                    "f.ndjson",
                    chunk_bytes
                )),
                whole,
                "chunk_bytes {chunk_bytes}"
            );
        }
    }

    #[test]
    fn ndjson_errors_in_a_later_piece_count_lines_and_rows_from_the_file_start() {
        let mut text = String::new();
        for i in 0..30 {
            text.push_str(&format!("{{\"email\":\"a{i}@b.com\"}}\n\n"));
        }
        let check = |tail: &str, needles: &[&str]| {
            let input = format!("{text}{tail}");
            let whole = read_ndjson_in_chunks(input.as_bytes(), "f.ndjson", usize::MAX)
                .err()
                .unwrap()
                .to_string();
            let pieces = read_ndjson_in_chunks(input.as_bytes(), "f.ndjson", 10)
                .err()
                .unwrap()
                .to_string();
            assert_eq!(pieces, whole);
            for needle in needles {
                assert!(pieces.contains(needle), "{pieces}");
            }
        };
        check(
            "[1,2]\n{\"email\":1}\n",
            &["line 61", "row 31", "expected a JSON object"],
        );
        check(
            "{\"email\":\"x\",}\n",
            &["line 61", "row 31", "invalid JSON"],
        );
        check(
            "{\"email\":\"x\"} 5\n",
            &["line 61", "row 31", "invalid JSON"],
        );
        check(
            "{\"email\":[1,}\n[\n",
            &["line 61", "row 31", "invalid JSON"],
        );
        // Text that is not UTF-8 is reported before any line that is not JSON.
        let input = [b"nope\n".as_slice(), text.as_bytes(), b"{\"e\":\"\xff\"}\n"].concat();
        let err = read_ndjson_in_chunks(&input, "f.ndjson", 10)
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains("line 62") && err.contains("UTF-8"), "{err}");
    }
}
