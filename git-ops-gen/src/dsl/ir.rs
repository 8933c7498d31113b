//! The DSL intermediate representation: what one `.cf` file declares, as
//! data. The lowering (`crate::lower`) builds it from the schema model; the
//! renderer (`super::render`) prints it. Nothing here knows about slices.

use std::fmt;

/// A DSL module path, e.g. `acme::slices::vlan`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ModulePath(String);

impl ModulePath {
    /// A module path from its `::`-separated text.
    pub fn new(path: impl Into<String>) -> Self {
        ModulePath(path.into())
    }

    /// The path as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The segments of the path: `["acme", "slices", "vlan"]`.
    pub fn segments(&self) -> impl Iterator<Item = &str> {
        self.0.split("::")
    }

    /// The enclosing module, `None` for a module root.
    pub fn parent(&self) -> Option<ModulePath> {
        self.0
            .rsplit_once("::")
            .map(|(parent, _)| ModulePath::new(parent))
    }

    /// A sub-module of this one.
    pub fn child(&self, name: &str) -> ModulePath {
        ModulePath(format!("{}::{name}", self.0))
    }
}

impl fmt::Display for ModulePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A reference to a named DSL element (entity, typedef, implementation): its
/// module and its name. Printed by name inside its own module, by full path
/// elsewhere (which also imports the module).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TypeRef {
    /// The module defining the element.
    pub module: ModulePath,
    /// The element's name.
    pub name: String,
}

impl TypeRef {
    /// A reference to `name` in `module`.
    pub fn new(module: ModulePath, name: impl Into<String>) -> Self {
        TypeRef {
            module,
            name: name.into(),
        }
    }

    /// `module::name`.
    pub fn full_path(&self) -> String {
        format!("{}::{}", self.module, self.name)
    }
}

/// One top-level statement of a `.cf` file.
#[derive(Clone, Debug, PartialEq)]
pub enum Element {
    /// `typedef name as base matching ...`.
    Typedef(Typedef),
    /// `entity Name extends ...: ... end`.
    Entity(Entity),
    /// `Owner.name [card] -- Target.peer [1]`.
    Relation(Relation),
    /// `index Entity(field, ...)`.
    Index(Index),
    /// `implement Entity using ...`.
    Implement(Implement),
}

/// The primitive types of the DSL.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Primitive {
    /// `string`
    String,
    /// `int`
    Int,
    /// `float`
    Float,
    /// `bool`
    Bool,
    /// `list`: a list of any literal values.
    List,
    /// `dict`: a mapping of any literal values.
    Dict,
}

/// A constrained type: `typedef name as base matching constraint`.
#[derive(Clone, Debug, PartialEq)]
pub struct Typedef {
    /// Typedef name (lower case).
    pub name: String,
    /// The constrained primitive type.
    pub base: Primitive,
    /// What a value must satisfy.
    pub constraint: Constraint,
    /// Docstring, printed after the statement.
    pub description: Option<String>,
}

/// The constraint of a [`Typedef`].
#[derive(Clone, Debug, PartialEq)]
pub enum Constraint {
    /// `self in ["a", "b"]`.
    OneOf(Vec<String>),
    /// `self >= min and self <= max` (inclusive bounds, each optional), bounds
    /// given as DSL number literals.
    Range {
        /// Smallest accepted value.
        min: Option<String>,
        /// Largest accepted value.
        max: Option<String>,
    },
}

/// The base of an attribute type: a primitive or a typedef.
#[derive(Clone, Debug, PartialEq)]
pub enum BaseType {
    /// A primitive type.
    Primitive(Primitive),
    /// A typedef (possibly in another module).
    Typedef(TypeRef),
}

/// The type of an attribute: `base`, `base[]`, `base?` or `base[]?`.
#[derive(Clone, Debug, PartialEq)]
pub struct AttributeType {
    /// Element type.
    pub base: BaseType,
    /// A typed list of `base` (`base[]`).
    pub list: bool,
    /// `null` is accepted (`?`).
    pub nullable: bool,
}

/// The default of an attribute as printed.
#[derive(Clone, Debug, PartialEq)]
pub enum AttributeDefault {
    /// No default printed.
    None,
    /// `= null`.
    Null,
    /// `= "text"`: a string literal.
    String(String),
}

/// One attribute of an entity.
#[derive(Clone, Debug, PartialEq)]
pub struct Attribute {
    /// Attribute type.
    pub ty: AttributeType,
    /// Attribute name.
    pub name: String,
    /// Printed default.
    pub default: AttributeDefault,
}

/// The docstring of an entity, in its parts (spec §9.4).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct EntityDoc {
    /// The entity's own description.
    pub description: Option<String>,
    /// `:attr name: description` lines, in attribute order.
    pub attributes: Vec<(String, String)>,
    /// `:rel name: description` lines: own relations, then the parent
    /// relation the entity carries.
    pub relations: Vec<(String, String)>,
}

/// An entity definition.
#[derive(Clone, Debug, PartialEq)]
pub struct Entity {
    /// Entity name (upper case first).
    pub name: String,
    /// Parent entities, in order (`std::Entity` is implicit and never listed).
    pub extends: Vec<TypeRef>,
    /// Docstring.
    pub doc: EntityDoc,
    /// Own attributes, in order.
    pub attributes: Vec<Attribute>,
}

/// The multiplicity of one side of a relation: `[min]` or `[min:max]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Multiplicity {
    /// Lower bound.
    pub min: u32,
    /// Upper bound, `None` for unbounded.
    pub max: Option<u32>,
}

impl Multiplicity {
    /// `[1]`.
    pub const ONE: Multiplicity = Multiplicity {
        min: 1,
        max: Some(1),
    };
    /// `[0:1]`.
    pub const OPTIONAL: Multiplicity = Multiplicity {
        min: 0,
        max: Some(1),
    };
    /// `[0:]`.
    pub const MANY: Multiplicity = Multiplicity { min: 0, max: None };
}

/// A bidirectional relation, printed in the owner's module.
#[derive(Clone, Debug, PartialEq)]
pub struct Relation {
    /// The entity owning the forward side.
    pub owner: TypeRef,
    /// Forward relation name (on the owner).
    pub name: String,
    /// Forward multiplicity.
    pub multiplicity: Multiplicity,
    /// Description of the forward side.
    pub description: Option<String>,
    /// The entity on the other side.
    pub target: TypeRef,
    /// Reverse relation name (on the target).
    pub peer: String,
    /// Reverse multiplicity.
    pub peer_multiplicity: Multiplicity,
    /// Description of the reverse side.
    pub peer_description: String,
}

/// An index over attributes and relations of an entity.
#[derive(Clone, Debug, PartialEq)]
pub struct Index {
    /// The indexed entity.
    pub entity: TypeRef,
    /// Field names, in order.
    pub fields: Vec<String>,
}

/// An implement statement.
#[derive(Clone, Debug, PartialEq)]
pub struct Implement {
    /// The implemented entity.
    pub entity: TypeRef,
    /// Implementations, in order (e.g. `std::none`).
    pub implementations: Vec<TypeRef>,
    /// Also use the implementations of the parent entities (`parents`).
    pub parents: bool,
}

/// Every element of one DSL module, in no particular order (the renderer
/// sorts them).
#[derive(Clone, Debug, PartialEq)]
pub struct DslModule {
    /// The module's path.
    pub path: ModulePath,
    /// Its elements.
    pub elements: Vec<Element>,
}
