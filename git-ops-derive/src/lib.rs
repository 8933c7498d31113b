//! Derive macros for git-ops slice types. Use them through `git-ops-runtime`,
//! which re-exports them; see `docs/derive.md` for the attribute reference.

use proc_macro::TokenStream;

/// Declares the root type of a store.
#[proc_macro_derive(Slice, attributes(slice))]
pub fn derive_slice(input: TokenStream) -> TokenStream {
    let _ = input;
    TokenStream::new()
}

/// Declares an embedded slice object, a discriminated union or a string enum.
#[proc_macro_derive(SliceObject, attributes(slice))]
pub fn derive_slice_object(input: TokenStream) -> TokenStream {
    let _ = input;
    TokenStream::new()
}
