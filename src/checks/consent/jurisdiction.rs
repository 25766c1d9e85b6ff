//! Which rule pack section judges each lead: the lead's country (and state) when the row has
//! one, else the country of its phone number, else the rules' default country.

use polars::prelude::*;
use serde::Serialize;

use super::rules::Compiled;
use crate::checks::distinct::Distinct;
use crate::checks::match_keys::{phone_country, Country};
use crate::checks::str_column;
use crate::error::Result;

/// Where a lead's country came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    Country,
    Phone,
    DefaultCountry,
}

impl Basis {
    pub const ALL: [Basis; 3] = [Basis::Country, Basis::Phone, Basis::DefaultCountry];

    pub fn as_str(self) -> &'static str {
        match self {
            Basis::Country => "country",
            Basis::Phone => "phone",
            Basis::DefaultCountry => "default_country",
        }
    }
}

/// Per lead: the index of its pack in `compiled.packs` (None: no section matches) and why.
pub struct Assignment {
    pub pack: Vec<Option<usize>>,
    pub basis: Vec<Basis>,
}

pub fn assign(
    leads: &DataFrame,
    countries: &[Option<Country>],
    phone_keys: &StringChunked,
    default_country: &str,
    compiled: &Compiled,
) -> Result<Assignment> {
    let height = leads.height();
    let states = str_column(leads, "state")?;
    let states = states.as_deref();
    let from_phone = phone_countries(leads, countries, phone_keys)?;
    let default = Country::parse(default_country);
    let mut pack = Vec::with_capacity(height);
    let mut basis = Vec::with_capacity(height);
    for row in 0..height {
        let (country, why) = match (countries.get(row).copied().flatten(), from_phone.get(row)) {
            (Some(c), _) => (Some(c), Basis::Country),
            (None, Some(Some(c))) => (Some(*c), Basis::Phone),
            _ => (default, Basis::DefaultCountry),
        };
        let state = states
            .and_then(|s| s.get(row))
            .map(str::trim)
            .filter(|s| !s.is_empty());
        pack.push(country.and_then(|c| compiled.pack_for(c.as_str(), state)));
        basis.push(why);
    }
    Ok(Assignment { pack, basis })
}

/// The phone country of leads that have no country of their own: the phone family's
/// `phone_region` where it has one, else parsed from the phone key (once per distinct key).
fn phone_countries(
    leads: &DataFrame,
    countries: &[Option<Country>],
    phone_keys: &StringChunked,
) -> Result<Vec<Option<Country>>> {
    let regions = str_column(leads, "phone_region")?;
    let regions = regions.as_deref();
    let region = |row: usize| regions.and_then(|r| r.get(row)).and_then(Country::parse);
    let wanted = |row: usize| countries.get(row).copied().flatten().is_none();
    let distinct = Distinct::new(
        phone_keys
            .iter()
            .enumerate()
            .map(|(row, key)| key.filter(|_| wanted(row) && region(row).is_none())),
    );
    let parsed = distinct.map(|key| phone_country(key));
    Ok(distinct
        .per_row(&parsed)
        .enumerate()
        .map(|(row, from_key)| {
            if !wanted(row) {
                return None;
            }
            region(row).or_else(|| from_key.copied().flatten())
        })
        .collect())
}
