//! Finds the line of a dotted key in TOML text, so validation errors found after parsing
//! (unknown check ids, out-of-range values) can still point a person at a line.

/// 1-based line where `dotted` (e.g. `checks."email.syntax".warn_above`) is defined, or where
/// its nearest defined ancestor is.
pub fn line_of_key(text: &str, dotted: &str) -> Option<usize> {
    let want = split_key(dotted);
    let mut table: Vec<String> = Vec::new();
    let mut best: Option<(usize, usize)> = None; // (matched depth, line)
    for (idx, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.starts_with('#') || line.is_empty() {
            continue;
        }
        let key_path: Vec<String> = if let Some(header) = line
            .strip_prefix("[[")
            .and_then(|l| l.split("]]").next())
            .or_else(|| line.strip_prefix('[').and_then(|l| l.split(']').next()))
        {
            table = split_key(header);
            table.clone()
        } else if let Some((key, _)) = line.split_once('=') {
            let mut path = table.clone();
            path.extend(split_key(key));
            path
        } else {
            continue;
        };
        let depth = key_path
            .iter()
            .zip(&want)
            .take_while(|(a, b)| a == b)
            .count();
        if depth == key_path.len().min(want.len())
            && depth > 0
            && best.is_none_or(|(d, _)| depth > d)
        {
            best = Some((depth, idx + 1));
        }
    }
    best.map(|(_, line)| line)
}

/// Splits `a."b.c".d` into `["a", "b.c", "d"]`.
fn split_key(key: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for ch in key.trim().chars() {
        match ch {
            '"' | '\'' => quoted = !quoted,
            '.' if !quoted => parts.push(std::mem::take(&mut current).trim().to_string()),
            _ => current.push(ch),
        }
    }
    parts.push(current.trim().to_string());
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_quoted_check_keys() {
        let text = "# c\n[checks.\"email.syntax\"]\naction = \"reject\"\nwarn_above = 1\n";
        assert_eq!(
            line_of_key(text, "checks.\"email.syntax\".warn_above"),
            Some(4)
        );
        assert_eq!(line_of_key(text, "checks.\"email.syntax\""), Some(2));
    }

    #[test]
    fn finds_inline_keys() {
        let text = "[checks]\n\"email.role\" = { action = \"flag\" }\n[leads]\ndefault_country = \"USA\"\n";
        assert_eq!(line_of_key(text, "checks.\"email.role\""), Some(2));
        assert_eq!(line_of_key(text, "leads.default_country"), Some(4));
    }
}
