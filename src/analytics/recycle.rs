//! Reusing the string buffers of a previous result when a figure is computed
//! again (the incremental recompute rebuilds lists of thousands of issue
//! keys; copying into the old strings avoids allocating them anew).
//!
//! Owns: buffer reuse only. Must not: change any value.

/// Makes `dst` hold exactly the strings of `src`, in order, reusing the
/// strings already in `dst`.
pub(crate) fn fill_strings<'a>(dst: &mut Vec<String>, src: impl IntoIterator<Item = &'a str>) {
    let mut n = 0;
    for s in src {
        match dst.get_mut(n) {
            Some(d) => {
                d.clear();
                d.push_str(s);
            }
            None => dst.push(s.to_string()),
        }
        n += 1;
    }
    dst.truncate(n);
}

#[cfg(test)]
mod tests {
    use super::fill_strings;

    #[test]
    fn fills_shorter_and_longer_lists_exactly() {
        let mut v: Vec<String> = vec!["a".into(), "bb".into(), "ccc".into()];
        fill_strings(&mut v, ["x", "y"]);
        assert_eq!(v, ["x", "y"]);
        fill_strings(&mut v, ["1", "22", "333", "4444"]);
        assert_eq!(v, ["1", "22", "333", "4444"]);
        fill_strings(&mut v, std::iter::empty());
        assert!(v.is_empty());
    }
}
