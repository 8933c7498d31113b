//! Stub impls emitted after a compile error, so that the rest of the user's
//! crate (which names the type as a field, a base or a store root) still
//! type-checks and the user sees the derive's errors, not a cascade.
//!
//! The stubs panic if ever called, which cannot happen: the crate does not
//! compile.

use proc_macro2::TokenStream;
use quote::quote;
use syn::{Data, DeriveInput, Fields};

use crate::emit::wrap;
use crate::ir::Derive;

/// What the failed input was meant to be, from its syntax alone.
enum Intent {
    /// A struct (or anything that is not an enum).
    Struct,
    /// An enum holding data: a union.
    Union,
    /// An enum of unit variants: a string enum.
    StringEnum,
}

fn intent(input: &DeriveInput) -> Intent {
    match &input.data {
        Data::Enum(data)
            if data
                .variants
                .iter()
                .all(|v| matches!(v.fields, Fields::Unit)) =>
        {
            let tagged = input.attrs.iter().any(|a| {
                a.path().is_ident("serde")
                    && a.meta
                        .require_list()
                        .is_ok_and(|l| l.tokens.clone().into_iter().any(|t| t.to_string() == "tag"))
            });
            if tagged {
                Intent::Union
            } else {
                Intent::StringEnum
            }
        }
        Data::Enum(_) => Intent::Union,
        Data::Struct(_) | Data::Union(_) => Intent::Struct,
    }
}

/// The stubs for `input`.
pub fn stubs(input: &DeriveInput, derive: Derive) -> TokenStream {
    let rt = quote!(::git_ops_runtime);
    let p = quote!(::git_ops_runtime::__private);
    let ident = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    let unreachable = quote! {
        ::core::unreachable!("stub emitted after a compile error of #[derive(Slice/SliceObject)]")
    };
    let intent = match derive {
        // A root is always meant as a struct.
        Derive::Slice => Intent::Struct,
        Derive::SliceObject => intent(input),
    };

    let object = quote! {
        #[automatically_derived]
        impl #impl_generics #rt::SliceObject for #ident #ty_generics #where_clause {
            fn entity_id() -> #rt::schema::EntityId {
                #unreachable
            }
            fn entity_schema(
                _: &mut #rt::schema::SchemaRegistry,
            ) -> #rt::schema::EntitySchema {
                #unreachable
            }
        }
    };
    let field = |shape: TokenStream| {
        quote! {
            #[automatically_derived]
            impl #impl_generics #rt::SliceField for #ident #ty_generics #where_clause {
                const SHAPE: #rt::schema::Shape = #rt::schema::Shape::#shape;
                fn field_kind(
                    _: &mut #rt::schema::SchemaRegistry,
                ) -> #rt::schema::FieldKind {
                    #unreachable
                }
            }
        }
    };

    let mut items = match intent {
        Intent::Struct => {
            let object_field = field(quote!(Object));
            quote! {
                #object
                #object_field
                #[automatically_derived]
                impl #impl_generics #p::SliceStruct for #ident #ty_generics #where_clause {
                    const FIELDS: &'static [#p::FieldInfo] = &[];
                    const COMPLETE: bool = false;
                }
            }
        }
        Intent::Union => {
            let object_field = field(quote!(Object));
            quote!(#object #object_field)
        }
        Intent::StringEnum => field(quote!(Value)),
    };
    if derive == Derive::Slice {
        items.extend(quote! {
            #[automatically_derived]
            impl #impl_generics #rt::Slice for #ident #ty_generics #where_clause {
                const STORE: &'static str = "";
                const SOURCE: &'static str = "";
            }
        });
    }
    wrap(items)
}
