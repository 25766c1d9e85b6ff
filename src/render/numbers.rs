//! Number formatting shared by every renderer (report, charts, summary.md): fixed rules, so
//! outputs are deterministic and read the same everywhere.

/// `0.0412` → `4.1%`; small non-zero rates keep two significant decimals (`0.04%`).
pub fn percent(rate: f64) -> String {
    let p = rate * 100.0;
    let decimals = if p != 0.0 && p.abs() < 1.0 { 2 } else { 1 };
    format!("{}%", fixed(p, decimals))
}

/// A rate 0–1 as a percentage with a fixed number of decimals: `(0.0501, 2)` → `5.01%`.
pub fn percent_with(rate: f64, decimals: usize) -> String {
    format!("{}%", fixed(rate * 100.0, decimals))
}

/// `1234567` → `1,234,567` (rounded to a whole number).
pub fn thousands(v: f64) -> String {
    if !v.is_finite() {
        return "–".to_string();
    }
    let digits = format!("{:.0}", v.abs());
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if v < 0.0 && digits != "0" {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Fixed decimals without a `-0` artefact.
pub fn fixed(v: f64, decimals: usize) -> String {
    if !v.is_finite() {
        return "–".to_string();
    }
    let s = format!("{v:.decimals$}");
    if s.starts_with('-') && s[1..].chars().all(|c| c == '0' || c == '.') {
        s[1..].to_string()
    } else {
        s
    }
}

/// Decimals needed to write multiples of `step` exactly enough.
pub fn decimals_for(step: f64) -> usize {
    let mut decimals = 0;
    let mut scaled = step.abs();
    while decimals < 6 && scaled > 0.0 && (scaled - scaled.round()).abs() > 1e-9 * scaled.max(1.0) {
        scaled *= 10.0;
        decimals += 1;
    }
    decimals
}

/// `1234.5` → `1,234.50` (amounts such as cost per lead, currency-neutral).
pub fn money(v: f64) -> String {
    if !v.is_finite() {
        return "–".to_string();
    }
    let cents = (v.abs() * 100.0).round();
    let whole = thousands((cents / 100.0).trunc());
    let sign = if v < 0.0 && cents > 0.0 { "-" } else { "" };
    format!("{sign}{whole}.{:02}", (cents % 100.0) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_format_deterministically() {
        assert_eq!(thousands(1234567.0), "1,234,567");
        assert_eq!(thousands(999.0), "999");
        assert_eq!(thousands(-1000.0), "-1,000");
        assert_eq!(thousands(f64::NAN), "–");
        assert_eq!(percent(0.0412), "4.1%");
        assert_eq!(percent(0.0004), "0.04%");
        assert_eq!(percent(0.0), "0.0%");
        assert_eq!(percent(1.0), "100.0%");
        assert_eq!(percent_with(0.0501, 2), "5.01%");
        assert_eq!(fixed(-0.00001, 2), "0.00");
        assert_eq!(money(1234.5), "1,234.50");
        assert_eq!(money(0.125), "0.13");
        assert_eq!(money(-2.0), "-2.00");
        assert_eq!(decimals_for(0.25), 2);
        assert_eq!(decimals_for(20.0), 0);
    }
}
