//! The catalog the SFCC stand-in serves: the sample documents or a generated catalog, with
//! merchandisers' changes and removals on top.

use super::generator::{self, GENERATED_BEFORE};
use super::time::now_iso8601;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashSet};

/// Which catalog to serve.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum CatalogSpec {
    /// The six hand-written sample products.
    #[default]
    Sample,
    /// A generated catalog (see [`generator`]).
    Generated {
        /// How many products.
        products: u64,
        /// Which catalog of that size.
        seed: u64,
    },
}

/// Which products a search selects.
pub enum Selection {
    /// All.
    All,
    /// `last_modified` within the bounds (inclusive).
    ModifiedBetween(String, String),
    /// These ids.
    Ids(Vec<String>),
}

enum Base {
    Docs(Vec<Value>),
    Generated { n: u64, seed: u64 },
}

/// The served catalog.
pub struct Catalog {
    base: Base,
    changed: BTreeMap<String, Value>,
    removed: HashSet<String>,
}

impl Catalog {
    /// The catalog for a spec.
    pub fn new(spec: &CatalogSpec) -> Self {
        let base = match spec {
            // In id order, as the connector's searches sort them (`sorts: id asc`); generated ids
            // are in that order already.
            CatalogSpec::Sample => {
                let mut docs = super::sample_catalog();
                docs.sort_by(|a, b| a["id"].as_str().cmp(&b["id"].as_str()));
                Base::Docs(docs)
            }
            CatalogSpec::Generated { products, seed } => Base::Generated {
                n: *products,
                seed: *seed,
            },
        };
        Self {
            base,
            changed: BTreeMap::new(),
            removed: HashSet::new(),
        }
    }

    fn base_len(&self) -> u64 {
        match &self.base {
            Base::Docs(d) => d.len() as u64,
            Base::Generated { n, .. } => *n,
        }
    }

    fn id_at(&self, i: u64) -> String {
        match &self.base {
            Base::Docs(d) => d[i as usize]["id"].as_str().unwrap_or_default().to_string(),
            Base::Generated { .. } => generator::id(i),
        }
    }

    fn doc_at(&self, i: u64) -> Value {
        let id = self.id_at(i);
        if let Some(doc) = self.changed.get(&id) {
            return doc.clone();
        }
        match &self.base {
            Base::Docs(d) => d[i as usize].clone(),
            Base::Generated { seed, .. } => generator::product(i, *seed),
        }
    }

    fn index_of(&self, id: &str) -> Option<u64> {
        match &self.base {
            Base::Docs(d) => d.iter().position(|p| p["id"] == id).map(|i| i as u64),
            Base::Generated { n, .. } => generator::index_of(id).filter(|i| i < n),
        }
    }

    /// The index of the `n`-th product not removed (from 0), found from the removed ones alone:
    /// a page deep into a catalog of a million costs no more than the first.
    fn nth_live(&self, n: u64) -> u64 {
        let mut gone: Vec<u64> = self
            .removed
            .iter()
            .filter_map(|id| self.index_of(id))
            .collect();
        gone.sort_unstable();
        let mut index = n;
        for g in gone {
            if g > index {
                break;
            }
            index += 1;
        }
        index
    }

    /// The index of the first product whose id sorts after `after` (ids are in order).
    fn first_after(&self, after: &str) -> u64 {
        let (mut lo, mut hi) = (0, self.base_len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if self.id_at(mid).as_str() <= after {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        lo
    }

    /// One page of the selection, and the selection's size.
    pub fn search(&self, selection: &Selection, start: u64, count: u64) -> (u64, Vec<Value>) {
        self.search_after(selection, None, start, count)
    }

    /// One page of the selection narrowed to ids after `after` (a range filter on `id` with
    /// `from_inclusive: false`), in id order, and the narrowed selection's size.
    pub fn search_after(
        &self,
        selection: &Selection,
        after: Option<&str>,
        start: u64,
        count: u64,
    ) -> (u64, Vec<Value>) {
        let live = |i: &u64| !self.removed.contains(&self.id_at(*i));
        let first = after.map_or(0, |a| self.first_after(a));
        let is_after =
            |doc: &Value| after.is_none_or(|a| doc["id"].as_str().is_some_and(|id| id > a));
        match selection {
            Selection::All => {
                let gone_before = self
                    .removed
                    .iter()
                    .filter_map(|id| self.index_of(id))
                    .filter(|i| *i < first)
                    .count() as u64;
                let live_before = first - gone_before;
                let total = self.base_len() - self.removed.len() as u64 - live_before;
                let hits = (self.nth_live(live_before + start)..self.base_len())
                    .filter(live)
                    .take(count as usize)
                    .map(|i| self.doc_at(i))
                    .collect();
                (total, hits)
            }
            Selection::Ids(ids) => {
                let mut indices: Vec<u64> = ids
                    .iter()
                    .filter_map(|id| self.index_of(id))
                    .filter(live)
                    .filter(|i| *i >= first)
                    .collect();
                indices.sort_unstable();
                indices.dedup();
                let hits = indices
                    .iter()
                    .skip(start as usize)
                    .take(count as usize)
                    .map(|i| self.doc_at(*i))
                    .collect();
                (indices.len() as u64, hits)
            }
            Selection::ModifiedBetween(from, to) => {
                let within = |doc: &Value| {
                    doc["last_modified"]
                        .as_str()
                        .is_some_and(|m| from.as_str() <= m && m <= to.as_str())
                };
                // Generated documents all predate GENERATED_BEFORE: a later window holds changes only.
                let only_changes = matches!(self.base, Base::Generated { .. })
                    && from.as_str() >= GENERATED_BEFORE;
                let docs: Vec<Value> = if only_changes {
                    self.changed
                        .iter()
                        .filter(|(id, _)| !self.removed.contains(*id))
                        .map(|(_, d)| d.clone())
                        .filter(within)
                        .filter(is_after)
                        .collect()
                } else {
                    (first..self.base_len())
                        .filter(live)
                        .map(|i| self.doc_at(i))
                        .filter(within)
                        .collect()
                };
                let total = docs.len() as u64;
                (
                    total,
                    docs.into_iter()
                        .skip(start as usize)
                        .take(count as usize)
                        .collect(),
                )
            }
        }
    }

    /// Merges `changes` into a product. A change to the product's own attributes stamps
    /// `last_modified` with the real time; prices and stock (price book entries and inventory
    /// records in SFCC) do not.
    pub fn change(&mut self, id: &str, changes: Map<String, Value>) -> Option<Value> {
        let i = self.index_of(id).filter(|_| !self.removed.contains(id))?;
        let mut doc = self.doc_at(i);
        let obj = doc.as_object_mut()?;
        let touches_product = changes
            .keys()
            .any(|k| !super::views::NOT_THE_PRODUCTS_OWN.contains(&k.as_str()));
        obj.extend(changes);
        if touches_product {
            obj.insert("last_modified".into(), Value::String(now_iso8601()));
        }
        self.changed.insert(id.to_string(), doc.clone());
        Some(doc)
    }

    /// Removes a product; false when there is none.
    pub fn remove(&mut self, id: &str) -> bool {
        self.index_of(id).is_some() && self.removed.insert(id.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(page: &[Value]) -> Vec<String> {
        page.iter()
            .map(|d| d["id"].as_str().unwrap_or_default().to_string())
            .collect()
    }

    #[test]
    fn pages_of_all_skip_removed_products_without_losing_or_repeating_one() {
        let mut catalog = Catalog::new(&CatalogSpec::Generated {
            products: 10,
            seed: 1,
        });
        for id in ["P0000000", "P0000002", "P0000003", "P0000009"] {
            assert!(catalog.remove(id));
        }
        let mut seen = Vec::new();
        for start in (0..6).step_by(4) {
            let (total, page) = catalog.search(&Selection::All, start, 4);
            assert_eq!(total, 6);
            seen.extend(ids(&page));
        }
        let expected: Vec<String> = [1, 4, 5, 6, 7, 8]
            .iter()
            .map(|i| generator::id(*i))
            .collect();
        assert_eq!(seen, expected);
        assert_eq!(catalog.search(&Selection::All, 6, 4).1, Vec::<Value>::new());
    }
}
