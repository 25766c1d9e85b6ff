//! Per-row features. Each text field is folded once per distinct value (in parallel) and
//! interned, so equal folded values share an id: comparing two rows starts with an id check,
//! and everything a value implies (nickname lines, phonetic code, free-mail domain, …) is
//! worked out once per distinct value.

use polars::prelude::{InitHashMaps, PlHashMap};
use rayon::prelude::*;

use super::lexicon::Lexicon;
use super::names::{FirstName, LastName};
use super::phonetic::nysiis;
use super::records::{Records, TextColumn};
use super::str_table::{StrInterner, StrTable};
use super::text::fold;

/// A field folded and interned: `ids[row]` indexes `keys`; id 0 is blank.
pub(super) struct Interned {
    pub ids: Vec<u32>,
    pub keys: StrTable,
}

impl Interned {
    fn new(column: &TextColumn, normalize: impl Fn(&str) -> String + Sync) -> Interned {
        // Folded a slice at a time: every distinct value of a field folded at once, for the
        // fields built side by side, was millions of short-lived Strings at 10M rows.
        const SLICE: usize = 1 << 16;
        let values = column.values();
        let mut interner = StrInterner::with_capacity(values.len());
        interner.intern("");
        let mut raw_to_id: Vec<u32> = Vec::with_capacity(values.len());
        for start in (0..values.len()).step_by(SLICE) {
            let folded: Vec<String> = (start..values.len().min(start + SLICE))
                .into_par_iter()
                .map(|i| match values.get(i) {
                    "" => String::new(),
                    v => normalize(v),
                })
                .collect();
            raw_to_id.extend(folded.iter().map(|key| {
                if key.is_empty() {
                    0
                } else {
                    interner.intern(key)
                }
            }));
        }
        Interned {
            ids: column
                .ids()
                .par_iter()
                .map(|&raw| raw_to_id[raw as usize])
                .collect(),
            keys: interner.into_table(),
        }
    }

    /// Something computed once per distinct key, in parallel.
    fn per_key<T: Send>(&self, f: impl Fn(&str) -> T + Sync + Send) -> Vec<T> {
        self.keys.par_iter().map(f).collect()
    }
}

/// FNV-1a: a fixed, platform-independent hash for blocking keys (0 is kept for "none").
pub(super) fn hash_str(text: &str) -> u64 {
    if text.is_empty() {
        return 0;
    }
    let h = text.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    h.max(1)
}

/// Postal codes compared without spaces, dashes and case; a 9-digit US ZIP+4 as its ZIP.
pub(super) fn postal_key(raw: &str) -> String {
    let key: String = raw
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if key.len() == 9 && key.bytes().all(|b| b.is_ascii_digit()) {
        key[..5].to_string()
    } else {
        key
    }
}

/// The first word of a folded address when it starts with a digit (`123`, `12b`), or "".
pub(super) fn house_number(address: &str) -> &str {
    address
        .split(' ')
        .next()
        .filter(|w| w.starts_with(|c: char| c.is_ascii_digit()))
        .unwrap_or("")
}

fn digits(raw: &str) -> String {
    raw.chars().filter(char::is_ascii_digit).collect()
}

/// The mailbox part of an email as compared: lowercase, `+tag` dropped, dots, dashes and
/// underscores removed (`J.Smith+news@` → `jsmith`).
fn email_local(email: &str) -> String {
    let Some((local, _)) = email.rsplit_once('@') else {
        return String::new();
    };
    let local = local.split('+').next().unwrap_or("");
    local
        .chars()
        .filter(|c| !matches!(c, '.' | '-' | '_'))
        .flat_map(char::to_lowercase)
        .collect()
}

fn email_domain(email: &str) -> String {
    email
        .rsplit_once('@')
        .map(|(_, d)| d.trim().to_lowercase())
        .unwrap_or_default()
}

/// The exact email key of each row: the normalised address, or for a shared mailbox (a
/// role address) the address with the folded first and last name, so that two people
/// writing from `sales@acme.com` are not one duplicate cluster while a repeated lead is.
pub(super) struct EmailKeys {
    /// Key id per row; 0 = no email.
    pub ids: Vec<u32>,
    /// Number of key ids (id 0 included).
    pub count: usize,
}

impl EmailKeys {
    fn new(address: &Interned, shared: &[bool], first: &[u32], last: &[u32]) -> EmailKeys {
        // Ids above the addresses' own are the (address, first, last) keys of shared rows.
        let mut count = address.keys.len() as u32;
        let mut named: PlHashMap<(u32, u32, u32), u32> = PlHashMap::new();
        let ids = address
            .ids
            .iter()
            .enumerate()
            .map(|(row, &id)| {
                if id == 0 || !shared[row] {
                    return id;
                }
                *named.entry((id, first[row], last[row])).or_insert_with(|| {
                    count += 1;
                    count - 1
                })
            })
            .collect();
        EmailKeys {
            ids,
            count: count as usize,
        }
    }
}

pub(super) struct Features {
    pub first: Interned,
    pub first_info: Vec<FirstName>,
    /// NYSIIS hash per first-name id.
    pub first_phonetic: Vec<u64>,
    pub last: Interned,
    pub last_info: Vec<LastName>,
    /// NYSIIS hashes per surname id: of the whole surname and of each compound part.
    pub last_phonetic: Vec<Vec<u64>>,
    /// First letters per surname id: of the whole surname and of each compound part.
    pub last_initials: Vec<Vec<u8>>,
    pub company: Interned,
    pub postal: Interned,
    pub address: Interned,
    /// House number + street word hash per address id.
    pub street: Vec<u64>,
    /// The exact email key per row (exact-key duplicates).
    pub email: EmailKeys,
    pub email_local: Interned,
    /// Letters-only hash per local-part id (`jsmith1985` → `jsmith`).
    pub email_local_letters: Vec<u64>,
    pub email_domain: Interned,
    pub free_domain: Vec<bool>,
    /// Digits of the E.164 number (exact-key duplicates and similarity).
    pub phone: Interned,
    /// Hash of the last seven digits per phone id.
    pub phone_last7: Vec<u64>,
    pub date_of_birth: Interned,
}

impl Features {
    /// Folds every field; the fields are independent, so they are built in parallel.
    pub fn new(records: &Records, lexicon: &Lexicon) -> Features {
        let (((first, last), (company, postal)), ((address, email), (email_parts, (phone, dob)))) =
            rayon::join(
                || {
                    rayon::join(
                        || {
                            rayon::join(
                                || Interned::new(&records.first_name, fold),
                                || Interned::new(&records.last_name, fold),
                            )
                        },
                        || {
                            rayon::join(
                                || Interned::new(&records.company, |v| lexicon.company(v)),
                                || Interned::new(&records.postal_code, postal_key),
                            )
                        },
                    )
                },
                || {
                    rayon::join(
                        || {
                            rayon::join(
                                || Interned::new(&records.address, |v| lexicon.address(v)),
                                || Interned::new(&records.email, |v| v.to_lowercase()),
                            )
                        },
                        || {
                            rayon::join(
                                || {
                                    rayon::join(
                                        || Interned::new(&records.email, email_local),
                                        || Interned::new(&records.email, email_domain),
                                    )
                                },
                                || {
                                    rayon::join(
                                        || Interned::new(&records.phone, digits),
                                        || Interned::new(&records.date_of_birth, digits),
                                    )
                                },
                            )
                        },
                    )
                },
            );
        let (email_local_field, email_domain) = email_parts;
        let email = EmailKeys::new(&email, &records.shared_mailbox, &first.ids, &last.ids);
        let first_info = first.per_key(|k| lexicon.first_name(k));
        let first_phonetic = first_info
            .par_iter()
            .map(|f| hash_str(&nysiis(&f.token)))
            .collect();
        let last_info = last.per_key(|k| lexicon.last_name(k));
        let last_phonetic = last_info
            .par_iter()
            .map(|l| {
                let mut codes: Vec<u64> = l.words().map(|w| hash_str(&nysiis(w))).collect();
                codes.sort_unstable();
                codes.dedup();
                codes
            })
            .collect();
        let last_initials = last_info
            .par_iter()
            .map(|l| {
                let mut initials: Vec<u8> = l.words().filter_map(|w| w.bytes().next()).collect();
                initials.sort_unstable();
                initials.dedup();
                initials
            })
            .collect();
        let street = address.per_key(|k| hash_str(&lexicon.street_key(k)));
        let email_local_letters = email_local_field.per_key(|k| {
            let letters: String = k.chars().filter(|c| c.is_alphabetic()).collect();
            hash_str(&letters)
        });
        let free_domain = email_domain.per_key(|k| lexicon.is_free_domain(k));
        let phone_last7 = phone.per_key(|k| {
            if k.len() >= 7 {
                hash_str(&k[k.len() - 7..])
            } else {
                0
            }
        });
        Features {
            first,
            first_info,
            first_phonetic,
            last,
            last_info,
            last_phonetic,
            last_initials,
            company,
            postal,
            address,
            street,
            email,
            email_local: email_local_field,
            email_local_letters,
            email_domain,
            free_domain,
            phone,
            phone_last7,
            date_of_birth: dob,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys() {
        assert_eq!(postal_key("94105-1234"), "94105");
        assert_eq!(postal_key("k1a 0b1"), "K1A0B1");
        assert_eq!(postal_key("02134"), "02134");
        assert_eq!(email_local("J.Smith+news@Example.com"), "jsmith");
        assert_eq!(email_local("no-at-sign"), "");
        assert_eq!(email_domain("a@Example.COM"), "example.com");
        assert_eq!(digits("+1 (650) 253-0000"), "16502530000");
        assert_eq!(hash_str(""), 0);
        assert_ne!(hash_str("a"), hash_str("b"));
    }

    #[test]
    fn equal_folded_values_share_an_id() {
        let column = TextColumn::from_values([Some("José"), Some("JOSE"), None, Some("Ann")]);
        let interned = Interned::new(&column, fold);
        assert_eq!(interned.ids, [1, 1, 0, 2]);
        let keys: Vec<&str> = interned.keys.par_iter().collect();
        assert_eq!(keys, ["", "jose", "ann"]);
    }
}
