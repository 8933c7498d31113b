//! Attribute parsing: `#[slice(...)]`, the `#[serde(...)]` options that shape
//! the wire format, and doc comments, read into typed values that keep the
//! span of the token they came from.
//!
//! This pass only reports what is wrong with one attribute on its own
//! (unknown, duplicate or misplaced options, malformed values, serde options
//! git-ops cannot honour). Rules that relate several attributes live in
//! `check.rs`.
//!
//! A malformed `#[serde(...)]` attribute is serde's to report: the derive then
//! emits stubs without adding an error of its own (see
//! [`Ctxt::defer_to_serde`]).

use proc_macro2::Span;
use syn::ext::IdentExt;
use syn::meta::ParseNestedMeta;
use syn::parse::{ParseStream, Parser as _};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned as _;
use syn::{Attribute, Expr, ExprPath, Ident, Lit, LitStr, Meta, Token};

use crate::case::RenameRule;
use crate::ctxt::Ctxt;
use crate::symbol::*;

/// A value and the span of the tokens it was read from.
#[derive(Clone, Debug)]
pub struct Spanned<T> {
    /// The value.
    pub value: T,
    /// Where it was written.
    pub span: Span,
}

impl<T> Spanned<T> {
    fn new(value: T, span: Span) -> Self {
        Spanned { value, span }
    }
}

/// Where a serde/slice default comes from.
#[derive(Clone, Debug)]
pub enum DefaultSource {
    /// `#[serde(default)]`: `Default::default()`.
    Trait,
    /// `#[serde(default = "path")]`: `path()`.
    Path(ExprPath),
}

/// A numeric literal, possibly negative.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Number {
    /// An integer literal.
    Int(i128),
    /// A float literal.
    Float(f64),
}

impl Number {
    /// The value as a float, for comparisons.
    pub fn as_f64(self) -> f64 {
        match self {
            Number::Int(v) => v as f64,
            Number::Float(v) => v,
        }
    }
}

/// `#[slice(range(min = .., max = ..))]`.
#[derive(Clone, Debug, Default)]
pub struct RangeAttr {
    /// Smallest accepted value.
    pub min: Option<Spanned<Number>>,
    /// Largest accepted value.
    pub max: Option<Spanned<Number>>,
}

/// Scope of `unique_integer`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Unique in the whole store.
    Store,
    /// Unique among siblings.
    Siblings,
}

/// A literal for `simple_value`.
#[derive(Clone, Debug)]
pub enum SimpleLit {
    /// A string.
    Str(String),
    /// An integer.
    Int(i64),
    /// A float.
    Float(f64),
    /// A bool.
    Bool(bool),
}

/// A field processor.
#[derive(Clone, Debug)]
pub enum Processor {
    /// `unique_integer(start = .., stop = .., scope = ..)`.
    UniqueInteger {
        /// First candidate.
        start: Spanned<i64>,
        /// End of the range (exclusive).
        stop: Spanned<i64>,
        /// Where values are unique.
        scope: Scope,
    },
    /// `simple_value = <literal>`.
    SimpleValue(SimpleLit),
    /// `processor = "name"`.
    Custom(String),
}

/// Attributes of the struct or enum.
#[derive(Default)]
pub struct Container {
    /// `#[slice(store = "..")]`.
    pub store: Option<Spanned<String>>,
    /// `#[slice(source = "..")]`.
    pub source: Option<Spanned<String>>,
    /// `#[slice(keys(a, b))]`; the span is the `keys` keyword.
    pub keys: Option<Spanned<Vec<Ident>>>,
    /// `#[serde(rename_all = "..")]`.
    pub rename_all: Option<RenameRule>,
    /// `#[serde(default)]` / `#[serde(default = "..")]`.
    pub default: Option<Spanned<DefaultSource>>,
    /// `#[serde(tag = "..")]`.
    pub tag: Option<Spanned<String>>,
    /// `untagged` or `content` was given (and reported): the enum's
    /// representation is not one git-ops knows, so no more is said about it.
    pub unsupported_representation: bool,
    /// Doc comment lines.
    pub docs: Vec<Expr>,
}

/// Attributes of a struct field.
#[derive(Default)]
pub struct Field {
    /// `#[slice(key)]`.
    pub key: Option<Span>,
    /// `#[slice(base)]`.
    pub base: Option<Span>,
    /// `#[slice(model_only)]`.
    pub model_only: Option<Span>,
    /// `#[slice(range(..))]`; the span is the `range` keyword.
    pub range: Option<Spanned<RangeAttr>>,
    /// The processor; the span is its keyword.
    pub processor: Option<Spanned<Processor>>,
    /// `#[serde(rename = "..")]`.
    pub rename: Option<Spanned<String>>,
    /// `#[serde(default ..)]`.
    pub default: Option<Spanned<DefaultSource>>,
    /// `#[serde(flatten)]`.
    pub flatten: Option<Span>,
    /// `#[serde(skip)]`, or both `skip_serializing` and `skip_deserializing`.
    pub skip: Option<Span>,
    /// `#[serde(skip_serializing_if = "..")]`.
    pub skip_serializing_if: Option<Span>,
    /// Every `#[slice(..)]` option, for "no option applies here" errors.
    pub slice_options: Vec<Spanned<&'static str>>,
    /// Doc comment lines.
    pub docs: Vec<Expr>,
}

/// Attributes of an enum variant.
#[derive(Default)]
pub struct Variant {
    /// `#[serde(rename = "..")]`.
    pub rename: Option<Spanned<String>>,
    /// `#[serde(skip)]`, or both `skip_serializing` and `skip_deserializing`.
    pub skip: Option<Span>,
}

/// Which kind of item a container attribute list belongs to.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum ContainerKind {
    /// A struct.
    Struct,
    /// An enum.
    Enum,
}

// ---------------------------------------------------------------------------
// small helpers

fn set_once<T>(cx: &Ctxt, slot: &mut Option<T>, value: T, span: Span, what: &str) {
    if slot.is_some() {
        cx.error_at(span, format!("duplicate {what}"));
    } else {
        *slot = Some(value);
    }
}

fn path_name(meta: &ParseNestedMeta) -> String {
    meta.path
        .segments
        .iter()
        .map(|s| s.ident.unraw().to_string())
        .collect::<Vec<_>>()
        .join("::")
}

/// Consumes whatever value follows an option (`= expr` or `(...)`), so that
/// parsing can go on after an option we reject.
fn skip_value(meta: &ParseNestedMeta) -> syn::Result<()> {
    if meta.input.peek(Token![=]) {
        meta.input.parse::<Token![=]>()?;
        meta.input.parse::<Expr>()?;
    } else if meta.input.peek(syn::token::Paren) {
        meta.input.parse::<proc_macro2::TokenTree>()?;
    }
    Ok(())
}

/// Runs `f` over the options inside `option(...)`, accepting an empty list
/// (which the caller then reports in its own words).
fn nested(
    meta: &ParseNestedMeta,
    f: impl FnMut(ParseNestedMeta) -> syn::Result<()>,
) -> syn::Result<()> {
    let content;
    syn::parenthesized!(content in meta.input);
    syn::meta::parser(f).parse2(content.parse()?)
}

/// A flag option (`key`) must not take a value.
fn flag(cx: &Ctxt, meta: &ParseNestedMeta, slot: &mut Option<Span>) -> syn::Result<()> {
    let span = meta.path.span();
    if !(meta.input.is_empty() || meta.input.peek(Token![,])) {
        cx.error_at(
            span,
            format!(
                "`{}` takes no value: write `#[slice({0})]`",
                path_name(meta)
            ),
        );
        skip_value(meta)?;
    }
    set_once(
        cx,
        slot,
        span,
        span,
        &format!("`#[slice({})]` option", path_name(meta)),
    );
    Ok(())
}

fn lit_str(meta: &ParseNestedMeta) -> syn::Result<LitStr> {
    meta.value()?.parse::<LitStr>()
}

/// `-`? integer-or-float literal.
fn parse_number(input: ParseStream) -> syn::Result<Spanned<Number>> {
    let minus: Option<Token![-]> = input.parse()?;
    let lit: Lit = input.parse()?;
    let sign = if minus.is_some() { -1 } else { 1 };
    let value = match &lit {
        Lit::Int(int) => Number::Int(sign * int.base10_parse::<i128>()?),
        Lit::Float(float) => Number::Float(sign as f64 * float.base10_parse::<f64>()?),
        _ => return Err(syn::Error::new(lit.span(), "expected a number")),
    };
    Ok(Spanned::new(value, lit.span()))
}

fn parse_i64(input: ParseStream) -> syn::Result<Spanned<i64>> {
    let number = parse_number(input)?;
    match number.value {
        Number::Int(v) => i64::try_from(v)
            .map(|v| Spanned::new(v, number.span))
            .map_err(|_| syn::Error::new(number.span, "the value does not fit an `i64`")),
        Number::Float(_) => Err(syn::Error::new(number.span, "expected an integer")),
    }
}

fn parse_simple_lit(input: ParseStream) -> syn::Result<SimpleLit> {
    if input.peek(Token![-]) {
        return match parse_number(input)?.value {
            Number::Int(v) => i64::try_from(v)
                .map(SimpleLit::Int)
                .map_err(|_| input.error("the value does not fit an `i64`")),
            Number::Float(v) => Ok(SimpleLit::Float(v)),
        };
    }
    let lit: Lit = input.parse()?;
    match &lit {
        Lit::Str(s) => Ok(SimpleLit::Str(s.value())),
        Lit::Bool(b) => Ok(SimpleLit::Bool(b.value)),
        Lit::Int(int) => Ok(SimpleLit::Int(int.base10_parse::<i64>()?)),
        Lit::Float(float) => Ok(SimpleLit::Float(float.base10_parse::<f64>()?)),
        _ => Err(syn::Error::new(
            lit.span(),
            "expected a string, number or bool literal",
        )),
    }
}

fn docs(attrs: &[Attribute]) -> Vec<Expr> {
    attrs
        .iter()
        .filter(|a| a.path() == &DOC)
        .filter_map(|a| match &a.meta {
            Meta::NameValue(nv) => Some(nv.value.clone()),
            _ => None,
        })
        .collect()
}

fn options_list(options: &[Symbol]) -> String {
    options
        .iter()
        .map(|o| format!("`{o}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Runs `f` over every option of every `#[serde(...)]` attribute. A syntax
/// error is serde's to report: the expansion is then marked as deferred.
fn each_serde_option(
    cx: &Ctxt,
    attrs: &[Attribute],
    mut f: impl FnMut(&ParseNestedMeta) -> syn::Result<()>,
) {
    for attr in attrs.iter().filter(|a| a.path() == &SERDE) {
        if let Meta::List(list) = &attr.meta
            && list.tokens.is_empty()
        {
            continue;
        }
        if attr.parse_nested_meta(|meta| f(&meta)).is_err() {
            cx.defer_to_serde();
        }
    }
}

/// `rename = ".."`, or the split form when both names agree.
fn rename_value(cx: &Ctxt, meta: &ParseNestedMeta) -> syn::Result<Option<Spanned<String>>> {
    if meta.input.peek(Token![=]) {
        let lit = lit_str(meta)?;
        return Ok(Some(Spanned::new(lit.value(), lit.span())));
    }
    let mut ser: Option<LitStr> = None;
    let mut de: Option<LitStr> = None;
    meta.parse_nested_meta(|inner| {
        if inner.path == SERIALIZE {
            ser = Some(lit_str(&inner)?);
        } else if inner.path == DESERIALIZE {
            de = Some(lit_str(&inner)?);
        } else {
            return Err(inner.error("expected `serialize` or `deserialize`"));
        }
        Ok(())
    })?;
    match (ser, de) {
        (Some(s), Some(d)) if s.value() == d.value() => Ok(Some(Spanned::new(s.value(), s.span()))),
        _ => {
            cx.error_at(
                meta.path.span(),
                format!(
                    "git-ops reads and writes slice files with the same names: different names for serializing and deserializing are not supported; use `{} = \"...\"`",
                    path_name(meta)
                ),
            );
            Ok(None)
        }
    }
}

fn rename_all_value(cx: &Ctxt, meta: &ParseNestedMeta) -> syn::Result<Option<RenameRule>> {
    let Some(name) = rename_value(cx, meta)? else {
        return Ok(None);
    };
    match RenameRule::parse(&name.value) {
        Ok(rule) => Ok(Some(rule)),
        Err(_) => {
            // serde reports unknown rules itself.
            cx.defer_to_serde();
            Ok(None)
        }
    }
}

fn default_value(meta: &ParseNestedMeta) -> syn::Result<Spanned<DefaultSource>> {
    let span = meta.path.span();
    if meta.input.peek(Token![=]) {
        let lit = lit_str(meta)?;
        let mut path: ExprPath = lit.parse()?;
        // Errors about the function (missing, wrong type) point at the string.
        path = respan_path(path, lit.span());
        Ok(Spanned::new(DefaultSource::Path(path), lit.span()))
    } else {
        Ok(Spanned::new(DefaultSource::Trait, span))
    }
}

fn respan_path(mut path: ExprPath, span: Span) -> ExprPath {
    for segment in &mut path.path.segments {
        segment.ident.set_span(span);
    }
    path
}

/// Reports a serde option git-ops cannot honour, then skips its value.
fn unsupported(cx: &Ctxt, meta: &ParseNestedMeta, why: &str) -> syn::Result<()> {
    cx.error_at(
        meta.path.span(),
        format!(
            "`#[serde({})]` is not supported on slice types: {why}",
            path_name(meta)
        ),
    );
    skip_value(meta)
}

fn unknown_serde(cx: &Ctxt, meta: &ParseNestedMeta) -> syn::Result<()> {
    cx.error_at(
        meta.path.span(),
        format!(
            "git-ops does not know how `#[serde({})]` changes the wire format, so it cannot keep the slice schema in line with it",
            path_name(meta)
        ),
    );
    skip_value(meta)
}

/// Partial skips: fields and variants that are written but never read, or the
/// other way round, have no place in a schema that is both.
struct Skips {
    skip: Option<Span>,
    serializing: Option<Span>,
    deserializing: Option<Span>,
}

impl Skips {
    fn new() -> Self {
        Skips {
            skip: None,
            serializing: None,
            deserializing: None,
        }
    }

    fn resolve(self, cx: &Ctxt) -> Option<Span> {
        match (self.skip, self.serializing, self.deserializing) {
            (Some(span), _, _) | (None, Some(span), Some(_)) => Some(span),
            (None, Some(span), None) => {
                cx.error_at(
                    span,
                    "a field or variant that is read but never written cannot be described by the slice schema: use `#[serde(skip)]` to leave it out of slices, or drop `skip_serializing`",
                );
                None
            }
            (None, None, Some(span)) => {
                cx.error_at(
                    span,
                    "a field or variant that is written but never read cannot be described by the slice schema: use `#[serde(skip)]` to leave it out of slices, or drop `skip_deserializing`",
                );
                None
            }
            (None, None, None) => None,
        }
    }
}

// ---------------------------------------------------------------------------
// container

/// Reads the attributes of the struct or enum.
pub fn container(cx: &Ctxt, attrs: &[Attribute], kind: ContainerKind) -> Container {
    let mut out = Container {
        docs: docs(attrs),
        ..Container::default()
    };

    for attr in attrs.iter().filter(|a| a.path() == &SLICE) {
        let result = attr.parse_nested_meta(|meta| {
            let span = meta.path.span();
            if meta.path == STORE {
                let lit = lit_str(&meta)?;
                let value = Spanned::new(lit.value(), lit.span());
                set_once(cx, &mut out.store, value, span, "`#[slice(store)]` option");
            } else if meta.path == SOURCE {
                let lit = lit_str(&meta)?;
                let value = Spanned::new(lit.value(), lit.span());
                set_once(cx, &mut out.source, value, span, "`#[slice(source)]` option");
            } else if meta.path == KEYS {
                let content;
                syn::parenthesized!(content in meta.input);
                let names = Punctuated::<Ident, Token![,]>::parse_terminated_with(
                    &content,
                    Ident::parse_any,
                )?;
                let value = Spanned::new(names.into_iter().collect(), span);
                set_once(cx, &mut out.keys, value, span, "`#[slice(keys)]` option");
            } else if FIELD_OPTIONS.iter().any(|o| meta.path == *o) {
                let hint = if meta.path == KEY {
                    ": mark the key fields with `#[slice(key)]`, or list them here with `keys(a, b)`"
                } else {
                    ""
                };
                cx.error_at(
                    span,
                    format!("`{}` is a field option, it goes on a field{hint}", path_name(&meta)),
                );
                skip_value(&meta)?;
            } else {
                cx.error_at(
                    span,
                    format!(
                        "unknown slice option `{}`; on a type, the options are {}",
                        path_name(&meta),
                        options_list(CONTAINER_OPTIONS)
                    ),
                );
                skip_value(&meta)?;
            }
            Ok(())
        });
        if let Err(err) = result {
            cx.syn_error(err);
        }
    }

    each_serde_option(cx, attrs, |meta| {
        let span = meta.path.span();
        if meta.path == RENAME_ALL {
            if let Some(rule) = rename_all_value(cx, meta)? {
                out.rename_all = Some(rule);
            }
        } else if meta.path == DEFAULT {
            let value = default_value(meta)?;
            if kind == ContainerKind::Enum {
                // serde rejects it on enums.
                cx.defer_to_serde();
            }
            out.default = Some(value);
        } else if meta.path == TAG {
            let lit = lit_str(meta)?;
            if kind == ContainerKind::Struct {
                cx.error_at(
                    span,
                    "`#[serde(tag = \"...\")]` on a struct writes an extra field the slice schema would not know; remove it (unions take their tag from the enum)",
                );
            } else {
                out.tag = Some(Spanned::new(lit.value(), lit.span()));
            }
        } else if meta.path == CONTENT {
            out.unsupported_representation = true;
            unsupported(
                cx,
                meta,
                "adjacently tagged unions cannot be described; use `#[serde(tag = \"...\")]` alone, the members' fields then sit next to the tag",
            )?;
        } else if meta.path == UNTAGGED {
            out.unsupported_representation = true;
            unsupported(
                cx,
                meta,
                "an untagged union has no field telling its members apart; use `#[serde(tag = \"...\")]`",
            )?;
        } else if meta.path == TRANSPARENT
            || meta.path == FROM
            || meta.path == TRY_FROM
            || meta.path == INTO
            || meta.path == REMOTE
        {
            unsupported(
                cx,
                meta,
                "the wire format then comes from another type, which the slice schema cannot see",
            )?;
        } else if meta.path == FIELD_IDENTIFIER || meta.path == VARIANT_IDENTIFIER {
            unsupported(cx, meta, "identifier enums are not slice values")?;
        } else if meta.path == RENAME
            || meta.path == RENAME_ALL_FIELDS
            || meta.path == DENY_UNKNOWN_FIELDS
            || meta.path == BOUND
            || meta.path == CRATE
            || meta.path == EXPECTING
        {
            // No effect on the field names or values of a slice: the type's
            // own name is not on the wire, and variants are newtype or unit.
            skip_value(meta)?;
        } else {
            unknown_serde(cx, meta)?;
        }
        Ok(())
    });

    out
}

// ---------------------------------------------------------------------------
// field

/// Reads the attributes of a struct field.
pub fn field(cx: &Ctxt, attrs: &[Attribute]) -> Field {
    let mut out = Field {
        docs: docs(attrs),
        ..Field::default()
    };

    for attr in attrs.iter().filter(|a| a.path() == &SLICE) {
        let result = attr.parse_nested_meta(|meta| {
            let span = meta.path.span();
            if let Some(option) = FIELD_OPTIONS.iter().find(|o| meta.path == **o) {
                out.slice_options.push(Spanned::new(option.0, span));
            }
            if meta.path == KEY {
                flag(cx, &meta, &mut out.key)?;
            } else if meta.path == BASE {
                flag(cx, &meta, &mut out.base)?;
            } else if meta.path == MODEL_ONLY {
                flag(cx, &meta, &mut out.model_only)?;
            } else if meta.path == RANGE {
                let mut range = RangeAttr::default();
                nested(&meta, |bound| {
                    let bound_span = bound.path.span();
                    if bound.path == MIN {
                        let n = parse_number(bound.value()?)?;
                        set_once(cx, &mut range.min, n, bound_span, "`min`");
                    } else if bound.path == MAX {
                        let n = parse_number(bound.value()?)?;
                        set_once(cx, &mut range.max, n, bound_span, "`max`");
                    } else {
                        return Err(bound.error("expected `min = <number>` or `max = <number>`"));
                    }
                    Ok(())
                })?;
                if range.min.is_none() && range.max.is_none() {
                    cx.error_at(span, "`range` needs `min`, `max` or both: `range(min = 1, max = 4094)`");
                }
                set_once(cx, &mut out.range, Spanned::new(range, span), span, "`#[slice(range)]` option");
            } else if meta.path == UNIQUE_INTEGER {
                let mut start = None;
                let mut stop = None;
                let mut scope = None;
                if meta.input.peek(syn::token::Paren) {
                    nested(&meta, |arg| {
                        let arg_span = arg.path.span();
                        if arg.path == START {
                            let v = parse_i64(arg.value()?)?;
                            set_once(cx, &mut start, v, arg_span, "`start`");
                        } else if arg.path == STOP {
                            let v = parse_i64(arg.value()?)?;
                            set_once(cx, &mut stop, v, arg_span, "`stop`");
                        } else if arg.path == SCOPE {
                            let lit = lit_str(&arg)?;
                            let value = match lit.value().as_str() {
                                SCOPE_STORE => Scope::Store,
                                SCOPE_SIBLINGS => Scope::Siblings,
                                other => {
                                    return Err(syn::Error::new(
                                        lit.span(),
                                        format!("unknown scope {other:?}: expected \"{SCOPE_STORE}\" (unique in the whole store) or \"{SCOPE_SIBLINGS}\" (unique among the items of one list)"),
                                    ));
                                }
                            };
                            set_once(cx, &mut scope, value, arg_span, "`scope`");
                        } else {
                            return Err(arg.error("expected `start = <int>`, `stop = <int>` or `scope = \"store\" | \"siblings\"`"));
                        }
                        Ok(())
                    })?;
                }
                let processor = Processor::UniqueInteger {
                    start: start.unwrap_or(Spanned::new(UNIQUE_INTEGER_START, span)),
                    stop: stop.unwrap_or(Spanned::new(UNIQUE_INTEGER_STOP, span)),
                    scope: scope.unwrap_or(Scope::Store),
                };
                set_processor(cx, &mut out.processor, processor, span, &meta);
            } else if meta.path == SIMPLE_VALUE {
                let value = parse_simple_lit(meta.value()?)?;
                set_processor(cx, &mut out.processor, Processor::SimpleValue(value), span, &meta);
            } else if meta.path == PROCESSOR {
                let lit = lit_str(&meta)?;
                if lit.value().trim().is_empty() {
                    cx.error_at(lit.span(), "the processor name cannot be empty");
                }
                set_processor(cx, &mut out.processor, Processor::Custom(lit.value()), span, &meta);
            } else if CONTAINER_OPTIONS.iter().any(|o| meta.path == *o) {
                let hint = if meta.path == KEYS {
                    ": on a field, write `#[slice(key)]`; `keys(a, b)` goes on the type"
                } else {
                    ""
                };
                cx.error_at(
                    span,
                    format!("`{}` is an option of the type, not of a field{hint}", path_name(&meta)),
                );
                skip_value(&meta)?;
            } else {
                cx.error_at(
                    span,
                    format!(
                        "unknown slice option `{}`; on a field, the options are {}",
                        path_name(&meta),
                        options_list(FIELD_OPTIONS)
                    ),
                );
                skip_value(&meta)?;
            }
            Ok(())
        });
        if let Err(err) = result {
            cx.syn_error(err);
        }
    }

    let mut skips = Skips::new();
    each_serde_option(cx, attrs, |meta| {
        let span = meta.path.span();
        if meta.path == RENAME {
            if let Some(name) = rename_value(cx, meta)? {
                out.rename = Some(name);
            }
        } else if meta.path == DEFAULT {
            out.default = Some(default_value(meta)?);
        } else if meta.path == FLATTEN {
            out.flatten = Some(span);
        } else if meta.path == SKIP {
            skips.skip = Some(span);
        } else if meta.path == SKIP_SERIALIZING {
            skips.serializing = Some(span);
        } else if meta.path == SKIP_DESERIALIZING {
            skips.deserializing = Some(span);
        } else if meta.path == SKIP_SERIALIZING_IF {
            skip_value(meta)?;
            out.skip_serializing_if = Some(span);
        } else if meta.path == ALIAS {
            unsupported(
                cx,
                meta,
                "a slice file has one name per field; rename the field in the files (a migration can do it) instead of accepting two names",
            )?;
        } else if meta.path == WITH || meta.path == SERIALIZE_WITH || meta.path == DESERIALIZE_WITH
        {
            unsupported(
                cx,
                meta,
                "a custom (de)serializer can write anything, which the slice schema cannot see; use a field type that serializes as it is (a newtype implementing `SliceField` if needed)",
            )?;
        } else if meta.path == GETTER {
            unsupported(cx, meta, "remote derives are not slice types")?;
        } else if meta.path == BOUND || meta.path == BORROW {
            skip_value(meta)?;
        } else {
            unknown_serde(cx, meta)?;
        }
        Ok(())
    });
    out.skip = skips.resolve(cx);

    out
}

fn set_processor(
    cx: &Ctxt,
    slot: &mut Option<Spanned<Processor>>,
    processor: Processor,
    span: Span,
    meta: &ParseNestedMeta,
) {
    if slot.is_some() {
        cx.error_at(
            span,
            format!(
                "a field takes one processor: remove `{}` or the other one",
                path_name(meta)
            ),
        );
    } else {
        *slot = Some(Spanned::new(processor, span));
    }
}

// ---------------------------------------------------------------------------
// variant

/// Reads the attributes of an enum variant.
pub fn variant(cx: &Ctxt, attrs: &[Attribute]) -> Variant {
    let mut out = Variant::default();

    for attr in attrs.iter().filter(|a| a.path() == &SLICE) {
        cx.error_spanned_by(
            attr,
            "`#[slice(...)]` has no options for enum variants; put them on the fields of the struct the variant holds",
        );
    }

    let mut skips = Skips::new();
    each_serde_option(cx, attrs, |meta| {
        let span = meta.path.span();
        if meta.path == RENAME {
            if let Some(name) = rename_value(cx, meta)? {
                out.rename = Some(name);
            }
        } else if meta.path == SKIP {
            skips.skip = Some(span);
        } else if meta.path == SKIP_SERIALIZING {
            skips.serializing = Some(span);
        } else if meta.path == SKIP_DESERIALIZING {
            skips.deserializing = Some(span);
        } else if meta.path == ALIAS {
            unsupported(
                cx,
                meta,
                "a tag has one value per member; rename the value in the files (a migration can do it) instead of accepting two",
            )?;
        } else if meta.path == OTHER || meta.path == UNTAGGED {
            unsupported(
                cx,
                meta,
                "every member of a slice union is selected by its own tag value",
            )?;
        } else if meta.path == WITH || meta.path == SERIALIZE_WITH || meta.path == DESERIALIZE_WITH
        {
            unsupported(
                cx,
                meta,
                "a custom (de)serializer can write anything, which the slice schema cannot see",
            )?;
        } else if meta.path == BOUND || meta.path == BORROW || meta.path == RENAME_ALL {
            // `rename_all` on a variant renames the fields of a struct
            // variant; slice unions hold newtype variants only.
            skip_value(meta)?;
        } else {
            unknown_serde(cx, meta)?;
        }
        Ok(())
    });
    out.skip = skips.resolve(cx);

    out
}
