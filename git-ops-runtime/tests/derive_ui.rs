//! Compile tests of `#[derive(Slice)]` / `#[derive(SliceObject)]`.
//!
//! `ui/fail/*.rs` must fail to compile with exactly the errors in the
//! `.stderr` file beside each (each one was read and judged actionable, not
//! just recorded); `ui/pass/*.rs` must compile and run (their `main` asserts
//! the schema they produce).
//!
//! Regenerate after an intended change with `TRYBUILD=overwrite`, then review
//! every changed `.stderr`.

#[test]
fn derive_ui() {
    let t = trybuild::TestCases::new();
    t.pass("tests/ui/pass/*.rs");
    t.compile_fail("tests/ui/fail/*.rs");
}
