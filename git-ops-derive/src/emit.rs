//! Code generation from a validated IR.
//!
//! For a struct: `SliceObject` (its entity schema), `SliceField` (a relation
//! to it), the hidden `SliceStruct` (its field table, for subtypes' key
//! checks), `Slice` for a root, and the compile-time checks. For a union:
//! `SliceObject` and `SliceField`. For a string enum: `SliceField`.
//!
//! Compile-time checks are `const _: () = ...;` items that panic with a message
//! written here, spanned at the token at fault, so the error points at it.
//! Every mention of a field type is written `<Ty as Trait>` with the type's
//! own tokens, so that an unsupported type yields one error (rustc merges
//! identical diagnostics), not one per mention.
//!
//! Everything is wrapped in `const _: () = { ... };`, as serde does.

use proc_macro2::{Delimiter, Group, Literal, Span, TokenStream};
use quote::{ToTokens as _, quote, quote_spanned};
use syn::Type;
use syn::spanned::Spanned as _;

use crate::attr::{DefaultSource, Number, Processor, RangeAttr, Scope, SimpleLit};
use crate::ir::{Container, Derive, EnumKind, Field, Keys, Style};

/// The runtime crate, as seen from the user's crate.
fn rt() -> TokenStream {
    quote!(::git_ops_runtime)
}

/// The derive's support module in the runtime.
fn private() -> TokenStream {
    quote!(::git_ops_runtime::__private)
}

/// Wraps generated items.
pub fn wrap(items: TokenStream) -> TokenStream {
    quote! {
        #[doc(hidden)]
        #[allow(non_upper_case_globals, unused_qualifications, clippy::all)]
        const _: () = {
            #items
        };
    }
}

/// Expands a validated container.
pub fn expand(c: &Container) -> TokenStream {
    let items = match c.enum_kind() {
        None => expand_struct(c),
        Some(EnumKind::Union) => expand_union(c),
        Some(EnumKind::StringEnum) => expand_string_enum(c),
    };
    wrap(items)
}

fn entity_id(c: &Container) -> TokenStream {
    let rt = rt();
    let name = &c.name;
    quote!(#rt::schema::EntityId::new(::core::module_path!(), #name))
}

fn doc(docs: &[syn::Expr]) -> TokenStream {
    let p = private();
    quote!(#p::doc(&[#(#docs),*]))
}

/// The tokens an error points at: one token, or the whole of a type.
#[derive(Clone, Copy)]
struct Blame {
    first: Span,
    last: Span,
}

impl Blame {
    fn token(span: Span) -> Self {
        Blame {
            first: span,
            last: span,
        }
    }

    /// From the first to the last token of `ty` (`Span::join` is not
    /// available on stable, so the range is made by rustc from the spans of
    /// the first and the last token of the `panic!` invocation, as syn does
    /// for `compile_error!`).
    fn of_type(ty: &Type) -> Self {
        let mut tokens = ty.to_token_stream().into_iter();
        let first = tokens.next().map_or_else(|| ty.span(), |t| t.span());
        let last = tokens.last().map_or(first, |t| t.span());
        Blame { first, last }
    }
}

/// `panic!` with a fixed message, blaming `blame`: a compile error in a
/// `const`.
fn fail(blame: Blame, message: &str) -> TokenStream {
    fail_with(blame, quote!("{}", #message))
}

/// `panic!(#args)`, blaming `blame`.
fn fail_with(blame: Blame, args: TokenStream) -> TokenStream {
    let path = quote_spanned!(blame.first=> ::core::panic!);
    let mut args = Group::new(Delimiter::Parenthesis, args);
    args.set_span(blame.last);
    quote!(#path #args)
}

// ---------------------------------------------------------------------------
// structs

fn expand_struct(c: &Container) -> TokenStream {
    let rt = rt();
    let p = private();
    let ident = c.ident;
    let id = entity_id(c);
    let kind = match c.derive {
        Derive::Slice => quote!(#rt::schema::EntityKind::Root),
        Derive::SliceObject => quote!(#rt::schema::EntityKind::Embedded),
    };
    let description = doc(&c.attrs.docs);
    let base_types: Vec<&Type> = c.bases().map(|f| f.ty).collect();
    let own: Vec<&Field> = c.own_fields().collect();

    let container_default = container_default(c, &own);
    let fields = own.iter().map(|f| field_expr(c, f));
    let keys = keys_expr(c);

    let slice_impl = match c.derive {
        Derive::Slice => {
            let store = &c.attrs.store.as_ref().expect("checked").value;
            let source = c
                .attrs
                .source
                .as_ref()
                .map_or_else(|| format!("inmanta:///files/{store}/"), |s| s.value.clone());
            quote! {
                #[automatically_derived]
                impl #rt::Slice for #ident {
                    const STORE: &'static str = #store;
                    const SOURCE: &'static str = #source;
                }
            }
        }
        Derive::SliceObject => TokenStream::new(),
    };

    let table = field_table(c, &base_types, &own);
    let checks = struct_checks(c, &own);

    quote! {
        #[automatically_derived]
        impl #rt::SliceObject for #ident {
            fn entity_id() -> #rt::schema::EntityId {
                #id
            }

            fn entity_schema(
                __registry: &mut #rt::schema::SchemaRegistry,
            ) -> #rt::schema::EntitySchema {
                #container_default
                let __bases = ::std::vec![
                    #(<#base_types as #p::SliceStruct>::register(__registry)),*
                ];
                let __fields = ::std::vec![#(#fields),*];
                #p::entity(
                    <Self as #rt::SliceObject>::entity_id(),
                    #kind,
                    #description,
                    __bases,
                    __fields,
                    #keys,
                )
            }
        }

        #[automatically_derived]
        impl #rt::SliceField for #ident {
            const SHAPE: #rt::schema::Shape = #rt::schema::Shape::Object;

            fn field_kind(
                __registry: &mut #rt::schema::SchemaRegistry,
            ) -> #rt::schema::FieldKind {
                #p::relation::<Self>(__registry)
            }
        }

        #table
        #slice_impl
        #checks
    }
}

/// `let __container_default = ...;` when a field takes its default from the
/// container's `#[serde(default)]`.
fn container_default(c: &Container, own: &[&Field]) -> TokenStream {
    let Some(default) = &c.attrs.default else {
        return TokenStream::new();
    };
    if own.iter().all(|f| f.attrs.default.is_some()) {
        return TokenStream::new();
    }
    let value = match &default.value {
        DefaultSource::Trait => {
            quote_spanned!(default.span=> <Self as ::core::default::Default>::default())
        }
        DefaultSource::Path(path) => quote!(#path()),
    };
    quote!(let __container_default: Self = #value;)
}

fn field_expr(c: &Container, f: &Field) -> TokenStream {
    let rt = rt();
    let p = private();
    let ty = f.ty;
    let wire = &f.wire_name;
    let mut out = quote! {
        #p::field(
            #wire,
            <#ty as #rt::SliceField>::SHAPE,
            <#ty as #rt::SliceField>::field_kind(__registry),
        )
    };
    if f.rust_name != f.wire_name {
        let rust = &f.rust_name;
        out.extend(quote!(.rust_name(#rust)));
    }
    if !f.attrs.docs.is_empty() {
        let description = doc(&f.attrs.docs);
        out.extend(quote!(.description(#description)));
    }
    match (&f.attrs.default, &c.attrs.default) {
        (Some(default), _) => {
            let value = match &default.value {
                DefaultSource::Trait => {
                    quote_spanned!(default.span=> <#ty as ::core::default::Default>::default())
                }
                DefaultSource::Path(path) => quote!(#path()),
            };
            out.extend(quote!(.default(#p::default_value(#wire, #value))));
        }
        (None, Some(_)) => {
            let ident = f.ident;
            out.extend(quote!(.default(#p::default_value(#wire, &__container_default.#ident))));
        }
        (None, None) => {}
    }
    if f.attrs.model_only.is_some() {
        out.extend(quote!(.model_only()));
    }
    if let Some(processor) = &f.attrs.processor {
        let spec = match &processor.value {
            Processor::UniqueInteger { start, stop, scope } => {
                let start = Literal::i64_suffixed(start.value);
                let stop = Literal::i64_suffixed(stop.value);
                let scope = match scope {
                    Scope::Store => quote!(#rt::schema::UniqueScope::Store),
                    Scope::Siblings => quote!(#rt::schema::UniqueScope::Siblings),
                };
                quote! {
                    #rt::schema::ProcessorSpec::UniqueInteger {
                        start: #start,
                        stop: #stop,
                        scope: #scope,
                    }
                }
            }
            Processor::SimpleValue(value) => {
                let value = match value {
                    SimpleLit::Str(s) => quote!(#s),
                    SimpleLit::Int(i) => Literal::i64_suffixed(*i).into_token_stream(),
                    SimpleLit::Float(v) => Literal::f64_suffixed(*v).into_token_stream(),
                    SimpleLit::Bool(b) => quote!(#b),
                };
                quote!(#p::simple_value::<#ty>(#wire, #p::serde_json::Value::from(#value)))
            }
            Processor::Custom(name) => quote! {
                #rt::schema::ProcessorSpec::Custom {
                    name: ::std::string::String::from(#name),
                }
            },
        };
        out.extend(quote!(.processor(#spec)));
    }
    if let Some(range) = &f.attrs.range {
        let range = range_expr(&range.value);
        out.extend(quote!(.range(<#ty as #p::NumberField>::NUMBER, #range)));
    }
    out.extend(quote!(.build()));
    out
}

fn number_expr(n: Option<&Number>) -> TokenStream {
    let p = private();
    match n {
        None => quote!(::core::option::Option::None),
        Some(Number::Int(v)) => {
            let v = Literal::i128_suffixed(*v);
            quote!(::core::option::Option::Some(#p::Number::Int(#v)))
        }
        Some(Number::Float(v)) => {
            let v = Literal::f64_suffixed(*v);
            quote!(::core::option::Option::Some(#p::Number::Float(#v)))
        }
    }
}

fn range_expr(range: &RangeAttr) -> TokenStream {
    let p = private();
    let min = number_expr(range.min.as_ref().map(|m| &m.value));
    let max = number_expr(range.max.as_ref().map(|m| &m.value));
    quote!(#p::Range { min: #min, max: #max })
}

fn keys_expr(c: &Container) -> TokenStream {
    let p = private();
    let Keys::Declared(keys) = c.keys() else {
        return quote!(::core::option::Option::None);
    };
    let own: Vec<&Field> = c.own_fields().collect();
    let names = keys.iter().map(|key| match key.own {
        Some(index) => {
            let wire = &own[index].wire_name;
            quote!(::std::string::String::from(#wire))
        }
        None => {
            let rust = &key.rust_name;
            quote!(#p::wire_name(<Self as #p::SliceStruct>::FIELDS, #rust))
        }
    });
    quote!(::core::option::Option::Some(::std::vec![#(#names),*]))
}

fn field_table(c: &Container, bases: &[&Type], own: &[&Field]) -> TokenStream {
    let rt = rt();
    let p = private();
    let ident = c.ident;
    let infos = own.iter().map(|f| {
        let rust = &f.rust_name;
        let wire = &f.wire_name;
        let ty = f.ty;
        let model_only = f.attrs.model_only.is_some();
        quote! {
            #p::FieldInfo {
                rust: #rust,
                wire: #wire,
                shape: <#ty as #rt::SliceField>::SHAPE,
                model_only: #model_only,
            }
        }
    });
    let own_len = own.len();
    let complete = if bases.is_empty() {
        quote!(true)
    } else {
        quote!(#(<#bases as #p::SliceStruct>::COMPLETE)&&*)
    };
    quote! {
        #[automatically_derived]
        impl #p::SliceStruct for #ident {
            const FIELDS: &'static [#p::FieldInfo] = &#p::concat_fields::<
                { #own_len #(+ <#bases as #p::SliceStruct>::FIELDS.len())* },
            >(&[#(<#bases as #p::SliceStruct>::FIELDS,)* &[#(#infos),*]]);
            const COMPLETE: bool = #complete;
        }
    }
}

fn struct_checks(c: &Container, own: &[&Field]) -> TokenStream {
    let rt = rt();
    let p = private();
    let ident = c.ident;
    let mut checks = TokenStream::new();

    for f in own {
        let ty = f.ty;
        let invalid = fail_with(Blame::of_type(ty), quote!("{}", __message));
        checks.extend(quote! {
            const _: () = if let ::core::option::Option::Some(__message) =
                #p::invalid_shape(<#ty as #rt::SliceField>::SHAPE)
            {
                #invalid
            };
        });

        let has_default = f.attrs.default.is_some() || c.attrs.default.is_some();
        let name = &f.rust_name;
        if let (Some(span), false) = (f.attrs.model_only, has_default) {
            let fail = fail(
                Blame::token(span),
                &format!(
                    "model-only field `{name}` needs a default, because slice files never hold it: make it an `Option`, or add `#[serde(default)]`"
                ),
            );
            checks.extend(quote! {
                const _: () = if #p::needs_default(<#ty as #rt::SliceField>::SHAPE) { #fail };
            });
        }
        if let (Some(span), false) = (f.attrs.skip_serializing_if, has_default) {
            let fail = fail(
                Blame::token(span),
                &format!(
                    "field `{name}` may be left out of written files (`skip_serializing_if`), so reading them back needs a default: add `#[serde(default)]`"
                ),
            );
            checks.extend(quote! {
                const _: () = if #p::needs_default(<#ty as #rt::SliceField>::SHAPE) { #fail };
            });
        }
        if let Some(range) = &f.attrs.range {
            let blame = Blame::token(range.span);
            let value = range_expr(&range.value);
            let float = fail(
                blame,
                &format!(
                    "`{name}` is an integer field: the bounds of its `range` must be integers"
                ),
            );
            let empty = fail(
                blame,
                &format!("no value of the type of `{name}` lies in this `range`"),
            );
            checks.extend(quote! {
                const _: () = match #p::range_problem(<#ty as #p::NumberField>::NUMBER, #value) {
                    ::core::option::Option::None => {}
                    ::core::option::Option::Some(#p::RangeProblem::FloatBoundOnInteger) => #float,
                    ::core::option::Option::Some(#p::RangeProblem::Empty) => #empty,
                };
            });
        }
        if let Some(processor) = &f.attrs.processor
            && let Processor::UniqueInteger { start, stop, .. } = &processor.value
        {
            let blame = Blame::token(processor.span);
            let start_lit = Literal::i128_suffixed(i128::from(start.value));
            let stop_lit = Literal::i128_suffixed(i128::from(stop.value));
            let float = fail(
                blame,
                &format!("`unique_integer` hands out integers, but `{name}` is a float field"),
            );
            let outside = fail(
                blame,
                &format!(
                    "`unique_integer` hands out values in {}..{} (stop excluded), which do not all fit the type of `{name}`: change `start`/`stop` or the type",
                    start.value, stop.value
                ),
            );
            checks.extend(quote! {
                const _: () = match #p::unique_integer_problem(
                    <#ty as #p::NumberField>::NUMBER, #start_lit, #stop_lit,
                ) {
                    ::core::option::Option::None => {}
                    ::core::option::Option::Some(#p::UniqueIntegerProblem::NotInteger) => #float,
                    ::core::option::Option::Some(#p::UniqueIntegerProblem::OutsideType) => #outside,
                };
            });
        }
    }

    if let Keys::Declared(keys) = c.keys() {
        for key in keys {
            let blame = Blame::token(key.span);
            let name = &key.rust_name;
            let unknown = fail(
                blame,
                &format!("no field `{name}` in `{}` or in its bases", c.name),
            );
            let relation = fail(
                blame,
                &format!(
                    "`{name}` cannot be a key: it holds slice objects, and a key must be a plain value (a string, number, bool or string enum)"
                ),
            );
            let model_only = fail(
                blame,
                &format!(
                    "`{name}` is model-only and cannot be a key: keys identify items in slice files, and model-only fields are never in slice files"
                ),
            );
            checks.extend(quote! {
                const _: () = match #p::key_problem(
                    <#ident as #p::SliceStruct>::FIELDS,
                    <#ident as #p::SliceStruct>::COMPLETE,
                    #name,
                ) {
                    ::core::option::Option::None => {}
                    ::core::option::Option::Some(#p::KeyProblem::Unknown) => #unknown,
                    ::core::option::Option::Some(#p::KeyProblem::Relation) => #relation,
                    ::core::option::Option::Some(#p::KeyProblem::ModelOnly) => #model_only,
                };
            });
        }
    }
    checks
}

// ---------------------------------------------------------------------------
// unions

fn expand_union(c: &Container) -> TokenStream {
    let rt = rt();
    let p = private();
    let ident = c.ident;
    let id = entity_id(c);
    let description = doc(&c.attrs.docs);
    let tag = &c.attrs.tag.as_ref().expect("a union has a tag").value;
    let members: Vec<(&String, &Type)> = c
        .live_variants()
        .map(|v| match v.style {
            Style::Newtype(ty) => (&v.value, ty),
            _ => unreachable!("checked: union variants are newtype variants"),
        })
        .collect();
    let member_exprs = members.iter().map(
        |(value, ty)| quote!(#p::member(#value, <#ty as #rt::SliceField>::field_kind(__registry))),
    );
    let checks = members.iter().map(|(value, ty)| {
        let blame = Blame::of_type(ty);
        let not_object = fail(
            blame,
            &format!("variant {value:?} must hold one struct deriving `SliceObject` or `Slice` (not a value, an `Option` or a list)"),
        );
        let invalid = fail_with(blame, quote!("{}", __message));
        quote! {
            const _: () = {
                let __shape = <#ty as #rt::SliceField>::SHAPE;
                if let ::core::option::Option::Some(__message) = #p::invalid_shape(__shape) {
                    #invalid
                } else if !#p::is_object(__shape) {
                    #not_object
                }
            };
        }
    });

    quote! {
        #[automatically_derived]
        impl #rt::SliceObject for #ident {
            fn entity_id() -> #rt::schema::EntityId {
                #id
            }

            fn entity_schema(
                __registry: &mut #rt::schema::SchemaRegistry,
            ) -> #rt::schema::EntitySchema {
                let __members = ::std::vec![#(#member_exprs),*];
                #p::entity(
                    <Self as #rt::SliceObject>::entity_id(),
                    #rt::schema::EntityKind::Union {
                        tag: ::std::string::String::from(#tag),
                        members: __members,
                    },
                    #description,
                    ::std::vec::Vec::new(),
                    ::std::vec::Vec::new(),
                    ::core::option::Option::None,
                )
            }
        }

        #[automatically_derived]
        impl #rt::SliceField for #ident {
            const SHAPE: #rt::schema::Shape = #rt::schema::Shape::Object;

            fn field_kind(
                __registry: &mut #rt::schema::SchemaRegistry,
            ) -> #rt::schema::FieldKind {
                #p::relation::<Self>(__registry)
            }
        }

        #(#checks)*
    }
}

// ---------------------------------------------------------------------------
// string enums

fn expand_string_enum(c: &Container) -> TokenStream {
    let rt = rt();
    let p = private();
    let ident = c.ident;
    let id = entity_id(c);
    let description = doc(&c.attrs.docs);
    let values = c.live_variants().map(|v| &v.value);
    quote! {
        #[automatically_derived]
        impl #rt::SliceField for #ident {
            const SHAPE: #rt::schema::Shape = #rt::schema::Shape::Value;

            fn field_kind(
                _: &mut #rt::schema::SchemaRegistry,
            ) -> #rt::schema::FieldKind {
                #p::string_enum(#id, &[#(#values),*], #description)
            }
        }
    }
}
