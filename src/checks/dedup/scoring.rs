//! Scoring a candidate pair: field similarities (each in 0–1), vetoes, and the first match
//! rule whose every threshold holds.
//!
//! Similarities: first name and surname as in `names`; company word by word
//! (`company_similarity`); email local part, email domain and address by Jaro–Winkler on
//! their folded forms, except that an address is 0
//! when both have house numbers and they differ, and an email local part is 0 when its digits
//! differ (`jsmith2` is another mailbox than `jsmith`, usually another person); postal code,
//! phone and date of birth by normalised edit distance (optimal string alignment, i.e.
//! Damerau–Levenshtein without repeated edits of one substring) on their characters (one typo in
//! a 5-digit ZIP gives 0.8).

use rayon::prelude::*;

use super::features::{hash_str, house_number, Features, Interned};
use super::names::{first_name_similarity, last_name_similarity};
use super::rules::{DedupRules, Field, MatchRule, NameRules};
use super::similarity::{edit_similarity, edit_similarity_ascii, jaro_winkler};
use polars::prelude::PlHashMap;

const FIELDS: usize = 9;

fn slot(field: Field) -> usize {
    field as usize
}

/// Cheap, selective conditions are tested first so most pairs are refused early: an exact
/// key comparison is an id check; surnames differ in most candidate pairs.
fn cost(field: Field, min: f64) -> u8 {
    if min >= 1.0 && one_iff_equal(field) {
        return 0;
    }
    match field {
        Field::LastName => 1,
        Field::FirstName => 2,
        Field::EmailLocal => 4,
        Field::Company => 5,
        _ => 3,
    }
}

/// One condition of a rule.
#[derive(Debug, Clone, Copy)]
struct Condition {
    field: Field,
    min: f64,
    /// `require` (both rows have the field, similarity ≥ min) or `refuse` (when both have
    /// it, similarity < min refuses the rule).
    required: bool,
}

/// Fields whose similarity is 1 exactly when their folded keys are equal, so a threshold of
/// 1 is an id comparison.
fn one_iff_equal(field: Field) -> bool {
    !matches!(field, Field::FirstName | Field::LastName)
}

/// Word-by-word similarity (companies, addresses): each word of the longer value is matched
/// to its most similar word of the other (Jaro–Winkler) and the results averaged, so
/// `acme studios` / `acme studois` stays high while `vandelay security` / `vandelay systems`
/// or `12 adams dr` / `12 adams ln` do not ride on shared words as whole-string Jaro–Winkler
/// would.
fn word_similarity(a: &str, b: &str) -> f64 {
    // Words are split off the folded value at each comparison rather than stored per
    // distinct value: 10M rows' addresses as word lists took ~1.4 GB.
    let (words_a, words_b) = (a.split(' ').count(), b.split(' ').count());
    let (long, short, words) = if words_a >= words_b {
        (a, b, words_a)
    } else {
        (b, a, words_b)
    };
    let total: f64 = long
        .split(' ')
        .map(|w| {
            short
                .split(' ')
                .map(|v| jaro_winkler(w, v))
                .fold(0.0, f64::max)
        })
        .sum();
    total / words.max(1) as f64
}

/// Fields whose values recur across rows (names, companies, postcodes), so the same two
/// values meet in many candidate pairs; email mailboxes, addresses and phones mostly do not,
/// and remembering them would only crowd the memo.
fn recurs(field: Field) -> bool {
    !matches!(field, Field::EmailLocal | Field::Address | Field::Phone)
}

/// A match: which rule, with what score.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Verdict {
    pub rule: u16,
    pub score: f32,
}

/// What scoring reads of one row, in one cache line: candidate pairs are sorted by their
/// first row, so the second row of each pair is a random jump, and one cache miss per
/// jump beats eleven lookups in separate columns.
#[derive(Clone, Copy)]
#[repr(align(64))]
struct ScoredRow {
    /// Every compared field's id.
    ids: [u32; FIELDS],
    /// Content rank (`Records::content_rank`): a pair is always compared the same way
    /// round, so an asymmetric similarity cannot depend on row order.
    order: u32,
    /// Exact email key id (`Features::email`; 0: none).
    email: u32,
    /// The address's house number hashed (0: none): differing ones decide the address
    /// similarity (0) without reading either address.
    house: u32,
    /// The phone's digits (`PackedDigits`): compared without reading the phone keys.
    phone: PackedDigits,
}

/// Up to 15 digits (all an E.164 number has) in one word: the count in the low 4 bits, then
/// 4 bits a digit. 0: not packed (blank, longer, or not all digits).
#[derive(Clone, Copy, Default)]
struct PackedDigits(u64);

impl PackedDigits {
    const MAX: usize = 15;

    fn new(digits: &str) -> PackedDigits {
        if digits.is_empty()
            || digits.len() > Self::MAX
            || !digits.bytes().all(|b| b.is_ascii_digit())
        {
            return PackedDigits(0);
        }
        let packed = digits
            .bytes()
            .enumerate()
            .fold(digits.len() as u64, |word, (i, b)| {
                word | u64::from(b - b'0') << (4 * (i + 1))
            });
        PackedDigits(packed)
    }

    /// The digits as ASCII into `buffer`; `None` when not packed.
    fn unpack(self, buffer: &mut [u8; Self::MAX]) -> Option<&[u8]> {
        let len = (self.0 & 0xf) as usize;
        if len == 0 {
            return None;
        }
        for (i, slot) in buffer.iter_mut().take(len).enumerate() {
            *slot = b'0' + ((self.0 >> (4 * (i + 1))) & 0xf) as u8;
        }
        Some(&buffer[..len])
    }
}

/// The house number of a folded address hashed to 32 bits, 0 for none.
fn house_hash(address: &str) -> u32 {
    match house_number(address) {
        "" => 0,
        number => (hash_str(number) as u32).max(1),
    }
}

pub(super) struct Scorer<'a> {
    features: &'a Features,
    rows: Vec<ScoredRow>,
    names: &'a NameRules,
    veto: Vec<(Field, f64)>,
    rules: Vec<Rule>,
}

/// A match rule as scoring tries it.
struct Rule {
    /// Its `require` and `refuse` conditions, cheapest first.
    conditions: Vec<Condition>,
    /// The `require`d fields as bits (`1 << slot`): a pair lacking one in either row is
    /// passed over before any similarity is worked out.
    required: u16,
}

/// The fields both rows have, as bits (`1 << slot`).
fn both_present(a: &[u32; FIELDS], b: &[u32; FIELDS]) -> u16 {
    (0..FIELDS).fold(0, |bits, i| bits | (u16::from(a[i] != 0 && b[i] != 0) << i))
}

impl<'a> Scorer<'a> {
    pub fn new(features: &'a Features, rules: &'a DedupRules, order: &'a [u32]) -> Scorer<'a> {
        let prepare = |rule: &MatchRule| {
            let require = rule.require.iter().map(|(field, min)| Condition {
                field,
                min,
                required: true,
            });
            let refuse = rule.refuse.iter().map(|(field, min)| Condition {
                field,
                min,
                required: false,
            });
            let mut conditions: Vec<Condition> = require.chain(refuse).collect();
            conditions.sort_by_key(|c| (cost(c.field, c.min), !c.required, c.field));
            let required = conditions
                .iter()
                .filter(|c| c.required)
                .fold(0, |bits, c| bits | 1 << slot(c.field));
            Rule {
                conditions,
                required,
            }
        };
        let fields = [
            Field::FirstName,
            Field::LastName,
            Field::Company,
            Field::PostalCode,
            Field::Address,
            Field::EmailLocal,
            Field::EmailDomain,
            Field::Phone,
            Field::DateOfBirth,
        ];
        let houses: Vec<u32> = features.address.keys.par_iter().map(house_hash).collect();
        let phones: Vec<PackedDigits> = features
            .phone
            .keys
            .par_iter()
            .map(PackedDigits::new)
            .collect();
        let rows = (0..features.first.ids.len())
            .into_par_iter()
            .map(|row| {
                let ids = fields.map(|field| Self::column(features, field).ids[row]);
                ScoredRow {
                    ids,
                    order: order[row],
                    email: features.email.ids[row],
                    house: houses[ids[slot(Field::Address)] as usize],
                    phone: phones[ids[slot(Field::Phone)] as usize],
                }
            })
            .collect();
        Scorer {
            features,
            rows,
            names: &rules.names,
            veto: rules.veto.iter().collect(),
            rules: rules.match_rules.iter().map(prepare).collect(),
        }
    }

    fn column(f: &Features, field: Field) -> &Interned {
        match field {
            Field::FirstName => &f.first,
            Field::LastName => &f.last,
            Field::Company => &f.company,
            Field::PostalCode => &f.postal,
            Field::Address => &f.address,
            Field::EmailLocal => &f.email_local,
            Field::EmailDomain => &f.email_domain,
            Field::Phone => &f.phone,
            Field::DateOfBirth => &f.date_of_birth,
        }
    }

    /// Similarity of two values (ids) of a field, both present.
    fn similarity(&self, field: Field, ia: u32, ib: u32) -> f64 {
        if ia == ib {
            return 1.0;
        }
        // The folded values are read only by the fields compared on them: each read is a
        // cache miss or two (its end offset, then its bytes), and names compare their
        // prepared forms instead.
        let column = Self::column(self.features, field);
        let keys = || (column.keys.get(ia as usize), column.keys.get(ib as usize));
        let f = self.features;
        match field {
            Field::FirstName => first_name_similarity(
                &f.first_info[ia as usize],
                &f.first_info[ib as usize],
                self.names,
            ),
            Field::LastName => last_name_similarity(
                &f.last_info[ia as usize],
                &f.last_info[ib as usize],
                self.names,
            ),
            Field::Address => {
                let (ka, kb) = keys();
                let (x, y) = (house_number(ka), house_number(kb));
                if !x.is_empty() && !y.is_empty() && x != y {
                    0.0
                } else {
                    word_similarity(ka, kb)
                }
            }
            Field::EmailLocal => {
                let (ka, kb) = keys();
                let digits = |s: &str| s.chars().filter(char::is_ascii_digit).collect::<String>();
                if digits(ka) == digits(kb) {
                    jaro_winkler(ka, kb)
                } else {
                    0.0
                }
            }
            Field::Company => {
                let (ka, kb) = keys();
                word_similarity(ka, kb)
            }
            Field::EmailDomain => {
                let (ka, kb) = keys();
                jaro_winkler(ka, kb)
            }
            Field::PostalCode | Field::Phone | Field::DateOfBirth => {
                let (ka, kb) = keys();
                edit_similarity(ka, kb)
            }
        }
    }

    /// Similarity of a pair on a field, `None` unless both rows have it; a threshold of 1
    /// on a field compared by key is decided by the ids alone.
    fn compare(&self, pair: &mut Pair, field: Field, min: f64) -> Option<f64> {
        let (ia, ib) = (pair.a.ids[slot(field)], pair.b.ids[slot(field)]);
        if ia == 0 || ib == 0 {
            return None;
        }
        if min >= 1.0 && ia != ib && one_iff_equal(field) {
            return Some(0.0);
        }
        let cached = &mut pair.cache[slot(field)];
        if cached.is_nan() {
            *cached = if ia == ib {
                1.0
            } else if let Some(similarity) = decided_by_rows(field, pair.a, pair.b) {
                similarity
            } else if recurs(field) {
                pair.memo
                    .get_or(field, ia, ib, || self.similarity(field, ia, ib))
            } else {
                self.similarity(field, ia, ib)
            };
        }
        Some(*cached)
    }

    /// The pair's rows, the one with the lower content rank first.
    fn canonical(&self, a: u32, b: u32) -> (&ScoredRow, &ScoredRow) {
        let (x, y) = (&self.rows[a as usize], &self.rows[b as usize]);
        if x.order <= y.order {
            (x, y)
        } else {
            (y, x)
        }
    }

    /// Starts loading a row's cache line ahead of its use. Candidate pairs are sorted by their
    /// first row, so each second row is a random jump through a table larger than the cache:
    /// without this, scoring at 1M rows spent most of its time waiting on those loads.
    pub fn prefetch(&self, row: u32) {
        #[cfg(target_arch = "x86_64")]
        if let Some(row) = self.rows.get(row as usize) {
            use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
            // SAFETY: a prefetch is a hint that never faults, and the address is a live element.
            unsafe { _mm_prefetch::<_MM_HINT_T0>(std::ptr::from_ref(row).cast()) };
        }
        #[cfg(not(target_arch = "x86_64"))]
        let _ = row;
    }

    /// Both rows have the same exact email key (for a shared mailbox: and the same name).
    pub fn same_email(&self, a: u32, b: u32) -> bool {
        let email = self.rows[a as usize].email;
        email != 0 && email == self.rows[b as usize].email
    }

    /// True when a field both rows have is less similar than its threshold.
    fn refused(&self, pair: &mut Pair, refuse: &[(Field, f64)]) -> bool {
        refuse
            .iter()
            .any(|&(field, min)| self.compare(pair, field, min).is_some_and(|s| s < min))
    }

    /// Whether rows `a` and `b` may sit in one cluster joined by `rule`: none of the rule's
    /// `refuse` conditions and no veto holds between them.
    pub fn compatible(&self, a: u32, b: u32, rule: u16) -> bool {
        let (a, b) = self.canonical(a, b);
        let mut memo = Memo::default();
        let mut pair = Pair {
            a,
            b,
            cache: [f64::NAN; FIELDS],
            memo: &mut memo,
        };
        let refuse: Vec<(Field, f64)> = self
            .rules
            .get(rule as usize)
            .into_iter()
            .flat_map(|r| &r.conditions)
            .filter(|c| !c.required)
            .map(|c| (c.field, c.min))
            .collect();
        !self.refused(&mut pair, &refuse) && !self.refused(&mut pair, &self.veto)
    }

    /// The first rule the pair satisfies, unless a veto refuses the pair. Vetoes are only
    /// checked once some rule's requirements hold: most pairs fail on names first.
    pub fn evaluate(&self, a: u32, b: u32, memo: &mut Memo) -> Option<Verdict> {
        let (a, b) = self.canonical(a, b);
        let mut pair = Pair {
            a,
            b,
            cache: [f64::NAN; FIELDS],
            memo,
        };
        let mut vetoed = None;
        let present = both_present(&a.ids, &b.ids);
        'rules: for (index, rule) in self.rules.iter().enumerate() {
            if rule.required & !present != 0 {
                continue;
            }
            let (mut total, mut required) = (0.0, 0);
            for c in &rule.conditions {
                match (self.compare(&mut pair, c.field, c.min), c.required) {
                    (Some(s), true) if s >= c.min => {
                        total += s;
                        required += 1;
                    }
                    (None, false) => {}
                    (Some(s), false) if s >= c.min => {}
                    _ => continue 'rules,
                }
            }
            if *vetoed.get_or_insert_with(|| self.refused(&mut pair, &self.veto)) {
                return None;
            }
            return Some(Verdict {
                rule: index as u16,
                score: (total / f64::from(required.max(1))) as f32,
            });
        }
        None
    }
}

/// A similarity the two rows' own bytes decide, without reading their values (a cache miss
/// or two each): the address when both have house numbers and they differ; phones by their
/// packed digits. `None`: the values must be read.
fn decided_by_rows(field: Field, a: &ScoredRow, b: &ScoredRow) -> Option<f64> {
    match field {
        Field::Address if a.house != 0 && b.house != 0 && a.house != b.house => Some(0.0),
        Field::Phone => {
            let (mut x, mut y) = ([0; PackedDigits::MAX], [0; PackedDigits::MAX]);
            Some(edit_similarity_ascii(
                a.phone.unpack(&mut x)?,
                b.phone.unpack(&mut y)?,
            ))
        }
        _ => None,
    }
}

/// Two rows being compared, with the similarities worked out so far
/// (NaN: not yet).
struct Pair<'r, 'm> {
    a: &'r ScoredRow,
    b: &'r ScoredRow,
    cache: [f64; FIELDS],
    memo: &'m mut Memo,
}

/// Similarities one thread has worked out, by field and value ids. Values recur across
/// candidate pairs (two surnames meet in many postcodes, a company in many blocks), so a
/// lookup often replaces a string comparison. Similarity depends on the two values alone,
/// so remembering it changes no result. Bounded: emptied when full.
#[derive(Default)]
pub(super) struct Memo(PlHashMap<u128, f64>);

impl Memo {
    const MAX_ENTRIES: usize = 1 << 18;

    fn get_or(&mut self, field: Field, ia: u32, ib: u32, similarity: impl FnOnce() -> f64) -> f64 {
        let key = ((slot(field) as u128) << 64) | (u128::from(ia) << 32) | u128::from(ib);
        if let Some(&known) = self.0.get(&key) {
            return known;
        }
        if self.0.len() >= Self::MAX_ENTRIES {
            self.0.clear();
        }
        let value = similarity();
        self.0.insert(key, value);
        value
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packed_digits_compare_as_their_text() {
        let mut buffer = [0; PackedDigits::MAX];
        for digits in ["4915112345678", "1", "999999999999999", "0012"] {
            let packed = PackedDigits::new(digits);
            assert_eq!(
                packed.unpack(&mut buffer),
                Some(digits.as_bytes()),
                "{digits}"
            );
        }
        // Blank, too long or not digits: not packed, so the keys are read instead.
        for other in ["", "1234567890123456", "12a4", "+4915"] {
            assert!(
                PackedDigits::new(other).unpack(&mut buffer).is_none(),
                "{other}"
            );
        }
        let row = |phone: &str| ScoredRow {
            ids: [1; FIELDS],
            order: 0,
            email: 0,
            house: 0,
            phone: PackedDigits::new(phone),
        };
        for (a, b) in [
            ("15551234567", "15551234576"),
            ("441632960961", "15551234567"),
        ] {
            assert_eq!(
                decided_by_rows(Field::Phone, &row(a), &row(b)),
                Some(edit_similarity(a, b)),
                "{a} / {b}"
            );
        }
    }

    #[test]
    fn differing_house_numbers_decide_the_address() {
        let row = |address: &str| ScoredRow {
            ids: [1; FIELDS],
            order: 0,
            email: 0,
            house: house_hash(address),
            phone: PackedDigits::default(),
        };
        let (a, b) = (row("12 main st"), row("14 main st"));
        assert_eq!(decided_by_rows(Field::Address, &a, &b), Some(0.0));
        // Same number, or one without: the addresses themselves are compared.
        assert_eq!(
            decided_by_rows(Field::Address, &a, &row("12 main street")),
            None
        );
        assert_eq!(decided_by_rows(Field::Address, &a, &row("main st")), None);
        assert_eq!(house_hash("main st"), 0);
    }

    #[test]
    fn word_similarity_averages_each_longer_value_word_best_match() {
        assert_eq!(word_similarity("12 main st", "12 main st"), 1.0);
        // Order does not matter: every word finds its equal.
        assert_eq!(word_similarity("main 12 st", "12 st main"), 1.0);
        // The longer value's words are averaged: "12" and "main" match, "st" finds nothing
        // better than its best Jaro-Winkler partner.
        let two_of_three = word_similarity("12 main", "12 main xq");
        let best_for_xq = ["12", "main"]
            .iter()
            .map(|w| jaro_winkler("xq", w))
            .fold(0.0, f64::max);
        assert!((two_of_three - (2.0 + best_for_xq) / 3.0).abs() < 1e-12);
        assert_eq!(word_similarity("12 main xq", "12 main"), two_of_three);
        assert_eq!(word_similarity("", ""), 1.0);
    }
}
