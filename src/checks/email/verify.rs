//! One email value in, its normalised form and every finding out.

use super::lists::EmailLists;
use super::syntax::{self, split_address, EmailParts, ParsedDomain, SplitAddress, SyntaxProblem};
use super::EmailRules;

/// What the email checks say about one value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailVerdict {
    /// `email_normalized`: `None` when the syntax is not deliverable.
    pub normalized: Option<String>,
    pub issues: Vec<EmailIssue>,
}

/// One finding; [`EmailIssue::check_id`] names its check, [`EmailIssue::detail`] explains it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EmailIssue {
    Syntax(SyntaxProblem),
    /// `domain` is the list entry that matched (the address's domain or a parent of it).
    Disposable {
        domain: String,
    },
    Role {
        local: String,
    },
    Free {
        domain: String,
    },
    Typo {
        domain: String,
        suggestion: String,
    },
}

impl EmailIssue {
    pub fn check_id(&self) -> &'static str {
        match self {
            Self::Syntax(_) => "email.syntax",
            Self::Disposable { .. } => "email.disposable",
            Self::Role { .. } => "email.role",
            Self::Free { .. } => "email.free",
            Self::Typo { .. } => "email.typo",
        }
    }

    /// Plain-words explanation for findings.csv and the report; names no more of the address
    /// than the part the finding is about.
    pub fn detail(&self) -> String {
        match self {
            Self::Syntax(problem) => problem.to_string(),
            Self::Disposable { domain } => format!("{domain} is a disposable-address domain"),
            Self::Role { local } => format!("{local}@ is a role account, not a person"),
            Self::Free { domain } => format!("{domain} is a free webmail domain"),
            Self::Typo { domain, suggestion } => {
                format!("{domain} looks mistyped: did you mean {suggestion}?")
            }
        }
    }
}

/// Verifies one raw email value.
///
/// Normalisation (for `email_normalized` and dedup): trimmed; domain lower-cased, IDNA/punycode
/// and mapped through `domain_aliases`; the local part lower-cased. RFC 5321 lets a server treat
/// `Bob` and `bob` as different mailboxes, but practically every provider does not, and matching
/// must not miss the same person typed twice. For `plus_tag_domains` a `+tag` is dropped, for
/// `dot_insensitive_domains` dots are removed.
///
/// A value whose only syntax fault is a misspelt top-level domain (`gmail.con`) gets both the
/// `email.syntax` finding and an `email.typo` suggestion.
///
/// The stage runs the same steps, the domain's once per distinct domain: [`split_address`],
/// [`domain_verdict`], [`address_verdict`].
pub fn verify_email(raw: &str, rules: &EmailRules, lists: &EmailLists) -> EmailVerdict {
    let split = split_address(raw, rules);
    let domain = split
        .as_ref()
        .ok()
        .map(|split| domain_verdict(&split.domain, rules, lists));
    address_verdict(&split, domain.as_ref(), lists, |_| true)
}

/// What the checks say about a domain as written after the @, whatever the address: its
/// syntax and, for a valid one, what the lists say. The stage works it out once per distinct
/// domain (lists repeat a few thousand domains a million times).
#[derive(Debug, Clone)]
pub(super) struct DomainVerdict {
    parsed: Result<ParsedDomain, SyntaxProblem>,
    /// For a valid domain.
    facts: Option<DomainFacts>,
    /// For a domain rejected only for its top-level domain: the fix a corrected TLD suggests.
    tld_typo: Option<EmailIssue>,
}

/// [`DomainVerdict`] of the text after an address's @ (as [`split_address`] cut it).
pub(super) fn domain_verdict(
    domain: &str,
    rules: &EmailRules,
    lists: &EmailLists,
) -> DomainVerdict {
    let parsed = syntax::parse_domain(domain, rules);
    let facts = parsed
        .as_ref()
        .ok()
        .map(|parsed| domain_facts(&parsed.ascii, lists));
    let tld_typo = match &parsed {
        Err(SyntaxProblem::UnknownTld(_)) => typo_in_unknown_tld(domain, lists),
        _ => None,
    };
    DomainVerdict {
        parsed,
        facts,
        tld_typo,
    }
}

/// The verdict on an address from its split and its domain's verdict (`None` only where the
/// split failed). Issues whose check `keep` refuses are left out (not even built).
pub(super) fn address_verdict(
    split: &Result<SplitAddress<'_>, SyntaxProblem>,
    domain: Option<&DomainVerdict>,
    lists: &EmailLists,
    keep: impl Fn(&'static str) -> bool,
) -> EmailVerdict {
    let (split, domain) = match (split, domain) {
        (Err(problem), _) => return syntax_failure(problem.clone(), None, &keep),
        (Ok(split), Some(domain)) => (split, domain),
        // The types allow it; callers always pass the split's domain verdict.
        (Ok(_), None) => return syntax_failure(SyntaxProblem::DomainEmpty, None, &keep),
    };
    let parsed = match &domain.parsed {
        Ok(parsed) => parsed,
        Err(problem) => {
            return syntax_failure(problem.clone(), domain.tld_typo.as_ref(), &keep);
        }
    };
    let parts = match syntax::join(split, parsed) {
        Ok(parts) => parts,
        Err(problem) => return syntax_failure(problem, None, &keep),
    };
    match &domain.facts {
        Some(facts) => verdict_at_domain(parts, facts, lists, &keep),
        None => verdict_at_domain(parts, &domain_facts(parts.domain, lists), lists, &keep),
    }
}

/// The verdict on a value that is not deliverable syntax.
fn syntax_failure(
    problem: SyntaxProblem,
    typo: Option<&EmailIssue>,
    keep: impl Fn(&'static str) -> bool,
) -> EmailVerdict {
    let issues = std::iter::once(EmailIssue::Syntax(problem))
        .chain(typo.cloned())
        .filter(|issue| keep(issue.check_id()))
        .collect();
    EmailVerdict {
        normalized: None,
        issues,
    }
}

/// What the lists say about a mailbox domain: the same for every address there.
#[derive(Debug, Clone)]
pub(super) struct DomainFacts {
    /// The domain after `domain_aliases` (`googlemail.com` -> `gmail.com`).
    canonical: String,
    /// The disposable-list entry that covers it.
    disposable: Option<String>,
    free: bool,
    typo_suggestion: Option<String>,
    /// The provider ignores dots in the local part (`dot_insensitive_domains`).
    drops_dots: bool,
    /// The provider delivers `joe+tag@` to `joe@` (`plus_tag_domains`).
    drops_plus_tag: bool,
}

/// [`DomainFacts`] of a parsed (lower-case ASCII) domain; IP literals have none.
pub(super) fn domain_facts(domain: &str, lists: &EmailLists) -> DomainFacts {
    let canonical = lists
        .aliases
        .get(domain)
        .cloned()
        .unwrap_or_else(|| domain.to_string());
    let disposable = lists.disposable_match(&canonical).map(str::to_string);
    let free = lists.is_free(&canonical);
    let typo_suggestion = lists
        .typo
        .suggest(domain, disposable.is_some(), |d| lists.is_free(d));
    let drops_dots = lists.dot_insensitive.contains(&canonical);
    let drops_plus_tag = lists.plus_tag.contains(&canonical);
    DomainFacts {
        canonical,
        disposable,
        free,
        typo_suggestion,
        drops_dots,
        drops_plus_tag,
    }
}

/// The verdict on a parsed address whose domain has `facts`.
fn verdict_at_domain(
    parsed: EmailParts<'_>,
    facts: &DomainFacts,
    lists: &EmailLists,
    keep: impl Fn(&'static str) -> bool,
) -> EmailVerdict {
    if parsed.is_ip_literal {
        return EmailVerdict {
            normalized: Some(format!("{}@{}", parsed.local.to_lowercase(), parsed.domain)),
            issues: Vec::new(),
        };
    }
    let domain = &facts.canonical;
    let mut issues = Vec::new();
    if let (Some(entry), true) = (&facts.disposable, keep("email.disposable")) {
        issues.push(EmailIssue::Disposable {
            domain: entry.clone(),
        });
    }
    if keep("email.role") && lists.is_role(parsed.local) {
        issues.push(EmailIssue::Role {
            local: parsed.local.to_lowercase(),
        });
    }
    if facts.free && keep("email.free") {
        issues.push(EmailIssue::Free {
            domain: domain.clone(),
        });
    }
    if let (Some(suggestion), true) = (&facts.typo_suggestion, keep("email.typo")) {
        issues.push(EmailIssue::Typo {
            domain: parsed.domain.to_string(),
            suggestion: suggestion.clone(),
        });
    }
    EmailVerdict {
        normalized: Some(normalized_address(parsed.local, facts)),
        issues,
    }
}

/// `email_normalized` of a (non-IP-literal) address at a domain with `facts`: the local part
/// lower-cased, without dots where the provider ignores them, without a `+tag` where the
/// provider drops it, then `@` and the canonical domain. Built in one allocation: this runs
/// once per address.
fn normalized_address(local: &str, facts: &DomainFacts) -> String {
    let domain = facts.canonical.as_str();
    // Whole-string lower-casing for non-ASCII: it knows context rules (a final Greek sigma).
    let lowered;
    let local = if local.is_ascii() {
        local
    } else {
        lowered = local.to_lowercase();
        lowered.as_str()
    };
    let copy = |out: &mut String, text: &str| {
        let kept = text.chars().filter(|&c| !(facts.drops_dots && c == '.'));
        out.extend(kept.map(|c| c.to_ascii_lowercase()));
    };
    let mut out = String::with_capacity(local.len() + 1 + domain.len());
    if facts.drops_plus_tag {
        if let Some((head, _)) = local.split_once('+') {
            copy(&mut out, head);
            // Dropping the tag of `a.+tag` (or `+tag`) would leave no valid local part: keep
            // it then, so a normalised address is always one the syntax check accepts.
            if syntax::check_local(&out).is_ok() {
                out.push('@');
                out.push_str(domain);
                return out;
            }
            out.clear();
        }
    }
    copy(&mut out, local);
    out.push('@');
    out.push_str(domain);
    out
}

/// For a domain (as written) rejected only for its TLD, the suggestion a fixed TLD would give.
fn typo_in_unknown_tld(domain: &str, lists: &EmailLists) -> Option<EmailIssue> {
    let domain = super::lists::domain_key(domain);
    let suggestion = lists.typo.suggest(&domain, false, |d| lists.is_free(d))?;
    Some(EmailIssue::Typo { domain, suggestion })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn verify(raw: &str) -> EmailVerdict {
        let rules = EmailRules::default();
        verify_email(raw, &rules, &EmailLists::new(&rules))
    }

    fn ids(raw: &str) -> Vec<&'static str> {
        verify(raw)
            .issues
            .iter()
            .map(EmailIssue::check_id)
            .collect()
    }

    fn normalized(raw: &str) -> Option<String> {
        verify(raw).normalized
    }

    #[test]
    fn normalisation() {
        let n = |raw: &str| normalized(raw);
        assert_eq!(
            n(" Bob.Smith@Example.COM ").as_deref(),
            Some("bob.smith@example.com")
        );
        assert_eq!(n("J.O.E+promo@Gmail.com").as_deref(), Some("joe@gmail.com"));
        assert_eq!(n("j.o.e@googlemail.com").as_deref(), Some("joe@gmail.com"));
        assert_eq!(n("joe+x@outlook.com").as_deref(), Some("joe@outlook.com"));
        // Dots matter outside Gmail; +tags stay where the provider is not known to drop them.
        assert_eq!(
            n("j.o.e+x@example.com").as_deref(),
            Some("j.o.e+x@example.com")
        );
        assert_eq!(n("+x@gmail.com").as_deref(), Some("+x@gmail.com"));
        // Found by fuzzing (fuzz/README.md): dropping the tag left `mitchell.`, no address.
        assert_eq!(
            n("Mitchell.+soren760@hotmail.com").as_deref(),
            Some("mitchell.+soren760@hotmail.com")
        );
        // Gmail ignores dots, so there the tag still goes.
        assert_eq!(n("j.o.e.+x@gmail.com").as_deref(), Some("joe@gmail.com"));
        assert_eq!(
            n("José@Bücher.de").as_deref(),
            Some("josé@xn--bcher-kva.de")
        );
        assert_eq!(n("bob@example.con"), None);
    }

    #[test]
    fn syntax_hit_and_near_miss() {
        assert_eq!(ids("bob@@example.com"), ["email.syntax"]);
        assert_eq!(ids("bob@example.com"), Vec::<&str>::new());
        let verdict = verify("Bob <bob@example.com>");
        assert!(verdict.issues[0].detail().contains("display name"));
    }

    #[test]
    fn disposable_hit_near_miss_and_subdomains() {
        assert_eq!(ids("x@mailinator.com"), ["email.disposable"]);
        assert_eq!(ids("x@eu.mail.mailinator.com"), ["email.disposable"]);
        assert_eq!(
            verify("x@eu.mailinator.com").issues,
            [EmailIssue::Disposable {
                domain: "mailinator.com".into()
            }]
        );
        assert_eq!(ids("x@mailinator-corp.com"), Vec::<&str>::new());
        assert_eq!(ids("x@mailinator.company.com"), Vec::<&str>::new());
    }

    #[test]
    fn role_hit_and_near_miss() {
        for raw in [
            "info@acme.com",
            "No-Reply@acme.com",
            "sales+eu@acme.com",
            "no.reply@acme.com",
        ] {
            assert_eq!(ids(raw), ["email.role"], "{raw}");
        }
        for raw in [
            "information.desk.jane@acme.com",
            "infomaniac@acme.com",
            "jane.sales@acme.com",
        ] {
            assert_eq!(ids(raw), Vec::<&str>::new(), "{raw}");
        }
    }

    #[test]
    fn free_hit_and_near_miss() {
        assert_eq!(ids("jane@gmail.com"), ["email.free"]);
        assert_eq!(ids("jane@yahoo.co.uk"), ["email.free"]);
        assert_eq!(ids("jane@gmail-business.com"), Vec::<&str>::new());
        assert_eq!(ids("jane@mail.google.com"), Vec::<&str>::new());
    }

    #[test]
    fn a_disposable_service_two_edits_from_a_popular_domain_is_not_a_typo() {
        // yopmail -> hotmail is two substitutions; gmial.com (listed too) is one edit.
        let verdict = verify("kim@yopmail.com");
        assert!(
            verdict
                .issues
                .iter()
                .all(|i| !matches!(i, EmailIssue::Typo { .. })),
            "{:?}",
            verdict.issues
        );
        assert!(verdict
            .issues
            .iter()
            .any(|i| matches!(i, EmailIssue::Disposable { .. })));
    }

    #[test]
    fn typo_hit_and_near_miss() {
        let verdict = verify("jane@gmial.com");
        assert!(verdict.issues.contains(&EmailIssue::Typo {
            domain: "gmial.com".into(),
            suggestion: "gmail.com".into()
        }));
        assert_eq!(
            verdict.issues.last().map(EmailIssue::detail).as_deref(),
            Some("gmial.com looks mistyped: did you mean gmail.com?")
        );
        assert!(ids("jane@hotmial.com").contains(&"email.typo"));
        assert!(ids("jane@yaho.com").contains(&"email.typo"));
        // The real domains themselves are never typos.
        assert!(!ids("jane@gmail.com").contains(&"email.typo"));
        assert!(!ids("jane@mail.com").contains(&"email.typo"));
        assert!(!ids("jane@aon.com").contains(&"email.typo"));
    }

    #[test]
    fn misspelt_tld_gets_syntax_and_suggestion() {
        let verdict = verify("jane@gmail.con");
        assert_eq!(verdict.normalized, None);
        assert_eq!(
            verdict.issues,
            [
                EmailIssue::Syntax(SyntaxProblem::UnknownTld("con".into())),
                EmailIssue::Typo {
                    domain: "gmail.con".into(),
                    suggestion: "gmail.com".into()
                }
            ]
        );
        assert_eq!(ids("jane@acme.con"), ["email.syntax", "email.typo"]);
        assert_eq!(ids("jane@acme.xyzzy"), ["email.syntax"]);
    }

    #[test]
    fn rules_extras_and_exceptions_apply() {
        let rules = EmailRules {
            extra_disposable_domains: vec!["Throwaway-Mail.net".into()],
            disposable_exceptions: vec!["mailinator.com".into()],
            extra_role_accounts: vec!["Leads".into()],
            extra_free_domains: vec!["freemail.net".into()],
            ..EmailRules::default()
        };
        let lists = EmailLists::new(&rules);
        let ids = |raw: &str| -> Vec<&'static str> {
            verify_email(raw, &rules, &lists)
                .issues
                .iter()
                .map(EmailIssue::check_id)
                .collect()
        };
        assert_eq!(ids("a@x.throwaway-mail.net"), ["email.disposable"]);
        assert_eq!(ids("a@mailinator.com"), Vec::<&str>::new());
        assert_eq!(ids("a@sub.mailinator.com"), Vec::<&str>::new());
        assert_eq!(ids("leads@acme.com"), ["email.role"]);
        assert_eq!(ids("a@freemail.net"), ["email.free"]);
    }

    #[test]
    fn several_findings_on_one_address() {
        assert_eq!(ids("info@gmail.com"), ["email.role", "email.free"]);
        // A typo-squatting catch-all is both disposable (on the list) and a typo.
        assert_eq!(ids("jane@gmial.com"), ["email.disposable", "email.typo"]);
    }
}
