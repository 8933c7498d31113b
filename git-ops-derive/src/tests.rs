//! Unit tests on `proc_macro2` tokens: what the expansion looks like, that
//! it is deterministic, and that the derive's copies of runtime constants
//! agree with the runtime.

use quote::quote;
use syn::DeriveInput;

use crate::expand;
use crate::ir::Derive;
use crate::symbol::RESERVED_FIELDS;

fn pretty(input: proc_macro2::TokenStream, derive: Derive) -> String {
    let input: DeriveInput = syn::parse2(input).expect("valid input");
    let output = expand(&input, derive);
    let file: syn::File = syn::parse2(output).expect("the expansion parses as items");
    prettyplease::unparse(&file)
}

fn root_folder() -> proc_macro2::TokenStream {
    quote! {
        /// The top folder of a slice, placed at `root`.
        #[slice(store = "fs", keys(root, name))]
        pub struct RootFolder {
            /// The folder itself.
            #[slice(base)]
            #[serde(flatten)]
            pub folder: Folder,
            /// Path of the folder holding this tree.
            #[slice(unique_integer(start = 1, stop = 10), range(min = 1))]
            pub root: Option<u8>,
        }
    }
}

/// The expansion of the `fs` example's root (with a processor and a range
/// added), as reviewable code. The same input is compiled for real by
/// `examples/fs` and `tests/ui/pass`.
#[test]
fn golden_expansion_of_a_root() {
    insta::assert_snapshot!(
        "root_folder_expansion",
        pretty(root_folder(), Derive::Slice)
    );
}

#[test]
fn golden_expansion_of_a_union_and_a_string_enum() {
    let union = quote! {
        /// An entry of a folder.
        #[serde(tag = "type", rename_all = "snake_case")]
        pub enum FolderContent {
            File(File),
            Folder(Box<Folder>),
        }
    };
    let string_enum = quote! {
        #[serde(rename_all = "lowercase")]
        enum Colour { Red, #[serde(rename = "GREEN")] Green }
    };
    insta::assert_snapshot!(
        "union_and_string_enum_expansion",
        format!(
            "{}\n{}",
            pretty(union, Derive::SliceObject),
            pretty(string_enum, Derive::SliceObject)
        )
    );
}

#[test]
fn expansion_is_deterministic() {
    let once = pretty(root_folder(), Derive::Slice);
    for _ in 0..5 {
        assert_eq!(pretty(root_folder(), Derive::Slice), once);
    }
}

#[test]
fn errors_come_with_stubs() {
    let out = pretty(
        quote! {
            #[slice(stor = "fs")]
            struct Broken { #[slice(key)] name: String }
        },
        Derive::Slice,
    );
    assert!(out.contains("compile_error!"), "{out}");
    assert!(out.contains("unknown slice option `stor`"), "{out}");
    assert!(out.contains("needs the name of its store"), "{out}");
    // Stubs keep users of the type compiling, and hold no checks.
    assert!(
        out.contains("impl ::git_ops_runtime::Slice for Broken"),
        "{out}"
    );
    assert!(out.contains("const COMPLETE: bool = false"), "{out}");
    assert!(!out.contains("key_problem"), "{out}");
}

#[test]
fn reserved_fields_agree_with_the_runtime() {
    assert_eq!(RESERVED_FIELDS, git_ops_runtime::schema::RESERVED_FIELDS);
}

#[test]
fn store_names_agree_with_the_runtime() {
    // The runtime applies the derive's rule to stores from manifests.
    for name in [
        "vlan",
        "a-b_c.d",
        "x1",
        "",
        ".x",
        "..",
        "../../../esc",
        "a/b",
        "a\\b",
        "a b",
        "ü",
        "line\nbreak",
        "a@b",
        "a:b",
    ] {
        assert_eq!(
            crate::check::valid_store_name(name),
            git_ops_runtime::schema::store_name_problem(name).is_none(),
            "{name:?}"
        );
    }
}
