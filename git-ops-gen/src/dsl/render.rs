//! Printing a [`DslModule`] as the text of a `.cf` file (spec §9.3, §9.4).
//!
//! Layout of a file:
//!
//! ```text
//! <header>
//! <import lines, sorted>
//!
//! <elements, sorted, separated by one empty line>
//!
//! # <footer line 1>
//! # <footer line 2>
//! ```

use std::collections::BTreeSet;

use super::STD_MODULE;
use super::ir::{
    Attribute, AttributeDefault, AttributeType, BaseType, Constraint, DslModule, Element, Entity,
    EntityDoc, Implement, Index, ModulePath, Multiplicity, Primitive, Relation, TypeRef, Typedef,
};
use super::keyword as kw;

/// Width at which entity and relation descriptions are re-flowed.
pub const DESCRIPTION_WIDTH: usize = 90;
/// Width at which `:attr` and `:rel` descriptions are re-flowed.
pub const FIELD_DESCRIPTION_WIDTH: usize = 70;
/// One level of indentation.
pub const INDENT: &str = "    ";

/// What frames the elements of every file: a header printed first (e.g. a
/// docstring) and footer comment lines printed last.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Frame {
    /// Printed verbatim at the top of the file (a trailing newline is
    /// dropped).
    pub header: String,
    /// Comment lines at the end of the file, without the `# `.
    pub footer: Vec<String>,
}

/// The text of a `.cf` file declaring `module`.
pub fn render_module(module: &DslModule, frame: &Frame) -> String {
    let mut elements: Vec<&Element> = module.elements.iter().collect();
    elements.sort_by_cached_key(|element| sort_key(element));
    let imports: Vec<String> = imports(module)
        .into_iter()
        .map(|import| format!("{} {import}", kw::IMPORT))
        .collect();
    let body: Vec<String> = elements
        .iter()
        .map(|element| render_element(&module.path, element))
        .collect();

    let mut out = String::new();
    out.push_str(frame.header.trim_end_matches('\n'));
    out.push('\n');
    out.push_str(&imports.join("\n"));
    out.push_str("\n\n");
    out.push_str(&body.join("\n"));
    out.push('\n');
    for line in &frame.footer {
        out.push_str("# ");
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// The order of elements in a file (spec §9.3): typedefs first, then every
/// entity followed by its relations and its index (by name), then the
/// implement statements by entity path.
fn sort_key(element: &Element) -> (u8, String) {
    match element {
        Element::Typedef(typedef) => (0, typedef.name.clone()),
        Element::Entity(entity) => (1, format!("{}.entity", entity.name)),
        Element::Relation(relation) => (
            1,
            format!("{}.entity.{}", relation.owner.name, relation.name),
        ),
        Element::Index(index) => (
            1,
            format!("{}.entity_{}", index.entity.name, index.fields.join("_")),
        ),
        Element::Implement(implement) => {
            let implementations: Vec<String> = implement
                .implementations
                .iter()
                .map(TypeRef::full_path)
                .collect();
            (
                2,
                format!(
                    "{}.{}",
                    implement.entity.full_path(),
                    implementations.join(".")
                ),
            )
        }
    }
}

/// Every other module the elements refer to, plus `std` when the file
/// defines an entity (every entity extends `std::Entity`).
fn imports(module: &DslModule) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut add = |path: &ModulePath| {
        if *path != module.path {
            out.insert(path.to_string());
        }
    };
    let std = ModulePath::new(STD_MODULE);
    for element in &module.elements {
        match element {
            Element::Typedef(_) => {}
            Element::Entity(entity) => {
                add(&std);
                entity.extends.iter().for_each(|parent| add(&parent.module));
                for attribute in &entity.attributes {
                    if let BaseType::Typedef(typedef) = &attribute.ty.base {
                        add(&typedef.module);
                    }
                }
            }
            Element::Relation(relation) => {
                add(&relation.owner.module);
                add(&relation.target.module);
            }
            Element::Index(index) => add(&index.entity.module),
            Element::Implement(implement) => {
                add(&implement.entity.module);
                for implementation in &implement.implementations {
                    add(&implementation.module);
                }
            }
        }
    }
    out
}

fn render_element(here: &ModulePath, element: &Element) -> String {
    match element {
        Element::Typedef(typedef) => render_typedef(typedef),
        Element::Entity(entity) => render_entity(here, entity),
        Element::Relation(relation) => render_relation(here, relation),
        Element::Index(index) => render_index(here, index),
        Element::Implement(implement) => render_implement(here, implement),
    }
}

/// A reference as printed in module `here`: the bare name inside its own
/// module, the full path elsewhere.
fn reference(here: &ModulePath, target: &TypeRef) -> String {
    if target.module == *here {
        target.name.clone()
    } else {
        target.full_path()
    }
}

fn render_typedef(typedef: &Typedef) -> String {
    let constraint = match &typedef.constraint {
        Constraint::OneOf(values) => {
            let values: Vec<String> = values.iter().map(|v| string_literal(v)).collect();
            format!("{} {} [{}]", kw::SELF, kw::IN, values.join(", "))
        }
        Constraint::Range { min, max } => {
            let mut parts = Vec::new();
            if let Some(min) = min {
                parts.push(format!("{} >= {min}", kw::SELF));
            }
            if let Some(max) = max {
                parts.push(format!("{} <= {max}", kw::SELF));
            }
            parts.join(&format!(" {} ", kw::AND))
        }
    };
    let mut out = format!(
        "{} {} {} {} {} {constraint}\n",
        kw::TYPEDEF,
        typedef.name,
        kw::AS,
        primitive(typedef.base),
        kw::MATCHING
    );
    if let Some(description) = non_empty(&typedef.description) {
        let text = wrap(description, DESCRIPTION_WIDTH, "");
        out.push_str(&docstring_block(&format!("{text}\n"), ""));
    }
    out
}

fn render_entity(here: &ModulePath, entity: &Entity) -> String {
    let mut out = format!("{} {}", kw::ENTITY, entity.name);
    if !entity.extends.is_empty() {
        let parents: Vec<String> = entity
            .extends
            .iter()
            .map(|parent| reference(here, parent))
            .collect();
        out.push_str(&format!(" {} {}", kw::EXTENDS, parents.join(", ")));
    }
    out.push_str(":\n");
    out.push_str(&docstring_block(&entity_doc_text(&entity.doc), INDENT));
    for attribute in &entity.attributes {
        out.push_str(INDENT);
        out.push_str(&render_attribute(here, attribute));
        out.push('\n');
    }
    out.push_str(kw::END);
    out.push('\n');
    out
}

/// The docstring text of an entity: the description, an empty line, the
/// `:attr` lines and the `:rel` lines, ending with exactly one newline.
fn entity_doc_text(doc: &EntityDoc) -> String {
    let mut parts = vec![match non_empty(&doc.description) {
        Some(description) => format!("{}\n", wrap(description, DESCRIPTION_WIDTH, "")),
        None => String::new(),
    }];
    for (name, description) in &doc.attributes {
        parts.push(format!(
            "{} {name}: {}",
            kw::ATTR_DOC,
            field_doc(description)
        ));
    }
    for (name, description) in &doc.relations {
        parts.push(format!(
            "{} {name}: {}",
            kw::REL_DOC,
            field_doc(description)
        ));
    }
    format!("{}\n", parts.join("\n").trim_end_matches('\n'))
}

/// An `:attr`/`:rel` description: re-flowed when long, continuation lines
/// indented.
fn field_doc(description: &str) -> String {
    if description.contains('\n') {
        let mut lines = description.split('\n');
        let first = lines.next().unwrap_or_default().to_owned();
        lines.fold(first, |mut out, line| {
            out.push('\n');
            if !line.trim().is_empty() {
                out.push_str(INDENT);
            }
            out.push_str(line);
            out
        })
    } else {
        wrap(description, FIELD_DESCRIPTION_WIDTH, INDENT)
    }
}

/// `"""`, the text's lines (each indented unless blank, trailing spaces
/// dropped), `"""`, all indented by `indent`. `text` ends with a newline.
fn docstring_block(text: &str, indent: &str) -> String {
    let text = escape_docstring(text);
    let mut out = format!("{indent}{}\n", kw::DOCSTRING);
    for line in text.strip_suffix('\n').unwrap_or(&text).split('\n') {
        let line = line.trim_end();
        if !line.is_empty() {
            out.push_str(indent);
            out.push_str(line);
        }
        out.push('\n');
    }
    out.push_str(indent);
    out.push_str(kw::DOCSTRING);
    out.push('\n');
    out
}

fn render_attribute(here: &ModulePath, attribute: &Attribute) -> String {
    let default = match &attribute.default {
        AttributeDefault::None => String::new(),
        AttributeDefault::Null => format!(" = {}", kw::NULL),
        AttributeDefault::String(value) => format!(" = {}", string_literal(value)),
    };
    format!(
        "{} {}{default}",
        attribute_type(here, &attribute.ty),
        attribute.name
    )
}

fn attribute_type(here: &ModulePath, ty: &AttributeType) -> String {
    let mut out = match &ty.base {
        BaseType::Primitive(base) => primitive(*base).to_owned(),
        BaseType::Typedef(typedef) => reference(here, typedef),
    };
    if ty.list {
        out.push_str("[]");
    }
    if ty.nullable {
        out.push('?');
    }
    out
}

fn primitive(primitive: Primitive) -> &'static str {
    match primitive {
        Primitive::String => kw::STRING,
        Primitive::Int => kw::INT,
        Primitive::Float => kw::FLOAT,
        Primitive::Bool => kw::BOOL,
        Primitive::List => kw::LIST,
        Primitive::Dict => kw::DICT,
    }
}

fn multiplicity(multiplicity: Multiplicity) -> String {
    match multiplicity.max {
        Some(max) if max == multiplicity.min => format!("[{max}]"),
        Some(max) => format!("[{}:{max}]", multiplicity.min),
        None => format!("[{}:]", multiplicity.min),
    }
}

fn render_relation(here: &ModulePath, relation: &Relation) -> String {
    let mut text = String::new();
    if let Some(description) = non_empty(&relation.description) {
        text.push_str(&wrap(description, DESCRIPTION_WIDTH, ""));
        text.push('\n');
    }
    text.push_str(&format!("{} {}\n", kw::PEER_DOC, relation.peer_description));
    format!(
        "{}.{} {} -- {}.{} {}\n{}",
        reference(here, &relation.owner),
        relation.name,
        multiplicity(relation.multiplicity),
        reference(here, &relation.target),
        relation.peer,
        multiplicity(relation.peer_multiplicity),
        docstring_block(&text, "")
    )
}

fn render_index(here: &ModulePath, index: &Index) -> String {
    format!(
        "{} {}({})\n",
        kw::INDEX,
        reference(here, &index.entity),
        index.fields.join(", ")
    )
}

fn render_implement(here: &ModulePath, implement: &Implement) -> String {
    let mut using: Vec<String> = implement
        .implementations
        .iter()
        .map(|implementation| reference(here, implementation))
        .collect();
    if implement.parents {
        using.push(kw::PARENTS.to_owned());
    }
    format!(
        "{} {} {} {}\n",
        kw::IMPLEMENT,
        reference(here, &implement.entity),
        kw::USING,
        using.join(", ")
    )
}

fn non_empty(text: &Option<String>) -> Option<&str> {
    text.as_deref().filter(|text| !text.is_empty())
}

/// Re-flows a one-line description of at least `width` characters on single
/// spaces (the reference's `long_description`): a word starts a new line,
/// prefixed with `indent`, when the current line plus the word would be
/// longer than `width`. Descriptions with newlines are kept as they are.
pub fn wrap(text: &str, width: usize, indent: &str) -> String {
    if text.contains('\n') || text.chars().count() < width {
        return text.to_owned();
    }
    let mut lines: Vec<String> = vec![String::new()];
    for word in text.split(' ') {
        let line = lines.last_mut().expect("never empty");
        if line.is_empty() {
            line.push_str(word);
        } else if line.chars().count() + word.chars().count() > width {
            lines.push(format!("{indent}{word}"));
        } else {
            line.push(' ');
            line.push_str(word);
        }
    }
    lines.join("\n")
}

/// A DSL string literal for `value`.
///
/// The compiler decodes string literals with Python's `unicode_escape`
/// codec, so everything but printable ASCII is escaped (`\uXXXX` for
/// non-ASCII), as are `"` and `\`.
pub fn string_literal(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            ' '..='~' => out.push(c),
            c if (c as u32) < 0x100 => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if (c as u32) <= 0xFFFF => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push_str(&format!("\\U{:08x}", c as u32)),
        }
    }
    out.push('"');
    out
}

/// Makes text safe inside a `"""` docstring: backslashes are doubled (the
/// compiler decodes escapes in docstrings) and every quote of a run of
/// three or more is escaped (such a run would end the docstring).
fn escape_docstring(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '\\' => {
                out.push_str("\\\\");
                i += 1;
            }
            '"' => {
                let run = chars[i..].iter().take_while(|c| **c == '"').count();
                let quote = if run >= 3 { "\\\"" } else { "\"" };
                (0..run).for_each(|_| out.push_str(quote));
                i += run;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapping_follows_the_reference() {
        let label = "Free text shown in the switch configuration, it is truncated by most vendors after thirty two characters.";
        assert_eq!(
            wrap(label, 70, "    "),
            "Free text shown in the switch configuration, it is truncated by most\n    vendors after thirty two characters."
        );
        assert_eq!(wrap("short", 70, "    "), "short");
        assert_eq!(wrap("has\nnewline", 3, "    "), "has\nnewline");
        // Double spaces are kept (an empty word).
        assert_eq!(wrap("aaaa  bbbb cccc", 10, ""), "aaaa  bbbb\ncccc");
        // A word longer than the width does not leave an empty first line.
        assert_eq!(wrap("abcdefghijkl x", 5, ""), "abcdefghijkl\nx");
    }

    #[test]
    fn string_literals_are_escaped_for_unicode_escape_decoding() {
        assert_eq!(string_literal("dir"), "\"dir\"");
        assert_eq!(string_literal("a\"b\\c"), "\"a\\\"b\\\\c\"");
        assert_eq!(string_literal("é\n"), "\"\\xe9\\n\"");
        assert_eq!(string_literal("€"), "\"\\u20ac\"");
    }

    #[test]
    fn docstrings_cannot_be_closed_by_their_text() {
        assert_eq!(escape_docstring("say \"hi\""), "say \"hi\"");
        assert_eq!(escape_docstring("a \"\"\" b"), "a \\\"\\\"\\\" b");
        assert_eq!(escape_docstring("\\d+"), "\\\\d+");
    }

    #[test]
    fn multiplicities() {
        assert_eq!(multiplicity(Multiplicity::ONE), "[1]");
        assert_eq!(multiplicity(Multiplicity::OPTIONAL), "[0:1]");
        assert_eq!(multiplicity(Multiplicity::MANY), "[0:]");
    }
}
