//! Which consent records belong to which lead: polars hash joins on lead id, email key and
//! phone key (never a loop over leads × records).

use polars::prelude::*;

use super::records::Records;
use super::rules::MatchKey;
use crate::error::{PolarsContext, Result};

/// Lead–record pairs sorted by lead, then record; a record found through both email and
/// phone appears twice. `by_id` marks pairs found through `lead_id`; for a lead that has
/// any, only those count.
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

/// Lead keys, one value per lead row (null = no key).
pub struct LeadKeys<'a> {
    pub lead_id: &'a StringChunked,
    pub email: &'a StringChunked,
    pub phone: &'a StringChunked,
}

pub fn match_records(leads: &LeadKeys, records: &Records, keys: &[MatchKey]) -> Result<Pairs> {
    let step = "matching consent records";
    let frame = |index: &str, n: usize, cols: [&StringChunked; 3]| -> Result<LazyFrame> {
        let mut columns =
            vec![UInt32Chunked::from_iter_values(index.into(), 0..n as u32).into_column()];
        for (name, values) in ["lead_id", "email", "phone"].into_iter().zip(cols) {
            columns.push(values.clone().with_name(name.into()).into_column());
        }
        Ok(DataFrame::new(n, columns).step(step)?.lazy())
    };
    let lead_frame = frame(
        "lead",
        leads.lead_id.len(),
        [leads.lead_id, leads.email, leads.phone],
    )?;
    let rec_frame = frame(
        "rec",
        records.len(),
        [&records.lead_id, &records.email_key, &records.phone_key],
    )?;
    let mut parts = Vec::new();
    for key in keys {
        let (name, by_id) = match key {
            MatchKey::LeadId => ("lead_id", true),
            MatchKey::Email => ("email", false),
            MatchKey::Phone => ("phone", false),
        };
        // Rows without the key cannot match; leaving them out keeps the hash tables small.
        parts.push(
            lead_frame
                .clone()
                .select([col("lead"), col(name)])
                .filter(col(name).is_not_null())
                .join(
                    rec_frame
                        .clone()
                        .select([col("rec"), col(name)])
                        .filter(col(name).is_not_null()),
                    [col(name)],
                    [col(name)],
                    JoinArgs::new(JoinType::Inner),
                )
                .select([col("lead"), col("rec"), lit(by_id).alias("by_id")]),
        );
    }
    let pairs = concat(parts, UnionArgs::default())
        .step(step)?
        .sort(["lead", "rec"], SortMultipleOptions::default())
        .collect()
        .step(step)?;
    let lead = pairs.column("lead").and_then(|c| c.u32()).step(step)?;
    let rec = pairs.column("rec").and_then(|c| c.u32()).step(step)?;
    let by_id = pairs.column("by_id").and_then(|c| c.bool()).step(step)?;
    Ok(Pairs {
        lead: lead.iter().map(|v| v.unwrap_or(u32::MAX)).collect(),
        rec: rec.iter().map(|v| v.unwrap_or(u32::MAX)).collect(),
        by_id: by_id.iter().map(|v| v.unwrap_or(false)).collect(),
    })
}
