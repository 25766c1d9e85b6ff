//! Arbitrary bytes as a rules file: `Rules::parse` (TOML, merge over the built-in rules,
//! serde with `deny_unknown_fields`, `validate`) for UTF-8 text, `Rules::load` from a file for
//! the rest (its not-UTF-8 error names a line). Errors are expected; a panic is a bug.
#![no_main]

use leadaudit::ingest::HeaderMap;
use leadaudit::rules::Rules;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let parsed = match std::str::from_utf8(data) {
        Ok(text) => Rules::parse(text, "fuzz.toml"),
        Err(_) => {
            let path = fuzz_support::write_scratch("rules.toml", data);
            Rules::load(Some(path.as_path())).map(|loaded| loaded.rules)
        }
    };
    match parsed {
        // What the audit does first with accepted rules.
        Ok(rules) => {
            let _ = HeaderMap::from_rules(&rules);
            let _ = rules
                .enabled_checks(leadaudit::audit::AUDIT_FAMILIES)
                .count();
        }
        Err(e) => {
            // The message users see must render.
            let _ = e.to_string();
        }
    }
});
