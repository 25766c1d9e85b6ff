//! One arbitrary string through `verify_email` with the built-in email rules and lists.
//! Properties: no panic; a normalised address verifies again to itself (the normalised form is
//! a fixed point, so keys built from it agree however often they are normalised).
#![no_main]

use std::sync::OnceLock;

use leadaudit::checks::email::{verify_email, EmailIssue, EmailLists};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Cells reach the checks as UTF-8 text (ingest rejects anything else).
    let Ok(raw) = std::str::from_utf8(data) else {
        return;
    };
    static LISTS: OnceLock<EmailLists> = OnceLock::new();
    let rules = &fuzz_support::builtin_rules().rules.email;
    let lists = LISTS.get_or_init(|| EmailLists::new(rules));
    let verdict = verify_email(raw, rules, lists);
    for issue in &verdict.issues {
        let _ = (issue.check_id(), issue.detail());
    }
    let syntax_ok = !verdict
        .issues
        .iter()
        .any(|i| matches!(i, EmailIssue::Syntax(_)));
    assert_eq!(
        syntax_ok,
        verdict.normalized.is_some(),
        "normalised form iff the syntax is fine: {raw:?} -> {verdict:?}"
    );
    if let Some(normalized) = &verdict.normalized {
        let again = verify_email(normalized, rules, lists);
        assert_eq!(
            again.normalized.as_deref(),
            Some(normalized.as_str()),
            "{raw:?} normalises to {normalized:?}, which does not normalise to itself: {again:?}"
        );
    }
});
