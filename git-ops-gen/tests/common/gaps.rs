//! Stores exercising what the reference's generator cannot do (spec §13
//! item 23), all in module `gaps`, several stores sharing types:
//!
//! - `keyless`: a root without keys, a nested typed list, a keyless embedded
//!   object, a negative and a float range;
//! - `sites`: `Address` of module `gaps::shared` reached from two relations of
//!   `gaps::sites::Site` (cross-module helpers) and from `Zoo` (another
//!   store), `Contact` of `gaps::shared` reached once (its index, in the
//!   shared module, uses a relation declared in `gaps::sites`);
//! - `zoo`: a union targeted by two relations;
//! - `fleet`: a list of `Site`, the root of store `sites`, so `Site` is both a
//!   root and an embedded type.

use serde_json::{Value, json};

use git_ops_runtime::schema::{Cardinality, StoreSchema, ValueType};

use super::support::{
    EntityExt, FieldExt, embedded, optional, relation, root, store, union, value,
};

const STRING_LIST: fn() -> ValueType = || ValueType::List {
    items: Some(Box::new(ValueType::String)),
};

/// Store `keyless`.
pub fn keyless() -> StoreSchema {
    let m = "gaps::keyless::";
    store(
        "keyless",
        &format!("{m}Note"),
        vec![
            root(
                &format!("{m}Note"),
                &[],
                vec![
                    value("body", ValueType::String).doc("The text of the note."),
                    value(
                        "grid",
                        ValueType::List {
                            items: Some(Box::new(STRING_LIST())),
                        },
                    )
                    .default(json!([]))
                    .doc("Rows of cells: a list of lists of strings."),
                    optional("tags", STRING_LIST()),
                    value(
                        "level",
                        ValueType::Int {
                            min: Some(-128),
                            max: Some(127),
                        },
                    )
                    .default(json!(0)),
                    optional(
                        "ratio",
                        ValueType::Float {
                            min: Some(0.5),
                            max: Some(1.0),
                        },
                    ),
                    relation("footer", &format!("{m}Footer"), Cardinality::Optional)
                        .default(Value::Null),
                ],
            )
            .doc("A note, identified by its slice name only."),
            embedded(
                &format!("{m}Footer"),
                &[],
                vec![value("text", ValueType::String)],
            )
            .doc("A footer without keys: one per note."),
        ],
    )
}

fn address() -> git_ops_runtime::schema::EntitySchema {
    embedded(
        "gaps::shared::Address",
        &[],
        vec![
            value("label", ValueType::String),
            value("street", ValueType::String),
        ],
    )
    .keys(&["label"])
    .doc("A postal address.")
}

/// Store `sites`.
pub fn sites() -> StoreSchema {
    store("sites", "gaps::sites::Site", sites_entities())
}

fn sites_entities() -> Vec<git_ops_runtime::schema::EntitySchema> {
    vec![
        address(),
        embedded(
            "gaps::shared::Contact",
            &[],
            vec![value("email", ValueType::String)],
        )
        .keys(&["email"]),
        root(
            "gaps::sites::Site",
            &[],
            vec![
                value("name", ValueType::String),
                relation("primary", "gaps::shared::Address", Cardinality::One)
                    .doc("Where the mail goes."),
                relation("others", "gaps::shared::Address", Cardinality::Many).default(json!([])),
                relation("contact", "gaps::shared::Contact", Cardinality::Optional)
                    .default(Value::Null),
            ],
        )
        .keys(&["name"])
        .doc("A site of the company."),
    ]
}

/// Store `zoo`.
pub fn zoo() -> StoreSchema {
    let m = "gaps::zoo::";
    store(
        "zoo",
        &format!("{m}Zoo"),
        vec![
            address(),
            embedded(
                &format!("{m}Cat"),
                &[],
                vec![
                    value("name", ValueType::String),
                    value("lives", ValueType::INT).default(json!(9)),
                ],
            )
            .keys(&["name"]),
            embedded(
                &format!("{m}Dog"),
                &[],
                vec![value("name", ValueType::String)],
            )
            .keys(&["name"]),
            union(
                &format!("{m}Animal"),
                "species",
                &[("cat", &format!("{m}Cat")), ("dog", &format!("{m}Dog"))],
            ),
            root(
                &format!("{m}Zoo"),
                &[],
                vec![
                    value("city", ValueType::String),
                    relation("address", "gaps::shared::Address", Cardinality::One),
                    relation("pens", &format!("{m}Animal"), Cardinality::Many)
                        .default(json!([]))
                        .doc("The animals on show."),
                    relation("quarantine", &format!("{m}Animal"), Cardinality::Many)
                        .default(json!([])),
                ],
            )
            .keys(&["city"]),
        ],
    )
}

/// Store `fleet`.
pub fn fleet() -> StoreSchema {
    let mut entities = sites_entities();
    entities.push(
        root(
            "gaps::fleet::Fleet",
            &[],
            vec![
                value("owner", ValueType::String),
                relation("sites", "gaps::sites::Site", Cardinality::Many).default(json!([])),
            ],
        )
        .keys(&["owner"]),
    );
    store("fleet", "gaps::fleet::Fleet", entities)
}

/// Every store of module `gaps`.
pub fn all() -> Vec<StoreSchema> {
    vec![keyless(), sites(), zoo(), fleet()]
}
