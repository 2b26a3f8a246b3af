use super::validate::{FieldProblem, RecordError};
use crate::clerk::ClerkCategory;
use crate::sfcc::Category;
use crate::store::StoreConfig;

/// Maps a catalog's categories for one store: localized names, direct subcategories, and the URL
/// from the store's category URL template. The `root` category and offline categories are left
/// out; a category without a name in the store's locale is reported. Clerk requires a URL of
/// every category (docs.clerk.io, Category resource: `url` "Required"), so a store without a
/// category URL template sends none, and is reported once.
pub fn map_categories(
    categories: &[Category],
    store: &StoreConfig,
) -> (Vec<ClerkCategory>, Vec<RecordError>) {
    if store.category_url_template.is_none() {
        let problem = FieldProblem::new(
            "url",
            format!(
                "Clerk requires a url for every category: set category_url_template for store {}",
                store.name
            ),
        );
        let every = RecordError {
            product_id: "(every category)".into(),
            problems: vec![problem],
        };
        return (Vec::new(), vec![every]);
    }
    let shown = |c: &Category| c.id != "root" && c.online != Some(false);
    let mut out = Vec::new();
    let mut rejected = Vec::new();
    for c in categories.iter().filter(|c| shown(c)) {
        let Some(name) = c.name.get(&store.locale) else {
            rejected.push(RecordError {
                product_id: c.id.clone(),
                problems: vec![FieldProblem::new(
                    "name",
                    format!("no name for {}", store.locale),
                )],
            });
            continue;
        };
        let subcategories = categories
            .iter()
            .filter(|child| {
                shown(child) && child.parent_category_id.as_deref() == Some(c.id.as_str())
            })
            .map(|child| child.id.clone())
            .collect();
        out.push(ClerkCategory {
            id: c.id.clone(),
            name: name.to_string(),
            url: store.category_url(&c.id).unwrap_or_default(),
            subcategories,
        });
    }
    (out, rejected)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn maps_the_tree_for_the_store_locale() {
        let cats: Vec<Category> = serde_json::from_value(json!([
            {"id": "root", "name": {"default": "Storefront"}},
            {"id": "mens", "name": {"default": "Men", "de": "Herren"}, "parent_category_id": "root"},
            {"id": "mens-shirts", "name": {"default": "Shirts", "de": "Hemden"}, "parent_category_id": "mens"},
            {"id": "mens-old", "name": {"default": "Old"}, "parent_category_id": "mens", "online": false},
            {"id": "nameless", "name": {}, "parent_category_id": "root"}
        ]))
        .unwrap();
        let mut store: StoreConfig = serde_json::from_value(json!({
            "name": "de", "site_id": "S", "locale": "de-DE", "currency": "EUR", "clerk_public_key": "k",
            "product_url_template": "https://shop.example/{locale}/p/{id}",
            "category_url_template": "https://shop.example/{locale}/c/{id}"
        }))
        .unwrap();
        let (mapped, rejected) = map_categories(&cats, &store);
        assert_eq!(
            serde_json::to_value(&mapped).unwrap(),
            json!([
                {"id": "mens", "name": "Herren", "url": "https://shop.example/de-DE/c/mens", "subcategories": ["mens-shirts"]},
                {"id": "mens-shirts", "name": "Hemden", "url": "https://shop.example/de-DE/c/mens-shirts", "subcategories": []}
            ])
        );
        assert_eq!(rejected[0].product_id, "nameless");
        store.category_url_template = None;
        let (none, why) = map_categories(&cats, &store);
        assert!(none.is_empty(), "Clerk requires a category url");
        assert!(
            why[0].problems[0].reason.contains("category_url_template"),
            "{why:?}"
        );
    }
}
