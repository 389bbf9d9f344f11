//! "Did you mean": the closest known name to a misspelt one.

fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(!a[i - 1].eq_ignore_ascii_case(&b[j - 1]));
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// The candidate closest to `name`, if it is close enough to be a likely
/// typo: at most one edit in three characters, letters compared without
/// regard to ASCII case. Of equally close candidates the first in
/// alphabetical order wins, so the answer does not depend on their order.
pub fn closest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    // A long name is no typo of a short one (and stays cheap to refuse).
    if name.len() > 64 {
        return None;
    }
    let length = name.chars().count();
    let limit = (length / 3).max(1);
    // The distance is at least the difference in length: candidates too
    // long or too short are skipped before the quadratic comparison (a
    // byte count bounds the character count from above).
    let near_in_length =
        |c: &str| c.len() <= 4 * (length + limit) && c.chars().count().abs_diff(length) <= limit;
    candidates
        .into_iter()
        .filter(|c| *c != name && near_in_length(c))
        .map(|c| (distance(name, c), c))
        .filter(|(d, _)| *d <= limit)
        .min()
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_close_names_only() {
        assert_eq!(
            closest("electricty", ["electricity", "gas"]),
            Some("electricity")
        );
        assert_eq!(closest("kwh", ["kWh", "MWh"]), Some("kWh"));
        assert_eq!(closest("zzz", ["electricity"]), None);
        assert_eq!(closest("gas", ["gas"]), None);
        // Lengths within the allowed edits still count.
        assert_eq!(closest("electricit", ["electricity"]), Some("electricity"));
        assert_eq!(closest("elec", ["electricity"]), None);
        assert_eq!(closest("ab", ["ac", "aa"]), Some("aa"));
        assert_eq!(closest(&"x".repeat(65), [&*"x".repeat(64)]), None);
    }
}
