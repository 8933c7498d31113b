//! Names in the inmanta DSL: what the parser accepts, and the conversions the
//! generator applies to turn Rust names into DSL names (spec §9.5).

/// Every keyword of the inmanta DSL (inmanta-core's lexer `keyworldlist`). A
/// keyword cannot name an attribute, a relation, a typedef or a module.
pub const KEYWORDS: [&str; 28] = [
    "typedef",
    "as",
    "entity",
    "extends",
    "end",
    "in",
    "implementation",
    "for",
    "matching",
    "index",
    "implement",
    "using",
    "when",
    "and",
    "or",
    "not",
    "true",
    "false",
    "import",
    "is",
    "defined",
    "dict",
    "null",
    "undef",
    "parents",
    "if",
    "else",
    "elif",
];

/// The primitive types of the DSL; a typedef cannot take one of these names.
pub const PRIMITIVE_TYPES: [&str; 7] = ["string", "float", "number", "int", "bool", "list", "dict"];

/// Whether `name` is a DSL keyword.
pub fn is_keyword(name: &str) -> bool {
    KEYWORDS.contains(&name)
}

/// Whether `name` is one identifier token: `[a-zA-Z_][a-zA-Z_0-9]*`.
///
/// The lexer also accepts `-` after the first character, but the compiler
/// refuses it in every name it defines, so it is refused here.
fn is_token(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Why `name` cannot name an attribute or a relation, if it cannot.
pub fn attribute_name_problem(name: &str) -> Option<&'static str> {
    if !is_token(name) {
        Some(
            "a DSL attribute or relation name is made of ASCII letters, digits and `_`, and does not start with a digit",
        )
    } else if name.starts_with(|c: char| c.is_ascii_uppercase()) {
        Some("a DSL attribute or relation name cannot start with an upper-case letter")
    } else if is_keyword(name) {
        Some("it is a keyword of the inmanta DSL")
    } else {
        None
    }
}

/// Why `name` cannot name an entity, if it cannot.
pub fn entity_name_problem(name: &str) -> Option<&'static str> {
    if !is_token(name) {
        Some("a DSL entity name is made of ASCII letters, digits and `_`")
    } else if !name.starts_with(|c: char| c.is_ascii_uppercase()) {
        Some("a DSL entity name starts with an upper-case letter")
    } else {
        None
    }
}

/// Why `segment` cannot be one segment of a module path, if it cannot.
pub fn module_segment_problem(segment: &str) -> Option<&'static str> {
    if !is_token(segment) {
        Some(
            "a DSL module name is made of ASCII letters, digits and `_`, and does not start with a digit",
        )
    } else if segment.starts_with(|c: char| c.is_ascii_uppercase()) {
        Some("a DSL module name cannot start with an upper-case letter")
    } else if is_keyword(segment) {
        Some("it is a keyword of the inmanta DSL")
    } else {
        None
    }
}

/// `EmbeddedSlice` → `embedded_slice`: an underscore before every upper-case
/// letter but the first character, then lower case (the reference's
/// `camel_case_to_snake_case`).
pub fn snake_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for (i, c) in name.chars().enumerate() {
        if i > 0 && c.is_uppercase() {
            out.push('_');
        }
        out.extend(c.to_lowercase());
    }
    out
}

/// A name usable as an attribute or relation name (the reference's
/// `inmanta_safe_name`): `-` and `.` become `_`, and `x_` is prefixed when
/// the name does not start with a lower-case letter or is a keyword.
pub fn safe_name(name: &str) -> String {
    let mut out = name.replace(['-', '.'], "_");
    if !out.starts_with(char::is_lowercase) {
        out.insert_str(0, "x_");
    }
    if is_keyword(&out) {
        out.insert_str(0, "x_");
    }
    out
}

/// `embedded_required` → `EmbeddedRequired` (the reference's
/// `inmanta_entity_name`): the safe name split on `_`, every part
/// capitalised (first letter upper case, the rest lower case).
pub fn camel_case(name: &str) -> String {
    safe_name(name).split('_').map(capitalise).collect()
}

fn capitalise(part: &str) -> String {
    let mut chars = part.chars();
    match chars.next() {
        Some(first) => first
            .to_uppercase()
            .chain(chars.flat_map(char::to_lowercase))
            .collect(),
        None => String::new(),
    }
}

/// The snake-case parent relation name of an owner entity, for
/// `explicit_parent_relations` (spec §9.5): `EmbeddedSlice` →
/// `embedded_slice`.
pub fn parent_relation_name(owner: &str) -> String {
    safe_name(&snake_case(owner))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_and_camel_case_follow_the_reference() {
        assert_eq!(parent_relation_name("EmbeddedSlice"), "embedded_slice");
        assert_eq!(parent_relation_name("Tree"), "tree");
        assert_eq!(parent_relation_name("HTTPServer"), "h_t_t_p_server");
        assert_eq!(parent_relation_name("If"), "x_if");
        assert_eq!(camel_case("embedded_required"), "EmbeddedRequired");
        assert_eq!(camel_case("children"), "Children");
        assert_eq!(camel_case("IPs"), "XIps");
        assert_eq!(camel_case("2nd-item"), "X2ndItem");
        assert_eq!(camel_case("for"), "XFor");
    }

    #[test]
    fn names_the_parser_refuses_are_reported() {
        assert_eq!(attribute_name_problem("vid"), None);
        assert_eq!(attribute_name_problem("_private"), None);
        assert!(attribute_name_problem("index").is_some());
        assert!(attribute_name_problem("Vid").is_some());
        assert!(attribute_name_problem("my-field").is_some());
        assert!(attribute_name_problem("1st").is_some());
        assert!(attribute_name_problem("").is_some());
        assert_eq!(entity_name_problem("Vlan"), None);
        assert!(entity_name_problem("vlan").is_some());
        assert_eq!(module_segment_problem("slices"), None);
        assert!(module_segment_problem("end").is_some());
    }
}
