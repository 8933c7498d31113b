//! Generated modules compiled by the real inmanta compiler (inmanta-core
//! 14.0.0, from the virtualenv of `scripts/setup-venv`): each module is
//! installed, then a project instantiates its entities — roots, embedded
//! objects in every cardinality, union members, helper entities through
//! their parents — and checks the relations from both sides; then models the
//! compiler must refuse (index collisions, missing required relations,
//! values outside a typedef) fail with the expected message.
//!
//! Every module has its own name, so these tests can run in parallel with
//! each other and with other tests using the same virtualenv.

mod common;

use common::inmanta::{Venv, generate, regenerate};
use common::{ACME_HEADER, assert_same_text, gaps, golden, rename_module, support};
use git_ops_runtime::Slice;

/// Every object below is created with this operation marker.
const CREATE: &str = "operation=\"create\"";

fn acme_stores() -> Vec<git_ops_runtime::StoreSchema> {
    vec![
        acme::slices::vlan::Vlan::store_schema(),
        acme::slices::tree::Tree::store_schema(),
        acme::slices::disk::Volume::store_schema(),
    ]
}

fn assert_golden(dir: &std::path::Path, store: &str, golden_name: &str) {
    let path = dir.join(format!("model/slices/{store}/_init.cf"));
    let text = std::fs::read_to_string(&path).unwrap();
    assert_same_text(&text, &golden(golden_name), golden_name);
}

/// The worked examples of spec §9.6 (the golden files), from the `acme`
/// crate: with the default parent relation, then regenerated in place with
/// explicit parent relations.
#[test]
fn worked_examples_compile() {
    let venv = Venv::get();
    let (module, _) = generate("acme", acme_stores(), Some(ACME_HEADER), false);
    for (store, golden_name) in [
        ("vlan", "acme/vlan.cf"),
        ("tree", "acme/tree.cf"),
        ("disk", "acme/disk.cf"),
    ] {
        assert_golden(&module.dir, store, golden_name);
    }
    venv.install(&[&module]);
    let project = module.project();

    let model = |parent: &str, tree_parent: &str, branch_parent: &str| {
        format!(
            r#"
import acme::slices::vlan as vlan
import acme::slices::tree as tree
import acme::slices::disk as disk
import std

vlan::Vlan(
    {CREATE}, path=".", version=1, slice_store="vlan", slice_name="v10",
    vid=10, label=null, mtu=1500.0, enabled=true, ports=["ge-0/0/1"], extra={{"a": [1]}},
)
vlan::Vlan(
    {CREATE}, path=".", version=3, slice_store="vlan", slice_name="v20",
    vid=20, label="servers", mtu=9000.0, enabled=false, ports=[], extra={{}},
)

oak = tree::Tree({CREATE}, path=".", version=1, slice_store="tree", slice_name="oak", label="oak", note=null, owner=null)
trunk = tree::TreeTrunk({tree_parent}=oak, {CREATE}, path="trunk", label="trunk", note=null, weight=3)
tree::TreeSpare({tree_parent}=oak, {CREATE}, path="spare", label="spare", note="cut", weight=null)
tree::TreeBranches({tree_parent}=oak, {CREATE}, path="branches[label=a]", label="a", note=null, weight=null)
tree::TreeBranches({tree_parent}=oak, {CREATE}, path="branches[label=b]", label="b", note=null, weight=null)
tree::BranchChildren({branch_parent}=trunk, {CREATE}, path="trunk.children[label=a]", label="a", note=null, weight=1)
std::assert(oak.trunk.label == "trunk")
std::assert(std::count(oak.branches) == 2)
std::assert(oak.spare.note == "cut")
branch_b = tree::TreeBranches[{tree_parent}=oak, label="b"]
std::assert(branch_b.path == "branches[label=b]")
std::assert(std::count(trunk.children) == 1)

data = disk::Volume(
    {CREATE}, path=".", version=1, slice_store="disk", slice_name="data",
    mount="/data", name="data", mode="755",
)
docs = disk::DirDir({parent}=data, {CREATE}, path="items[name=docs]", name="docs", mode="755")
disk::Doc({parent}=docs, {CREATE}, path="items[name=docs].items[name=readme]", name="readme", mode="644", text="hello")
disk::Doc({parent}=data, {CREATE}, path="items[name=readme]", name="readme", mode="644", text="")
std::assert(std::count(data.items) == 2)
std::assert(docs.kind == "dir")
readme = disk::Doc[{parent}=docs, name="readme"]
std::assert(readme.kind == "doc")
"#
        )
    };
    venv.compile(&project, &model("parent", "parent", "parent"))
        .assert_success();

    // A required relation left unset.
    venv.compile(
        &project,
        &format!(
            "import acme::slices::tree as tree\ntree::Tree({CREATE}, path=\".\", version=1, slice_store=\"tree\", slice_name=\"oak\", label=\"oak\", note=null, owner=null)\n"
        ),
    )
    .assert_failure(&["is not complete: attribute trunk", "is not set"]);

    regenerate(&module.dir, "acme", acme_stores(), Some(ACME_HEADER), true);
    for (store, golden_name) in [
        ("vlan", "acme/vlan.cf"),
        ("tree", "acme/tree-explicit.cf"),
        ("disk", "acme/disk-explicit.cf"),
    ] {
        assert_golden(&module.dir, store, golden_name);
    }
    venv.compile(&project, &model("dir", "tree", "branch"))
        .assert_success();
}

/// The example crates, each in its own module; `fs` with explicit parent
/// relations, as the reference's own example.
#[test]
fn example_crates_compile() {
    let venv = Venv::get();
    let (simple, _) = generate(
        "gentest_simple",
        rename_module(
            vec![simple::SimpleSlice::store_schema()],
            "simple",
            "gentest_simple",
        ),
        None,
        false,
    );
    let (recursive, _) = generate(
        "gentest_recursive",
        rename_module(
            vec![recursive::RecursiveSlice::store_schema()],
            "recursive",
            "gentest_recursive",
        ),
        None,
        false,
    );
    let (fs, _) = generate(
        "gentest_fs",
        rename_module(vec![fs::RootFolder::store_schema()], "fs", "gentest_fs"),
        None,
        true,
    );
    let (switch, _) = generate(
        "gentest_switch",
        rename_module(vec![support::switch()], "acme", "gentest_switch"),
        None,
        false,
    );
    venv.install(&[&simple, &recursive, &fs, &switch]);
    let project = simple.dir.parent().unwrap().join("project");

    let simple_slice = |name: &str, extra: &str| {
        format!(
            "simple::SimpleSlice({CREATE}, path=\".\", version=1, slice_store=\"simple\", slice_name=\"{name}\", name=\"{name}\", description=null, unique_id=7, some_number=1.5, some_flag=true, some_list=[\"a\"], some_dict={{\"k\": [1, 2]}}, counters={{\"a\": 1}}, matrix=[[1.0, 2.0], [3.0]], {extra})\n"
        )
    };
    let port = |number: &str, speed: &str| {
        format!(
            "switch::Port(parent=sw, {CREATE}, path=\"ports[number={number}]\", number={number}, speed=\"{speed}\", fallback=null)\n"
        )
    };
    let header = r#"
import gentest_simple as simple
import gentest_recursive as recursive
import gentest_fs as fs
import gentest_switch::slices::switch as switch
import std
sw = switch::Switch(operation="create", path=".", version=1, slice_store="switch", slice_name="sw1", hostname="sw1", limits={"mtu": 9000}, speeds=["1g", "10g"], annotations=null)
"#;
    let valid = format!(
        r#"{header}
{}{}
r = recursive::RecursiveSlice({CREATE}, path=".", version=1, slice_store="recursive", slice_name="r1", name="r1", description=null, unique_id=1)
required = recursive::RecursiveSliceEmbeddedRequired(parent=r, {CREATE}, path="embedded_required", name="req", description=null, unique_id=null)
recursive::RecursiveSliceEmbeddedOptional(parent=r, {CREATE}, path="embedded_optional", name="opt", description="x", unique_id=null)
recursive::RecursiveSliceEmbeddedSequence(parent=r, {CREATE}, path="embedded_sequence[name=a]", name="a", description=null, unique_id=1)
recursive::RecursiveSliceEmbeddedSequence(parent=r, {CREATE}, path="embedded_sequence[name=b]", name="b", description=null, unique_id=2)
recursive::EmbeddedSliceRecursiveSlice(parent=required, {CREATE}, path="embedded_required.recursive_slice[name=a]", name="a", description=null, unique_id=1)
r2 = recursive::RecursiveSlice({CREATE}, path=".", version=1, slice_store="recursive", slice_name="r2", name="r2", description=null, unique_id=2)
recursive::RecursiveSliceEmbeddedRequired(parent=r2, {CREATE}, path="embedded_required", name="req", description=null, unique_id=null)
std::assert(std::count(r.embedded_sequence) == 2)
std::assert(std::count(r.embedded_required.recursive_slice) == 1)
std::assert(not (r2.embedded_optional is defined))

etc = fs::RootFolder({CREATE}, path=".", version=1, slice_store="fs", slice_name="etc", name="etc", permissions="755", owner=null, group=null, root="/")
ssh = fs::FolderFolder(folder=etc, {CREATE}, path="content[name=ssh]", name="ssh", permissions="700", owner="root", group=null)
fs::File(folder=ssh, {CREATE}, path="content[name=ssh].content[name=config]", name="config", permissions="600", owner=null, group=null, content="x", previous_content=null)
fs::File(folder=etc, {CREATE}, path="content[name=hosts]", name="hosts", permissions="644", owner=null, group=null, content="127.0.0.1 localhost", previous_content="")
std::assert(std::count(etc.content) == 2)
config = fs::File[folder=ssh, name="config"]
std::assert(config.type == "file")

{}{}
switch::Port(parent=sw, {CREATE}, path="ports[number=3]", number=3, speed="1g", fallback="10g")
std::assert(std::count(sw.ports) == 3)
"#,
        simple_slice(
            "s1",
            "priority=\"right_now\", vlan=10, anything={\"free\": true}"
        ),
        simple_slice("s2", "priority=\"low\", vlan=null, anything=null"),
        port("1", "10g"),
        port("2", "100g"),
    );
    venv.compile(&project, &valid).assert_success();

    // Values outside a typedef: a range, an enum.
    venv.compile(
        &project,
        &format!(
            "{header}{}",
            simple_slice("s", "priority=\"low\", vlan=5000, anything=null")
        ),
    )
    .assert_failure(&[
        "Invalid value 5000, does not match constraint `((self >= 1) and (self <= 4094))`",
    ]);
    venv.compile(
        &project,
        &format!(
            "{header}{}",
            simple_slice("s", "priority=\"urgent\", vlan=null, anything=null")
        ),
    )
    .assert_failure(&["Invalid value 'urgent', does not match constraint"]);
    venv.compile(&project, &format!("{header}{}", port("70000", "10g")))
        .assert_failure(&[
            "Invalid value 70000, does not match constraint `((self >= 0) and (self <= 65535))`",
        ]);
    // A free value is a `dict?`: anything but a map or null is refused.
    venv.compile(
        &project,
        &format!(
            "{header}{}",
            simple_slice("s", "priority=\"low\", vlan=null, anything=\"text\"")
        ),
    )
    .assert_failure(&["Invalid value 'text', expected dict"]);
    // Two list items with the same key under the same parent.
    venv.compile(
        &project,
        &format!("{header}{}{}", port("1", "10g"), port("1", "1g")),
    )
    .assert_failure(&["Could not set attribute `speed`", "value set twice"]);
    // A required relation left unset.
    venv.compile(
        &project,
        &format!("{header}recursive::RecursiveSlice({CREATE}, path=\".\", version=1, slice_store=\"recursive\", slice_name=\"r\", name=\"r\", description=null, unique_id=1)\n"),
    )
    .assert_failure(&["is not complete: attribute embedded_required"]);
    // An embedded object without its parent.
    venv.compile(
        &project,
        &format!("{header}switch::Port({CREATE}, path=\"ports[number=1]\", number=1, speed=\"1g\", fallback=null)\n"),
    )
    .assert_failure(&["Missing relation 'parent'", "is part of an index"]);
}

/// The gaps of the reference's generator (spec §13 item 23), several stores
/// in one module.
#[test]
fn gap_cases_compile() {
    let venv = Venv::get();
    let (module, _) = generate(
        "gentest_gaps",
        rename_module(gaps::all(), "gaps", "gentest_gaps"),
        None,
        false,
    );
    venv.install(&[&module]);
    let project = module.project();
    let header = r#"
import gentest_gaps::keyless as keyless
import gentest_gaps::sites as sites
import gentest_gaps::shared as shared
import gentest_gaps::zoo as zoo
import gentest_gaps::fleet as fleet
import std
"#;
    let note = |slice: &str, body: &str| {
        format!(
            "keyless::Note({CREATE}, path=\".\", version=1, slice_store=\"keyless\", slice_name=\"{slice}\", body=\"{body}\", grid=[[\"a\", \"b\"], []], tags=null, level=-128, ratio=null)\n"
        )
    };
    let valid = format!(
        r#"{header}
{}{}
n = keyless::Note({CREATE}, path=".", version=2, slice_store="keyless", slice_name="c", body="c", grid=[], tags=["x"], level=127, ratio=0.75)
keyless::Footer(parent=n, {CREATE}, path="footer", text="bye")
std::assert(n.footer.text == "bye")

hq = sites::Site({CREATE}, path=".", version=1, slice_store="sites", slice_name="hq", name="hq")
sites::SitePrimary(parent=hq, {CREATE}, path="primary", label="main", street="Main street 1")
sites::SiteOthers(parent=hq, {CREATE}, path="others[label=main]", label="main", street="Back street 2")
sites::SiteOthers(parent=hq, {CREATE}, path="others[label=depot]", label="depot", street="Dock 3")
shared::Contact(parent=hq, {CREATE}, path="contact", email="hq@example.com")
std::assert(hq.primary.street == "Main street 1")
std::assert(std::count(hq.others) == 2)
std::assert(hq.contact.email == "hq@example.com")

z = zoo::Zoo({CREATE}, path=".", version=1, slice_store="zoo", slice_name="antwerp", city="Antwerp")
zoo::ZooAddress(parent=z, {CREATE}, path="address", label="main", street="Koningin Astridplein 20")
zoo::ZooPensCat(parent=z, {CREATE}, path="pens[species=cat,name=tom]", name="tom", lives=9)
zoo::ZooPensDog(parent=z, {CREATE}, path="pens[species=dog,name=tom]", name="tom")
zoo::ZooQuarantineCat(parent=z, {CREATE}, path="quarantine[species=cat,name=tom]", name="tom", lives=8)
std::assert(std::count(z.pens) == 2)
std::assert(std::count(z.quarantine) == 1)
dog = zoo::ZooPensDog[parent=z, name="tom"]
std::assert(dog.species == "dog")
cat = zoo::ZooPensCat[parent=z, name="tom"]
std::assert(cat.lives == 9)

f = fleet::Fleet({CREATE}, path=".", version=1, slice_store="fleet", slice_name="all", owner="ops")
branch = fleet::FleetSites(parent=f, {CREATE}, path="sites[name=branch]", version=1, slice_store="fleet", slice_name="all", name="branch")
sites::SitePrimary(parent=branch, {CREATE}, path="sites[name=branch].primary", label="main", street="Side street 4")
std::assert([s.primary.street for s in f.sites] == ["Side street 4"])
"#,
        note("a", "first"),
        note("b", "second"),
    );
    venv.compile(&project, &valid).assert_success();

    // The index of a keyless root: two slices of the same name.
    venv.compile(
        &project,
        &format!("{header}{}{}", note("a", "first"), note("a", "second")),
    )
    .assert_failure(&["Could not set attribute `body`", "value set twice"]);
    // A float range.
    venv.compile(
        &project,
        &format!("{header}keyless::Note({CREATE}, path=\".\", version=1, slice_store=\"keyless\", slice_name=\"a\", body=\"\", grid=[], tags=null, level=0, ratio=0.25)\n"),
    )
    .assert_failure(&["Invalid value 0.25, does not match constraint `((self >= 0.5) and (self <= 1.0))`"]);
    // The parent of a union member's helper is the relation's own union
    // entity: a quarantined cat cannot be put in a pen.
    venv.compile(
        &project,
        &format!(
            "{header}z = zoo::Zoo({CREATE}, path=\".\", version=1, slice_store=\"zoo\", slice_name=\"a\", city=\"a\")\nzoo::ZooAddress(parent=z, {CREATE}, path=\"address\", label=\"m\", street=\"s\")\nc = zoo::ZooQuarantineCat(parent=z, {CREATE}, path=\"q\", name=\"tom\", lives=1)\nz.pens += c\n"
        ),
    )
    .assert_failure(&[
        "Could not set attribute `pens`",
        "Invalid class type for gentest_gaps::zoo::ZooQuarantineCat",
        "should be gentest_gaps::zoo::ZooPens",
    ]);
}
