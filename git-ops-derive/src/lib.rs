//! Derive macros for git-ops slice types. Use them through `git-ops-runtime`,
//! which re-exports them; `docs/derive.md` is the attribute reference.
//!
//! Structure (parse → IR → validate → emit, one error collector):
//!
//! - `symbol`: every attribute keyword, one constant each;
//! - `attr`: `#[slice(...)]`, `#[serde(...)]` and doc attributes, parsed into
//!   typed values with spans;
//! - `ir`: the derive input as fields/variants with their attributes and wire
//!   names, and the only interpretation of them (bases, keys, ...);
//! - `check`: the rules relating several attributes;
//! - `emit`: the impls and the compile-time checks, from a valid IR;
//! - `dummy`: stub impls emitted next to errors;
//! - `ctxt`: the error collector; `case`: serde's `rename_all` rules.
#![deny(missing_docs)]

mod attr;
mod case;
mod check;
mod ctxt;
mod dummy;
mod emit;
mod ir;
mod symbol;
#[cfg(test)]
mod tests;

use proc_macro::TokenStream;
use syn::{DeriveInput, parse_macro_input};

use crate::ctxt::{Ctxt, Failure};
use crate::ir::Derive;

/// Declares the root type of a store: a struct whose instances are whole
/// slice documents. Requires `#[slice(store = "...")]`.
///
/// See `docs/derive.md` for every attribute.
#[proc_macro_derive(Slice, attributes(slice))]
pub fn derive_slice(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    expand(&input, Derive::Slice).into()
}

/// Declares an embedded slice object (a struct), a discriminated union (an
/// enum with `#[serde(tag = "...")]` whose variants each hold one slice
/// struct) or a string enum (an enum of unit variants).
///
/// See `docs/derive.md` for every attribute.
#[proc_macro_derive(SliceObject, attributes(slice))]
pub fn derive_slice_object(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    expand(&input, Derive::SliceObject).into()
}

/// The whole expansion, on `proc_macro2` tokens.
fn expand(input: &DeriveInput, derive: Derive) -> proc_macro2::TokenStream {
    let cx = Ctxt::new();
    let container = ir::Container::from_ast(&cx, input, derive);
    if let Some(container) = &container {
        check::check(&cx, container);
    }
    match (cx.check(), container) {
        (Ok(()), Some(container)) => emit::expand(&container),
        (Ok(()), None) => unreachable!("no IR without an error"),
        (Err(Failure::Errors(errors)), _) => {
            let mut out = errors.into_compile_error();
            out.extend(dummy::stubs(input, derive));
            out
        }
        (Err(Failure::Deferred), _) => dummy::stubs(input, derive),
    }
}
