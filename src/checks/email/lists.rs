//! Built-in lists (data in `rules/lists/`, compiled in) merged with the rules' extras.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use polars::prelude::PlHashSet;

use super::typo::TypoTable;
use super::EmailRules;
use crate::checks::text::list_entries;

static DISPOSABLE: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    list_entries(include_str!("../../../rules/lists/disposable_domains.txt")).collect()
});
static FREE: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    list_entries(include_str!("../../../rules/lists/free_email_domains.txt")).collect()
});
/// Asked once per address: polars' fast hasher rather than SipHash.
static ROLE: LazyLock<PlHashSet<String>> = LazyLock::new(|| {
    list_entries(include_str!("../../../rules/lists/role_accounts.txt"))
        .map(role_key)
        .collect()
});
static TLDS: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| list_entries(include_str!("../../../rules/lists/tlds.txt")).collect());

/// Whether `tld` (lower-case ASCII, `xn--` form for IDN TLDs) is delegated in the DNS root.
pub(super) fn is_known_tld(tld: &str) -> bool {
    TLDS.contains(tld)
}

/// The form a local part is compared in against the role list: lower-case, `+tag` dropped,
/// separators removed, so `No.Reply+x` matches `noreply`.
fn role_key(local: &str) -> String {
    let local = local.to_lowercase();
    let untagged = match local.split_once('+') {
        Some((head, _)) if !head.is_empty() => head,
        _ => local.as_str(),
    };
    untagged
        .chars()
        .filter(|c| !matches!(c, '.' | '-' | '_'))
        .collect()
}

/// Local parts up to this many bytes (the RFC limit) get their role key built on the stack.
const ROLE_KEY_BUFFER: usize = 64;

/// [`role_key`] of an ASCII local part, written into `buffer`; `None` for a non-ASCII or
/// longer one.
fn ascii_role_key<'b>(local: &str, buffer: &'b mut [u8; ROLE_KEY_BUFFER]) -> Option<&'b str> {
    if !local.is_ascii() || local.len() > buffer.len() {
        return None;
    }
    let untagged = match local.split_once('+') {
        Some((head, _)) if !head.is_empty() => head,
        _ => local,
    };
    let mut len = 0;
    for byte in untagged
        .bytes()
        .filter(|b| !matches!(b, b'.' | b'-' | b'_'))
    {
        *buffer.get_mut(len)? = byte.to_ascii_lowercase();
        len += 1;
    }
    std::str::from_utf8(buffer.get(..len)?).ok()
}

/// A domain as the rules spell it, in the form verdicts use: trimmed, lower-case, IDNA ASCII.
pub(super) fn domain_key(domain: &str) -> String {
    let domain = domain.trim().trim_end_matches('.').to_lowercase();
    match idna::domain_to_ascii_cow(domain.as_bytes(), idna::AsciiDenyList::EMPTY) {
        Ok(ascii) => ascii.into_owned(),
        Err(_) => domain,
    }
}

fn domain_set(domains: &[String]) -> HashSet<String> {
    domains.iter().map(|d| domain_key(d)).collect()
}

/// Every list the email checks consult, built once per rules file.
#[derive(Debug)]
pub struct EmailLists {
    extra_disposable: HashSet<String>,
    disposable_exceptions: HashSet<String>,
    extra_role: PlHashSet<String>,
    extra_free: HashSet<String>,
    pub(super) dot_insensitive: HashSet<String>,
    pub(super) plus_tag: HashSet<String>,
    pub(super) aliases: HashMap<String, String>,
    pub(super) typo: TypoTable,
}

impl EmailLists {
    pub fn new(rules: &EmailRules) -> Self {
        Self {
            extra_disposable: domain_set(&rules.extra_disposable_domains),
            disposable_exceptions: domain_set(&rules.disposable_exceptions),
            extra_role: rules
                .extra_role_accounts
                .iter()
                .map(|l| role_key(l))
                .collect(),
            extra_free: domain_set(&rules.extra_free_domains),
            dot_insensitive: domain_set(&rules.dot_insensitive_domains),
            plus_tag: domain_set(&rules.plus_tag_domains),
            aliases: rules
                .domain_aliases
                .iter()
                .map(|(from, to)| (domain_key(from), domain_key(to)))
                .collect(),
            typo: TypoTable::new(rules),
        }
    }

    /// The list entry that makes `domain` disposable: the domain itself or a parent domain
    /// (`a.b.mailinator.com` -> `mailinator.com`), unless an exception covers it.
    pub fn disposable_match<'a>(&self, domain: &'a str) -> Option<&'a str> {
        let suffixes = || {
            std::iter::successors(Some(domain), |d| d.split_once('.').map(|(_, rest)| rest))
                .filter(|d| d.contains('.'))
        };
        if suffixes().any(|d| self.disposable_exceptions.contains(d)) {
            return None;
        }
        suffixes().find(|d| DISPOSABLE.contains(d) || self.extra_disposable.contains(*d))
    }

    /// Whether the local part names a function or team (`info`, `no-reply`, `sales+eu`).
    pub fn is_role(&self, local: &str) -> bool {
        let is_listed = |key: &str| ROLE.contains(key) || self.extra_role.contains(key);
        // Asked once per address: ASCII local parts (nearly all) build the key on the stack.
        let mut buffer = [0u8; ROLE_KEY_BUFFER];
        match ascii_role_key(local, &mut buffer) {
            Some(key) => is_listed(key),
            None => is_listed(&role_key(local)),
        }
    }

    /// Whether `domain` (normalised form) is a free webmail domain.
    pub fn is_free(&self, domain: &str) -> bool {
        FREE.contains(domain) || self.extra_free.contains(domain)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_lists_are_large_and_clean() {
        assert!(DISPOSABLE.len() > 50_000, "{}", DISPOSABLE.len());
        assert!(ROLE.len() > 300, "{}", ROLE.len());
        assert!(FREE.len() > 400, "{}", FREE.len());
        assert!(TLDS.len() > 1_400, "{}", TLDS.len());
        for domain in DISPOSABLE.iter().chain(FREE.iter()) {
            assert_eq!(*domain, domain_key(domain), "list entry not in normal form");
        }
    }

    #[test]
    fn ascii_role_keys_are_role_keys() {
        let mut buffer = [0u8; ROLE_KEY_BUFFER];
        for local in [
            "info",
            "No-Reply",
            "sales+eu",
            "+x",
            "no.reply+x+y",
            "A_B-C.D",
            "",
            "....",
            &"x".repeat(64),
        ] {
            assert_eq!(
                ascii_role_key(local, &mut buffer).map(str::to_string),
                Some(role_key(local)),
                "{local}"
            );
        }
        assert_eq!(ascii_role_key("José", &mut buffer), None);
        assert_eq!(ascii_role_key(&"x".repeat(65), &mut buffer), None);
    }

    #[test]
    fn popular_mailbox_providers_are_not_disposable() {
        let lists = EmailLists::new(&EmailRules::default());
        for domain in [
            "gmail.com",
            "yahoo.com",
            "outlook.com",
            "icloud.com",
            "web.de",
            "qq.com",
        ] {
            assert_eq!(lists.disposable_match(domain), None, "{domain}");
        }
    }
}
