//! Small text helpers shared by the contact families.

/// The entries of a list file in `rules/lists/`: one per line, trimmed, without blank lines and
/// `#` comments.
pub fn list_entries(text: &str) -> impl Iterator<Item = &str> {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
}

/// Full-width ASCII forms (typed with East Asian input methods) as plain ASCII, and the
/// ideographic space and full stops as ' ' and '.'.
pub fn fold_full_width(text: &str) -> std::borrow::Cow<'_, str> {
    if text.is_ascii() {
        return std::borrow::Cow::Borrowed(text);
    }
    text.chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            '\u{3002}' | '\u{FF61}' => '.',
            _ => c,
        })
        .collect::<String>()
        .into()
}
