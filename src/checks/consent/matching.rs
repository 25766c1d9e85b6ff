//! Which consent records belong to which lead: hash lookups by lead id, email key and phone
//! key (never a loop over leads × records).

use polars::prelude::*;
use rayon::prelude::*;

use super::rules::MatchKey;
use crate::checks::row_blocks;
use crate::error::Result;

/// Lead–record pairs sorted by lead, then record; a record found through both email and
/// phone appears twice. `by_id` marks pairs found through `lead_id`; a lead with any has
/// no others (its email and phone are not looked up).
pub struct Pairs {
    pub lead: Vec<u32>,
    pub rec: Vec<u32>,
    pub by_id: Vec<bool>,
}

impl Pairs {
    /// Per matched lead among the pairs in `within`: (lead, its range of pairs), leads
    /// ascending.
    pub fn groups(
        &self,
        within: std::ops::Range<usize>,
    ) -> impl Iterator<Item = (u32, std::ops::Range<usize>)> + '_ {
        let mut start = within.start;
        let end = within.end.min(self.lead.len());
        std::iter::from_fn(move || {
            let lead = *self.lead.get(start).filter(|_| start < end)?;
            let len = self.lead[start..end]
                .iter()
                .take_while(|&&l| l == lead)
                .count();
            let range = start..start + len;
            start += len;
            Some((lead, range))
        })
    }
}

/// Match keys of leads or of records, one value per row (null = no key).
pub struct KeyColumns<'a> {
    pub lead_id: &'a StringChunked,
    pub email: &'a StringChunked,
    pub phone: &'a StringChunked,
}

/// Leads looked up per parallel task: each task reads its slice of the three key columns
/// in order, so no column is copied into a vector of values.
const LEADS_PER_TASK: usize = 16 * 1024;

pub fn match_records(leads: &KeyColumns, records: &KeyColumns, keys: &[MatchKey]) -> Result<Pairs> {
    // Per key: the records of each key value, built once (a hash join without a join's
    // intermediate frames, which added ~330 MB at 1M leads and 1.5M records).
    let index = |key: MatchKey, rec_keys| keys.contains(&key).then(|| KeyIndex::new(rec_keys));
    let (by_id, (by_email, by_phone)) = rayon::join(
        || index(MatchKey::LeadId, records.lead_id),
        || {
            rayon::join(
                || index(MatchKey::Email, records.email),
                || index(MatchKey::Phone, records.phone),
            )
        },
    );
    // Pairs in lead order; a task's pairs are one piece, not one per lead. The pieces are
    // joined below, each freed as it is copied (the pairs went through a vector of triples
    // and then a second copy: ~300 MB at once at 10M leads).
    let pieces: Vec<Pairs> = row_blocks(leads.lead_id.len(), LEADS_PER_TASK)
        .map(|rows| {
            let slice = |column: &StringChunked| column.slice(rows.start as i64, rows.len());
            let (ids, emails, phones) =
                (slice(leads.lead_id), slice(leads.email), slice(leads.phone));
            let mut piece = Pairs {
                lead: Vec::new(),
                rec: Vec::new(),
                by_id: Vec::new(),
            };
            let mut found = Vec::new();
            for (i, ((id, email), phone)) in
                ids.iter().zip(emails.iter()).zip(phones.iter()).enumerate()
            {
                let lead = (rows.start + i) as u32;
                // A lead id match wins: a lead with one is not looked up by email or phone.
                found.clear();
                records_of(&by_id, id, &mut found);
                let by_lead_id = !found.is_empty();
                if !by_lead_id {
                    // A record found through both email and phone is listed twice.
                    records_of(&by_email, email, &mut found);
                    records_of(&by_phone, phone, &mut found);
                    found.sort_unstable();
                }
                piece.lead.extend(std::iter::repeat_n(lead, found.len()));
                piece.rec.extend_from_slice(&found);
                piece
                    .by_id
                    .extend(std::iter::repeat_n(by_lead_id, found.len()));
            }
            piece
        })
        .collect();
    let total = pieces.iter().map(|p| p.lead.len()).sum();
    let mut pairs = Pairs {
        lead: Vec::with_capacity(total),
        rec: Vec::with_capacity(total),
        by_id: Vec::with_capacity(total),
    };
    for piece in pieces {
        pairs.lead.extend_from_slice(&piece.lead);
        pairs.rec.extend_from_slice(&piece.rec);
        pairs.by_id.extend_from_slice(&piece.by_id);
    }
    Ok(pairs)
}

/// Adds the records a lead has through one key (none when the key is not matched on or the
/// lead has no value), ascending.
fn records_of(index: &Option<KeyIndex>, value: Option<&str>, found: &mut Vec<u32>) {
    if let (Some(index), Some(value)) = (index, value) {
        index.records(value, found);
    }
}

/// The records of each value of a record key column, by a 64-bit hash of the value: the
/// (hash, record) entries sorted, with a directory on the hash's top bits. A hash map from
/// each distinct value to its records took ~40 bytes a value more (at 10M leads the three
/// keys' maps were ~2 GB of the consent stage's peak); this is 8 bytes a record and 4-8 a
/// directory slot. Values with equal hashes are told apart by comparing the record's value.
struct KeyIndex<'a> {
    values: &'a StringChunked,
    /// (the 32 hash bits after the directory's, record), sorted by hash: the directory slot
    /// gives the top bits, so an entry need not repeat them (8 bytes a record, not 16:
    /// ~360 MB less for the three keys of 14.9M records).
    entries: Vec<(u32, u32)>,
    /// Entries whose hash has top bits `t` are `directory[t]..directory[t + 1]`.
    directory: Vec<u32>,
    shift: u32,
}

fn key_hash(value: &str) -> u64 {
    use std::hash::BuildHasher;
    PlFixedStateQuality::default().hash_one(value)
}

/// The 32 bits of `hash` after its top `bits`: within one directory slot (equal top bits),
/// entries sorted by hash are sorted by these.
fn below_top(hash: u64, bits: u32) -> u32 {
    ((hash << bits) >> 32) as u32
}

impl<'a> KeyIndex<'a> {
    fn new(values: &'a StringChunked) -> KeyIndex<'a> {
        let entries = values
            .iter()
            .enumerate()
            .filter_map(|(rec, value)| value.map(|v| (key_hash(v), rec as u32)))
            .collect();
        KeyIndex::from_entries(values, entries)
    }

    /// The index of `values` with these (hash, record) entries.
    fn from_entries(values: &'a StringChunked, mut entries: Vec<(u64, u32)>) -> KeyIndex<'a> {
        entries.par_sort_unstable();
        // About one directory slot per entry.
        let bits = entries.len().next_power_of_two().trailing_zeros().max(1);
        let shift = 64 - bits;
        let mut directory = vec![0u32; (1usize << bits) + 1];
        for &(hash, _) in &entries {
            directory[(hash >> shift) as usize + 1] += 1;
        }
        for t in 1..directory.len() {
            directory[t] += directory[t - 1];
        }
        KeyIndex {
            values,
            entries: entries
                .into_iter()
                .map(|(hash, rec)| (below_top(hash, bits), rec))
                .collect(),
            directory,
            shift,
        }
    }

    fn records(&self, value: &str, found: &mut Vec<u32>) {
        let hash = key_hash(value);
        let top = (hash >> self.shift) as usize;
        let slot = self.directory[top] as usize..self.directory[top + 1] as usize;
        let entries = &self.entries[slot];
        let below = below_top(hash, 64 - self.shift);
        let first = entries.partition_point(|&(h, _)| h < below);
        for &(_, rec) in entries[first..].iter().take_while(|&&(h, _)| h == below) {
            if self.values.get(rec as usize) == Some(value) {
                found.push(rec);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn column(values: &[Option<&str>]) -> StringChunked {
        StringChunked::from_iter_options("key".into(), values.iter().copied())
    }

    /// Records whose values share a hash are told apart by their values.
    #[test]
    fn values_with_one_hash_are_told_apart() {
        let values = column(&[Some("a@x.co"), Some("b@x.co"), None, Some("a@x.co")]);
        let hash = key_hash("a@x.co");
        // As if "b@x.co" hashed like "a@x.co".
        let index = KeyIndex::from_entries(&values, vec![(hash, 3), (hash, 1), (hash, 0)]);
        let mut found = Vec::new();
        index.records("a@x.co", &mut found);
        assert_eq!(found, [0, 3]);
        found.clear();
        index.records("b@x.co", &mut found);
        assert!(found.is_empty(), "its own hash has no entries");
        index.records("c@x.co", &mut found);
        assert!(found.is_empty());
        let index = KeyIndex::new(&values);
        index.records("b@x.co", &mut found);
        assert_eq!(found, [1]);
    }

    /// Every value finds exactly its records, with many values to a directory slot's
    /// neighbourhood (the entries keep only the hash bits below the directory's).
    #[test]
    fn each_value_finds_exactly_its_records() {
        let names: Vec<String> = (0..3000)
            .map(|i| format!("lead{}@x.co", i * 7919 % 3001))
            .collect();
        let cells: Vec<Option<&str>> = (0..20_000)
            .map(|i| (i % 11 != 0).then(|| names[i * 31 % names.len()].as_str()))
            .collect();
        let values = column(&cells);
        let index = KeyIndex::new(&values);
        let mut found = Vec::new();
        for name in names.iter().map(String::as_str).chain(["absent@x.co"]) {
            found.clear();
            index.records(name, &mut found);
            found.sort_unstable();
            let expected: Vec<u32> = (0..cells.len() as u32)
                .filter(|&r| cells[r as usize] == Some(name))
                .collect();
            assert_eq!(found, expected, "{name}");
        }
    }

    #[test]
    fn lead_id_wins_and_a_record_found_twice_is_listed_twice() {
        let lead_ids = column(&[Some("L1"), None, None, Some("L9")]);
        let lead_emails = column(&[Some("a@x.co"), Some("b@x.co"), None, Some("a@x.co")]);
        let lead_phones = column(&[None, Some("+15550001"), Some("+15550002"), None]);
        let rec_ids = column(&[Some("L1"), None, None, None, Some("L1")]);
        let rec_emails = column(&[Some("z@x.co"), Some("b@x.co"), Some("a@x.co"), None, None]);
        let rec_phones = column(&[None, Some("+15550001"), None, Some("+15550002"), None]);
        let leads = KeyColumns {
            lead_id: &lead_ids,
            email: &lead_emails,
            phone: &lead_phones,
        };
        let records = KeyColumns {
            lead_id: &rec_ids,
            email: &rec_emails,
            phone: &rec_phones,
        };
        let all = [MatchKey::LeadId, MatchKey::Email, MatchKey::Phone];
        let pairs = match_records(&leads, &records, &all).unwrap();
        let listed: Vec<(u32, u32, bool)> = (0..pairs.lead.len())
            .map(|i| (pairs.lead[i], pairs.rec[i], pairs.by_id[i]))
            .collect();
        // Lead 0: by id only (its email would find record 2). Lead 1: record 1 by email and
        // by phone. Lead 2: record 3 by phone. Lead 3: no id match, record 2 by email.
        assert_eq!(
            listed,
            [
                (0, 0, true),
                (0, 4, true),
                (1, 1, false),
                (1, 1, false),
                (2, 3, false),
                (3, 2, false),
            ]
        );
        let by_phone = match_records(&leads, &records, &[MatchKey::Phone]).unwrap();
        assert_eq!(by_phone.lead, [1, 2]);
        assert_eq!(by_phone.rec, [1, 3]);
    }
}
