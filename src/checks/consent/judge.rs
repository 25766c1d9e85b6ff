//! Judging each lead's consent, channel by channel.
//!
//! For a channel the lead is meant for, the records that cover it are the lead's matched
//! records whose `channel` includes it (or `all`). The latest dated one not after `--as-of`
//! counts (failing that, the latest at all). A revocation on any covering record counts when
//! it is dated on or before `--as-of` and not before the counting consent (a newer consent
//! supersedes an older opt-out). Where the lead's rule pack section needs consent on the
//! channel, the counting record must also carry the evidence, name the seller, be in date,
//! come no later than the lead's capture and have a well-formed certificate; where it does
//! not (email under US rules), only a revocation stops contact.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use polars::prelude::*;
use rayon::prelude::*;

use super::channels::Channels;
use super::dates::{add_business_days, DateCell, Stamp};
use super::matching::Pairs;
use super::records::{Field, Records};
use super::rules::{Compiled, Pack};
use super::text::Certificate;
use crate::checks::{row_blocks, Findings};

/// The consent checks, in catalog order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Check {
    Missing,
    Evidence,
    Seller,
    Expired,
    Timing,
    Revoked,
    Certificate,
}

impl Check {
    pub const ALL: [Check; 7] = [
        Check::Missing,
        Check::Evidence,
        Check::Seller,
        Check::Expired,
        Check::Timing,
        Check::Revoked,
        Check::Certificate,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Check::Missing => "consent.missing",
            Check::Evidence => "consent.evidence",
            Check::Seller => "consent.seller",
            Check::Expired => "consent.expired",
            Check::Timing => "consent.timing",
            Check::Revoked => "consent.revoked",
            Check::Certificate => "consent.certificate",
        }
    }
}

/// What the judging needs about the leads (one value per lead row).
pub struct Leads<'a> {
    pub wanted: &'a [Channels],
    pub pack: &'a [Option<usize>],
    pub captured: &'a [DateCell],
    pub captured_raw: Option<&'a StringChunked>,
    pub email_key: &'a StringChunked,
    pub phone_key: &'a StringChunked,
}

pub struct Settings<'a> {
    pub compiled: &'a Compiled,
    pub as_of: NaiveDate,
    pub grace_secs: i64,
    pub claim_hours: u32,
}

/// Per lead, channel sets describing its consent.
#[derive(Debug, Clone, Copy, Default)]
pub struct LeadConsent {
    pub required: Channels,
    pub with_record: Channels,
    /// Channels the lead may be contacted on as far as consent goes.
    pub ok: Channels,
    pub revoked: Channels,
}

pub struct Outcome {
    pub findings: Findings,
    pub leads: Vec<LeadConsent>,
    /// (pack index or None, evidence field spec) -> leads whose counting record lacks it.
    pub gaps: BTreeMap<(Option<usize>, String), usize>,
    /// Records that count for at least one lead.
    pub records_used: usize,
    /// Leads whose records were found through `lead_id` / through contact keys.
    pub matched_by_id: usize,
    pub matched_by_contact: usize,
}

/// Leads judged per parallel task; results are merged in lead order, so the outcome does not
/// depend on scheduling.
const LEADS_PER_TASK: usize = 1 << 15;

pub fn judge(leads: &Leads, records: &Records, pairs: &Pairs, settings: &Settings) -> Outcome {
    let height = leads.wanted.len();
    let parts: Vec<Part> = row_blocks(height, LEADS_PER_TASK)
        .map(|rows| judge_leads(rows, leads, records, pairs, settings))
        .collect();
    let mut outcome = Outcome {
        findings: Findings::default(),
        leads: Vec::with_capacity(height),
        gaps: BTreeMap::new(),
        records_used: 0,
        matched_by_id: 0,
        matched_by_contact: 0,
    };
    let mut used = vec![false; records.count()];
    for part in parts {
        outcome.findings.extend(part.findings);
        outcome.leads.extend(part.leads);
        for (key, n) in part.gaps {
            *outcome.gaps.entry(key).or_default() += n;
        }
        outcome.matched_by_id += part.matched_by_id;
        outcome.matched_by_contact += part.matched_by_contact;
        for r in part.used {
            if let Some(u) = used.get_mut(r as usize) {
                *u = true;
            }
        }
    }
    outcome.records_used = used.iter().filter(|&&u| u).count();
    outcome
}

/// The outcome for one range of leads.
#[derive(Default)]
struct Part {
    findings: Findings,
    leads: Vec<LeadConsent>,
    gaps: BTreeMap<(Option<usize>, String), usize>,
    matched_by_id: usize,
    matched_by_contact: usize,
    /// Records that counted for a lead of the range (may repeat).
    used: Vec<u32>,
}

fn judge_leads(
    range: std::ops::Range<usize>,
    leads: &Leads,
    records: &Records,
    pairs: &Pairs,
    settings: &Settings,
) -> Part {
    let mut part = Part {
        leads: Vec::with_capacity(range.len()),
        ..Part::default()
    };
    let first = pairs.lead.partition_point(|&l| (l as usize) < range.start);
    let last = pairs.lead.partition_point(|&l| (l as usize) < range.end);
    let mut groups = pairs.groups(first..last).peekable();
    let mut by_id_only: Vec<u32> = Vec::new();
    for lead in range {
        let recs: &[u32] = match groups.next_if(|(l, _)| *l as usize == lead) {
            Some((_, group)) => {
                let ids = pairs.by_id.get(group.clone()).unwrap_or_default();
                let all = pairs.rec.get(group).unwrap_or_default();
                if !ids.iter().any(|&b| b) {
                    part.matched_by_contact += 1;
                    all
                } else {
                    part.matched_by_id += 1;
                    by_id_only.clear();
                    by_id_only.extend(all.iter().zip(ids).filter(|(_, &b)| b).map(|(r, _)| *r));
                    &by_id_only
                }
            }
            None => &[],
        };
        part.used.extend_from_slice(recs);
        let judged = judge_lead(lead, recs, leads, records, settings);
        for (check, detail) in judged.notes {
            part.findings.push(lead as u32, check.id(), detail);
        }
        let pack = leads.pack.get(lead).copied().flatten();
        for field in judged.gaps {
            *part.gaps.entry((pack, field)).or_default() += 1;
        }
        part.leads.push(judged.consent);
    }
    part
}

struct Judged {
    notes: Vec<(Check, String)>,
    gaps: BTreeSet<String>,
    consent: LeadConsent,
}

/// Problems of one check on several channels, merged when the message is the same.
#[derive(Default)]
struct Notes {
    entries: Vec<(Check, String, Channels)>,
    /// Problems noted so far, merged or not: a channel is clean when this did not move.
    count: usize,
}

impl Notes {
    fn add(&mut self, check: Check, channel: Channels, message: String) {
        self.count += 1;
        match self
            .entries
            .iter_mut()
            .find(|(c, m, _)| *c == check && *m == message)
        {
            Some((_, _, channels)) => *channels |= channel,
            None => self.entries.push((check, message, channel)),
        }
    }

    /// One detail per check, checks in catalog order: `call, sms: message; email: other`.
    fn into_details(mut self) -> Vec<(Check, String)> {
        self.entries.sort_by_key(|(check, _, _)| *check);
        let mut details: Vec<(Check, String)> = Vec::new();
        for (check, message, channels) in self.entries {
            let part = format!("{}: {message}", channels.names(", "));
            match details.last_mut() {
                Some((last, detail)) if *last == check => {
                    detail.push_str("; ");
                    detail.push_str(&part);
                }
                _ => details.push((check, part)),
            }
        }
        details
    }
}

fn judge_lead(
    lead: usize,
    recs: &[u32],
    leads: &Leads,
    records: &Records,
    settings: &Settings,
) -> Judged {
    let wanted = leads.wanted.get(lead).copied().unwrap_or_default();
    let pack = leads
        .pack
        .get(lead)
        .copied()
        .flatten()
        .and_then(|p| settings.compiled.packs.get(p));
    let required = pack.map_or(Channels::ALL, |p| p.consent_channels);
    let mut notes = Notes::default();
    let mut gaps = BTreeSet::new();
    let mut consent = LeadConsent::default();
    let mut missing = Channels::NONE;
    let mut covered_elsewhere = Channels::NONE;
    for &r in recs {
        if !records.is_revocation_only(r as usize) {
            covered_elsewhere |= records
                .channels
                .get(r as usize)
                .copied()
                .unwrap_or_default();
        }
    }
    for channel in wanted.each() {
        let covering = || {
            recs.iter()
                .map(|&r| r as usize)
                .filter(move |&r| records.channels.get(r).is_some_and(|c| c.contains(channel)))
        };
        let chosen = counting_record(covering(), lead, leads, records, settings);
        let is_required = required.contains(channel);
        if is_required {
            consent.required |= channel;
        }
        if chosen.is_some() {
            consent.with_record |= channel;
        }
        let before = notes.count;
        let revoked = revocation(
            covering(),
            chosen,
            records,
            pack,
            settings,
            channel,
            &mut notes,
        );
        if revoked {
            consent.revoked |= channel;
        }
        match (is_required, chosen) {
            (true, None) => missing |= channel,
            (true, Some(r)) => {
                let view = RecordView {
                    lead,
                    rec: r,
                    channel,
                    pack,
                    leads,
                    records,
                    settings,
                };
                view.evidence(&mut notes, &mut gaps);
                view.seller(&mut notes);
                view.expiry(&mut notes);
                view.timing(&mut notes);
                view.certificate(&mut notes);
            }
            (false, _) => {}
        }
        let clean = notes.count == before && !(is_required && chosen.is_none());
        if clean {
            consent.ok |= channel;
        }
    }
    let mut details = Vec::new();
    if !missing.is_empty() {
        let elsewhere = covered_elsewhere.each().filter(|c| !missing.contains(*c));
        let elsewhere = elsewhere.fold(Channels::NONE, |a, b| a | b);
        let mut detail = format!("no consent record for {}", missing.names(", "));
        if !elsewhere.is_empty() {
            detail.push_str(&format!(" (records cover {})", elsewhere.names(", ")));
        }
        details.push((Check::Missing, detail));
    }
    details.extend(notes.into_details());
    Judged {
        notes: details,
        gaps,
        consent,
    }
}

/// Orders candidate consents: dated not after `--as-of` and not after the lead's capture
/// first (the consent that covered the capture), then dated not after `--as-of`, then dated
/// in the future, then unreadable, then undated; the latest wins within each, ties go to
/// the later row of the file.
fn counting_record(
    covering: impl Iterator<Item = usize>,
    lead: usize,
    leads: &Leads,
    records: &Records,
    settings: &Settings,
) -> Option<usize> {
    covering
        .filter(|&r| !records.is_revocation_only(r))
        .max_by_key(|&r| {
            let rank = match records.consented.get(r) {
                Some(DateCell::At(s)) if s.date() <= settings.as_of => {
                    let covers_capture = match capture(leads, lead, records, r).0 {
                        DateCell::At(at) => !after_capture(s, at, settings.grace_secs),
                        _ => true,
                    };
                    (if covers_capture { 4 } else { 3 }, s.secs)
                }
                Some(DateCell::At(s)) => (2, s.secs),
                Some(DateCell::Unreadable) => (1, 0),
                _ => (0, 0),
            };
            (rank, r)
        })
}

/// When the lead was captured: its own `captured_at`, else the record's (with the raw text,
/// for details).
fn capture<'a>(
    leads: &'a Leads,
    lead: usize,
    records: &'a Records,
    rec: usize,
) -> (DateCell, Option<&'a str>) {
    match leads.captured.get(lead).copied() {
        Some(DateCell::Blank) | None => (
            records.captured.get(rec).unwrap_or(DateCell::Blank),
            records.unreadable(Field::CapturedAt, rec),
        ),
        Some(cell) => (cell, leads.captured_raw.and_then(|c| c.get(lead))),
    }
}

/// Consent `given` comes later than capture `at` (plus the grace period; by day when either
/// has no time of day).
fn after_capture(given: Stamp, at: Stamp, grace_secs: i64) -> bool {
    if given.has_time && at.has_time {
        given.secs > at.secs + grace_secs
    } else {
        given.date() > at.date()
    }
}

/// Short, single-line excerpt of a cell for a finding detail.
fn excerpt(value: &str) -> String {
    const MAX: usize = 60;
    let flat: String = value
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    match flat.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}…", &flat[..cut]),
        None => flat,
    }
}

fn show(stamp: Stamp) -> String {
    match chrono::DateTime::from_timestamp(stamp.secs, 0) {
        Some(t) if stamp.has_time => {
            use chrono::Timelike;
            format!(
                "{} {:02}:{:02}:{:02} UTC",
                t.date_naive(),
                t.hour(),
                t.minute(),
                t.second()
            )
        }
        _ => stamp.date().to_string(),
    }
}

/// `a` is strictly earlier than `b` (by day when either has no time of day).
fn earlier(a: Stamp, b: Stamp) -> bool {
    if a.has_time && b.has_time {
        a.secs < b.secs
    } else {
        a.date() < b.date()
    }
}

/// Records a revocation note when one applies; true when the channel is revoked.
fn revocation(
    covering: impl Iterator<Item = usize>,
    chosen: Option<usize>,
    records: &Records,
    pack: Option<&Pack>,
    settings: &Settings,
    channel: Channels,
    notes: &mut Notes,
) -> bool {
    let consent = chosen.and_then(|r| records.consented.get(r).and_then(|c| c.stamp()));
    let mut latest: Option<Stamp> = None;
    let mut unreadable: Option<&str> = None;
    for r in covering {
        match records.revoked.get(r) {
            Some(DateCell::At(v))
                if v.date() <= settings.as_of
                    && consent.is_none_or(|c| !earlier(v, c))
                    && latest.is_none_or(|l| l.secs < v.secs) =>
            {
                latest = Some(v);
            }
            Some(DateCell::Unreadable) => {
                unreadable = unreadable.or(records.unreadable(Field::RevokedAt, r));
            }
            _ => {}
        }
    }
    if let Some(v) = latest {
        let day = v.date();
        let message = match pack.map(|p| p.revocation_business_days) {
            None => format!("revoked {}", show(v)),
            Some(0) => format!("revoked {}; to be honoured at once", show(v)),
            Some(n) => {
                let deadline = add_business_days(day, n);
                if settings.as_of > deadline {
                    format!(
                        "revoked {}; the {n}-business-day deadline ({deadline}) has passed",
                        show(v)
                    )
                } else {
                    format!(
                        "revoked {}; inside the {n}-business-day window (honour by {deadline}), contact must stop",
                        show(v)
                    )
                }
            }
        };
        notes.add(Check::Revoked, channel, message);
        true
    } else if let Some(raw) = unreadable {
        notes.add(
            Check::Revoked,
            channel,
            format!(
                "revoked_at '{}' is not a readable date; treated as revoked",
                excerpt(raw)
            ),
        );
        true
    } else {
        false
    }
}

/// One counting record judged for one lead and channel.
struct RecordView<'a> {
    lead: usize,
    rec: usize,
    channel: Channels,
    pack: Option<&'a Pack>,
    leads: &'a Leads<'a>,
    records: &'a Records,
    settings: &'a Settings<'a>,
}

impl RecordView<'_> {
    /// A date or certificate cell of this record that could not be read, as written.
    fn unreadable(&self, field: Field) -> &str {
        self.records.unreadable(field, self.rec).unwrap_or("")
    }

    fn consented(&self) -> DateCell {
        self.records
            .consented
            .get(self.rec)
            .unwrap_or(DateCell::Blank)
    }

    fn evidence(&self, notes: &mut Notes, gaps: &mut BTreeSet<String>) {
        let facts = self
            .records
            .record_facts
            .get(self.rec)
            .copied()
            .unwrap_or_default();
        let mut missing = Vec::new();
        if let Some(pack) = self.pack {
            for (options, shown) in pack
                .evidence
                .get(self.channel.index())
                .into_iter()
                .flatten()
            {
                if !options.iter().any(|f| facts.has(*f)) {
                    missing.push(shown.as_str());
                }
            }
        }
        let mut problems = Vec::new();
        if !missing.is_empty() {
            problems.push(format!("missing {}", missing.join(", ")));
        }
        if self.consented() == DateCell::Unreadable {
            problems.push(format!(
                "consented_at '{}' is not a readable date",
                excerpt(self.unreadable(Field::ConsentedAt))
            ));
        }
        if facts.bad_ip {
            problems.push("ip is not an IP address".into());
        }
        if facts.bad_page_url {
            problems.push("page_url is not an http(s) URL".into());
        }
        let email = Channels::named("email").unwrap_or_default();
        let (lead_key, record_key, what) = if self.channel == email {
            (
                &self.leads.email_key,
                &self.records.email_key,
                "email address",
            )
        } else {
            (
                &self.leads.phone_key,
                &self.records.phone_key,
                "phone number",
            )
        };
        if let (Some(a), Some(b)) = (lead_key.get(self.lead), record_key.get(self.rec)) {
            if a != b {
                problems.push(format!("consent was given for another {what}"));
            }
        }
        gaps.extend(missing.iter().map(|m| m.to_string()));
        if !problems.is_empty() {
            notes.add(Check::Evidence, self.channel, problems.join("; "));
        }
    }

    fn seller(&self, notes: &mut Notes) {
        let Some(pack) = self.pack else { return };
        let written = pack.written_channels.contains(self.channel);
        if !pack.seller_named && !written {
            return;
        }
        let facts = self.records.text_facts(self.rec);
        if !facts.has_text {
            notes.add(
                Check::Seller,
                self.channel,
                "no consent text to show the seller and terms".into(),
            );
            return;
        }
        let mut problems = Vec::new();
        if pack.seller_named && !facts.names_seller {
            let names: Vec<&str> = self
                .settings
                .compiled
                .seller_labels
                .iter()
                .map(String::as_str)
                .chain(self.records.seller(self.rec))
                .collect();
            problems.push(if names.is_empty() {
                "no seller name to look for (list the brand names under consent.seller_names)"
                    .to_string()
            } else {
                format!(
                    "consent text does not name the seller ({})",
                    excerpt(&names.join(", "))
                )
            });
        }
        if written {
            let lacking: Vec<&str> = pack
                .phrase_groups
                .iter()
                .filter(|(_, group)| facts.phrase_groups & (1u64 << (group % 64)) == 0)
                .map(|(what, _)| what.as_str())
                .collect();
            if !lacking.is_empty() {
                problems.push(format!("written consent does not {}", lacking.join(", ")));
            }
        }
        if !problems.is_empty() {
            notes.add(Check::Seller, self.channel, problems.join("; "));
        }
    }

    fn expiry(&self, notes: &mut Notes) {
        let Some(given) = self.consented().stamp() else {
            return;
        };
        let as_of = self.settings.as_of;
        if let Some(pack) = self.pack {
            if let Some((period, limit)) = pack.max_age(self.records.method_key(self.rec)) {
                let method = self.records.method(self.rec);
                if let Some(end) = period.end(given.date()).filter(|end| as_of > *end) {
                    let how = if method.is_empty() {
                        String::new()
                    } else {
                        format!(" ({})", excerpt(method))
                    };
                    notes.add(
                        Check::Expired,
                        self.channel,
                        format!(
                            "consent of {}{how} ran out on {end} ({limit} limit, {})",
                            given.date(),
                            pack.id
                        ),
                    );
                }
            }
        }
        let trustedform = matches!(
            self.records.certificate.get(self.rec),
            Some(Some(Ok(Certificate::TrustedForm)))
        );
        let Some(claimed) = self.records.claimed.as_ref().filter(|_| trustedform) else {
            return;
        };
        let hours = self.settings.claim_hours;
        let deadline = Stamp::at(given.secs + i64::from(hours) * 3600, given.has_time);
        let problem = match claimed.get(self.rec).unwrap_or(DateCell::Blank) {
            DateCell::Blank if as_of > deadline.date() => Some(format!(
                "TrustedForm certificate never claimed; it lapsed {hours} hours after consent"
            )),
            DateCell::At(at) if earlier(deadline, at) => Some(format!(
                "TrustedForm certificate claimed {}, after its {hours}-hour claim window",
                show(at)
            )),
            DateCell::Unreadable => Some(format!(
                "certificate_claimed_at '{}' is not a readable date",
                excerpt(self.unreadable(Field::CertificateClaimedAt))
            )),
            _ => None,
        };
        if let Some(problem) = problem {
            notes.add(Check::Expired, self.channel, problem);
        }
    }

    fn timing(&self, notes: &mut Notes) {
        let Some(given) = self.consented().stamp() else {
            return;
        };
        let as_of = self.settings.as_of;
        if given.date() > as_of {
            notes.add(
                Check::Timing,
                self.channel,
                format!("consent dated {} is after --as-of {as_of}", show(given)),
            );
        }
        let (captured, raw) = capture(self.leads, self.lead, self.records, self.rec);
        match captured {
            DateCell::At(at) => {
                if after_capture(given, at, self.settings.grace_secs) {
                    notes.add(
                        Check::Timing,
                        self.channel,
                        format!(
                            "consent {} is after the lead's capture {}",
                            show(given),
                            show(at)
                        ),
                    );
                }
            }
            DateCell::Unreadable => notes.add(
                Check::Timing,
                self.channel,
                format!(
                    "captured_at '{}' is not a readable date, so consent cannot be shown to come first",
                    excerpt(raw.unwrap_or(""))
                ),
            ),
            DateCell::Blank => {}
        }
    }

    fn certificate(&self, notes: &mut Notes) {
        if let Some(Some(Err(why))) = self.records.certificate.get(self.rec) {
            notes.add(
                Check::Certificate,
                self.channel,
                format!(
                    "certificate '{}' is malformed: {why}",
                    excerpt(self.unreadable(Field::Certificate))
                ),
            );
        }
    }
}
