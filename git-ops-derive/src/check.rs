//! Validation of the IR: every rule that relates several attributes, fields
//! or variants, one function per rule, each reporting with the span of the
//! token at fault.
//!
//! What can only be known from the types (is this field a relation? does the
//! inherited key exist?) is checked at compile time by `const` items the
//! emitter writes (see `emit.rs`); what can only be seen across the whole
//! store graph is checked by `StoreSchema::build` at run time.

use std::collections::BTreeMap;

use proc_macro2::Span;

use crate::attr::{Number, Processor, Spanned};
use crate::ctxt::Ctxt;
use crate::ir::{Container, Data, Derive, EnumKind, Field, Keys, Style};
use crate::symbol::{RESERVED_FIELDS, SOURCE_SCHEMES};

/// Runs every check.
pub fn check(cx: &Ctxt, c: &Container) {
    check_generics(cx, c);
    check_target(cx, c);
    match &c.data {
        Data::Struct(_) => {
            check_store(cx, c);
            check_flatten_and_bases(cx, c);
            check_skipped(cx, c);
            check_field_options(cx, c);
            check_wire_names(cx, c);
            check_keys(cx, c);
        }
        Data::Enum(_) => match c.enum_kind() {
            Some(EnumKind::Union) => check_union(cx, c),
            Some(EnumKind::StringEnum) | None => check_string_enum(cx, c),
        },
    }
}

fn check_generics(cx: &Ctxt, c: &Container) {
    if !c.generics.params.is_empty() || c.generics.where_clause.is_some() {
        cx.error_spanned_by(
            c.generics,
            "slice types cannot be generic: each slice type is one entity of the model, with one schema; declare one struct per variant of the type",
        );
    }
}

fn check_target(cx: &Ctxt, c: &Container) {
    let is_enum = matches!(c.data, Data::Enum(_));
    if is_enum {
        if c.derive == Derive::Slice {
            cx.error_at(
                c.keyword_span,
                "the root of a store must be a struct: derive `Slice` on a struct, and `SliceObject` on this enum",
            );
        }
        for (option, span) in [
            ("store", c.attrs.store.as_ref().map(|s| s.span)),
            ("source", c.attrs.source.as_ref().map(|s| s.span)),
        ] {
            if let Some(span) = span {
                cx.error_at(
                    span,
                    format!("`{option}` applies to the root struct of a store (`#[derive(Slice)]`), not to an enum"),
                );
            }
        }
        if let Some(keys) = &c.attrs.keys {
            cx.error_at(
                keys.span,
                "`keys` applies to structs: the members of a union declare their own keys",
            );
        }
        return;
    }
    match c.derive {
        Derive::Slice => {
            if c.attrs.store.is_none() {
                cx.error_at(
                    c.ident.span(),
                    "`#[derive(Slice)]` needs the name of its store: add `#[slice(store = \"...\")]` to the struct",
                );
            }
        }
        Derive::SliceObject => {
            for (option, span) in [
                ("store", c.attrs.store.as_ref().map(|s| s.span)),
                ("source", c.attrs.source.as_ref().map(|s| s.span)),
            ] {
                if let Some(span) = span {
                    cx.error_at(
                        span,
                        format!("`{option}` belongs to the root of a store: derive `Slice` instead of `SliceObject` to make this struct the root of a store"),
                    );
                }
            }
        }
    }
}

/// Whether `name` can be a store name: a folder name. The same rule as
/// `git_ops_runtime::schema::store_name_problem`, which applies it to
/// stores from manifests (a test checks that they agree).
pub(crate) fn valid_store_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('.')
        && name
            .chars()
            .all(|ch| ch.is_ascii_alphanumeric() || matches!(ch, '_' | '-' | '.'))
}

fn check_store(cx: &Ctxt, c: &Container) {
    if let Some(store) = &c.attrs.store {
        let name = &store.value;
        if !valid_store_name(name) {
            cx.error_at(
                store.span,
                format!("invalid store name {name:?}: the store name is a folder name (`git_ops/active/<store>/`); use ASCII letters, digits, `_`, `-` and `.`, not starting with `.`"),
            );
        }
    }
    if let Some(source) = &c.attrs.source
        && !SOURCE_SCHEMES.iter().any(|s| source.value.starts_with(s))
    {
        cx.error_at(
            source.span,
            format!(
                "the source folder must be a location starting with {}, e.g. \"inmanta:///files/vlans/\" (relative to the project)",
                SOURCE_SCHEMES
                    .iter()
                    .map(|s| format!("`{s}`"))
                    .collect::<Vec<_>>()
                    .join(" or ")
            ),
        );
    }
}

fn check_flatten_and_bases(cx: &Ctxt, c: &Container) {
    let mut seen_own_field = false;
    for field in c.fields() {
        let attrs = &field.attrs;
        match (attrs.base, attrs.flatten) {
            (None, Some(flatten)) => cx.error_at(
                flatten,
                "`#[serde(flatten)]` is only supported on a base: mark the field `#[slice(base)]` to inherit the fields of a struct deriving `SliceObject` (a flattened map or other type cannot be described by the slice schema)",
            ),
            (Some(base), None) => cx.error_at(
                base,
                "a base must be flattened: add `#[serde(flatten)]` so that its fields sit next to this struct's own fields in slice files",
            ),
            _ => {}
        }
        if let Some(base) = attrs.base {
            if seen_own_field {
                cx.error_at(
                    base,
                    "declare the bases before the other fields: inherited fields come first in slice files, and serde writes fields in declaration order",
                );
            }
            for option in attrs.slice_options.iter().filter(|o| o.value != "base") {
                cx.error_at(
                    option.span,
                    format!(
                        "`{}` does not apply to a base field: put it on the fields of the base",
                        option.value
                    ),
                );
            }
            for (what, span) in [
                ("rename", attrs.rename.as_ref().map(|r| r.span)),
                ("default", attrs.default.as_ref().map(|d| d.span)),
                ("skip", attrs.skip),
                ("skip_serializing_if", attrs.skip_serializing_if),
            ] {
                if let Some(span) = span {
                    cx.error_at(
                        span,
                        format!("`#[serde({what})]` does not apply to a base field: a base contributes its own fields"),
                    );
                }
            }
        } else if attrs.skip.is_none() {
            seen_own_field = true;
        }
    }
}

fn check_skipped(cx: &Ctxt, c: &Container) {
    for field in c.fields() {
        if field.attrs.skip.is_some() && field.attrs.base.is_none() {
            for option in &field.attrs.slice_options {
                cx.error_at(
                    option.span,
                    format!(
                        "`{}` on a field serde skips: the field is not part of slice files, remove `#[serde(skip)]` or this option",
                        option.value
                    ),
                );
            }
        }
    }
}

fn check_field_options(cx: &Ctxt, c: &Container) {
    for field in c.own_fields() {
        let attrs = &field.attrs;
        if let (Some(model_only), Some(key)) = (attrs.model_only, attrs.key) {
            let _ = key;
            cx.error_at(
                model_only,
                "a key cannot be model-only: keys identify items in slice files, and model-only fields are never in slice files",
            );
        }
        if let (Some(_), Some(processor)) = (attrs.model_only, &attrs.processor) {
            cx.error_at(
                processor.span,
                "a processor on a model-only field: the processor's value is saved to the slice file, which never holds model-only fields; remove one of the two",
            );
        }
        if let Some(range) = &attrs.range
            && let (Some(min), Some(max)) = (&range.value.min, &range.value.max)
            && min.value.as_f64() > max.value.as_f64()
        {
            cx.error_at(range.span, "empty range: `min` is greater than `max`");
        }
        if let Some(Spanned {
            value: Processor::UniqueInteger { start, stop, .. },
            ..
        }) = &attrs.processor
        {
            if start.value >= stop.value {
                cx.error_at(
                    stop.span,
                    format!(
                        "empty range: `stop` ({}) is exclusive and must be greater than `start` ({})",
                        stop.value, start.value
                    ),
                );
            } else if let Some(range) = &attrs.range {
                check_unique_within_range(cx, start, stop, &range.value.min, &range.value.max);
            }
        }
        if RESERVED_FIELDS.contains(&field.wire_name.as_str()) {
            cx.error_at(
                wire_name_span(field),
                format!(
                    "`{}` is a name git-ops reserves for the views ({}); give the field another name on the wire with `#[serde(rename = \"...\")]`",
                    field.wire_name,
                    RESERVED_FIELDS.join(", ")
                ),
            );
        }
    }
}

fn check_unique_within_range(
    cx: &Ctxt,
    start: &Spanned<i64>,
    stop: &Spanned<i64>,
    min: &Option<Spanned<Number>>,
    max: &Option<Spanned<Number>>,
) {
    let below = min
        .as_ref()
        .is_some_and(|m| (start.value as f64) < m.value.as_f64());
    let above = max
        .as_ref()
        .is_some_and(|m| ((stop.value - 1) as f64) > m.value.as_f64());
    if below || above {
        cx.error_at(
            if below { start.span } else { stop.span },
            "the values `unique_integer` hands out (`start..stop`, stop excluded) must lie inside the field's `range`",
        );
    }
}

fn wire_name_span(field: &Field) -> Span {
    field
        .attrs
        .rename
        .as_ref()
        .map_or(field.ident.span(), |r| r.span)
}

fn check_wire_names(cx: &Ctxt, c: &Container) {
    let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
    for field in c.own_fields() {
        if let Some(other) = seen.insert(&field.wire_name, &field.rust_name) {
            cx.error_at(
                wire_name_span(field),
                format!(
                    "two fields are named `{}` on the wire (`{other}` and `{}`)",
                    field.wire_name, field.rust_name
                ),
            );
        }
    }
}

fn check_keys(cx: &Ctxt, c: &Container) {
    if c.attrs.keys.is_some() {
        for field in c.fields() {
            if let Some(key) = field.attrs.key {
                cx.error_at(
                    key,
                    "the keys are already listed in `#[slice(keys(...))]` on the struct: remove this `key`, or the list",
                );
            }
        }
    }
    let Keys::Declared(keys) = c.keys() else {
        return;
    };
    let has_bases = c.bases().next().is_some();
    let own: Vec<&Field> = c.own_fields().collect();
    let mut seen = Vec::new();
    for key in &keys {
        if seen.contains(&key.rust_name) {
            cx.error_at(key.span, format!("`{}` is listed twice", key.rust_name));
            continue;
        }
        seen.push(key.rust_name.clone());
        if let Some(index) = key.own {
            let field = own[index];
            if field.attrs.model_only.is_some() && c.attrs.keys.is_some() {
                cx.error_at(
                    key.span,
                    format!("`{}` is model-only and cannot be a key: keys identify items in slice files, and model-only fields are never in slice files", key.rust_name),
                );
            }
            continue;
        }
        if let Some(field) = c.fields().iter().find(|f| f.rust_name == key.rust_name) {
            if field.attrs.base.is_some() {
                cx.error_at(
                    key.span,
                    format!(
                        "`{}` is a base, not a value: name one of its fields instead",
                        key.rust_name
                    ),
                );
            } else {
                cx.error_at(
                    key.span,
                    format!(
                        "`{}` is skipped by serde, so it is not in slice files and cannot be a key",
                        key.rust_name
                    ),
                );
            }
            continue;
        }
        if has_bases {
            // Inherited, or unknown: checked at compile time through the
            // bases' field tables (see emit.rs).
            continue;
        }
        let hint = own
            .iter()
            .find(|f| f.wire_name == key.rust_name)
            .map(|f| {
                format!(
                    "; `{}` is the wire name of field `{}`, and keys name Rust fields",
                    key.rust_name, f.rust_name
                )
            })
            .unwrap_or_default();
        cx.error_at(
            key.span,
            format!("no field `{}` in `{}`{hint}", key.rust_name, c.name),
        );
    }
}

fn check_union(cx: &Ctxt, c: &Container) {
    let tag = c.attrs.tag.as_ref().expect("a union has a tag");
    if tag.value.is_empty() {
        cx.error_at(tag.span, "the tag of a union needs a name");
    } else if RESERVED_FIELDS.contains(&tag.value.as_str()) {
        cx.error_at(
            tag.span,
            format!(
                "`{}` is a name git-ops reserves for the views ({}); choose another tag",
                tag.value,
                RESERVED_FIELDS.join(", ")
            ),
        );
    }
    if c.live_variants().next().is_none() {
        cx.error_at(c.ident.span(), "a union needs at least one variant");
    }
    let mut values: BTreeMap<&str, &syn::Ident> = BTreeMap::new();
    for variant in c.live_variants() {
        let name = variant.ident;
        match variant.style {
            Style::Newtype(_) => {}
            Style::Unit => cx.error_at(
                name.span(),
                format!("a unit variant is not a slice object: every variant of a union holds one struct deriving `SliceObject`, e.g. `{name}({name})`"),
            ),
            // serde rejects tuple variants in an internally tagged enum.
            Style::Tuple => cx.defer_to_serde(),
            Style::Struct(span) => cx.error_at(
                span,
                format!("struct variants are not supported in a union: move the fields into a struct deriving `SliceObject` and hold it, e.g. `{name}({name})`"),
            ),
        }
        if let Some(first) = values.insert(&variant.value, name) {
            cx.error_at(
                name.span(),
                format!(
                    "`{first}` and `{name}` both use the tag value {:?}",
                    variant.value
                ),
            );
        }
    }
}

fn check_string_enum(cx: &Ctxt, c: &Container) {
    if c.live_variants().next().is_none() {
        cx.error_at(c.ident.span(), "a string enum needs at least one variant");
    }
    if let Some(variant) = c
        .live_variants()
        .find(|v| !matches!(v.style, Style::Unit))
        .filter(|_| !c.attrs.unsupported_representation)
    {
        cx.error_at(
            variant.ident.span(),
            "this enum holds data, so it must be a discriminated union: add `#[serde(tag = \"...\")]` to the enum (e.g. `tag = \"type\"`) and hold one struct deriving `SliceObject` per variant; an enum without a tag is a string enum, with unit variants only",
        );
    }
    let mut values: BTreeMap<&str, &syn::Ident> = BTreeMap::new();
    for variant in c.live_variants() {
        if let Some(first) = values.insert(&variant.value, variant.ident) {
            cx.error_at(
                variant.ident.span(),
                format!(
                    "`{first}` and `{}` are both written as {:?}",
                    variant.ident, variant.value
                ),
            );
        }
    }
}
