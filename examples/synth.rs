//! `synth`: a deterministic, seeded generator of synthetic lead data for leadaudit's
//! benchmarks, accuracy tests and demos.
//!
//! It writes vendor lead files (several formats and header spellings), consent records,
//! a Do-Not-Call file, a suppression list, a CRM export and `truth.csv`, the ground truth
//! of every generated lead row (duplicates, invalid contacts, consent, DNC, CRM).
//!
//! `cargo run --release --example synth -- --help` lists the options. The same options and
//! seed give byte-identical files. Memory stays bounded whatever `--rows` is: rows are
//! streamed, and duplicates are drawn from a fixed-size pool of recently generated people.

use std::fmt::Write as _;
use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::mpsc::{sync_channel, SyncSender};
use std::thread::{self, JoinHandle};
use std::time::Instant;

use chrono::{DateTime, Datelike, Duration, NaiveDate, Timelike, Utc};
use flate2::write::GzEncoder;
use flate2::Compression;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

const HELP: &str = "\
synth: deterministic synthetic lead data, with ground truth, for leadaudit

USAGE:
    cargo run --release --example synth -- --rows N --out DIR [OPTIONS]

EXAMPLE:
    cargo run --release --example synth -- --rows 1000000 --out /tmp/leads-1m
    leadaudit audit /tmp/leads-1m/vendor_a.csv /tmp/leads-1m/vendor_b.tsv \\
        /tmp/leads-1m/web_leads.ndjson --consent /tmp/leads-1m/consent.csv \\
        --suppress /tmp/leads-1m/dnc.txt --suppress /tmp/leads-1m/suppress.csv \\
        --known /tmp/leads-1m/crm.csv --as-of 2026-11-25

OPTIONS:
    --rows N                  lead rows to write, over all lead files (required)
    --out DIR                 output folder, created if missing (required)
    --seed S                  RNG seed [default: 42]; same seed + options = identical files
    --sources K               number of lead files, 1-26 [default: 3]; formats cycle:
                              vendor_a.csv, vendor_b.tsv, web_leads.ndjson,
                              vendor_d.csv.gz, vendor_e.csv, vendor_f.tsv, web_leads_g.ndjson, ...
    --dup-rate R              share of rows repeating an earlier person [default: 0.10]
    --invalid-email-rate R    share of first occurrences with a bad or missing email
                              (syntax, typo, disposable, role, missing) [default: 0.05]
    --invalid-phone-rate R    share of first occurrences with a bad or missing phone
                              (junk, too short, too long, invalid area code, missing) [default: 0.05]
    --placeholder-rate R      share of rows with a placeholder name (Test Test) [default: 0.01]
    --missing-rate R          chance that each optional field is blank [default: 0.03]
    --postal-defect-rate R    share of rows with a malformed postal code [default: 0.01]
    --unconsented-rate R      share of people lacking consent for some channel [default: 0.05]
    --consent-defect-rate R   share of people whose consent records have a defect (missing
                              seller, missing evidence, expired, after capture, revoked,
                              malformed certificate) [default: 0.05]
    --dnc-rate R              share of US people on dnc.txt [default: 0.03]
    --suppress-rate R         share of people on suppress.csv [default: 0.01]
    --known-rate R            share of people already in crm.csv [default: 0.10]
    --as-of DATE              the audit date the data is made for; captures fall in the
                              90 days before it [default: 2026-11-25]
    --seller NAME             seller brand named in consent texts [default: Acme Solar]
    -h, --help                print this help

FILES WRITTEN IN DIR:
    lead files (see --sources), consent.csv, dnc.txt (FTC registry format), suppress.csv,
    crm.csv, truth.csv (one row per lead row: source, row, entity_id, is_duplicate,
    dup_kind, dup_of, email_valid, email_defect, phone_valid, phone_defect, ...).
    A summary of what was planted goes to stderr.
";

/// Duplicates repeat a person from this many recently generated ones (bounds memory).
const POOL_SIZE: usize = 8192;

// ---------------------------------------------------------------------------
// Options
// ---------------------------------------------------------------------------

struct Options {
    rows: u64,
    out: PathBuf,
    seed: u64,
    sources: usize,
    dup_rate: f64,
    invalid_email_rate: f64,
    invalid_phone_rate: f64,
    placeholder_rate: f64,
    missing_rate: f64,
    postal_defect_rate: f64,
    unconsented_rate: f64,
    consent_defect_rate: f64,
    dnc_rate: f64,
    suppress_rate: f64,
    known_rate: f64,
    as_of: NaiveDate,
    seller: String,
}

/// Parses the command line; `Ok(None)` means help was asked for.
fn parse_args(args: impl IntoIterator<Item = String>) -> Result<Option<Options>, String> {
    let mut rows = None;
    let mut out = None;
    let mut o = Options {
        rows: 0,
        out: PathBuf::new(),
        seed: 42,
        sources: 3,
        dup_rate: 0.10,
        invalid_email_rate: 0.05,
        invalid_phone_rate: 0.05,
        placeholder_rate: 0.01,
        missing_rate: 0.03,
        postal_defect_rate: 0.01,
        unconsented_rate: 0.05,
        consent_defect_rate: 0.05,
        dnc_rate: 0.03,
        suppress_rate: 0.01,
        known_rate: 0.10,
        as_of: NaiveDate::from_ymd_opt(2026, 11, 25).ok_or("bad built-in date")?,
        seller: "Acme Solar".to_string(),
    };
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        if arg == "-h" || arg == "--help" {
            return Ok(None);
        }
        let (key, inline) = match arg.split_once('=') {
            Some((k, v)) => (k.to_string(), Some(v.to_string())),
            None => (arg.clone(), None),
        };
        if !key.starts_with("--") {
            return Err(format!("unexpected argument `{arg}` (see --help)"));
        }
        let value = match inline {
            Some(v) => v,
            None => args
                .next()
                .ok_or_else(|| format!("{key} needs a value (see --help)"))?,
        };
        let rate = |v: &str| -> Result<f64, String> {
            match v.parse::<f64>() {
                Ok(r) if (0.0..=1.0).contains(&r) => Ok(r),
                _ => Err(format!("{key} must be a number from 0 to 1, got `{v}`")),
            }
        };
        match key.as_str() {
            "--rows" => {
                rows = Some(
                    value
                        .parse::<u64>()
                        .ok()
                        .filter(|n| *n > 0)
                        .ok_or_else(|| {
                            format!("--rows must be a positive integer, got `{value}`")
                        })?,
                )
            }
            "--out" => out = Some(PathBuf::from(value)),
            "--seed" => {
                o.seed = value
                    .parse()
                    .map_err(|_| format!("--seed must be an unsigned integer, got `{value}`"))?
            }
            "--sources" => {
                o.sources = value
                    .parse::<usize>()
                    .ok()
                    .filter(|k| (1..=26).contains(k))
                    .ok_or_else(|| format!("--sources must be 1 to 26, got `{value}`"))?
            }
            "--dup-rate" => o.dup_rate = rate(&value)?,
            "--invalid-email-rate" => o.invalid_email_rate = rate(&value)?,
            "--invalid-phone-rate" => o.invalid_phone_rate = rate(&value)?,
            "--placeholder-rate" => o.placeholder_rate = rate(&value)?,
            "--missing-rate" => o.missing_rate = rate(&value)?,
            "--postal-defect-rate" => o.postal_defect_rate = rate(&value)?,
            "--unconsented-rate" => o.unconsented_rate = rate(&value)?,
            "--consent-defect-rate" => o.consent_defect_rate = rate(&value)?,
            "--dnc-rate" => o.dnc_rate = rate(&value)?,
            "--suppress-rate" => o.suppress_rate = rate(&value)?,
            "--known-rate" => o.known_rate = rate(&value)?,
            "--as-of" => {
                o.as_of = NaiveDate::parse_from_str(&value, "%Y-%m-%d")
                    .map_err(|_| format!("--as-of must be a date YYYY-MM-DD, got `{value}`"))?
            }
            "--seller" => o.seller = value,
            _ => return Err(format!("unknown option `{key}` (see --help)")),
        }
    }
    if o.dup_rate >= 1.0 {
        return Err("--dup-rate must be below 1".to_string());
    }
    if o.unconsented_rate + o.consent_defect_rate > 1.0 {
        return Err("--unconsented-rate + --consent-defect-rate must not exceed 1".to_string());
    }
    o.rows = rows.ok_or("--rows is required (see --help)")?;
    o.out = out.ok_or("--out is required (see --help)")?;
    Ok(Some(o))
}

fn main() -> ExitCode {
    let opts = match parse_args(std::env::args().skip(1)) {
        Ok(Some(o)) => o,
        Ok(None) => {
            print!("{HELP}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let started = Instant::now();
    match run(opts) {
        Ok(stats) => {
            eprint!("{stats}");
            eprintln!("elapsed: {:.2} s", started.elapsed().as_secs_f64());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(opts: Options) -> Result<String, String> {
    fs::create_dir_all(&opts.out)
        .map_err(|e| format!("cannot create {}: {e}", opts.out.display()))?;
    let mut g = Generator::new(opts).map_err(|e| e.to_string())?;
    g.generate().map_err(|e| e.to_string())?;
    let summary = g.stats.render(&g.sources);
    g.finish().map_err(|e| e.to_string())?;
    Ok(summary)
}

// ---------------------------------------------------------------------------
// Lead files: formats and header spellings
// ---------------------------------------------------------------------------

/// Canonical lead fields, in the order of the row buffer.
#[rustfmt::skip]
const FIELDS: [&str; 26] = [
    "lead_id", "first_name", "last_name", "email", "phone", "company", "job_title", "industry",
    "naics", "employees", "address", "city", "state", "postal_code", "country", "captured_at",
    "channel", "ip", "page_url", "email_opens", "email_clicks", "downloads", "webinar_attended",
    "pages_visited", "last_activity_at", "price",
];
const F_LEAD_ID: usize = 0;
const F_FIRST: usize = 1;
const F_LAST: usize = 2;
const F_EMAIL: usize = 3;
const F_PHONE: usize = 4;
const F_COMPANY: usize = 5;
const F_TITLE: usize = 6;
const F_INDUSTRY: usize = 7;
const F_NAICS: usize = 8;
const F_EMPLOYEES: usize = 9;
const F_ADDRESS: usize = 10;
const F_CITY: usize = 11;
const F_STATE: usize = 12;
const F_POSTAL: usize = 13;
const F_COUNTRY: usize = 14;
const F_CAPTURED: usize = 15;
const F_CHANNEL: usize = 16;
const F_IP: usize = 17;
const F_PAGE: usize = 18;
const F_OPENS: usize = 19;
const F_CLICKS: usize = 20;
const F_DOWNLOADS: usize = 21;
const F_WEBINAR: usize = 22;
const F_PAGES: usize = 23;
const F_LAST_ACTIVITY: usize = 24;
const F_PRICE: usize = 25;

/// Fields written as JSON numbers / booleans in NDJSON (everything else is a string).
const fn is_json_number(field: usize) -> bool {
    matches!(field, F_OPENS | F_CLICKS | F_DOWNLOADS | F_PAGES | F_PRICE)
}

/// How one vendor writes its file: header spellings, column order, value formats.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Style {
    /// vendor_a.csv: title-case headers, `(650) 253-0000`, US Eastern offsets.
    A,
    /// vendor_b.tsv: snake_case headers, email first, `650.253.0000`, naive UTC times.
    B,
    /// web_leads.ndjson: canonical keys, E.164-ish phones, `Z` times, JSON numbers.
    Web,
    /// vendor_d.csv.gz: "Given Name/Surname" headers, `650-253-0000`, CET offsets.
    C,
}

#[rustfmt::skip]
const HEADERS_A: [&str; 26] = [
    "Lead ID", "First Name", "Last Name", "E-mail", "Phone Number", "Company", "Job Title",
    "Industry", "NAICS", "Employees", "Address", "City", "State", "Zip", "Country", "Date Captured",
    "Channels", "IP Address", "Page URL", "Email Opens", "Email Clicks", "Downloads",
    "Webinar Attended", "Pages Visited", "Last Activity", "Price",
];
#[rustfmt::skip]
const HEADERS_B: [&str; 26] = [
    "lead_id", "fname", "lname", "email_address", "mobile", "company_name", "title", "industry",
    "naics_code", "employee_count", "street", "city", "region", "postal_code", "country_code",
    "created", "channels", "ip_address", "landing_page", "opens", "clicks", "downloads", "webinar",
    "pageviews", "last_activity", "cost",
];
#[rustfmt::skip]
const HEADERS_C: [&str; 26] = [
    "Lead Id", "Given Name", "Surname", "Email Address", "Mobile Phone", "Company Name", "Position",
    "Sector", "NAICS Code", "Company Size", "Street Address", "Town", "State/Province", "Postcode",
    "Country", "Timestamp", "Contact Channels", "IP", "Source URL", "Opens", "Clicks",
    "Content Downloads", "Attended Webinar", "Page Views", "Last Activity Date", "Lead Price",
];
/// vendor_b puts the contact columns first.
#[rustfmt::skip]
const ORDER_B: [usize; 26] = [
    F_LEAD_ID, F_EMAIL, F_PHONE, F_FIRST, F_LAST, F_COMPANY, F_TITLE, F_INDUSTRY, F_NAICS,
    F_EMPLOYEES, F_ADDRESS, F_CITY, F_STATE, F_POSTAL, F_COUNTRY, F_CAPTURED, F_CHANNEL, F_IP,
    F_PAGE, F_OPENS, F_CLICKS, F_DOWNLOADS, F_WEBINAR, F_PAGES, F_LAST_ACTIVITY, F_PRICE,
];
const ORDER_CANONICAL: [usize; 26] = [
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25,
];

impl Style {
    fn for_source(index: usize) -> Style {
        [Style::A, Style::B, Style::Web, Style::C][index % 4]
    }

    fn file_name(self, index: usize) -> String {
        let letter = char::from(b'a' + index as u8);
        match self {
            Style::A => format!("vendor_{letter}.csv"),
            Style::B => format!("vendor_{letter}.tsv"),
            Style::Web if index == 2 => "web_leads.ndjson".to_string(),
            Style::Web => format!("web_leads_{letter}.ndjson"),
            Style::C => format!("vendor_{letter}.csv.gz"),
        }
    }

    fn header_and_order(self) -> (&'static [&'static str; 26], &'static [usize; 26]) {
        match self {
            Style::A => (&HEADERS_A, &ORDER_CANONICAL),
            Style::B => (&HEADERS_B, &ORDER_B),
            Style::Web => (&FIELDS, &ORDER_CANONICAL),
            Style::C => (&HEADERS_C, &ORDER_CANONICAL),
        }
    }

    /// The phone format this vendor mostly uses.
    fn phone_format(self) -> PhoneFormat {
        match self {
            Style::A => PhoneFormat::Paren,
            Style::B => PhoneFormat::Dots,
            Style::Web => PhoneFormat::Intl,
            Style::C => PhoneFormat::Dashes,
        }
    }

    fn write_time(self, out: &mut String, t: DateTime<Utc>) {
        // Vendors disagree on time zones and notation; all are ISO 8601 variants.
        match self {
            Style::A => {
                push_datetime(out, t - Duration::hours(5), 'T');
                out.push_str("-05:00");
            }
            Style::B => push_datetime(out, t, ' '),
            Style::Web => {
                push_datetime(out, t, 'T');
                out.push('.');
                push_digits(out, t.timestamp_subsec_millis(), 3);
                out.push('Z');
            }
            Style::C => {
                push_datetime(out, t + Duration::hours(1), 'T');
                out.push_str("+01:00");
            }
        }
    }
}

/// `YYYY-MM-DD`, written by hand: chrono's strftime parses its pattern on every call,
/// which dominated the profile.
fn push_date(out: &mut String, t: DateTime<Utc>) {
    push_digits(out, t.year().unsigned_abs(), 4);
    out.push('-');
    push_digits(out, t.month(), 2);
    out.push('-');
    push_digits(out, t.day(), 2);
}

/// `YYYY-MM-DD<sep>hh:mm:ss`
fn push_datetime(out: &mut String, t: DateTime<Utc>, sep: char) {
    push_date(out, t);
    out.push(sep);
    push_digits(out, t.hour(), 2);
    out.push(':');
    push_digits(out, t.minute(), 2);
    out.push(':');
    push_digits(out, t.second(), 2);
}

fn push_digits(out: &mut String, value: u32, width: u32) {
    for i in (0..width).rev() {
        out.push(char::from(b'0' + (value / 10u32.pow(i) % 10) as u8));
    }
}

/// A file being written, plain or gzip-compressed. Bytes go in blocks to a thread of
/// its own that compresses and writes them, so generating never waits on the disk.
struct Out {
    block: Vec<u8>,
    sender: Option<SyncSender<Vec<u8>>>,
    writer: Option<JoinHandle<io::Result<()>>>,
}

const BLOCK_SIZE: usize = 1 << 18;

impl Out {
    fn create(path: &Path, gzip: bool) -> io::Result<Out> {
        let file = BufWriter::with_capacity(BLOCK_SIZE, File::create(path)?);
        // A few blocks in flight bound the memory whatever the row count.
        let (sender, receiver) = sync_channel::<Vec<u8>>(4);
        let writer = thread::spawn(move || -> io::Result<()> {
            let mut sink: Box<dyn Write> = if gzip {
                // Level 1: the benchmark wants speed; the gzip header carries no timestamp.
                Box::new(GzEncoder::new(file, Compression::fast()))
            } else {
                Box::new(file)
            };
            for block in receiver {
                sink.write_all(&block)?;
            }
            sink.flush()
            // Dropping the encoder writes the gzip trailer; flush above made the data durable.
        });
        Ok(Out {
            block: Vec::with_capacity(BLOCK_SIZE),
            sender: Some(sender),
            writer: Some(writer),
        })
    }

    fn send_block(&mut self) -> io::Result<()> {
        let block = std::mem::replace(&mut self.block, Vec::with_capacity(BLOCK_SIZE));
        let sent = self.sender.as_ref().map(|s| s.send(block));
        match sent {
            Some(Ok(())) => Ok(()),
            // The writer stopped: its error says why.
            _ => Err(self
                .join()
                .err()
                .unwrap_or_else(|| io::Error::other("writer stopped"))),
        }
    }

    fn join(&mut self) -> io::Result<()> {
        self.sender = None;
        match self.writer.take().map(JoinHandle::join) {
            Some(Ok(result)) => result,
            Some(Err(_)) => Err(io::Error::other("writer thread panicked")),
            None => Ok(()),
        }
    }

    fn finish(mut self) -> io::Result<()> {
        if !self.block.is_empty() {
            self.send_block()?;
        }
        self.join()
    }
}

impl Write for Out {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.block.extend_from_slice(buf);
        if self.block.len() >= BLOCK_SIZE {
            self.send_block()?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

enum Sink {
    Delimited(Box<csv::Writer<Out>>),
    Ndjson(Out),
}

struct Source {
    name: String,
    /// Lead ids of this vendor start with it.
    id_prefix: String,
    /// The web form its leads came from.
    page_url: String,
    style: Style,
    sink: Sink,
    rows: u64,
}

impl Source {
    fn create(dir: &Path, index: usize) -> io::Result<Source> {
        let style = Style::for_source(index);
        let file = style.file_name(index);
        let name = file.split('.').next().unwrap_or_default().to_string();
        let out = Out::create(&dir.join(&file), style == Style::C)?;
        let sink = match style {
            Style::Web => Sink::Ndjson(out),
            _ => {
                let delimiter = if style == Style::B { b'\t' } else { b',' };
                let mut w = csv::WriterBuilder::new()
                    .delimiter(delimiter)
                    .from_writer(out);
                let (headers, order) = style.header_and_order();
                w.write_record(order.iter().map(|&f| headers[f]))?;
                Sink::Delimited(Box::new(w))
            }
        };
        let id_prefix = match style {
            Style::A => name.to_ascii_uppercase(),
            Style::C => name[name.len() - 1..].to_ascii_uppercase(),
            _ => name.clone(),
        };
        let page_url = format!("{}{name}", PAGE_URLS[(index + 3) % 4]);
        Ok(Source {
            name,
            id_prefix,
            page_url,
            style,
            sink,
            rows: 0,
        })
    }

    fn write_row(&mut self, row: &[String; 26]) -> io::Result<()> {
        self.rows += 1;
        let (headers, order) = self.style.header_and_order();
        match &mut self.sink {
            Sink::Delimited(w) => w.write_record(order.iter().map(|&f| row[f].as_str()))?,
            Sink::Ndjson(w) => {
                w.write_all(b"{")?;
                for (i, &f) in order.iter().enumerate() {
                    if i > 0 {
                        w.write_all(b",")?;
                    }
                    serde_json::to_writer(&mut *w, headers[f])?;
                    w.write_all(b":")?;
                    let v = &row[f];
                    if v.is_empty() {
                        w.write_all(b"null")?;
                    } else if is_json_number(f) || f == F_WEBINAR {
                        w.write_all(v.as_bytes())?;
                    } else {
                        serde_json::to_writer(&mut *w, v)?;
                    }
                }
                w.write_all(b"}\n")?;
            }
        }
        Ok(())
    }

    fn finish(self) -> io::Result<()> {
        match self.sink {
            Sink::Delimited(w) => w
                .into_inner()
                .map_err(|e| io::Error::other(e.to_string()))?
                .finish(),
            Sink::Ndjson(w) => w.finish(),
        }
    }
}

// ---------------------------------------------------------------------------
// Phones
// ---------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq)]
enum PhoneFormat {
    /// (650) 253-0000
    Paren,
    /// 650.253.0000
    Dots,
    /// 650-253-0000
    Dashes,
    /// 6502530000
    Plain,
    /// +1 650 253 0000
    Intl,
    /// +16502530000
    E164,
    /// 1-650-253-0000
    OneDash,
}

const PHONE_FORMATS: [PhoneFormat; 7] = [
    PhoneFormat::Paren,
    PhoneFormat::Dots,
    PhoneFormat::Dashes,
    PhoneFormat::Plain,
    PhoneFormat::Intl,
    PhoneFormat::E164,
    PhoneFormat::OneDash,
];

/// The phone numbers of one country, as a bijection from person ids to numbers, so
/// that no two people share a number (ground truth stays exact) without a lookup table.
struct PhonePlan {
    /// For NANP: (area code, city index); empty otherwise.
    areas: Vec<(&'static str, usize)>,
    size: u64,
    multiplier: u64,
}

/// NANP central office codes: 200-999 except N11 service codes and 555.
fn nanp_exchanges() -> Vec<u16> {
    (200..1000u16)
        .filter(|x| x % 100 != 11 && *x != 555)
        .collect()
}

fn gcd(a: u64, b: u64) -> u64 {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

impl PhonePlan {
    fn new(c: &CountryInfo, exchanges: usize) -> PhonePlan {
        let mut areas = Vec::new();
        for (i, city) in c.cities.iter().enumerate() {
            for code in city.area_codes {
                areas.push((*code, i));
            }
        }
        let size = if areas.is_empty() {
            c.mobile_prefixes.len() as u64 * 10u64.pow(c.mobile_digits)
        } else {
            areas.len() as u64 * exchanges as u64 * 10_000
        };
        // Any multiplier coprime with the size permutes 0..size.
        let mut multiplier = 2_654_435_761 % size;
        while gcd(multiplier, size) != 1 {
            multiplier += 1;
        }
        PhonePlan {
            areas,
            size,
            multiplier,
        }
    }

    /// The national significant number for `key` (distinct keys below `size` give
    /// distinct numbers) and, for NANP, the city its area code belongs to.
    fn number(&self, c: &CountryInfo, exchanges: &[u16], key: u64) -> (String, Option<usize>) {
        let x = ((u128::from(key % self.size) * u128::from(self.multiplier) + 7919)
            % u128::from(self.size)) as u64;
        if self.areas.is_empty() {
            let block = 10u64.pow(c.mobile_digits);
            let prefix = c.mobile_prefixes[(x / block) as usize];
            let digits = c.mobile_digits as usize;
            (format!("{prefix}{:0digits$}", x % block), None)
        } else {
            let per_area = exchanges.len() as u64 * 10_000;
            let (code, city) = self.areas[(x / per_area) as usize];
            let rest = x % per_area;
            let exchange = exchanges[(rest / 10_000) as usize];
            (format!("{code}{exchange}{:04}", rest % 10_000), Some(city))
        }
    }
}

fn push_grouped(out: &mut String, digits: &str, groups: &[usize], sep: char) {
    let mut start = 0;
    for (i, g) in groups.iter().enumerate() {
        if start >= digits.len() {
            break;
        }
        if i > 0 {
            out.push(sep);
        }
        let end = if i + 1 == groups.len() {
            digits.len()
        } else {
            (start + g).min(digits.len())
        };
        out.push_str(&digits[start..end]);
        start = end;
    }
}

/// Writes a national significant number the way a vendor would.
fn format_phone(out: &mut String, c: &CountryInfo, nsn: &str, f: PhoneFormat) {
    if c.calling_code == "1" && nsn.len() == 10 {
        let (a, e, s) = (&nsn[..3], &nsn[3..6], &nsn[6..]);
        let r = match f {
            PhoneFormat::Paren => write!(out, "({a}) {e}-{s}"),
            PhoneFormat::Dots => write!(out, "{a}.{e}.{s}"),
            PhoneFormat::Dashes => write!(out, "{a}-{e}-{s}"),
            PhoneFormat::Plain => write!(out, "{nsn}"),
            PhoneFormat::Intl => write!(out, "+1 {a} {e} {s}"),
            PhoneFormat::E164 => write!(out, "+1{nsn}"),
            PhoneFormat::OneDash => write!(out, "1-{a}-{e}-{s}"),
        };
        debug_assert!(r.is_ok());
        return;
    }
    match f {
        PhoneFormat::Intl => {
            out.push('+');
            out.push_str(c.calling_code);
            out.push(' ');
            push_grouped(out, nsn, c.intl_groups, ' ');
        }
        PhoneFormat::E164 => {
            out.push('+');
            out.push_str(c.calling_code);
            out.push_str(nsn);
        }
        PhoneFormat::Plain => {
            out.push_str(c.trunk);
            out.push_str(nsn);
        }
        _ => {
            let national = format!("{}{nsn}", c.trunk);
            push_grouped(out, &national, c.national_groups, ' ');
        }
    }
}

// ---------------------------------------------------------------------------
// People
// ---------------------------------------------------------------------------

/// One real-world person; lead rows are renderings of a person (several, for duplicates).
#[derive(Default)]
struct Person {
    id: u64,
    country: usize,
    city: usize,
    first: &'static str,
    last: &'static str,
    email: String,
    phone: String,
    company_name: String,
    legal_form: &'static str,
    title: &'static str,
    industry: usize,
    employees: u32,
    address: String,
    postal: String,
    channels: u8,
    consent: ConsentState,
    placeholder: bool,
    on_dnc: bool,
    suppressed_email: bool,
    suppressed_phone: bool,
    in_crm: bool,
    /// (source index, row) of the person's first row.
    first_seen: (usize, u64),
    /// Keys already shown in an earlier row: primary/alternative email and phone.
    seen_email: [bool; 2],
    seen_phone: [bool; 2],
}

impl Person {
    fn country(&self) -> &'static CountryInfo {
        &COUNTRIES[self.country]
    }

    fn company_domain(&self) -> String {
        // Folding drops the spaces: "Blue Ridge Solar" -> blueridgesolar.com
        format!("{}.{}", ascii_fold(&self.company_name), self.country().tld)
    }

    fn city(&self) -> &'static City {
        &self.country().cities[self.city]
    }

    /// A second address this person uses (shown by some fuzzy duplicates).
    fn alt_email(&self) -> String {
        let c = self.country();
        let primary_domain = self.email.rsplit('@').next().unwrap_or_default();
        let mut domain = c.free_domains[(self.id % c.free_domains.len() as u64) as usize];
        if domain == primary_domain {
            domain = c.free_domains[((self.id + 1) % c.free_domains.len() as u64) as usize];
        }
        let first = ascii_fold(self.first);
        let initial = first.chars().next().unwrap_or('x');
        format!("{initial}{}{}@{domain}", ascii_fold(self.last), self.id)
    }
}

/// Channel bits of a lead: which channels it is meant to be contacted on.
const EMAIL: u8 = 1;
const CALL: u8 = 2;
const SMS: u8 = 4;
const CHANNEL_SETS: &[(u8, u32)] = &[
    (EMAIL, 20),
    (CALL, 10),
    (SMS, 5),
    (EMAIL | CALL, 25),
    (CALL | SMS, 15),
    (EMAIL | SMS, 5),
    (EMAIL | CALL | SMS, 20),
];

#[derive(Clone, Copy, Default, PartialEq, Eq)]
enum ConsentState {
    #[default]
    Valid,
    /// No record at all for this person.
    MissingAll,
    /// No record for one of the person's channels (the bit).
    MissingChannel(u8),
    /// Records exist but carry this defect.
    Defect(ConsentDefect),
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum ConsentDefect {
    MissingSeller,
    MissingEvidence,
    Expired,
    AfterCapture,
    Revoked,
    BadCertificate,
}

const CONSENT_DEFECTS: [ConsentDefect; 6] = [
    ConsentDefect::MissingSeller,
    ConsentDefect::MissingEvidence,
    ConsentDefect::Expired,
    ConsentDefect::AfterCapture,
    ConsentDefect::Revoked,
    ConsentDefect::BadCertificate,
];

impl ConsentState {
    fn label(self) -> &'static str {
        match self {
            ConsentState::Valid => "none",
            ConsentState::MissingAll => "missing",
            ConsentState::MissingChannel(_) => "missing_channel",
            ConsentState::Defect(d) => match d {
                ConsentDefect::MissingSeller => "missing_seller",
                ConsentDefect::MissingEvidence => "missing_evidence",
                ConsentDefect::Expired => "expired",
                ConsentDefect::AfterCapture => "after_capture",
                ConsentDefect::Revoked => "revoked",
                ConsentDefect::BadCertificate => "bad_certificate",
            },
        }
    }

    /// Whether a valid consent covers `channel`.
    fn covers(self, channel: u8) -> bool {
        match self {
            ConsentState::Valid => true,
            ConsentState::MissingChannel(missing) => missing != channel,
            _ => false,
        }
    }
}

/// Lower-case ASCII letters and digits of a name, diacritics folded (for email local parts).
fn ascii_fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars().flat_map(char::to_lowercase) {
        let folded: &str = match ch {
            'a'..='z' | '0'..='9' => {
                out.push(ch);
                continue;
            }
            'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' | 'ą' => "a",
            'é' | 'è' | 'ê' | 'ë' | 'ę' | 'ě' => "e",
            'í' | 'ì' | 'î' | 'ï' | 'ı' => "i",
            'ó' | 'ò' | 'ô' | 'ö' | 'õ' | 'ø' | 'ő' => "o",
            'ú' | 'ù' | 'û' | 'ü' | 'ű' | 'ů' => "u",
            'ñ' | 'ń' => "n",
            'ç' | 'ć' | 'č' => "c",
            'ś' | 'š' | 'ş' => "s",
            'ź' | 'ż' | 'ž' => "z",
            'ł' => "l",
            'ř' => "r",
            'ý' => "y",
            'ğ' => "g",
            'đ' | 'ð' => "d",
            'ß' => "ss",
            'æ' => "ae",
            'œ' => "oe",
            'þ' => "th",
            'ạ' | 'ả' | 'ấ' | 'ầ' | 'ẩ' | 'ậ' | 'ắ' | 'ặ' => "a",
            'ệ' | 'ế' | 'ề' | 'ể' => "e",
            'ị' => "i",
            'ọ' | 'ố' | 'ồ' | 'ổ' | 'ộ' | 'ơ' | 'ớ' | 'ờ' | 'ở' | 'ợ' => "o",
            'ụ' | 'ư' | 'ứ' | 'ừ' | 'ử' | 'ự' | 'ủ' => "u",
            'ỳ' | 'ỷ' => "y",
            _ => "",
        };
        out.push_str(folded);
    }
    out
}

fn weighted_index<R: Rng>(rng: &mut R, weights: impl Iterator<Item = u32> + Clone) -> usize {
    let total: u32 = weights.clone().sum();
    let mut x = rng.random_range(0..total);
    for (i, w) in weights.enumerate() {
        if x < w {
            return i;
        }
        x -= w;
    }
    0
}

fn pick<R: Rng, T: Copy>(rng: &mut R, items: &[T]) -> T {
    items[rng.random_range(0..items.len())]
}

/// A postal code near a city's listed one: the last two digits of an all-digit code (a US
/// ZIP keeps its ZIP3 area, a German PLZ its region) or the last digit after the space of a
/// UK or Canadian code, drawn at random. Without it a million leads share ~200 codes, 5,000
/// per code, and blocking by postal code sees blocks no real list has.
fn spread_postal<R: Rng>(rng: &mut R, code: &str) -> String {
    let mut chars: Vec<char> = code.chars().collect();
    let variable = if chars.iter().all(char::is_ascii_digit) {
        2
    } else {
        1
    };
    let start = code
        .rfind(' ')
        .map_or(0, |space| code[..space].chars().count() + 1);
    let digits: Vec<usize> = (start..chars.len())
        .rev()
        .filter(|&i| chars[i].is_ascii_digit())
        .take(variable)
        .collect();
    for i in digits {
        chars[i] = char::from(b'0' + rng.random_range(0..10u8));
    }
    chars.into_iter().collect()
}

fn nicknames(first: &str) -> Option<&'static [&'static str]> {
    NICKNAMES
        .iter()
        .find(|(formal, _)| *formal == first)
        .map(|(_, nicks)| *nicks)
}

/// Introduces one typing error (transposition, deletion or substitution), keeping the
/// first letter, as people and OCR do.
fn typo<R: Rng>(rng: &mut R, s: &str) -> String {
    let mut chars: Vec<char> = s.chars().collect();
    if chars.len() < 4 {
        return s.to_string();
    }
    let i = rng.random_range(1..chars.len() - 1);
    match rng.random_range(0..3) {
        0 => chars.swap(i, i + 1),
        1 => {
            chars.remove(i);
        }
        _ => {
            const NEIGHBOURS: &[&str] = &[
                "qwsz", "vghn", "xdfv", "serfcx", "wsdr", "drtgvc", "ftyhbv", "gyujnb", "ujko",
                "huikmn", "jiolm", "kop", "njk", "bhjm", "iklp", "ol", "wa", "edft", "awedxz",
                "rfgy", "yhji", "cfgb", "qase", "zsdc", "tghu", "asx",
            ];
            let c = chars[i].to_ascii_lowercase();
            let replacement = if c.is_ascii_lowercase() {
                let n = NEIGHBOURS[(c as u8 - b'a') as usize].as_bytes();
                char::from(n[rng.random_range(0..n.len())])
            } else {
                char::from(b'a' + rng.random_range(0..26u8))
            };
            chars[i] = replacement;
        }
    }
    chars.into_iter().collect()
}

fn abbreviate_street(address: &str) -> String {
    for (long, short) in STREET_ABBREVIATIONS {
        if let Some(stem) = address.strip_suffix(long) {
            return format!("{stem}{short}");
        }
    }
    address.to_string()
}

// ---------------------------------------------------------------------------
// Ground-truth bookkeeping
// ---------------------------------------------------------------------------

#[derive(Default)]
struct Stats {
    rows: u64,
    duplicates: [u64; 3],
    email_defects: [u64; 5],
    phone_defects: [u64; 5],
    placeholders: u64,
    name_missing: u64,
    postal_invalid: u64,
    consent: [u64; 9],
    on_dnc: u64,
    on_suppress: u64,
    in_crm: u64,
    consent_records: u64,
    crm_rows: u64,
    dnc_lines: u64,
    suppress_lines: u64,
}

const DUP_KINDS: [&str; 3] = ["exact_email", "exact_phone", "fuzzy"];
const DUP_EXACT_EMAIL: usize = 0;
const DUP_EXACT_PHONE: usize = 1;
const DUP_FUZZY: usize = 2;
const EMAIL_MISSING: usize = 4;
const PHONE_MISSING: usize = 4;

/// Which of a person's email addresses / phone numbers a row shows.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Contact {
    /// The first row of the person: their own, possibly with a planted defect.
    First,
    /// Their own, as shown before.
    Primary,
    /// Another one they also use (a second address, an office line).
    Alternative,
}

impl Contact {
    /// Index into `Person::seen_email` / `seen_phone`.
    fn slot(self) -> usize {
        match self {
            Contact::First | Contact::Primary => 0,
            Contact::Alternative => 1,
        }
    }
}
const EMAIL_DEFECTS: [&str; 5] = ["syntax", "typo", "disposable", "role", "missing"];
const PHONE_DEFECTS: [&str; 5] = [
    "junk",
    "too_short",
    "too_long",
    "invalid_area_code",
    "missing",
];
const CONSENT_LABELS: [&str; 9] = [
    "none",
    "missing",
    "missing_channel",
    "missing_seller",
    "missing_evidence",
    "expired",
    "after_capture",
    "revoked",
    "bad_certificate",
];

impl Stats {
    fn render(&self, sources: &[Source]) -> String {
        let mut s = String::new();
        let pct = |n: u64| 100.0 * n as f64 / self.rows.max(1) as f64;
        let mut line = |label: &str, n: u64| {
            let _ = writeln!(s, "  {label:<28} {n:>10}  ({:.2}%)", pct(n));
        };
        line("rows", self.rows);
        for (k, n) in DUP_KINDS.iter().zip(self.duplicates) {
            line(&format!("duplicate {k}"), n);
        }
        for (k, n) in EMAIL_DEFECTS.iter().zip(self.email_defects) {
            line(&format!("email {k}"), n);
        }
        for (k, n) in PHONE_DEFECTS.iter().zip(self.phone_defects) {
            line(&format!("phone {k}"), n);
        }
        line("name placeholder", self.placeholders);
        line("name missing", self.name_missing);
        line("postal invalid", self.postal_invalid);
        for (k, n) in CONSENT_LABELS.iter().zip(self.consent).skip(1) {
            line(&format!("consent {k}"), n);
        }
        line("on dnc", self.on_dnc);
        line("on suppress", self.on_suppress);
        line("in crm", self.in_crm);
        let mut out = String::from("synth: ground truth of the generated rows\n");
        for src in sources {
            let _ = writeln!(out, "  source {:<19} {:>10} rows", src.name, src.rows);
        }
        out.push_str(&s);
        let _ = writeln!(
            out,
            "  files: {} consent records, {} crm rows, {} dnc lines, {} suppress lines",
            self.consent_records, self.crm_rows, self.dnc_lines, self.suppress_lines
        );
        out
    }
}

/// What one rendered lead row truly is.
struct RowTruth {
    dup_kind: Option<usize>,
    email_defect: Option<usize>,
    phone_defect: Option<usize>,
    name_missing: bool,
    postal_valid: bool,
    on_dnc: bool,
    on_suppress: bool,
}

// ---------------------------------------------------------------------------
// The generator
// ---------------------------------------------------------------------------

struct Generator {
    opts: Options,
    rng: ChaCha8Rng,
    next_id: u64,
    pool: Vec<Person>,
    sources: Vec<Source>,
    truth: csv::Writer<Out>,
    consent: csv::Writer<Out>,
    crm: csv::Writer<Out>,
    suppress: csv::Writer<Out>,
    dnc: Out,
    exchanges: Vec<u16>,
    phone_plans: Vec<PhonePlan>,
    /// Company email domains on the suppression list (competitors).
    suppressed_domains: Vec<String>,
    consent_texts: [String; 3],
    stats: Stats,
    row: [String; 26],
    as_of: DateTime<Utc>,
    consent_seq: u64,
    dnc_noise: u64,
    /// The current row's email (normalised) and phone (E.164) when valid: what consent
    /// records of the row carry.
    shown_email: String,
    shown_phone: String,
    /// Reusable buffers of consent records and numbers.
    evidence: [String; 5],
    revoked_at: String,
    scratch: [String; 3],
}

/// Consent wording as shown on lead forms; `{seller}` is replaced by the seller brand.
const CONSENT_TEMPLATES: [&str; 3] = [
    "I authorize {seller} to call and text me at the number provided, including autodialed calls and prerecorded messages. Consent is not a condition of purchase.",
    "I agree to receive emails, calls and texts from {seller}, including autodialed calls. Consent is not a condition of purchase; I may opt out at any time.",
    "Yes, {seller} may email, call and text me using autodialed technology. I understand consent is not a condition of purchase.",
];
/// Wording that forgets to name the seller (the `consent.seller` defect).
const CONSENT_WITHOUT_SELLER: &str = "I agree to be contacted by our marketing partners, including by autodialed calls and texts. Consent is not a condition of purchase.";

const PAGE_URLS: [&str; 4] = [
    "https://www.solarsavingsnow.com/quote?src=",
    "https://get.homeenergydeals.net/lp/",
    "https://www.acmesolar.com/get-a-quote?utm_source=",
    "https://offers.greenquotehub.co/form/",
];

impl Generator {
    fn new(opts: Options) -> io::Result<Generator> {
        let dir = opts.out.clone();
        let csv_out = |name: &str| -> io::Result<csv::Writer<Out>> {
            Ok(csv::Writer::from_writer(Out::create(
                &dir.join(name),
                false,
            )?))
        };
        let mut sources = Vec::with_capacity(opts.sources);
        for i in 0..opts.sources {
            sources.push(Source::create(&dir, i)?);
        }
        let mut truth = csv_out("truth.csv")?;
        truth.write_record([
            "source",
            "row",
            "lead_id",
            "entity_id",
            "is_duplicate",
            "dup_kind",
            "dup_of",
            "email_valid",
            "email_defect",
            "phone_valid",
            "phone_defect",
            "name_placeholder",
            "name_missing",
            "postal_valid",
            "country",
            "channels",
            "consent_email",
            "consent_call",
            "consent_sms",
            "consent_defect",
            "on_dnc",
            "on_suppress",
            "in_crm",
        ])?;
        let mut consent = csv_out("consent.csv")?;
        consent.write_record([
            "consent_id",
            "lead_id",
            "email",
            "phone",
            "channel",
            "consented_at",
            "ip",
            "page_url",
            "consent_text",
            "method",
            "seller",
            "certificate",
            "revoked_at",
        ])?;
        let mut crm = csv_out("crm.csv")?;
        crm.write_record([
            "Contact ID",
            "First Name",
            "Last Name",
            "Email",
            "Phone",
            "Account Name",
            "Title",
            "Mailing City",
            "Mailing State",
            "Mailing Zip",
            "Mailing Country",
            "Created Date",
        ])?;
        let mut suppress = csv_out("suppress.csv")?;
        suppress.write_record(["email", "phone", "domain", "reason", "added_at"])?;
        let dnc = Out::create(&dir.join("dnc.txt"), false)?;

        let exchanges = nanp_exchanges();
        let phone_plans = COUNTRIES
            .iter()
            .map(|c| PhonePlan::new(c, exchanges.len()))
            .collect();
        let mut rng = ChaCha8Rng::seed_from_u64(opts.seed);
        let suppressed_domains = (0..3)
            .map(|_| {
                let word = ascii_fold(pick(&mut rng, COMPANY_WORDS));
                let kind = ascii_fold(pick(&mut rng, COMPANY_KINDS));
                format!("{word}{kind}.com")
            })
            .collect();
        let consent_texts = CONSENT_TEMPLATES.map(|t| t.replace("{seller}", &opts.seller));
        let as_of = opts
            .as_of
            .and_hms_opt(0, 0, 0)
            .map(|t| t.and_utc())
            .unwrap_or_default();
        Ok(Generator {
            opts,
            rng,
            next_id: 1,
            pool: Vec::with_capacity(POOL_SIZE),
            sources,
            truth,
            consent,
            crm,
            suppress,
            dnc,
            exchanges,
            phone_plans,
            suppressed_domains,
            consent_texts,
            stats: Stats::default(),
            row: Default::default(),
            as_of,
            consent_seq: 0,
            dnc_noise: 0,
            shown_email: String::new(),
            shown_phone: String::new(),
            evidence: Default::default(),
            revoked_at: String::new(),
            scratch: Default::default(),
        })
    }

    fn finish(self) -> io::Result<()> {
        for s in self.sources {
            s.finish()?;
        }
        for w in [self.truth, self.consent, self.crm, self.suppress] {
            w.into_inner()
                .map_err(|e| io::Error::other(e.to_string()))?
                .finish()?;
        }
        self.dnc.finish()
    }

    fn generate(&mut self) -> io::Result<()> {
        for domain in self.suppressed_domains.clone() {
            self.suppress
                .write_record(["", "", domain.as_str(), "competitor", "2026-01-15"])?;
            self.stats.suppress_lines += 1;
        }
        for _ in 0..self.opts.rows {
            let source = self.rng.random_range(0..self.sources.len());
            let duplicate = !self.pool.is_empty() && self.rng.random_bool(self.opts.dup_rate);
            if duplicate {
                let slot = self.rng.random_range(0..self.pool.len());
                let mut person = std::mem::take(&mut self.pool[slot]);
                self.emit_duplicate(source, &mut person)?;
                self.pool[slot] = person;
            } else {
                let mut person = self.new_person()?;
                self.emit_first(source, &mut person)?;
                if !person.placeholder {
                    if self.pool.len() < POOL_SIZE {
                        self.pool.push(person);
                    } else {
                        let slot = self.rng.random_range(0..POOL_SIZE);
                        self.pool[slot] = person;
                    }
                }
            }
        }
        Ok(())
    }

    fn phone_number(&self, country: usize, key: u64) -> (String, Option<usize>) {
        self.phone_plans[country].number(&COUNTRIES[country], &self.exchanges, key)
    }

    /// A new person, with their side files (CRM, DNC, suppression) written.
    fn new_person(&mut self) -> io::Result<Person> {
        let mut person = self.make_person();
        if person.placeholder {
            // Nobody real: on no list, in no CRM.
            person.on_dnc = false;
            person.in_crm = false;
            person.suppressed_email = false;
            person.suppressed_phone = false;
            return Ok(person);
        }
        if person.in_crm {
            self.write_crm(&person)?;
        }
        // CRM contacts that never appear among the leads.
        if self.rng.random_bool(self.opts.known_rate) {
            let mut other = self.make_person();
            other.placeholder = false;
            self.write_crm(&other)?;
        }
        if person.on_dnc {
            let nsn = person.phone.clone();
            self.write_dnc(&nsn)?;
            // The registry holds far more numbers than any lead list: add one stranger.
            self.dnc_noise += 1;
            let key = self.phone_plans[0].size - self.dnc_noise;
            let (stranger, _) = self.phone_number(0, key);
            self.write_dnc(&stranger)?;
        }
        if person.suppressed_email {
            self.suppress.write_record([
                person.email.as_str(),
                "",
                "",
                "unsubscribed",
                "2026-06-01",
            ])?;
            self.stats.suppress_lines += 1;
        }
        if person.suppressed_phone {
            let e164 = format!("+{}{}", person.country().calling_code, person.phone);
            self.suppress
                .write_record(["", e164.as_str(), "", "complaint", "2026-03-12"])?;
            self.stats.suppress_lines += 1;
        }
        Ok(person)
    }

    fn make_person(&mut self) -> Person {
        let rng = &mut self.rng;
        let opts = &self.opts;
        let id = self.next_id;
        self.next_id += 1;
        let country = weighted_index(rng, COUNTRIES.iter().map(|c| c.weight));
        let c = &COUNTRIES[country];
        let (phone, nanp_city) = self.phone_plans[country].number(c, &self.exchanges, 2 * id);
        let city = nanp_city.unwrap_or_else(|| rng.random_range(0..c.cities.len()));
        let placeholder = rng.random_bool(opts.placeholder_rate);
        let (first, last) = if placeholder {
            pick(rng, PLACEHOLDER_NAMES)
        } else {
            (pick(rng, FIRST_NAMES), pick(rng, LAST_NAMES))
        };
        let word = pick(rng, COMPANY_WORDS);
        let kind = pick(rng, COMPANY_KINDS);
        let company_domain = format!("{}{}.{}", ascii_fold(word), ascii_fold(kind), c.tld);
        let legal_form = pick(rng, c.legal_forms);
        let (f, l) = (ascii_fold(first), ascii_fold(last));
        let initial = f.chars().next().unwrap_or('x');
        // The id suffix keeps every person's address unique, so ground truth is exact.
        let local = match rng.random_range(0..5) {
            0 => format!("{f}.{l}{id}"),
            1 => format!("{initial}{l}{id}"),
            2 => format!("{f}_{l}{id}"),
            3 => format!("{f}{id}"),
            _ => format!("{l}.{f}{id}"),
        };
        let domain = if rng.random_bool(0.45) {
            company_domain.as_str()
        } else {
            pick(rng, c.free_domains)
        };
        let email = format!("{local}@{domain}");
        let band = weighted_index(rng, EMPLOYEE_BANDS.iter().map(|b| b.3));
        let (_, low, high, _) = EMPLOYEE_BANDS[band];
        let street = pick(rng, c.streets);
        let number = rng.random_range(1..2500);
        let address = if c.number_first {
            format!("{number} {street}")
        } else {
            format!("{street} {number}")
        };
        let channels = CHANNEL_SETS[weighted_index(rng, CHANNEL_SETS.iter().map(|s| s.1))].0;
        let r: f64 = rng.random();
        let consent = if r < opts.unconsented_rate {
            let bits: Vec<u8> = [EMAIL, CALL, SMS]
                .into_iter()
                .filter(|b| channels & b != 0)
                .collect();
            if bits.len() > 1 && rng.random_bool(0.4) {
                ConsentState::MissingChannel(pick(rng, &bits))
            } else {
                ConsentState::MissingAll
            }
        } else if r < opts.unconsented_rate + opts.consent_defect_rate {
            ConsentState::Defect(pick(rng, &CONSENT_DEFECTS))
        } else {
            ConsentState::Valid
        };
        let suppressed = rng.random_bool(opts.suppress_rate);
        let listed_postal = pick(rng, c.cities[city].postal);
        let postal = spread_postal(rng, listed_postal);
        let suppress_email = rng.random_bool(0.7);
        Person {
            id,
            country,
            city,
            postal,
            first,
            last,
            email,
            phone,
            company_name: format!("{word} {kind}"),
            legal_form,
            title: pick(rng, JOB_TITLES),
            industry: rng.random_range(0..INDUSTRIES.len()),
            employees: rng.random_range(low..=high),
            address,
            channels,
            consent,
            placeholder,
            on_dnc: c.iso == "US" && rng.random_bool(opts.dnc_rate),
            suppressed_email: suppressed && suppress_email,
            suppressed_phone: suppressed && !suppress_email,
            in_crm: rng.random_bool(opts.known_rate),
            first_seen: (0, 0),
            seen_email: [false; 2],
            seen_phone: [false; 2],
        }
    }

    fn write_crm(&mut self, p: &Person) -> io::Result<()> {
        let rng = &mut self.rng;
        let c = p.country();
        // CRM records are older and sometimes partial: an email or a phone may be missing.
        let r: f64 = rng.random();
        let email = if r < 0.15 { "" } else { p.email.as_str() };
        let mut phone = String::new();
        if !(0.15..0.22).contains(&r) {
            format_phone(&mut phone, c, &p.phone, PhoneFormat::Intl);
        }
        let first = match nicknames(p.first) {
            Some(n) if rng.random_bool(0.2) => pick(rng, n),
            _ => p.first,
        };
        let created = self.as_of - Duration::days(rng.random_range(120..2000));
        let mut company = String::new();
        push_company(&mut company, &p.company_name, p.legal_form);
        self.crm.write_record([
            format!("003{:012}", p.id).as_str(),
            first,
            p.last,
            email,
            &phone,
            &company,
            p.title,
            p.city().name,
            p.city().region,
            &p.postal,
            c.iso,
            &{
                let mut d = String::with_capacity(10);
                push_date(&mut d, created);
                d
            },
        ])?;
        self.stats.crm_rows += 1;
        Ok(())
    }

    fn write_dnc(&mut self, nsn: &str) -> io::Result<()> {
        // The FTC download: ten digits per line, some files split area code and number.
        if self.rng.random_bool(0.3) {
            writeln!(self.dnc, "{},{}", &nsn[..3], &nsn[3..])?;
        } else {
            writeln!(self.dnc, "{nsn}")?;
        }
        self.stats.dnc_lines += 1;
        Ok(())
    }

    fn begin_row(&mut self, source: usize) {
        for f in &mut self.row {
            f.clear();
        }
        self.shown_email.clear();
        self.shown_phone.clear();
        let src = &self.sources[source];
        let row_number = src.rows + 1;
        let id = &mut self.row[F_LEAD_ID];
        let _ = match src.style {
            Style::A => write!(id, "{}-{row_number:07}", src.id_prefix),
            Style::B | Style::C => write!(id, "{}{row_number}", src.id_prefix),
            Style::Web => {
                let a: u64 = self.rng.random();
                let b: u64 = self.rng.random();
                write!(
                    id,
                    "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
                    a >> 32,
                    (a >> 16) & 0xffff,
                    a & 0xfff,
                    0x8000 | (b >> 48) & 0x3fff,
                    b & 0xffff_ffff_ffff
                )
            }
        };
    }

    fn emit_first(&mut self, source: usize, p: &mut Person) -> io::Result<()> {
        self.begin_row(source);
        p.first_seen = (source, self.sources[source].rows + 1);
        let style = self.sources[source].style;
        let name_missing = self.write_name(style, p.first, p.last);
        let email_defect = self.write_email(p, Contact::First);
        let phone_defect = self.write_phone(style, p, Contact::First);
        push_company(&mut self.row[F_COMPANY], &p.company_name, p.legal_form);
        let postal_valid = self.write_place(style, p, &p.address);
        let truth = RowTruth {
            dup_kind: None,
            email_defect,
            phone_defect,
            name_missing,
            postal_valid,
            on_dnc: p.on_dnc && phone_defect.is_none(),
            on_suppress: self.row_suppressed(p, email_defect.is_none(), phone_defect.is_none()),
        };
        self.finish_row(source, p, truth)
    }

    fn emit_duplicate(&mut self, source: usize, p: &mut Person) -> io::Result<()> {
        self.begin_row(source);
        let style = self.sources[source].style;
        // The plan: which key this duplicate shares with what was shown before.
        let can_email = p.seen_email.iter().any(|s| *s);
        let can_phone = p.seen_phone.iter().any(|s| *s);
        let r: f64 = self.rng.random();
        let plan = if r < 0.40 && can_email {
            DUP_EXACT_EMAIL
        } else if r < 0.65 && can_phone {
            DUP_EXACT_PHONE
        } else {
            DUP_FUZZY
        };
        let rng = &mut self.rng;
        let (first, last) = if plan == DUP_FUZZY {
            match (rng.random_range(0..6), nicknames(p.first)) {
                (0, Some(n)) => (pick(rng, n).to_string(), p.last.to_string()),
                (0 | 1, _) => (typo(rng, p.first), p.last.to_string()),
                (2, _) => (p.first.to_string(), typo(rng, p.last)),
                (3, _) if !p.first.is_ascii() || !p.last.is_ascii() => {
                    (strip_diacritics(p.first), strip_diacritics(p.last))
                }
                (3, _) => {
                    let initial = p.first.chars().next().unwrap_or('X');
                    (format!("{initial}."), p.last.to_string())
                }
                _ => (p.first.to_string(), p.last.to_string()),
            }
        } else {
            match (rng.random_range(0..10), nicknames(p.first)) {
                (0 | 1, Some(n)) => (pick(rng, n).to_string(), p.last.to_string()),
                (2, _) => (p.first.to_uppercase(), p.last.to_uppercase()),
                _ => (p.first.to_string(), p.last.to_string()),
            }
        };
        let name_missing = self.write_name(style, &first, &last);

        // Each contact: the one shown before, the person's other one, or none.
        let shown_before = |seen: [bool; 2]| {
            if seen[0] {
                Contact::Primary
            } else {
                Contact::Alternative
            }
        };
        let email = match plan {
            DUP_EXACT_EMAIL => Some(shown_before(p.seen_email)),
            _ if self.rng.random_bool(0.5) => Some(Contact::Alternative),
            _ => None,
        };
        let phone = match plan {
            DUP_EXACT_PHONE => Some(shown_before(p.seen_phone)),
            DUP_EXACT_EMAIL if self.rng.random_bool(0.5) => Some(Contact::Primary),
            DUP_FUZZY if self.rng.random_bool(0.5) => Some(Contact::Alternative),
            _ => None,
        };
        let email_defect = match email {
            Some(c) => self.write_email(p, c),
            None => Some(EMAIL_MISSING),
        };
        let phone_defect = match phone {
            Some(c) => self.write_phone(style, p, c),
            None => Some(PHONE_MISSING),
        };

        let rng = &mut self.rng;
        let company = &mut self.row[F_COMPANY];
        match rng.random_range(0..10) {
            0 | 1 => company.push_str(&p.company_name),
            2 => {
                let other_form = pick(rng, p.country().legal_forms);
                company.push_str(&p.company_name);
                if !other_form.is_empty() {
                    company.push_str(", ");
                    company.push_str(other_form);
                }
            }
            3 => {
                push_company(company, &p.company_name, p.legal_form);
                *company = company.to_uppercase();
            }
            _ => push_company(company, &p.company_name, p.legal_form),
        }
        let address = if rng.random_bool(0.3) {
            abbreviate_street(&p.address)
        } else {
            p.address.clone()
        };
        let postal_valid = self.write_place(style, p, &address);

        // The kind is what this row truly shares with an earlier row of the person.
        let kind = if email.is_some_and(|c| p.seen_email[c.slot()]) {
            DUP_EXACT_EMAIL
        } else if phone.is_some_and(|c| p.seen_phone[c.slot()]) {
            DUP_EXACT_PHONE
        } else {
            DUP_FUZZY
        };
        let truth = RowTruth {
            dup_kind: Some(kind),
            email_defect,
            phone_defect,
            name_missing,
            postal_valid,
            on_dnc: p.on_dnc && phone == Some(Contact::Primary),
            on_suppress: self.row_suppressed(
                p,
                email == Some(Contact::Primary),
                phone == Some(Contact::Primary),
            ),
        };
        if let Some(c) = email {
            p.seen_email[c.slot()] = true;
        }
        if let Some(c) = phone {
            p.seen_phone[c.slot()] = true;
        }
        self.finish_row(source, p, truth)
    }

    fn row_suppressed(&self, p: &Person, primary_email: bool, primary_phone: bool) -> bool {
        let domain = p.email.rsplit('@').next().unwrap_or_default();
        (primary_email
            && (p.suppressed_email || self.suppressed_domains.iter().any(|d| d == domain)))
            || (primary_phone && p.suppressed_phone)
    }

    /// Writes first/last name; returns whether a name part was left blank.
    fn write_name(&mut self, style: Style, first: &str, last: &str) -> bool {
        let rng = &mut self.rng;
        let missing = rng.random_bool(self.opts.missing_rate / 3.0);
        let shout = style == Style::C && rng.random_bool(0.25);
        let (f, l) = if shout {
            (first.to_uppercase(), last.to_uppercase())
        } else {
            (first.to_string(), last.to_string())
        };
        if missing && rng.random_bool(0.5) {
            self.row[F_LAST].push_str(&l);
        } else if missing {
            self.row[F_FIRST].push_str(&f);
        } else {
            self.row[F_FIRST].push_str(&f);
            self.row[F_LAST].push_str(&l);
        }
        missing
    }

    /// Writes the email (only a first occurrence may get a defect); returns the defect index.
    fn write_email(&mut self, p: &mut Person, contact: Contact) -> Option<usize> {
        let rng = &mut self.rng;
        let out = &mut self.row[F_EMAIL];
        let alt;
        let email = if contact == Contact::Alternative {
            alt = p.alt_email();
            alt.as_str()
        } else {
            p.email.as_str()
        };
        let defect = if contact == Contact::First && rng.random_bool(self.opts.invalid_email_rate) {
            Some(weighted_index(rng, [25u32, 20, 15, 15, 25].into_iter()))
        } else {
            None
        };
        let (local, domain) = email.split_once('@').unwrap_or((email, ""));
        match defect {
            None => match rng.random_range(0..20) {
                0 | 1 => {
                    // Capitalised as typed: John.Smith12@Gmail.com
                    let mut cap = true;
                    for ch in email.chars() {
                        out.push(if cap { ch.to_ascii_uppercase() } else { ch });
                        cap = matches!(ch, '.' | '@');
                    }
                }
                2 => out.push_str(&email.to_uppercase()),
                3 => {
                    out.push(' ');
                    out.push_str(email);
                    out.push(' ');
                }
                _ => out.push_str(email),
            },
            Some(0) => match rng.random_range(0..6) {
                0 => {
                    out.push_str(local);
                    out.push_str(domain);
                }
                1 => {
                    let _ = write!(out, "{local}@@{domain}");
                }
                2 => {
                    let _ = write!(out, "{} {}@{domain}", &local[..1], &local[1..]);
                }
                3 => {
                    let _ = write!(out, "{}..{}@{domain}", &local[..1], &local[1..]);
                }
                4 => {
                    let _ = write!(out, "{local}@{}", domain.replacen('.', ",", 1));
                }
                _ => {
                    let _ = write!(out, "{local}@");
                }
            },
            Some(1) => {
                let typoed = DOMAIN_TYPOS
                    .iter()
                    .find(|(d, _)| *d == domain)
                    .map(|(_, typos)| pick(rng, typos).to_string())
                    .unwrap_or_else(|| {
                        // Company domains get a mistyped top-level domain.
                        format!("{}.con", domain.rsplit_once('.').map_or(domain, |(h, _)| h))
                    });
                let _ = write!(out, "{local}@{typoed}");
            }
            Some(2) => {
                let _ = write!(out, "{local}@{}", pick(rng, DISPOSABLE_DOMAINS));
            }
            Some(3) => {
                let _ = write!(out, "{}@{}", pick(rng, ROLE_LOCALS), p.company_domain());
            }
            _ => {}
        }
        if defect.is_none() {
            self.shown_email.push_str(email);
            if contact == Contact::First {
                p.seen_email[0] = true;
            }
        }
        defect
    }

    /// Writes the phone (only a first occurrence may get a defect); returns the defect index.
    fn write_phone(&mut self, style: Style, p: &mut Person, contact: Contact) -> Option<usize> {
        let c = p.country();
        let alt;
        let nsn = if contact == Contact::Alternative {
            alt = self.phone_number(p.country, 2 * p.id + 1).0;
            alt.as_str()
        } else {
            p.phone.as_str()
        };
        let rng = &mut self.rng;
        let out = &mut self.row[F_PHONE];
        let defect = if contact == Contact::First && rng.random_bool(self.opts.invalid_phone_rate) {
            Some(weighted_index(rng, [10u32, 20, 10, 30, 30].into_iter()))
        } else {
            None
        };
        let format = if contact == Contact::First && rng.random_bool(0.7) {
            style.phone_format()
        } else {
            pick(rng, &PHONE_FORMATS)
        };
        match defect {
            None => format_phone(out, c, nsn, format),
            Some(0) => out.push_str(pick(
                rng,
                &["N/A", "none", "call me", "xxx-xxx-xxxx", "0", "-"],
            )),
            Some(1) => {
                // Never 7 digits (a NANP local number) nor one short (German 017x have two lengths).
                let cut = pick(rng, &[2, 4]);
                format_phone(out, c, &nsn[..nsn.len() - cut], PhoneFormat::Plain);
            }
            Some(2) => {
                let longer = format!("{nsn}{}", rng.random_range(10..1000));
                format_phone(out, c, &longer, PhoneFormat::Plain);
            }
            Some(3) => {
                // Area / mobile prefix replaced by one no numbering plan assigns.
                let bad = if c.calling_code == "1" {
                    format!(
                        "{}{}",
                        pick(rng, &["000", "100", "123", "911", "199"]),
                        &nsn[3..]
                    )
                } else {
                    let prefix_len = c.mobile_prefixes.first().map_or(1, |p| p.len());
                    format!("{}{}", c.unassigned_prefix, &nsn[prefix_len..])
                };
                format_phone(out, c, &bad, PhoneFormat::E164);
            }
            _ => {}
        }
        if defect.is_none() {
            let e164 = &mut self.shown_phone;
            e164.push('+');
            e164.push_str(c.calling_code);
            e164.push_str(nsn);
            if contact == Contact::First {
                p.seen_phone[0] = true;
            }
        }
        defect
    }

    /// Company details, address and place; returns whether the postal code is valid.
    fn write_place(&mut self, style: Style, p: &Person, address: &str) -> bool {
        let rng = &mut self.rng;
        let missing = self.opts.missing_rate;
        let c = p.country();
        let row = &mut self.row;
        let mut optional = |rng: &mut ChaCha8Rng, field: usize, value: &str| {
            if !rng.random_bool(missing) {
                row[field].push_str(value);
            }
        };
        optional(rng, F_TITLE, p.title);
        let (industry, naics) = INDUSTRIES[p.industry];
        optional(rng, F_INDUSTRY, industry);
        optional(rng, F_NAICS, naics);
        let employees = match style {
            Style::A | Style::Web => p.employees.to_string(),
            Style::B | Style::C => EMPLOYEE_BANDS
                .iter()
                .find(|b| (b.1..=b.2).contains(&p.employees))
                .map_or("", |b| b.0)
                .to_string(),
        };
        optional(rng, F_EMPLOYEES, &employees);
        optional(rng, F_ADDRESS, address);
        optional(rng, F_CITY, p.city().name);
        row[F_STATE].push_str(p.city().region);
        let postal_valid = !rng.random_bool(self.opts.postal_defect_rate);
        if postal_valid {
            row[F_POSTAL].push_str(&p.postal);
        } else if c.iso == "US" && p.postal.starts_with('0') {
            // A spreadsheet ate the leading zero.
            row[F_POSTAL].push_str(&p.postal[1..]);
        } else {
            let cut = p.postal.len() - 1;
            row[F_POSTAL].push_str(&p.postal[..cut]);
        }
        let spelling = match style {
            Style::Web => c.iso,
            Style::A if c.iso == "US" && rng.random_bool(0.1) => "",
            _ => pick(rng, c.spellings),
        };
        row[F_COUNTRY].push_str(spelling);
        postal_valid
    }

    /// Capture time, channels, web data, engagement events and price, then the truth,
    /// consent records and counters of the row.
    fn finish_row(&mut self, source: usize, p: &Person, truth: RowTruth) -> io::Result<()> {
        let style = self.sources[source].style;
        let rng = &mut self.rng;
        let window = 90 * 86_400;
        let captured =
            self.as_of - Duration::milliseconds(rng.random_range(3_600_000..window * 1000));
        style.write_time(&mut self.row[F_CAPTURED], captured);
        write_channels(&mut self.row[F_CHANNEL], style, p.channels);
        let missing = self.opts.missing_rate;
        if !rng.random_bool(missing) {
            push_ip(&mut self.row[F_IP], rng);
        }
        if !rng.random_bool(missing) {
            self.row[F_PAGE].push_str(&self.sources[source].page_url);
        }
        if !rng.random_bool(missing) {
            let opens = rng.random_range(0..25u32) * rng.random_range(0..2u32);
            let clicks = rng.random_range(0..=opens.min(8));
            let row = &mut self.row;
            let _ = write!(row[F_OPENS], "{opens}");
            let _ = write!(row[F_CLICKS], "{clicks}");
            let _ = write!(
                row[F_DOWNLOADS],
                "{}",
                rng.random_range(0..4u32) * rng.random_range(0..2u32)
            );
            let webinar = rng.random_bool(0.15);
            row[F_WEBINAR].push_str(match (style, webinar) {
                (Style::A, true) => "Yes",
                (Style::A, false) => "No",
                (Style::B, true) => "1",
                (Style::B, false) => "0",
                (Style::Web, true) => "true",
                (Style::Web, false) => "false",
                (Style::C, true) => "TRUE",
                (Style::C, false) => "FALSE",
            });
            let _ = write!(row[F_PAGES], "{}", rng.random_range(1..40u32));
            let since = (self.as_of - captured).num_seconds().max(1);
            let last = captured + Duration::seconds(rng.random_range(0..since));
            style.write_time(&mut row[F_LAST_ACTIVITY], last);
        }
        let cents = rng.random_range(150..4500u32);
        let price = &mut self.row[F_PRICE];
        let _ = match style {
            Style::B => write!(price, "${}.{:02}", cents / 100, cents % 100),
            Style::Web if cents % 100 == 0 => write!(price, "{}", cents / 100),
            _ => write!(price, "{}.{:02}", cents / 100, cents % 100),
        };
        self.sources[source].write_row(&self.row)?;

        self.write_consent(p, captured)?;
        self.write_truth(source, p, &truth)
    }

    fn write_truth(&mut self, source: usize, p: &Person, t: &RowTruth) -> io::Result<()> {
        let s = &mut self.stats;
        s.rows += 1;
        if let Some(k) = t.dup_kind {
            s.duplicates[k] += 1;
        }
        if let Some(d) = t.email_defect {
            s.email_defects[d] += 1;
        }
        if let Some(d) = t.phone_defect {
            s.phone_defects[d] += 1;
        }
        s.placeholders += u64::from(p.placeholder);
        s.name_missing += u64::from(t.name_missing);
        s.postal_invalid += u64::from(!t.postal_valid);
        s.on_dnc += u64::from(t.on_dnc);
        s.on_suppress += u64::from(t.on_suppress);
        s.in_crm += u64::from(p.in_crm);
        let label = p.consent.label();
        if let Some(i) = CONSENT_LABELS.iter().position(|l| *l == label) {
            s.consent[i] += 1;
        }
        let b = |v: bool| if v { "true" } else { "false" };
        let consent = |bit: u8| {
            if p.channels & bit == 0 {
                ""
            } else {
                b(p.consent.covers(bit))
            }
        };
        let [row, id, dup_of] = &mut self.scratch;
        for buf in [&mut *row, &mut *id, &mut *dup_of] {
            buf.clear();
        }
        let _ = write!(row, "{}", self.sources[source].rows);
        let _ = write!(id, "{}", p.id);
        if t.dup_kind.is_some() {
            let (first_source, first_row) = p.first_seen;
            let _ = write!(dup_of, "{}:{first_row}", self.sources[first_source].name);
        }
        self.truth
            .write_record([
                self.sources[source].name.as_str(),
                row,
                &self.row[F_LEAD_ID],
                id,
                b(t.dup_kind.is_some()),
                t.dup_kind.map_or("none", |k| DUP_KINDS[k]),
                dup_of,
                b(t.email_defect.is_none()),
                t.email_defect.map_or("none", |d| EMAIL_DEFECTS[d]),
                b(t.phone_defect.is_none()),
                t.phone_defect.map_or("none", |d| PHONE_DEFECTS[d]),
                b(p.placeholder),
                b(t.name_missing),
                b(t.postal_valid),
                p.country().iso,
                channel_list(p.channels),
                consent(EMAIL),
                consent(CALL),
                consent(SMS),
                label,
                b(t.on_dnc),
                b(t.on_suppress),
                b(p.in_crm),
            ])
            .map_err(io::Error::from)
    }

    /// Consent records of one lead row, following the person's consent state.
    fn write_consent(&mut self, p: &Person, captured: DateTime<Utc>) -> io::Result<()> {
        if p.consent == ConsentState::MissingAll {
            return Ok(());
        }
        let rng = &mut self.rng;
        let one_for_all = rng.random_bool(0.35);
        let defect = match p.consent {
            ConsentState::Defect(d) => Some(d),
            _ => None,
        };
        let consented = match defect {
            Some(ConsentDefect::Expired) => {
                self.as_of - Duration::days(rng.random_range(3 * 365..6 * 365))
            }
            Some(ConsentDefect::AfterCapture) => {
                captured + Duration::seconds(rng.random_range(3_600..10 * 86_400))
            }
            _ => captured - Duration::seconds(rng.random_range(5..600)),
        };
        // Evidence: consented_at, ip, page_url, consent_text, certificate.
        let evidence = &mut self.evidence;
        for e in evidence.iter_mut() {
            e.clear();
        }
        push_datetime(&mut evidence[0], consented, 'T');
        evidence[0].push('Z');
        if self.row[F_IP].is_empty() {
            push_ip(&mut evidence[1], rng);
        } else {
            evidence[1].push_str(&self.row[F_IP]);
        }
        evidence[2].push_str(if self.row[F_PAGE].is_empty() {
            PAGE_URLS[2]
        } else {
            &self.row[F_PAGE]
        });
        evidence[3].push_str(if defect == Some(ConsentDefect::MissingSeller) {
            CONSENT_WITHOUT_SELLER
        } else {
            &self.consent_texts[rng.random_range(0..3)]
        });
        push_certificate(
            &mut evidence[4],
            rng,
            defect == Some(ConsentDefect::BadCertificate),
        );
        if defect == Some(ConsentDefect::MissingEvidence) {
            evidence[rng.random_range(0..5)].clear();
            if rng.random_bool(0.3) {
                evidence[rng.random_range(0..5)].clear();
            }
        }
        let revoked_at = &mut self.revoked_at;
        revoked_at.clear();
        if defect == Some(ConsentDefect::Revoked) {
            let span = (self.as_of - consented).num_seconds().max(7_200);
            let t = consented + Duration::seconds(rng.random_range(3_600..span));
            push_datetime(revoked_at, t, 'T');
            revoked_at.push('Z');
        }
        // Most records carry the lead id; the rest must be matched by email or phone.
        let keep_id =
            rng.random_bool(0.85) || (self.shown_email.is_empty() && self.shown_phone.is_empty());
        let lead_id = if keep_id {
            self.row[F_LEAD_ID].as_str()
        } else {
            ""
        };
        let method = pick(
            rng,
            &[
                "web_form",
                "web_form",
                "web_form",
                "checkbox",
                "ivr_keypress",
            ],
        );
        let seller = if defect == Some(ConsentDefect::MissingSeller) {
            ""
        } else {
            self.opts.seller.as_str()
        };
        // One record per channel, or one for "all" (never when a channel must stay unconsented).
        let all = one_for_all && !matches!(p.consent, ConsentState::MissingChannel(_));
        for (bit, channel) in [
            (EMAIL | CALL | SMS, "all"),
            (EMAIL, "email"),
            (CALL, "call"),
            (SMS, "sms"),
        ] {
            let wanted = if bit == EMAIL | CALL | SMS {
                all
            } else {
                !all && p.channels & bit != 0 && p.consent != ConsentState::MissingChannel(bit)
            };
            if !wanted {
                continue;
            }
            self.consent_seq += 1;
            self.stats.consent_records += 1;
            let id = &mut self.scratch[0];
            id.clear();
            let _ = write!(id, "CNS-{:08}", self.consent_seq);
            let e = &self.evidence;
            self.consent.write_record([
                id.as_str(),
                lead_id,
                &self.shown_email,
                &self.shown_phone,
                channel,
                &e[0],
                &e[1],
                &e[2],
                &e[3],
                method,
                seller,
                &e[4],
                &self.revoked_at,
            ])?;
        }
        Ok(())
    }
}

/// The canonical `;`-separated channel list of a channel set.
fn channel_list(bits: u8) -> &'static str {
    match bits {
        EMAIL => "email",
        CALL => "call",
        SMS => "sms",
        0b011 => "email;call",
        0b101 => "email;sms",
        0b110 => "call;sms",
        _ => "email;call;sms",
    }
}

fn write_channels(out: &mut String, style: Style, bits: u8) {
    let names: &[&str; 3] = match style {
        Style::C => &["Email", "Call", "SMS"],
        _ => &["email", "call", "sms"],
    };
    let sep = match style {
        Style::B => ",",
        Style::C => "; ",
        _ => ";",
    };
    let mut first = true;
    for (i, bit) in [EMAIL, CALL, SMS].into_iter().enumerate() {
        if bits & bit != 0 {
            if !first {
                out.push_str(sep);
            }
            out.push_str(names[i]);
            first = false;
        }
    }
}

/// A public-looking IPv4 address (one in ten IPv6).
fn push_ip<R: Rng>(out: &mut String, rng: &mut R) {
    const FIRST_OCTETS: &[u8] = &[
        23, 24, 32, 45, 47, 50, 63, 64, 66, 67, 68, 69, 70, 71, 72, 73, 74, 75, 76, 96, 97, 98, 99,
        104, 107, 108, 173, 174, 184, 198, 208, 209,
    ];
    let _ = if rng.random_bool(0.1) {
        let g: [u16; 3] = rng.random();
        write!(out, "2600:1700:{:x}:{:x}::{:x}", g[0], g[1], g[2])
    } else {
        let rest: [u8; 3] = rng.random();
        let first = pick(rng, FIRST_OCTETS);
        write!(out, "{first}.{}.{}.{}", rest[0], rest[1], rest[2].max(1))
    };
}

fn push_hex<R: Rng>(out: &mut String, rng: &mut R, len: usize) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    for _ in 0..len {
        out.push(char::from(DIGITS[rng.random_range(0..16)]));
    }
}

/// A TrustedForm certificate URL or a Jornaya LeadiD token, well-formed or not.
fn push_certificate<R: Rng>(out: &mut String, rng: &mut R, malformed: bool) {
    const TRUSTED_FORM: &str = "https://cert.trustedform.com/";
    let trusted_form = rng.random_bool(0.7);
    if !malformed {
        if trusted_form {
            out.push_str(TRUSTED_FORM);
            push_hex(out, rng, 40);
        } else {
            push_leadid(out, rng);
        }
        return;
    }
    match rng.random_range(0..6) {
        0 => {
            out.push_str(TRUSTED_FORM);
            push_hex(out, rng, 39);
        }
        1 => {
            out.push_str(TRUSTED_FORM);
            push_hex(out, rng, 39);
            out.push('g');
        }
        2 => {
            out.push_str("http://cert.trustedform.com/");
            push_hex(out, rng, 40);
        }
        3 => {
            out.push_str("https://cert.trustedfrom.com/");
            push_hex(out, rng, 40);
        }
        4 => {
            push_leadid(out, rng);
            out.pop();
        }
        _ => {
            push_leadid(out, rng);
            out.retain(|c| c != '-');
        }
    }
}

/// A Jornaya LeadiD token: a 36-character GUID in upper case.
fn push_leadid<R: Rng>(out: &mut String, rng: &mut R) {
    let start = out.len();
    for (i, len) in [8, 4, 4, 4, 12].into_iter().enumerate() {
        if i > 0 {
            out.push('-');
        }
        push_hex(out, rng, len);
    }
    out[start..].make_ascii_uppercase();
}

fn push_company(out: &mut String, name: &str, legal_form: &str) {
    out.push_str(name);
    if !legal_form.is_empty() {
        out.push(' ');
        out.push_str(legal_form);
    }
}

/// "José Müller" -> "Jose Muller": how some systems store names.
fn strip_diacritics(s: &str) -> String {
    s.chars()
        .map(|ch| {
            if ch.is_ascii() {
                return ch.to_string();
            }
            let lower: String = ch.to_lowercase().collect();
            let folded = ascii_fold(&lower);
            if ch.is_uppercase() {
                folded.to_uppercase()
            } else {
                folded
            }
        })
        .collect()
}
// ---------------------------------------------------------------------------
// Reference data. Names span many cultures (with diacritics) so that matching and
// transliteration are exercised; places carry real postal codes and dialling ranges
// so that valid rows are valid for libphonenumber and postal-code rules.
// ---------------------------------------------------------------------------

#[rustfmt::skip]
const FIRST_NAMES: &[&str] = &[
    // English-speaking
    "James", "Robert", "John", "Michael", "William", "David", "Richard", "Joseph", "Thomas",
    "Charles", "Christopher", "Daniel", "Matthew", "Anthony", "Mark", "Donald", "Steven", "Paul",
    "Andrew", "Joshua", "Kenneth", "Kevin", "Brian", "George", "Timothy", "Ronald", "Edward",
    "Jason", "Jeffrey", "Ryan", "Jacob", "Gary", "Nicholas", "Eric", "Jonathan", "Stephen", "Larry",
    "Justin", "Scott", "Brandon", "Benjamin", "Samuel", "Gregory", "Alexander", "Frank", "Patrick",
    "Raymond", "Jack", "Dennis", "Jerry", "Tyler", "Aaron", "Henry", "Douglas", "Peter", "Adam",
    "Nathan", "Zachary", "Walter", "Kyle", "Harold", "Carl", "Jeremy", "Keith", "Roger", "Gerald",
    "Ethan", "Arthur", "Terry", "Christian", "Sean", "Lawrence", "Austin", "Frederick", "Dylan",
    "Bruce", "Logan", "Liam", "Noah", "Owen", "Mary", "Patricia", "Jennifer", "Linda", "Elizabeth",
    "Barbara", "Susan", "Jessica", "Sarah", "Karen", "Lisa", "Nancy", "Betty", "Margaret", "Sandra",
    "Ashley", "Kimberly", "Emily", "Donna", "Michelle", "Carol", "Amanda", "Dorothy", "Melissa",
    "Deborah", "Stephanie", "Rebecca", "Sharon", "Laura", "Cynthia", "Kathleen", "Amy", "Angela",
    "Shirley", "Anna", "Brenda", "Pamela", "Emma", "Nicole", "Helen", "Samantha", "Katherine",
    "Christine", "Debra", "Rachel", "Catherine", "Carolyn", "Janet", "Ruth", "Maria", "Heather",
    "Diane", "Virginia", "Julie", "Joyce", "Victoria", "Olivia", "Kelly", "Christina", "Lauren",
    "Joan", "Evelyn", "Judith", "Megan", "Andrea", "Cheryl", "Hannah", "Jacqueline", "Martha",
    "Gloria", "Teresa", "Ann", "Sara", "Madison", "Frances", "Kathryn", "Janice", "Jean", "Abigail",
    "Alice", "Judy", "Sophia", "Grace", "Denise", "Amber", "Doris", "Marilyn", "Danielle",
    "Beverly", "Isabella", "Theresa", "Diana", "Natalie", "Brittany", "Charlotte", "Marie", "Kayla",
    "Alexis", "Lori", "Josephine", "Siobhán", "Niamh", "Aoife", "Seán", "Ciarán", "Pádraig", "Eóin",
    // Spanish / Portuguese / Latin American
    "José", "Juan", "Luis", "Carlos", "Jorge", "Miguel", "Francisco", "Alejandro", "Andrés", "Raúl",
    "Ángel", "Sebastián", "Mateo", "Diego", "Javier", "Iñaki", "Tomás", "Joaquín", "Rubén",
    "Héctor", "Martín", "Guadalupe", "María", "Lucía", "Sofía", "Valentina", "Camila", "Mónica",
    "Inés", "Beatriz", "Verónica", "Ana", "Carmen", "Rocío", "Paula", "João", "Gonçalo",
    "Conceição", "Thiago", "Letícia",
    // French
    "François", "Jérôme", "Stéphane", "Frédéric", "Benoît", "Étienne", "Amélie", "Chloé", "Hélène",
    "Anaïs", "Élodie", "Renée", "Céline", "Gaëlle", "Noël", "Zoë", "Léa", "Maëlle",
    // German / Austrian / Swiss / Dutch / Scandinavian
    "Jürgen", "Jörg", "Günther", "Wolfgang", "Johannes", "Friedrich", "Lukas", "Maximilian",
    "Jonas", "Sören", "Björn", "Søren", "Åsa", "Ingrid", "Sigrún", "Ólafur", "Dagný", "Katrin",
    "Käthe", "Ursula", "Anneliese", "Henrik", "Lars", "Mette", "Freja", "Annika", "Pieter", "Joost",
    "Femke", "Sanne", "Bram", "Maarten",
    // Italian
    "Giuseppe", "Giovanni", "Francesca", "Alessandro", "Lorenzo", "Chiara", "Giulia", "Matteo",
    "Niccolò", "Federica",
    // Central / Eastern European
    "Łukasz", "Małgorzata", "Wojciech", "Agnieszka", "Krzysztof", "Zoltán", "Dóra", "Ágnes",
    "Tomáš", "Jiří", "Kateřina", "Dmitri", "Aleksandr", "Ekaterina", "Olga", "Natalia", "Oksana",
    "Bogdan", "Milica", "Dragan",
    // Turkish / Middle Eastern
    "Çağla", "Gökhan", "Şebnem", "Emre", "Ayşe", "Mehmet", "Mohammed", "Ahmed", "Fatima", "Omar",
    "Layla", "Yusuf", "Karim", "Noura", "Rania", "Tariq", "Yael", "Avi", "Noa",
    // South Asian
    "Aarav", "Vivaan", "Aditya", "Arjun", "Rohan", "Priya", "Ananya", "Divya", "Sneha", "Kavya",
    "Rahul", "Vikram", "Sanjay", "Deepika", "Lakshmi", "Harpreet", "Gurpreet", "Imran", "Ayesha",
    "Nusrat",
    // East / South-East Asian
    "Wei", "Jing", "Li Na", "Xiaoming", "Yan", "Hao", "Mei", "Jun", "Hiroshi", "Yuki", "Haruto",
    "Sakura", "Kenji", "Aiko", "Min-jun", "Seo-yeon", "Ji-woo", "Hyun-woo", "Thảo", "Minh", "Linh",
    "Tuấn", "Nguyệt", "Somchai", "Ploy",
    // African
    "Chinedu", "Ngozi", "Oluwaseun", "Adaeze", "Kwame", "Ama", "Kofi", "Abena", "Thabo", "Lerato",
    "Sipho", "Amara", "Tendai", "Wanjiru", "Jomo",
];

#[rustfmt::skip]
const LAST_NAMES: &[&str] = &[
    // English-speaking
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson", "Anderson",
    "Taylor", "Thomas", "Moore", "Jackson", "Martin", "Thompson", "White", "Harris", "Clark",
    "Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright", "Scott", "Hill", "Green",
    "Adams", "Baker", "Nelson", "Carter", "Mitchell", "Roberts", "Turner", "Phillips", "Campbell",
    "Parker", "Evans", "Edwards", "Collins", "Stewart", "Morris", "Rogers", "Reed", "Cook",
    "Morgan", "Bell", "Murphy", "Bailey", "Cooper", "Richardson", "Cox", "Howard", "Ward",
    "Peterson", "Gray", "James", "Watson", "Brooks", "Kelly", "Sanders", "Price", "Bennett", "Wood",
    "Barnes", "Ross", "Henderson", "Coleman", "Jenkins", "Perry", "Powell", "Long", "Patterson",
    "Hughes", "Washington", "Butler", "Simmons", "Foster", "Bryant", "Alexander", "Russell",
    "Griffin", "Hayes", "Myers", "Ford", "Hamilton", "Graham", "Sullivan", "Wallace", "West",
    "Cole", "Jordan", "Reynolds", "Fisher", "Ellis", "Harrison", "Gibson", "McDonald", "Marshall",
    "Owens", "Kennedy", "Wells", "Hunt", "Black", "Stone", "O'Brien", "O'Connor", "O'Neill",
    "MacLeod", "McAllister", "Fitzgerald", "Gallagher", "Byrne", "Doyle", "Quinn", "Ó Súilleabháin",
    "Smith-Jones", "Lloyd-Evans",
    // Spanish / Portuguese / Latin American
    "García", "Martínez", "Rodríguez", "Hernández", "López", "González", "Pérez", "Sánchez",
    "Ramírez", "Torres", "Flores", "Rivera", "Gómez", "Díaz", "Cruz", "Reyes", "Morales", "Ortiz",
    "Gutiérrez", "Chávez", "Ramos", "Ruiz", "Jiménez", "Vásquez", "Castillo", "Álvarez", "Romero",
    "Herrera", "Medina", "Aguilar", "Núñez", "Peña", "Ibáñez", "Muñoz", "de la Cruz", "Silva",
    "Santos", "Oliveira", "Costa", "Ferreira", "Gonçalves", "Araújo", "Magalhães",
    // French / Belgian
    "Dubois", "Lefèvre", "Girard", "Moreau", "Laurent", "Lefebvre", "Fournier", "Mercier",
    "Bélanger", "Côté", "Gagné", "Tremblay", "Lévesque", "Roussel", "Besson", "Faure", "Chevalier",
    "Benoît",
    // German / Dutch / Scandinavian
    "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz",
    "Hoffmann", "Schäfer", "Koch", "Bauer", "Richter", "Klein", "Wolf", "Schröder", "Neumann",
    "Schwarz", "Zimmermann", "Braun", "Krüger", "Hofmann", "Hartmann", "Weiß", "Böhm", "Groß",
    "Jäger", "Vogel", "van der Berg", "de Jong", "Jansen", "de Vries", "Bakker", "Visser", "Smit",
    "Andersson", "Johansson", "Karlsson", "Nilsson", "Nielsen", "Hansen", "Jensen", "Pedersen",
    "Søndergaard", "Åberg", "Lindqvist", "Jónsdóttir", "Sigurðsson",
    // Italian
    "Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci", "Marino",
    "Greco", "Bruno", "Gallo", "Conti", "De Luca", "Mancini", "Lombardi",
    // Central / Eastern European
    "Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kowalczyk", "Kamiński", "Lewandowski",
    "Zieliński", "Szymański", "Woźniak", "Dąbrowski", "Novák", "Dvořák", "Svoboda", "Černý",
    "Horváth", "Nagy", "Kovács", "Tóth", "Szabó", "Ivanov", "Petrova", "Smirnov", "Kuznetsova",
    "Popescu", "Ionescu", "Petrović", "Jovanović", "Kovačević", "Shevchenko",
    // Turkish / Middle Eastern
    "Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Öztürk", "Aydın", "Haddad", "Khalil", "Nasser",
    "Mansour", "Hussein", "Rahman", "Farouk", "Cohen", "Levi", "Mizrahi", "Friedman", "Shapiro",
    // South Asian
    "Patel", "Sharma", "Singh", "Kumar", "Gupta", "Reddy", "Iyer", "Nair", "Menon", "Rao", "Desai",
    "Joshi", "Mehta", "Chopra", "Kapoor", "Banerjee", "Chatterjee", "Mukherjee", "Das", "Khan",
    "Chaudhry", "Siddiqui",
    // East / South-East Asian
    "Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou", "Xu", "Sun", "Ma",
    "Lin", "Kim", "Lee", "Park", "Choi", "Jung", "Kang", "Cho", "Yoon", "Sato", "Suzuki",
    "Takahashi", "Tanaka", "Watanabe", "Ito", "Yamamoto", "Nakamura", "Kobayashi", "Nguyen", "Tran",
    "Le", "Pham", "Hoang", "Phan", "Vu", "Đặng", "Bùi", "Santos-Reyes", "Dela Cruz", "Bautista",
    // African
    "Okafor", "Adeyemi", "Okonkwo", "Eze", "Mensah", "Boateng", "Asante", "Owusu", "Nkosi",
    "Dlamini", "Mokoena", "Mwangi", "Otieno", "Kamau", "Diallo", "Traoré", "Keita",
];

/// Formal first name -> nicknames used by duplicates ("Bob" for "Robert").
const NICKNAMES: &[(&str, &[&str])] = &[
    ("Robert", &["Bob", "Rob", "Bobby"]),
    ("William", &["Bill", "Will", "Billy"]),
    ("Richard", &["Rick", "Dick", "Rich"]),
    ("James", &["Jim", "Jimmy", "Jamie"]),
    ("John", &["Jack", "Johnny"]),
    ("Michael", &["Mike", "Mikey"]),
    ("Thomas", &["Tom", "Tommy"]),
    ("Joseph", &["Joe", "Joey"]),
    ("Charles", &["Charlie", "Chuck"]),
    ("Christopher", &["Chris"]),
    ("Daniel", &["Dan", "Danny"]),
    ("Matthew", &["Matt"]),
    ("Anthony", &["Tony"]),
    ("Steven", &["Steve"]),
    ("Edward", &["Ed", "Eddie", "Ted"]),
    ("Andrew", &["Andy", "Drew"]),
    ("Joshua", &["Josh"]),
    ("Benjamin", &["Ben"]),
    ("Samuel", &["Sam"]),
    ("Alexander", &["Alex"]),
    ("Nicholas", &["Nick"]),
    ("Jonathan", &["Jon"]),
    ("Timothy", &["Tim"]),
    ("Patrick", &["Pat"]),
    ("Gregory", &["Greg"]),
    ("Kenneth", &["Ken"]),
    ("Ronald", &["Ron"]),
    ("Donald", &["Don"]),
    ("Lawrence", &["Larry"]),
    ("Jeffrey", &["Jeff"]),
    ("Frederick", &["Fred"]),
    ("Zachary", &["Zach"]),
    ("Margaret", &["Maggie", "Peggy", "Meg"]),
    ("Elizabeth", &["Liz", "Beth", "Betty"]),
    ("Katherine", &["Kate", "Kathy", "Katie"]),
    ("Kathleen", &["Kathy"]),
    ("Jennifer", &["Jen", "Jenny"]),
    ("Patricia", &["Pat", "Patty", "Trish"]),
    ("Susan", &["Sue", "Suzy"]),
    ("Deborah", &["Deb", "Debbie"]),
    ("Rebecca", &["Becky"]),
    ("Jessica", &["Jess"]),
    ("Victoria", &["Vicky", "Tori"]),
    ("Christine", &["Chris", "Chrissy"]),
    ("Kimberly", &["Kim"]),
    ("Samantha", &["Sam"]),
    ("Abigail", &["Abby"]),
    ("Catherine", &["Cathy", "Kate"]),
    ("Josephine", &["Jo"]),
    ("Pamela", &["Pam"]),
    ("Francisco", &["Paco", "Pancho"]),
    ("José", &["Pepe"]),
    ("Guadalupe", &["Lupe"]),
    ("Alejandro", &["Alex"]),
    ("Wolfgang", &["Wolf"]),
    ("Johannes", &["Hannes"]),
    ("Friedrich", &["Fritz"]),
    ("Aleksandr", &["Sasha"]),
    ("Dmitri", &["Dima"]),
    ("Ekaterina", &["Katya"]),
    ("Giuseppe", &["Beppe"]),
    ("Giovanni", &["Gianni"]),
];

/// Names a form filler types when they do not want to give theirs.
const PLACEHOLDER_NAMES: &[(&str, &str)] = &[
    ("Test", "Test"),
    ("test", "user"),
    ("asdf", "asdf"),
    ("Mickey", "Mouse"),
    ("Donald", "Duck"),
    ("John", "Doe"),
    ("Jane", "Doe"),
    ("N/A", "N/A"),
    ("xxx", "xxx"),
    ("qwerty", "qwerty"),
    ("First", "Last"),
    ("Fake", "Name"),
    ("aaa", "bbb"),
    ("None", "None"),
    ("Test", "Lead"),
    ("sdfsdf", "sdfsdf"),
    ("jkl", "jkl"),
    ("Unknown", "Unknown"),
];

#[rustfmt::skip]
const COMPANY_WORDS: &[&str] = &[
    "Northwind", "Blue Ridge", "Summit", "Pioneer", "Evergreen", "Redwood", "Silverline",
    "Brightpath", "Ironclad", "Cascade", "Horizon", "Keystone", "Lakeside", "Granite", "Sterling",
    "Harbor", "Meridian", "Atlas", "Beacon", "Crescent", "Falcon", "Highland", "Liberty",
    "Maplewood", "Oakridge", "Pinnacle", "Riverbend", "Sunrise", "Trident", "Vanguard", "Westfield",
    "Zenith", "Apex", "Bluebird", "Cobalt", "Copperleaf", "Driftwood", "Foxglove", "Greenfield",
    "Hawthorne", "Juniper", "Kingfisher", "Larkspur", "Mosaic", "Nimbus", "Orion", "Parkside",
    "Quarry", "Rosewood", "Sagebrush", "Tamarack", "Union", "Vertex", "Willow", "Alpen",
    "Rheinland", "Nordlicht", "Lumière", "Soleil", "Ganga",
];

#[rustfmt::skip]
const COMPANY_KINDS: &[&str] = &[
    "Solar", "Analytics", "Logistics", "Dental", "Realty", "Capital", "Systems", "Software",
    "Health", "Foods", "Energy", "Construction", "Consulting", "Insurance", "Marketing", "Partners",
    "Labs", "Manufacturing", "Media", "Motors", "Outfitters", "Pharma", "Roofing", "Security",
    "Studios", "Supply", "Technologies", "Telecom", "Travel", "Ventures", "Works", "Group",
    "Holdings", "Networks", "Design", "Electric", "Plumbing", "Legal", "Hospitality", "Retail",
];

#[rustfmt::skip]
const JOB_TITLES: &[&str] = &[
    "Chief Executive Officer", "CEO", "CFO", "CTO", "Chief Operating Officer", "President", "Owner",
    "Founder", "VP of Marketing", "VP Sales", "Vice President, Operations",
    "Director of Operations", "Director of IT", "Head of Procurement", "Sustainability Director",
    "IT Manager", "Marketing Manager", "Sales Manager", "Operations Manager", "Facilities Manager",
    "Office Manager", "Energy Manager", "Plant Manager", "General Manager", "Project Manager",
    "Product Manager", "Customer Success Manager", "Software Engineer", "Senior Software Engineer",
    "Data Analyst", "Accountant", "Controller", "HR Generalist", "Purchasing Agent",
    "Account Executive", "Business Development Representative", "Consultant", "Homeowner",
    "Student", "Intern", "Retired",
];

/// (industry name, 2022 NAICS code)
const INDUSTRIES: &[(&str, &str)] = &[
    ("Software Publishers", "513210"),
    ("Computer Systems Design Services", "541512"),
    ("Solar Electric Power Generation", "221114"),
    ("Residential Building Construction", "236118"),
    ("Commercial Banking", "522110"),
    ("Insurance Agencies and Brokerages", "524210"),
    ("General Medical and Surgical Hospitals", "622110"),
    ("Offices of Physicians", "621111"),
    ("Offices of Real Estate Agents and Brokers", "531210"),
    ("Full-Service Restaurants", "722511"),
    ("Supermarkets and Grocery Retailers", "445110"),
    ("New Car Dealers", "441110"),
    ("General Freight Trucking, Local", "484110"),
    ("General Warehousing and Storage", "493110"),
    ("Management Consulting Services", "541611"),
    ("Advertising Agencies", "541810"),
    ("Offices of Lawyers", "541110"),
    ("Offices of Certified Public Accountants", "541211"),
    ("Colleges, Universities, and Professional Schools", "611310"),
    ("Elementary and Secondary Schools", "611110"),
    ("Plastics Product Manufacturing", "326199"),
    ("Pharmaceutical Preparation Manufacturing", "325412"),
    ("Electrical Contractors", "238210"),
    (
        "Plumbing, Heating, and Air-Conditioning Contractors",
        "238220",
    ),
    ("Hotels and Motels", "721110"),
    ("Wired Telecommunications Carriers", "517111"),
    ("Electronic Shopping and Mail-Order Houses", "454110"),
];

/// Employee bands as vendors write them, with the numeric range a person is drawn from.
const EMPLOYEE_BANDS: &[(&str, u32, u32, u32)] = &[
    // (band, low, high, weight)
    ("1-10", 1, 10, 30),
    ("11-50", 11, 50, 25),
    ("51-200", 51, 200, 18),
    ("201-500", 201, 500, 10),
    ("501-1000", 501, 1000, 7),
    ("1001-5000", 1001, 5000, 6),
    ("5001-10000", 5001, 10000, 2),
    ("10001+", 10001, 60000, 2),
];

#[rustfmt::skip]
const DISPOSABLE_DOMAINS: &[&str] = &[
    "mailinator.com", "guerrillamail.com", "10minutemail.com", "yopmail.com", "trashmail.com",
    "sharklasers.com", "dispostable.com", "temp-mail.org",
];

#[rustfmt::skip]
const ROLE_LOCALS: &[&str] = &[
    "info", "sales", "admin", "support", "contact", "office", "marketing", "hr", "noreply",
];

/// Common misspellings of free mail domains (the `email.typo` did-you-mean cases).
const DOMAIN_TYPOS: &[(&str, &[&str])] = &[
    (
        "gmail.com",
        &[
            "gmial.com",
            "gmai.com",
            "gamil.com",
            "gmail.co",
            "gmail.con",
        ],
    ),
    (
        "yahoo.com",
        &["yaho.com", "yahooo.com", "yahoo.co", "yhoo.com"],
    ),
    (
        "hotmail.com",
        &["hotmial.com", "hotmal.com", "hotmail.co", "hotmai.com"],
    ),
    ("outlook.com", &["outlok.com", "outloo.com", "outlook.co"]),
    ("aol.com", &["aol.co", "aoll.com"]),
    ("icloud.com", &["iclod.com", "icloud.co"]),
];

const US_FREE: &[&str] = &[
    "gmail.com",
    "yahoo.com",
    "hotmail.com",
    "outlook.com",
    "aol.com",
    "icloud.com",
];
const CA_FREE: &[&str] = &[
    "gmail.com",
    "hotmail.com",
    "yahoo.com",
    "outlook.com",
    "shaw.ca",
    "rogers.com",
];
const GB_FREE: &[&str] = &[
    "gmail.com",
    "hotmail.com",
    "outlook.com",
    "btinternet.com",
    "yahoo.co.uk",
];
const DE_FREE: &[&str] = &[
    "gmail.com",
    "gmx.de",
    "web.de",
    "t-online.de",
    "outlook.com",
];
const FR_FREE: &[&str] = &[
    "gmail.com",
    "orange.fr",
    "free.fr",
    "laposte.net",
    "outlook.com",
];
const AU_FREE: &[&str] = &["gmail.com", "bigpond.com", "outlook.com", "yahoo.com"];
const IN_FREE: &[&str] = &["gmail.com", "rediffmail.com", "yahoo.com", "outlook.com"];

struct City {
    name: &'static str,
    region: &'static str,
    postal: &'static [&'static str],
    /// North American area codes of the city (empty outside NANP).
    area_codes: &'static [&'static str],
}

const fn city(
    name: &'static str,
    region: &'static str,
    postal: &'static [&'static str],
    area_codes: &'static [&'static str],
) -> City {
    City {
        name,
        region,
        postal,
        area_codes,
    }
}

const US_CITIES: &[City] = &[
    city(
        "New York",
        "NY",
        &["10001", "10016", "10022", "10036", "10118"],
        &["212", "646", "917"],
    ),
    city(
        "Brooklyn",
        "NY",
        &["11201", "11215", "11238"],
        &["718", "347"],
    ),
    city(
        "Boston",
        "MA",
        &["02108", "02110", "02116"],
        &["617", "857"],
    ),
    city("Providence", "RI", &["02903", "02906"], &["401"]),
    city("Hartford", "CT", &["06103", "06106"], &["860"]),
    city("Newark", "NJ", &["07102", "07104"], &["973"]),
    city(
        "Philadelphia",
        "PA",
        &["19103", "19107", "19130"],
        &["215", "267"],
    ),
    city("Pittsburgh", "PA", &["15222", "15213"], &["412"]),
    city("Baltimore", "MD", &["21201", "21230"], &["410"]),
    city("Washington", "DC", &["20001", "20005", "20009"], &["202"]),
    city("Richmond", "VA", &["23219", "23220"], &["804"]),
    city("Charlotte", "NC", &["28202", "28203"], &["704"]),
    city("Raleigh", "NC", &["27601", "27603"], &["919"]),
    city(
        "Atlanta",
        "GA",
        &["30303", "30308", "30309"],
        &["404", "470"],
    ),
    city("Miami", "FL", &["33130", "33131", "33137"], &["305", "786"]),
    city("Orlando", "FL", &["32801", "32803"], &["407"]),
    city("Tampa", "FL", &["33602", "33606"], &["813"]),
    city("Nashville", "TN", &["37203", "37206"], &["615"]),
    city("Detroit", "MI", &["48226", "48201"], &["313"]),
    city(
        "Chicago",
        "IL",
        &["60601", "60605", "60611", "60614"],
        &["312", "773", "872"],
    ),
    city("Columbus", "OH", &["43215", "43201"], &["614"]),
    city("Cleveland", "OH", &["44113", "44114"], &["216"]),
    city("Indianapolis", "IN", &["46204", "46202"], &["317"]),
    city("Minneapolis", "MN", &["55401", "55403"], &["612"]),
    city("Milwaukee", "WI", &["53202", "53203"], &["414"]),
    city("St. Louis", "MO", &["63101", "63103"], &["314"]),
    city("Kansas City", "MO", &["64105", "64108"], &["816"]),
    city(
        "Dallas",
        "TX",
        &["75201", "75204", "75219"],
        &["214", "469", "972"],
    ),
    city(
        "Houston",
        "TX",
        &["77002", "77006", "77019"],
        &["713", "281", "832"],
    ),
    city("Austin", "TX", &["78701", "78704"], &["512", "737"]),
    city("San Antonio", "TX", &["78205", "78212"], &["210"]),
    city(
        "Denver",
        "CO",
        &["80202", "80205", "80218"],
        &["303", "720"],
    ),
    city("Phoenix", "AZ", &["85004", "85016"], &["602", "480"]),
    city("Las Vegas", "NV", &["89101", "89109"], &["702"]),
    city("Salt Lake City", "UT", &["84101", "84111"], &["801"]),
    city(
        "Los Angeles",
        "CA",
        &["90012", "90017", "90028"],
        &["213", "323", "310"],
    ),
    city("San Diego", "CA", &["92101", "92103"], &["619", "858"]),
    city(
        "San Francisco",
        "CA",
        &["94103", "94105", "94110"],
        &["415", "628"],
    ),
    city("San Jose", "CA", &["95113", "95112"], &["408", "669"]),
    city("Mountain View", "CA", &["94043", "94041"], &["650"]),
    city("Sacramento", "CA", &["95814", "95816"], &["916"]),
    city("Seattle", "WA", &["98101", "98104", "98122"], &["206"]),
    city("Portland", "OR", &["97204", "97209"], &["503", "971"]),
    city("Honolulu", "HI", &["96813", "96815"], &["808"]),
    city("Anchorage", "AK", &["99501", "99503"], &["907"]),
    city("New Orleans", "LA", &["70112", "70130"], &["504"]),
    city("Albuquerque", "NM", &["87102", "87106"], &["505"]),
    city("Boise", "ID", &["83702", "83706"], &["208"]),
    city("Omaha", "NE", &["68102", "68131"], &["402"]),
];

const CA_CITIES: &[City] = &[
    city(
        "Toronto",
        "ON",
        &["M5V 2T6", "M4W 1A8", "M5H 2N2"],
        &["416", "647"],
    ),
    city(
        "Vancouver",
        "BC",
        &["V6B 1A1", "V5K 0A1", "V6E 4M3"],
        &["604", "778"],
    ),
    city("Montréal", "QC", &["H2Y 1C6", "H3B 4W8"], &["514", "438"]),
    city("Calgary", "AB", &["T2P 2M5", "T2R 0B4"], &["403", "587"]),
    city("Ottawa", "ON", &["K1P 5M7", "K2P 1L4"], &["613", "343"]),
    city("Halifax", "NS", &["B3H 4R2", "B3J 1S9"], &["902"]),
];

const GB_CITIES: &[City] = &[
    city(
        "London",
        "England",
        &["SW1A 1AA", "EC1A 1BB", "W1A 0AX", "N1 9GU", "E14 5AB"],
        &[],
    ),
    city("Manchester", "England", &["M1 1AE", "M4 6WX"], &[]),
    city("Birmingham", "England", &["B1 1BB", "B15 2TT"], &[]),
    city("Leeds", "England", &["LS1 4DY", "LS6 2QE"], &[]),
    city("Glasgow", "Scotland", &["G1 1XQ", "G12 8QQ"], &[]),
    city("Edinburgh", "Scotland", &["EH1 1YZ", "EH8 9YL"], &[]),
    city("Cardiff", "Wales", &["CF10 1EP", "CF24 3AA"], &[]),
];

const DE_CITIES: &[City] = &[
    city("Berlin", "BE", &["10115", "10178", "10785"], &[]),
    city("München", "BY", &["80331", "80539"], &[]),
    city("Hamburg", "HH", &["20095", "22767"], &[]),
    city("Köln", "NW", &["50667", "50672"], &[]),
    city("Frankfurt am Main", "HE", &["60311", "60329"], &[]),
    city("Stuttgart", "BW", &["70173", "70178"], &[]),
    city("Düsseldorf", "NW", &["40213", "40210"], &[]),
    city("Dresden", "SN", &["01067", "01069"], &[]),
];

const FR_CITIES: &[City] = &[
    city("Paris", "IDF", &["75001", "75008", "75011"], &[]),
    city("Lyon", "ARA", &["69002", "69003"], &[]),
    city("Marseille", "PAC", &["13001", "13008"], &[]),
    city("Toulouse", "OCC", &["31000", "31400"], &[]),
    city("Nice", "PAC", &["06000", "06300"], &[]),
    city("Bordeaux", "NAQ", &["33000", "33800"], &[]),
    city("Lille", "HDF", &["59000", "59800"], &[]),
];

const AU_CITIES: &[City] = &[
    city("Sydney", "NSW", &["2000", "2010"], &[]),
    city("Melbourne", "VIC", &["3000", "3121"], &[]),
    city("Brisbane", "QLD", &["4000", "4101"], &[]),
    city("Perth", "WA", &["6000", "6005"], &[]),
    city("Adelaide", "SA", &["5000", "5006"], &[]),
    city("Canberra", "ACT", &["2600", "2601"], &[]),
    city("Darwin", "NT", &["0800", "0810"], &[]),
];

const IN_CITIES: &[City] = &[
    city("Mumbai", "MH", &["400001", "400050"], &[]),
    city("New Delhi", "DL", &["110001", "110016"], &[]),
    city("Bengaluru", "KA", &["560001", "560034"], &[]),
    city("Chennai", "TN", &["600001", "600028"], &[]),
    city("Hyderabad", "TG", &["500001", "500081"], &[]),
    city("Pune", "MH", &["411001", "411057"], &[]),
    city("Kolkata", "WB", &["700001", "700091"], &[]),
];

#[rustfmt::skip]
const US_STREETS: &[&str] = &[
    "Main Street", "Oak Avenue", "Maple Road", "Market Street", "Broadway", "2nd Street",
    "Elm Street", "Pine Street", "Cedar Lane", "Lakeview Drive", "Sunset Boulevard", "Park Avenue",
    "Washington Street", "Jefferson Avenue", "Highland Avenue", "Church Street", "Mill Road",
    "River Road", "Spring Street", "Hillcrest Drive", "Madison Avenue", "Lincoln Street",
    "Chestnut Street", "Franklin Avenue",
];
#[rustfmt::skip]
const GB_STREETS: &[&str] = &[
    "High Street", "Station Road", "Church Lane", "Victoria Road", "Green Lane", "Manor Road",
    "Baker Street", "Queen's Road", "Mill Lane", "King Street",
];
#[rustfmt::skip]
const DE_STREETS: &[&str] = &[
    "Hauptstraße", "Bahnhofstraße", "Gartenstraße", "Schulstraße", "Dorfstraße", "Lindenallee",
    "Bergstraße", "Friedrichstraße", "Goethestraße", "Kirchweg",
];
#[rustfmt::skip]
const FR_STREETS: &[&str] = &[
    "rue de la Paix", "avenue des Champs-Élysées", "rue Victor Hugo", "boulevard Saint-Michel",
    "rue de la République", "place Bellecour", "rue du Faubourg Saint-Honoré",
    "quai de la Joliette",
];
#[rustfmt::skip]
const AU_STREETS: &[&str] = &[
    "George Street", "Collins Street", "Queen Street", "Hay Street", "King William Street",
    "Elizabeth Street", "Bourke Street", "Pitt Street",
];
#[rustfmt::skip]
const IN_STREETS: &[&str] = &[
    "MG Road", "Linking Road", "Park Street", "Anna Salai", "Brigade Road", "FC Road",
    "Connaught Place", "Banjara Hills Road 12",
];

/// Street-name suffixes a duplicate may abbreviate ("Main Street" vs "Main St").
const STREET_ABBREVIATIONS: &[(&str, &str)] = &[
    ("Street", "St"),
    ("Avenue", "Ave"),
    ("Road", "Rd"),
    ("Boulevard", "Blvd"),
    ("Drive", "Dr"),
    ("Lane", "Ln"),
];

/// A country's places, spellings and numbering plan.
struct CountryInfo {
    iso: &'static str,
    /// How vendors write the country (the first one is the ISO code).
    spellings: &'static [&'static str],
    calling_code: &'static str,
    weight: u32,
    cities: &'static [City],
    free_domains: &'static [&'static str],
    tld: &'static str,
    legal_forms: &'static [&'static str],
    streets: &'static [&'static str],
    /// House number before the street (US/GB/FR/AU/IN) or after it (DE).
    number_first: bool,
    /// Mobile prefixes of the national significant number (empty: NANP, area codes per city).
    mobile_prefixes: &'static [&'static str],
    /// Digits after a mobile prefix.
    mobile_digits: u32,
    /// Replaces the mobile prefix to make a number no numbering plan assigns.
    unassigned_prefix: &'static str,
    /// National trunk prefix written before the national significant number.
    trunk: &'static str,
    /// Digit grouping of the national form (trunk + NSN) and of the international form (NSN).
    national_groups: &'static [usize],
    intl_groups: &'static [usize],
}

const COUNTRIES: &[CountryInfo] = &[
    CountryInfo {
        iso: "US",
        spellings: &["US", "USA", "United States"],
        calling_code: "1",
        weight: 80,
        cities: US_CITIES,
        free_domains: US_FREE,
        tld: "com",
        legal_forms: &["Inc.", "LLC", "Corp.", "Co.", ""],
        streets: US_STREETS,
        number_first: true,
        mobile_prefixes: &[],
        mobile_digits: 0,
        unassigned_prefix: "000",
        trunk: "",
        national_groups: &[],
        intl_groups: &[],
    },
    CountryInfo {
        iso: "CA",
        spellings: &["CA", "Canada", "CAN"],
        calling_code: "1",
        weight: 5,
        cities: CA_CITIES,
        free_domains: CA_FREE,
        tld: "ca",
        legal_forms: &["Inc.", "Ltd.", "Corp."],
        streets: US_STREETS,
        number_first: true,
        mobile_prefixes: &[],
        mobile_digits: 0,
        unassigned_prefix: "000",
        trunk: "",
        national_groups: &[],
        intl_groups: &[],
    },
    CountryInfo {
        iso: "GB",
        spellings: &["GB", "UK", "United Kingdom"],
        calling_code: "44",
        weight: 5,
        cities: GB_CITIES,
        free_domains: GB_FREE,
        tld: "co.uk",
        legal_forms: &["Ltd", "PLC", "LLP"],
        streets: GB_STREETS,
        number_first: true,
        // 07 blocks that are all UK mobiles (others hold Jersey, Guernsey, Isle of Man
        // ranges, or the 07700 900xxx drama numbers).
        mobile_prefixes: &[
            "740", "741", "742", "743", "744", "746", "747", "748", "749", "751", "753", "754",
            "755", "756", "757", "758", "759", "780", "781", "784", "785", "786", "787", "788",
            "789",
        ],
        mobile_digits: 7,
        unassigned_prefix: "500",
        trunk: "0",
        national_groups: &[5, 6],
        intl_groups: &[4, 6],
    },
    CountryInfo {
        iso: "DE",
        spellings: &["DE", "Germany", "Deutschland"],
        calling_code: "49",
        weight: 3,
        cities: DE_CITIES,
        free_domains: DE_FREE,
        tld: "de",
        legal_forms: &["GmbH", "AG", "GmbH & Co. KG", "UG"],
        streets: DE_STREETS,
        number_first: false,
        mobile_prefixes: &[
            "151", "157", "160", "162", "170", "171", "172", "175", "176", "177", "179",
        ],
        mobile_digits: 8,
        unassigned_prefix: "110",
        trunk: "0",
        national_groups: &[4, 8],
        intl_groups: &[3, 8],
    },
    CountryInfo {
        iso: "FR",
        spellings: &["FR", "France", "FRA"],
        calling_code: "33",
        weight: 3,
        cities: FR_CITIES,
        free_domains: FR_FREE,
        tld: "fr",
        legal_forms: &["SAS", "SARL", "SA"],
        streets: FR_STREETS,
        number_first: true,
        mobile_prefixes: &["60", "61", "62", "64", "65", "66", "67", "68"],
        mobile_digits: 7,
        unassigned_prefix: "00",
        trunk: "0",
        national_groups: &[2, 2, 2, 2, 2],
        intl_groups: &[1, 2, 2, 2, 2],
    },
    CountryInfo {
        iso: "AU",
        spellings: &["AU", "Australia", "AUS"],
        calling_code: "61",
        weight: 2,
        cities: AU_CITIES,
        free_domains: AU_FREE,
        tld: "com.au",
        legal_forms: &["Pty Ltd", "Pty. Ltd."],
        streets: AU_STREETS,
        number_first: true,
        mobile_prefixes: &["40", "41", "42", "43", "46"],
        mobile_digits: 7,
        unassigned_prefix: "50",
        trunk: "0",
        national_groups: &[4, 3, 3],
        intl_groups: &[3, 3, 3],
    },
    CountryInfo {
        iso: "IN",
        spellings: &["IN", "India", "IND"],
        calling_code: "91",
        weight: 2,
        cities: IN_CITIES,
        free_domains: IN_FREE,
        tld: "in",
        legal_forms: &["Pvt Ltd", "Private Limited", "Ltd"],
        streets: IN_STREETS,
        number_first: true,
        // 7x and 8x also hold fixed lines; every 9x number is a mobile.
        mobile_prefixes: &["9"],
        mobile_digits: 9,
        unassigned_prefix: "0",
        trunk: "",
        national_groups: &[5, 5],
        intl_groups: &[5, 5],
    },
];
