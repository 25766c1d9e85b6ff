//! String similarities, allocation-free for the short ASCII strings that folded fields are.
//! Each gives exactly strsim's result (tested); other input goes to strsim itself. Scoring
//! runs these a few times per candidate pair, millions of times per run.

/// Longest ASCII string handled without strsim (flag bits fit one `u64`).
const MAX_FAST: usize = 64;

/// Jaro–Winkler similarity, as `strsim::jaro_winkler`.
pub fn jaro_winkler(a: &str, b: &str) -> f64 {
    let (x, y) = (a.as_bytes(), b.as_bytes());
    if !(a.is_ascii() && b.is_ascii() && x.len() <= MAX_FAST && y.len() <= MAX_FAST) {
        return strsim::jaro_winkler(a, b);
    }
    let jaro = jaro_ascii(x, y);
    if jaro > 0.7 {
        let prefix = x.iter().zip(y).take(4).take_while(|(p, q)| p == q).count();
        jaro + 0.1 * prefix as f64 * (1.0 - jaro)
    } else {
        jaro
    }
}

fn jaro_ascii(a: &[u8], b: &[u8]) -> f64 {
    let (a_len, b_len) = (a.len(), b.len());
    if a_len == 0 && b_len == 0 {
        return 1.0;
    }
    if a_len == 0 || b_len == 0 {
        return 0.0;
    }
    let range = (a_len.max(b_len) / 2).saturating_sub(1);
    let (mut a_flags, mut b_flags) = (0u64, 0u64);
    let mut matches = 0usize;
    for (i, &ca) in a.iter().enumerate() {
        let low = i.saturating_sub(range);
        let high = b_len.min(i + range + 1);
        for (j, &cb) in b.iter().enumerate().take(high).skip(low) {
            if ca == cb && b_flags & (1 << j) == 0 {
                a_flags |= 1 << i;
                b_flags |= 1 << j;
                matches += 1;
                break;
            }
        }
    }
    if matches == 0 {
        return 0.0;
    }
    let mut transpositions = 0usize;
    let mut j = 0;
    for (i, &ca) in a.iter().enumerate() {
        if a_flags & (1 << i) != 0 {
            while b_flags & (1 << j) == 0 {
                j += 1;
            }
            if ca != b[j] {
                transpositions += 1;
            }
            j += 1;
        }
    }
    let m = matches as f64;
    (m / a_len as f64 + m / b_len as f64 + (matches - transpositions / 2) as f64 / m) / 3.0
}

/// 1 − optimal-string-alignment distance / longer length (`strsim::osa_distance`): one typo
/// or one swap of neighbours in a 5-digit ZIP gives 0.8.
pub fn edit_similarity(a: &str, b: &str) -> f64 {
    if a.is_ascii() && b.is_ascii() && b.len() <= MAX_FAST {
        return edit_similarity_ascii(a.as_bytes(), b.as_bytes());
    }
    let longest = a.chars().count().max(b.chars().count());
    distance_to_similarity(strsim::osa_distance(a, b), longest)
}

/// [`edit_similarity`] of ASCII strings, `b` at most 64 bytes.
pub fn edit_similarity_ascii(a: &[u8], b: &[u8]) -> f64 {
    distance_to_similarity(osa_ascii(a, b), a.len().max(b.len()))
}

/// 1 − distance / longer length; two empty values are equal.
fn distance_to_similarity(distance: usize, longest: usize) -> f64 {
    if longest == 0 {
        1.0
    } else {
        1.0 - distance as f64 / longest as f64
    }
}

/// Optimal string alignment distance of ASCII strings, `b` at most 64 bytes: Hyyrö's
/// bit-parallel algorithm (H. Hyyrö, "A bit-vector algorithm for computing Levenshtein and
/// Damerau edit distances", 2003), one pass of word operations per byte of `a`.
fn osa_ascii(a: &[u8], b: &[u8]) -> usize {
    let m = b.len();
    if m == 0 {
        return a.len();
    }
    // Positions of each byte value in `b`.
    let mut peq = [0u64; 128];
    for (i, &c) in b.iter().enumerate() {
        peq[usize::from(c & 0x7f)] |= 1 << i;
    }
    let last = 1u64 << (m - 1);
    let mut vp = if m == 64 { u64::MAX } else { (1u64 << m) - 1 };
    let mut vn = 0u64;
    let mut d0 = 0u64;
    let mut pm_previous = 0u64;
    let mut score = m;
    for &c in a {
        let pm = peq[usize::from(c & 0x7f)];
        let transposition = ((!d0 & pm) << 1) & pm_previous;
        d0 = (((pm & vp).wrapping_add(vp)) ^ vp) | pm | vn | transposition;
        let mut hp = vn | !(d0 | vp);
        let mut hn = d0 & vp;
        if hp & last != 0 {
            score += 1;
        } else if hn & last != 0 {
            score -= 1;
        }
        hp = (hp << 1) | 1;
        hn <<= 1;
        vp = hn | !(d0 | hp);
        vn = d0 & hp;
        pm_previous = pm;
    }
    score
}

#[cfg(test)]
mod tests {
    use super::super::testgen::Rng;
    use super::*;

    fn random_word(rng: &mut Rng, alphabet: &[u8], max: usize) -> String {
        let len = rng.below(max + 1);
        (0..len)
            .map(|_| alphabet[rng.below(alphabet.len())] as char)
            .collect()
    }

    #[test]
    fn same_as_strsim() {
        let mut rng = Rng::new(5);
        let cases = [
            ("", ""),
            ("", "a"),
            ("martha", "marhta"),
            ("dixon", "dicksonx"),
        ];
        for (a, b) in cases {
            assert_eq!(jaro_winkler(a, b), strsim::jaro_winkler(a, b), "{a} / {b}");
        }
        for _ in 0..20_000 {
            // Small alphabets make many matches and transpositions.
            let alphabet: &[u8] = if rng.chance(0.5) {
                b"abc"
            } else {
                b"abcdefghij 0123"
            };
            let max = if rng.chance(0.1) { MAX_FAST } else { 20 };
            let a = random_word(&mut rng, alphabet, max);
            let b = random_word(&mut rng, alphabet, max);
            assert_eq!(
                jaro_winkler(&a, &b),
                strsim::jaro_winkler(&a, &b),
                "{a} / {b}"
            );
            let osa = strsim::osa_distance(&a, &b);
            let longest = a.len().max(b.len());
            let expected = if longest == 0 {
                1.0
            } else {
                1.0 - osa as f64 / longest as f64
            };
            assert_eq!(edit_similarity(&a, &b), expected, "{a} / {b}");
        }
        // Long and non-ASCII input goes to strsim.
        let long = "x".repeat(80);
        assert_eq!(jaro_winkler(&long, "xx"), strsim::jaro_winkler(&long, "xx"));
        assert_eq!(
            jaro_winkler("jürgen", "jurgen"),
            strsim::jaro_winkler("jürgen", "jurgen")
        );
        assert_eq!(edit_similarity("12345", "12354"), 0.8);
    }
}
