//! The typed IR of one derive input: the item, its fields or variants, each
//! with its parsed attributes and its wire name.
//!
//! Built from the syn AST by [`Container::from_ast`], validated by
//! `check.rs`, read by `emit.rs`. The accessors here ([`Container::bases`],
//! [`Container::keys`], ...) are the only interpretation of the attributes, so
//! the checks and the code generation cannot disagree on what they mean.

use proc_macro2::Span;
use syn::ext::IdentExt;
use syn::spanned::Spanned as _;
use syn::{Data as SynData, DeriveInput, Fields, Generics, Ident, Type};

use crate::attr::{self, ContainerKind};
use crate::ctxt::Ctxt;
use crate::symbol::SLICE;

/// Which derive is expanding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Derive {
    /// `#[derive(Slice)]`: the root of a store.
    Slice,
    /// `#[derive(SliceObject)]`: an embedded object, a union or a string enum.
    SliceObject,
}

/// The derive input.
pub struct Container<'a> {
    /// The type's identifier.
    pub ident: &'a Ident,
    /// The type's name (raw prefix removed): the entity name.
    pub name: String,
    /// Which derive.
    pub derive: Derive,
    /// The generics (must be empty).
    pub generics: &'a Generics,
    /// Parsed attributes.
    pub attrs: attr::Container,
    /// Fields or variants.
    pub data: Data<'a>,
    /// The `struct` / `enum` keyword.
    pub keyword_span: Span,
}

/// Fields or variants.
pub enum Data<'a> {
    /// A struct with named fields.
    Struct(Vec<Field<'a>>),
    /// An enum.
    Enum(Vec<Variant<'a>>),
}

/// A named struct field.
pub struct Field<'a> {
    /// The field's identifier.
    pub ident: &'a Ident,
    /// Rust name (raw prefix removed).
    pub rust_name: String,
    /// Name on the wire (serde `rename`, else `rename_all`, else the Rust name).
    pub wire_name: String,
    /// Declared type.
    pub ty: &'a Type,
    /// Parsed attributes.
    pub attrs: attr::Field,
}

/// An enum variant.
pub struct Variant<'a> {
    /// The variant's identifier.
    pub ident: &'a Ident,
    /// Value on the wire (serde `rename`, else `rename_all`, else the name).
    pub value: String,
    /// What the variant holds.
    pub style: Style<'a>,
    /// Parsed attributes.
    pub attrs: attr::Variant,
}

/// What a variant holds.
pub enum Style<'a> {
    /// Nothing.
    Unit,
    /// One unnamed value.
    Newtype(&'a Type),
    /// Several unnamed values.
    Tuple,
    /// Named fields.
    Struct(Span),
}

/// What an enum is, by its serde representation.
pub enum EnumKind {
    /// Internally tagged: a discriminated union.
    Union,
    /// Externally tagged (no `tag`): a string enum when every variant is a
    /// unit variant.
    StringEnum,
}

/// The keys an entity declares.
pub enum Keys {
    /// None declared: inherit.
    Inherit,
    /// Declared, in order.
    Declared(Vec<KeyRef>),
}

/// One declared key.
pub struct KeyRef {
    /// The Rust field name it names.
    pub rust_name: String,
    /// The token to blame: `key` on the field, or the name in `keys(...)`.
    pub span: Span,
    /// Index of the own field it names, if any (else inherited, or unknown).
    pub own: Option<usize>,
}

impl<'a> Container<'a> {
    /// Builds the IR; `None` (with an error reported) for inputs that are not
    /// slice types at all.
    pub fn from_ast(cx: &Ctxt, input: &'a DeriveInput, derive: Derive) -> Option<Self> {
        let (attrs, data, keyword_span) = match &input.data {
            SynData::Struct(data) => {
                let attrs = attr::container(cx, &input.attrs, ContainerKind::Struct);
                let fields = struct_fields(cx, input, &data.fields)?;
                (attrs, Data::Struct(fields), data.struct_token.span)
            }
            SynData::Enum(data) => {
                let attrs = attr::container(cx, &input.attrs, ContainerKind::Enum);
                let variants = data.variants.iter().map(|v| variant(cx, v)).collect();
                (attrs, Data::Enum(variants), data.enum_token.span)
            }
            SynData::Union(data) => {
                cx.error_at(
                    data.union_token.span,
                    "a Rust `union` cannot be a slice type: use a struct, or an enum with `#[serde(tag = \"...\")]` for a discriminated union",
                );
                return None;
            }
        };
        let mut container = Container {
            ident: &input.ident,
            name: input.ident.unraw().to_string(),
            derive,
            generics: &input.generics,
            attrs,
            data,
            keyword_span,
        };
        container.apply_rename_all();
        Some(container)
    }

    fn apply_rename_all(&mut self) {
        let rule = self.attrs.rename_all;
        match &mut self.data {
            Data::Struct(fields) => {
                for field in fields {
                    if let (None, Some(rule)) = (&field.attrs.rename, rule) {
                        field.wire_name = rule.apply_to_field(&field.rust_name);
                    }
                }
            }
            Data::Enum(variants) => {
                for variant in variants {
                    let name = variant.ident.unraw().to_string();
                    variant.value = match (&variant.attrs.rename, rule) {
                        (Some(rename), _) => rename.value.clone(),
                        (None, Some(rule)) => rule.apply_to_variant(&name),
                        (None, None) => name,
                    };
                }
            }
        }
    }

    /// The fields, for a struct.
    pub fn fields(&self) -> &[Field<'a>] {
        match &self.data {
            Data::Struct(fields) => fields,
            Data::Enum(_) => &[],
        }
    }

    /// The variants, for an enum.
    pub fn variants(&self) -> &[Variant<'a>] {
        match &self.data {
            Data::Struct(_) => &[],
            Data::Enum(variants) => variants,
        }
    }

    /// The variants serde does not skip.
    pub fn live_variants(&self) -> impl Iterator<Item = &Variant<'a>> {
        self.variants().iter().filter(|v| v.attrs.skip.is_none())
    }

    /// For an enum, which kind.
    pub fn enum_kind(&self) -> Option<EnumKind> {
        match self.data {
            Data::Struct(_) => None,
            Data::Enum(_) if self.attrs.tag.is_some() => Some(EnumKind::Union),
            Data::Enum(_) => Some(EnumKind::StringEnum),
        }
    }

    /// The base fields (`#[slice(base)]`), in declaration order.
    pub fn bases(&self) -> impl Iterator<Item = &Field<'a>> {
        self.fields().iter().filter(|f| f.attrs.base.is_some())
    }

    /// The fields that are part of this entity: neither bases nor skipped.
    pub fn own_fields(&self) -> impl Iterator<Item = &Field<'a>> {
        self.fields()
            .iter()
            .filter(|f| f.attrs.base.is_none() && f.attrs.skip.is_none())
    }

    /// The declared keys: `keys(...)` if given, else the fields marked
    /// `key`, else inherit.
    pub fn keys(&self) -> Keys {
        let own_index = |name: &str| self.own_fields().position(|f| f.rust_name == name);
        if let Some(keys) = &self.attrs.keys {
            return Keys::Declared(
                keys.value
                    .iter()
                    .map(|ident| {
                        let rust_name = ident.unraw().to_string();
                        KeyRef {
                            own: own_index(&rust_name),
                            rust_name,
                            span: ident.span(),
                        }
                    })
                    .collect(),
            );
        }
        let marked: Vec<KeyRef> = self
            .own_fields()
            .enumerate()
            .filter_map(|(i, f)| {
                f.attrs.key.map(|span| KeyRef {
                    rust_name: f.rust_name.clone(),
                    span,
                    own: Some(i),
                })
            })
            .collect();
        if marked.is_empty() {
            Keys::Inherit
        } else {
            Keys::Declared(marked)
        }
    }
}

/// The fields of a struct with named fields; `None` (reported) otherwise.
fn struct_fields<'a>(
    cx: &Ctxt,
    input: &'a DeriveInput,
    fields: &'a Fields,
) -> Option<Vec<Field<'a>>> {
    let Fields::Named(named) = fields else {
        let span = match fields {
            Fields::Unit => input.ident.span(),
            _ => fields.span(),
        };
        cx.error_at(
            span,
            "a slice object is a struct with named fields: its fields are the keys of a slice document",
        );
        return None;
    };
    let fields = named
        .named
        .iter()
        .map(|f| {
            let ident = f.ident.as_ref().expect("named field");
            let attrs = attr::field(cx, &f.attrs);
            let rust_name = ident.unraw().to_string();
            // `rename_all` is applied once the container is built.
            let wire_name = match &attrs.rename {
                Some(rename) => rename.value.clone(),
                None => rust_name.clone(),
            };
            Field {
                ident,
                rust_name,
                wire_name,
                ty: &f.ty,
                attrs,
            }
        })
        .collect();
    Some(fields)
}

/// One enum variant; its wire value is set by `apply_rename_all`.
fn variant<'a>(cx: &Ctxt, v: &'a syn::Variant) -> Variant<'a> {
    let style = match &v.fields {
        Fields::Unit => Style::Unit,
        Fields::Unnamed(u) if u.unnamed.len() == 1 => Style::Newtype(&u.unnamed[0].ty),
        Fields::Unnamed(_) => Style::Tuple,
        Fields::Named(n) => Style::Struct(n.span()),
    };
    for attr in v.fields.iter().flat_map(|f| &f.attrs) {
        if attr.path() == &SLICE {
            cx.error_spanned_by(
                attr,
                "`#[slice(...)]` has no options for the value a variant holds; put them on the fields of that struct",
            );
        }
    }
    Variant {
        ident: &v.ident,
        value: String::new(),
        style,
        attrs: attr::variant(cx, &v.attrs),
    }
}
