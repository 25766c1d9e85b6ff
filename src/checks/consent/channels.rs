//! Contact channels as a small bit set, parsed from the free text that lead rows and consent
//! records carry (`email;sms`, `Phone, Text`, `all`).

use polars::prelude::*;

use crate::checks::{str_column, CHANNELS};
use crate::rules::Rules;

/// A set of channels (bits in `CHANNELS` order: email, call, sms).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, PartialOrd, Ord, Hash)]
pub struct Channels(u8);

impl Channels {
    pub const NONE: Channels = Channels(0);
    pub const ALL: Channels = Channels(0b111);

    /// One channel by its rules name (`email`, `call`, `sms`).
    pub fn named(name: &str) -> Option<Channels> {
        CHANNELS
            .iter()
            .position(|c| *c == name)
            .map(|i| Channels(1 << i))
    }

    /// Channels by rules name; an unknown name is `Err(name)`.
    pub fn from_names<'a>(
        names: impl IntoIterator<Item = &'a String>,
    ) -> Result<Channels, &'a str> {
        names.into_iter().try_fold(Channels::NONE, |acc, name| {
            Channels::named(name).map(|c| acc | c).ok_or(name.as_str())
        })
    }

    /// Channels named in a cell, separated by `;`, `,`, `|` or `/`, ignoring case. Besides the
    /// rules names it knows common spellings (`phone`, `voice`, `text`, `e-mail`, `all`).
    /// Words it does not know are ignored.
    pub fn parse(text: &str) -> Channels {
        text.split([';', ',', '|', '/'])
            .map(|word| match word.trim().to_ascii_lowercase().as_str() {
                "email" | "e-mail" | "mail" => Channels(0b001),
                "call" | "calls" | "phone" | "voice" | "telephone" | "tel" => Channels(0b010),
                "sms" | "text" | "texts" | "mms" | "txt" => Channels(0b100),
                "all" | "any" | "*" => Channels::ALL,
                _ => Channels::NONE,
            })
            .fold(Channels::NONE, |a, b| a | b)
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub fn contains(self, other: Channels) -> bool {
        self.0 & other.0 == other.0 && !other.is_empty()
    }

    pub fn intersects(self, other: Channels) -> bool {
        self.0 & other.0 != 0
    }

    /// The single channels in this set, in `CHANNELS` order.
    pub fn each(self) -> impl Iterator<Item = Channels> {
        (0..CHANNELS.len())
            .map(|i| Channels(1 << i))
            .filter(move |c| self.intersects(*c))
    }

    /// Position of a single channel in `CHANNELS` (0 for an empty set).
    pub fn index(self) -> usize {
        self.0.trailing_zeros().min(CHANNELS.len() as u32 - 1) as usize
    }

    /// Names joined with `sep` (`email, call`).
    pub fn names(self, sep: &str) -> String {
        let mut out = String::new();
        for c in self.each() {
            if !out.is_empty() {
                out.push_str(sep);
            }
            out.push_str(CHANNELS.get(c.index()).copied().unwrap_or(""));
        }
        out
    }
}

impl std::ops::BitOr for Channels {
    type Output = Channels;
    fn bitor(self, rhs: Channels) -> Channels {
        Channels(self.0 | rhs.0)
    }
}

impl std::ops::BitOrAssign for Channels {
    fn bitor_assign(&mut self, rhs: Channels) {
        self.0 |= rhs.0;
    }
}

/// The channels each lead is meant for: its `channel` cell, else `leads.default_channels`.
pub fn lead_channels(leads: &DataFrame, rules: &Rules) -> crate::error::Result<Vec<Channels>> {
    // Validated when the rules were loaded.
    let default = Channels::from_names(&rules.leads.default_channels).unwrap_or_default();
    Ok(match str_column(leads, "channel")? {
        Some(values) => values
            .iter()
            .map(|v| {
                v.map(Channels::parse)
                    .filter(|c| !c.is_empty())
                    .unwrap_or(default)
            })
            .collect(),
        None => vec![default; leads.height()],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_lists_and_spellings() {
        let call = Channels::named("call").unwrap();
        let sms = Channels::named("sms").unwrap();
        let email = Channels::named("email").unwrap();
        assert_eq!(Channels::parse("Phone; Text"), call | sms);
        assert_eq!(Channels::parse("email,sms"), email | sms);
        assert_eq!(Channels::parse("ALL"), Channels::ALL);
        assert_eq!(Channels::parse("fax"), Channels::NONE);
        assert_eq!((call | sms).names(", "), "call, sms");
        assert_eq!(call.index(), 1);
        assert!(Channels::ALL.contains(sms));
        assert!(!email.contains(Channels::NONE));
        let names = vec!["email".to_string(), "fax".to_string()];
        assert_eq!(Channels::from_names(&names), Err("fax"));
    }
}
