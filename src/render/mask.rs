//! PII masking for the report and summary.md (full values only with `--show-pii`).

/// `jane.doe@example.com` → `j***@example.com`.
pub fn email(value: &str) -> String {
    match value.trim().rsplit_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}***@{domain}")
        }
        None => "***".to_string(),
    }
}

/// `+1 650-253-4567` → `+1 ***-***-4567`: the country prefix (when written with `+`) and the
/// last four digits stay visible.
pub fn phone(value: &str) -> String {
    let digits: Vec<char> = value.chars().filter(char::is_ascii_digit).collect();
    if digits.len() <= 4 {
        return "***".to_string();
    }
    let last4: String = digits[digits.len() - 4..].iter().collect();
    let trimmed = value.trim_start();
    let prefix = trimmed
        .strip_prefix('+')
        .map(|rest| {
            let cc: String = rest
                .chars()
                .take_while(char::is_ascii_digit)
                .take(3)
                .collect();
            // Only a separated group is surely the country code; `+16502530000` shows `+1`.
            if rest
                .chars()
                .nth(cc.len())
                .is_some_and(|c| !c.is_ascii_digit())
            {
                format!("+{cc} ")
            } else {
                format!("+{} ", &cc[..cc.len().min(1)])
            }
        })
        .unwrap_or_default();
    format!("{prefix}***-***-{last4}")
}

#[cfg(test)]
mod tests {
    #[test]
    fn masks() {
        assert_eq!(super::email("jane.doe@example.com"), "j***@example.com");
        assert_eq!(super::email("garbage"), "***");
        assert_eq!(super::phone("+1 650-253-4567"), "+1 ***-***-4567");
        assert_eq!(super::phone("(650) 253-4567"), "***-***-4567");
        assert_eq!(super::phone("+44 20 7946 0958"), "+44 ***-***-0958");
        assert_eq!(super::phone("12"), "***");
    }
}
