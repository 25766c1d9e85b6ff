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
    // Pairs in lead order; a task's pairs are one vector, not one per lead.
    let triples: Vec<(u32, u32, bool)> = row_blocks(leads.lead_id.len(), LEADS_PER_TASK)
        .flat_map_iter(|rows| {
            let slice = |column: &StringChunked| column.slice(rows.start as i64, rows.len());
            let (ids, emails, phones) =
                (slice(leads.lead_id), slice(leads.email), slice(leads.phone));
            let mut triples = Vec::new();
            for (i, ((id, email), phone)) in
                ids.iter().zip(emails.iter()).zip(phones.iter()).enumerate()
            {
                let lead = (rows.start + i) as u32;
                // A lead id match wins: a lead with one is not looked up by email or phone.
                let by_lead_id = records_of(&by_id, id);
                if !by_lead_id.is_empty() {
                    triples.extend(by_lead_id.iter().map(|&rec| (lead, rec, true)));
                    continue;
                }
                // A record found through both email and phone is listed twice.
                let first = triples.len();
                for rec in records_of(&by_email, email)
                    .iter()
                    .chain(records_of(&by_phone, phone))
                {
                    triples.push((lead, *rec, false));
                }
                triples[first..].sort_unstable();
            }
            triples
        })
        .collect();
    let (lead, (rec, by_id)) = triples
        .into_iter()
        .map(|(lead, rec, by_id)| (lead, (rec, by_id)))
        .unzip();
    Ok(Pairs { lead, rec, by_id })
}

/// The records a lead has through one key (none when the key is not matched on or the lead
/// has no value).
fn records_of<'l>(index: &'l Option<KeyIndex>, value: Option<&str>) -> &'l [u32] {
    match (index, value) {
        (Some(index), Some(value)) => index.records(value),
        _ => &[],
    }
}

/// The records (ascending) of each value of a record key column.
struct KeyIndex<'a> {
    group_of: PlHashMap<&'a str, u32>,
    /// Records grouped by value: group `g` is `recs[starts[g]..starts[g + 1]]`.
    starts: Vec<u32>,
    recs: Vec<u32>,
}

impl<'a> KeyIndex<'a> {
    fn new(values: &'a StringChunked) -> KeyIndex<'a> {
        let mut group_of: PlHashMap<&'a str, u32> = PlHashMap::new();
        let groups: Vec<Option<u32>> = values
            .iter()
            .map(|value| {
                let next = group_of.len() as u32;
                value.map(|v| *group_of.entry(v).or_insert(next))
            })
            .collect();
        // Counting sort by group: records stay ascending within each group.
        let mut starts = vec![0u32; group_of.len() + 1];
        for group in groups.iter().flatten() {
            starts[*group as usize + 1] += 1;
        }
        for g in 1..starts.len() {
            starts[g] += starts[g - 1];
        }
        let mut next = starts.clone();
        let mut recs = vec![0u32; starts.last().copied().unwrap_or(0) as usize];
        for (rec, group) in groups.iter().enumerate() {
            if let Some(group) = group {
                let slot = &mut next[*group as usize];
                recs[*slot as usize] = rec as u32;
                *slot += 1;
            }
        }
        KeyIndex {
            group_of,
            starts,
            recs,
        }
    }

    fn records(&self, value: &str) -> &[u32] {
        match self.group_of.get(value) {
            Some(&g) => {
                &self.recs[self.starts[g as usize] as usize..self.starts[g as usize + 1] as usize]
            }
            None => &[],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn column(values: &[Option<&str>]) -> StringChunked {
        StringChunked::from_iter_options("key".into(), values.iter().copied())
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
