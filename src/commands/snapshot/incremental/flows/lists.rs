//! Small tables of the flow cache: interned names, counted multisets, and
//! sorted lists rebuilt by moving their untouched elements.

use std::hash::Hash;

use rustc_hash::FxHashMap;

/// Names interned to dense ids (ids never change while the cache lives).
#[derive(Debug, Default)]
pub(super) struct Names {
    ids: FxHashMap<String, usize>,
    names: Vec<String>,
}

impl Names {
    /// The id of `name`, given one if new.
    pub(super) fn id(&mut self, name: &str) -> usize {
        if let Some(id) = self.ids.get(name) {
            return *id;
        }
        self.names.push(name.to_string());
        self.ids.insert(name.to_string(), self.names.len() - 1);
        self.names.len() - 1
    }

    /// The name of an id ("" for an unknown one).
    pub(super) fn name(&self, id: usize) -> &str {
        self.names.get(id).map_or("", String::as_str)
    }

    /// Ids given so far.
    pub(super) fn len(&self) -> usize {
        self.names.len()
    }
}

/// A multiset: how many times each value was added and not yet removed.
#[derive(Debug, Clone)]
pub(super) struct Counts<K>(FxHashMap<K, usize>);

impl<K> Default for Counts<K> {
    fn default() -> Self {
        Counts(FxHashMap::default())
    }
}

impl<K: Hash + Eq> Counts<K> {
    /// Adds `k` once.
    pub(super) fn add(&mut self, k: K) {
        *self.0.entry(k).or_default() += 1;
    }

    /// Removes `k` once (nothing if absent).
    pub(super) fn remove(&mut self, k: &K) {
        if let Some(n) = self.0.get_mut(k) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                self.0.remove(k);
            }
        }
    }

    /// How many times `k` is in.
    pub(super) fn get(&self, k: &K) -> usize {
        self.0.get(k).copied().unwrap_or(0)
    }

    /// Each distinct value with its count.
    pub(super) fn iter(&self) -> impl Iterator<Item = (&K, usize)> {
        self.0.iter().map(|(k, n)| (k, *n))
    }

    /// Whether nothing is in.
    pub(super) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Where an element of a rebuilt list comes from: an old element kept, or
/// a new one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Step {
    /// The old element at this position.
    Old(usize),
    /// The new element at this position.
    New(usize),
}

/// The merge of a sorted list's old elements (but the `dropped` ones) with
/// `new_len` sorted new ones: `old_first(j, k)` tells whether old element
/// `j` comes before new element `k`.
pub(super) fn plan(
    old_len: usize,
    dropped: impl Fn(usize) -> bool,
    new_len: usize,
    old_first: impl Fn(usize, usize) -> bool,
) -> Vec<Step> {
    let mut out = Vec::with_capacity(old_len + new_len);
    let mut k = 0;
    for j in (0..old_len).filter(|j| !dropped(*j)) {
        while k < new_len && !old_first(j, k) {
            out.push(Step::New(k));
            k += 1;
        }
        out.push(Step::Old(j));
    }
    out.extend((k..new_len).map(Step::New));
    out
}

/// A list holding one element per old position with `was` (in order)
/// rebuilt along `plan`: a kept position keeps its element (moved once,
/// not copied), a new position with `is` gets `make`. `None` when `list`
/// does not hold one element per old position with `was`.
pub(super) fn remap<T>(
    list: Vec<T>,
    old_len: usize,
    was: impl Fn(usize) -> bool,
    plan: &[Step],
    is: impl Fn(usize) -> bool,
    mut make: impl FnMut(usize) -> T,
) -> Option<Vec<T>> {
    let mut out = Vec::with_capacity(list.len() + 16);
    let mut items = list.into_iter();
    // The next old position whose element (if any) is not yet consumed;
    // the plan names old positions in increasing order.
    let mut next = 0;
    for step in plan {
        match *step {
            Step::Old(j) => {
                for dropped in next..j {
                    if was(dropped) {
                        items.next()?;
                    }
                }
                if was(j) {
                    out.push(items.next()?);
                }
                next = j + 1;
            }
            Step::New(k) if is(k) => out.push(make(k)),
            Step::New(_) => {}
        }
    }
    for dropped in next..old_len {
        if was(dropped) {
            items.next()?;
        }
    }
    items.next().is_none().then_some(out)
}

/// `old` (sorted) with the elements of `new` (sorted) merged in along
/// `plan`, each element moved once; the old ones not in the plan dropped.
pub(super) fn merged<T>(old: Vec<T>, new: Vec<T>, plan: &[Step]) -> Vec<T> {
    let mut out = Vec::with_capacity(plan.len());
    let mut old = old.into_iter().enumerate();
    let mut new = new.into_iter().enumerate();
    for step in plan {
        let next = match *step {
            Step::Old(j) => old.by_ref().find(|(i, _)| *i == j),
            Step::New(k) => new.by_ref().find(|(i, _)| *i == k),
        };
        out.extend(next.map(|(_, x)| x));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plan_merges_kept_and_new_elements_in_order() {
        let old = [1, 3, 5, 7];
        let new = [2, 5, 8];
        let p = plan(old.len(), |j| old[j] == 3, new.len(), |j, k| old[j] <= new[k]);
        let merged: Vec<i32> = p
            .iter()
            .map(|s| match s {
                Step::Old(j) => old[*j],
                Step::New(k) => new[*k],
            })
            .collect();
        assert_eq!(merged, vec![1, 2, 5, 5, 7, 8]);
        // The odd elements' labels, carried along.
        let labels = vec!["1", "3", "5", "7"];
        let got = remap(
            labels,
            4,
            |_| true,
            &p,
            |k| new[k] % 2 == 1,
            |k| if new[k] == 5 { "5n" } else { "?" },
        );
        assert_eq!(got, Some(vec!["1", "5", "5n", "7"]));
        assert_eq!(remap(vec!["x"], 4, |_| true, &p, |_| true, |_| "y"), None);
        assert_eq!(
            super::merged(old.to_vec(), new.to_vec(), &p),
            vec![1, 2, 5, 5, 7, 8]
        );
        // No old element carries a label, so a list with one does not match.
        let got = remap(vec!["e"], 4, |_| false, &p, |_| false, |_| "n");
        assert_eq!(got, None);
        let got = remap(Vec::<&str>::new(), 4, |_| false, &p, |k| k == 2, |_| "8");
        assert_eq!(got, Some(vec!["8"]));
    }
}
