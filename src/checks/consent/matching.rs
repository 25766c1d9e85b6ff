//! Which consent records belong to which lead: polars hash joins on lead id, email key and
//! phone key (never a loop over leads × records).

use polars::prelude::*;

use super::records::Records;
use super::rules::MatchKey;
use crate::error::{PolarsContext, Result};

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

/// Lead keys, one value per lead row (null = no key).
pub struct LeadKeys<'a> {
    pub lead_id: &'a StringChunked,
    pub email: &'a StringChunked,
    pub phone: &'a StringChunked,
}

pub fn match_records(leads: &LeadKeys, records: &Records, keys: &[MatchKey]) -> Result<Pairs> {
    let step = "matching consent records";
    let frame = |index: &str, n: usize, cols: [&StringChunked; 3]| -> Result<DataFrame> {
        let mut columns =
            vec![UInt32Chunked::from_iter_values(index.into(), 0..n as u32).into_column()];
        for (name, values) in ["lead_id", "email", "phone"].into_iter().zip(cols) {
            columns.push(values.clone().with_name(name.into()).into_column());
        }
        DataFrame::new(n, columns).step(step)
    };
    let height = leads.lead_id.len();
    let lead_frame = frame("lead", height, [leads.lead_id, leads.email, leads.phone])?;
    let rec_frame = frame(
        "rec",
        records.len(),
        [&records.lead_id, &records.email_key, &records.phone_key],
    )?
    .lazy();
    // Rows without the key cannot match; leaving them out keeps the hash tables small.
    let join = |leads: LazyFrame, name: &str, by_id: bool| {
        leads
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
            .select([col("lead"), col("rec"), lit(by_id).alias("by_id")])
    };
    let mut parts = Vec::new();
    // A lead id match wins, so only leads without one are looked up by email and phone.
    let mut unmatched = lead_frame.clone();
    if keys.contains(&MatchKey::LeadId) {
        let by_id = join(lead_frame.lazy(), "lead_id", true)
            .collect()
            .step(step)?;
        let mut matched = vec![false; height];
        for lead in by_id
            .column("lead")
            .and_then(|c| c.u32())
            .step(step)?
            .iter()
            .flatten()
        {
            if let Some(m) = matched.get_mut(lead as usize) {
                *m = true;
            }
        }
        let keep: BooleanChunked = matched.iter().map(|m| Some(!m)).collect();
        unmatched = unmatched.filter(&keep).step(step)?;
        parts.push(by_id.lazy());
    }
    for key in keys {
        match key {
            MatchKey::LeadId => {}
            MatchKey::Email => parts.push(join(unmatched.clone().lazy(), "email", false)),
            MatchKey::Phone => parts.push(join(unmatched.clone().lazy(), "phone", false)),
        }
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
