//! The inmanta DSL side of the generator: an intermediate representation of
//! `.cf` files ([`ir`]), the rules for names ([`names`]) and the printer
//! ([`render`]).

pub mod ir;
pub mod names;
pub mod render;

/// The DSL keywords and fixed words the printer writes, one constant each.
pub mod keyword {
    /// `entity`
    pub const ENTITY: &str = "entity";
    /// `extends`
    pub const EXTENDS: &str = "extends";
    /// `end`
    pub const END: &str = "end";
    /// `index`
    pub const INDEX: &str = "index";
    /// `implement`
    pub const IMPLEMENT: &str = "implement";
    /// `using`
    pub const USING: &str = "using";
    /// `parents`
    pub const PARENTS: &str = "parents";
    /// `typedef`
    pub const TYPEDEF: &str = "typedef";
    /// `as`
    pub const AS: &str = "as";
    /// `matching`
    pub const MATCHING: &str = "matching";
    /// `import`
    pub const IMPORT: &str = "import";
    /// `null`
    pub const NULL: &str = "null";
    /// `self`, the value inside a typedef constraint.
    pub const SELF: &str = "self";
    /// `in`
    pub const IN: &str = "in";
    /// `and`
    pub const AND: &str = "and";
    /// The docstring delimiter.
    pub const DOCSTRING: &str = "\"\"\"";
    /// Prefix of an attribute line in an entity docstring.
    pub const ATTR_DOC: &str = ":attr";
    /// Prefix of a relation line in an entity docstring.
    pub const REL_DOC: &str = ":rel";
    /// Prefix of the peer line in a relation docstring.
    pub const PEER_DOC: &str = "Peer relation:";
    /// `string`
    pub const STRING: &str = "string";
    /// `int`
    pub const INT: &str = "int";
    /// `float`
    pub const FLOAT: &str = "float";
    /// `bool`
    pub const BOOL: &str = "bool";
    /// `list`
    pub const LIST: &str = "list";
    /// `dict`
    pub const DICT: &str = "dict";
}

/// The `std` module every entity implicitly extends (`std::Entity`).
pub const STD_MODULE: &str = "std";
/// The `std::none` implementation.
pub const STD_NONE: &str = "none";
