//! `git-ops project plan --base REV` on real git repositories built in the
//! test (libgit2): the slices of both sides paired by name whatever their
//! order and thread count, and the files of the base commit read from its
//! trees (`gittree`).

use std::collections::BTreeSet;
use std::path::Path;

use git_ops_gen::gittree::GitTree;
use git_ops_gen::plan::{Plan, SliceChange, plan};
use git_ops_runtime::format::atomic::Durability;
use git_ops_runtime::store::{Options, StoreFiles};
use git_ops_runtime::testing::TestProject;
use git2::{Repository, Signature};
use simple::SimpleSlice;

/// Commits every file of the work tree at `root` (a new repository the
/// first time); returns the commit id.
fn commit_all(root: &Path, message: &str) -> git2::Oid {
    let repo = Repository::open(root)
        .or_else(|_| Repository::init(root))
        .unwrap();
    let mut index = repo.index().unwrap();
    index
        .add_all(["*"], git2::IndexAddOption::DEFAULT, None)
        .unwrap();
    index.write().unwrap();
    let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
    let signature = Signature::now("Test", "test@example.com").unwrap();
    let parents: Vec<git2::Commit<'_>> = repo
        .head()
        .ok()
        .and_then(|head| head.peel_to_commit().ok())
        .into_iter()
        .collect();
    let parents: Vec<&git2::Commit<'_>> = parents.iter().collect();
    repo.commit(
        Some("HEAD"),
        &signature,
        &signature,
        message,
        &tree,
        &parents,
    )
    .unwrap()
}

fn source(p: &TestProject, name: &str, description: &str) {
    p.write(
        &format!("files/simple/{name}.yaml"),
        &format!("name: {name}\ndescription: {description}\n"),
    );
}

fn plan_with_threads(p: &mut TestProject, threads: usize) -> Plan {
    p.set_options(Options {
        durability: Durability::None,
        threads,
        ..Options::default()
    });
    let base = GitTree::open(p.root(), "HEAD").unwrap();
    plan(&p.engine(), &[], &base, "HEAD").unwrap_or_else(|e| panic!("{e}"))
}

fn names(plan: &Plan, change: SliceChange) -> BTreeSet<String> {
    plan.stores[0]
        .slices
        .iter()
        .filter(|s| s.change == change)
        .map(|s| s.name.clone())
        .collect()
}

#[test]
fn plan_pairs_the_slices_of_both_sides_by_name() {
    let mut p = TestProject::with_store::<SimpleSlice>();
    for i in 0..150 {
        source(&p, &format!("s{i:03}"), "first");
    }
    p.update();
    p.sync();
    commit_all(p.root(), "150 slices");

    // On the branch: every 7th slice changed, every 11th (not 7th) deleted,
    // and new slices whose names sort between the others.
    let (mut updated, mut deleted, mut created) =
        (BTreeSet::new(), BTreeSet::new(), BTreeSet::new());
    for i in 0..150 {
        let name = format!("s{i:03}");
        if i % 7 == 0 {
            source(&p, &name, "second");
            updated.insert(name);
        } else if i % 11 == 0 {
            std::fs::remove_file(p.root().join(format!("files/simple/{name}.yaml"))).unwrap();
            deleted.insert(name);
        }
        if i % 13 == 0 {
            let new = format!("s{i:03}-new");
            source(&p, &new, "new");
            created.insert(new);
        }
    }
    p.update();

    for threads in [1, 2, 5] {
        let plan = plan_with_threads(&mut p, threads);
        assert_eq!(
            names(&plan, SliceChange::Updated),
            updated,
            "{threads} threads"
        );
        assert_eq!(
            names(&plan, SliceChange::Deleted),
            deleted,
            "{threads} threads"
        );
        assert_eq!(
            names(&plan, SliceChange::Created),
            created,
            "{threads} threads"
        );
        let order: Vec<&str> = plan.stores[0]
            .slices
            .iter()
            .map(|s| s.name.as_str())
            .collect();
        let mut sorted = order.clone();
        sorted.sort_unstable();
        assert_eq!(order, sorted, "slices in name order");
        assert_eq!(
            plan.summary.unchanged,
            150 - updated.len() - deleted.len(),
            "{threads} threads"
        );
        let first = plan.stores[0]
            .slices
            .iter()
            .find(|s| s.name == "s007")
            .unwrap();
        assert_eq!((first.base_version, first.version), (Some(1), Some(2)));
        let description = &first.objects[0].attributes[0];
        assert_eq!(description.name, "description");
        assert_eq!(
            (&description.before, &description.after),
            (&"first".into(), &"second".into())
        );
    }
}

#[test]
fn gittree_reads_the_files_and_folders_of_a_commit() {
    let p = TestProject::with_store::<SimpleSlice>();
    p.write("a/b/c.json", "{\"c\": 1}");
    p.write("a/b/d.json", "{\"d\": 2}");
    p.write("a/e.json", "{}");
    commit_all(p.root(), "files");
    // Changed after the commit: the tree still has the committed bytes.
    p.write("a/b/c.json", "{\"c\": 3}");
    let tree = GitTree::open(p.root(), "HEAD").unwrap();
    let root = p.root();
    assert_eq!(tree.read(&root.join("a/b/c.json")).unwrap(), b"{\"c\": 1}");
    assert_eq!(tree.read(&root.join("a/b/d.json")).unwrap(), b"{\"d\": 2}");
    let mut buffer = b"left over".to_vec();
    tree.read_into(&root.join("a/e.json"), &mut buffer).unwrap();
    assert_eq!(buffer, b"{}");
    let mut listed: Vec<String> = tree
        .list(&root.join("a"))
        .unwrap()
        .unwrap()
        .into_iter()
        .map(|e| format!("{} {:?}", e.name.to_string_lossy(), e.kind))
        .collect();
    listed.sort();
    assert_eq!(listed, ["b Folder", "e.json File"]);
    assert!(tree.list(&root.join("a/missing")).unwrap().is_none());
    assert!(tree.list(&root.join("a/e.json")).unwrap().is_none());
    let missing = tree.read(&root.join("a/b/missing.json")).unwrap_err();
    assert_eq!(missing.kind(), std::io::ErrorKind::NotFound);
    let folder = tree.read(&root.join("a/b")).unwrap_err();
    assert_eq!(folder.kind(), std::io::ErrorKind::InvalidInput);
    assert!(tree.read(&root.join("a/b/c.json/x")).is_err());
}

/// `tree` with the entry at `path` (folders on the way must exist) set to
/// `id` with `mode`.
fn with_entry(
    repo: &Repository,
    tree: &git2::Tree<'_>,
    path: &[&str],
    id: git2::Oid,
    mode: i32,
) -> git2::Oid {
    let mut builder = repo.treebuilder(Some(tree)).unwrap();
    match path {
        [name] => {
            builder.insert(name, id, mode).unwrap();
        }
        [folder, rest @ ..] => {
            let child = repo.find_tree(tree.get_name(folder).unwrap().id()).unwrap();
            let child = with_entry(repo, &child, rest, id, mode);
            builder.insert(folder, child, 0o040000).unwrap();
        }
        [] => unreachable!(),
    }
    builder.write().unwrap()
}

#[test]
fn plan_reports_entries_of_the_base_named_like_slice_files_that_are_not_files() {
    let mut p = TestProject::with_store::<SimpleSlice>();
    source(&p, "a", "first");
    source(&p, "b", "first");
    p.update();
    p.sync();
    let first = commit_all(p.root(), "two slices");

    // A commit whose active folder also holds a link, a submodule and a
    // folder named like slice files, besides what plan must leave alone:
    // a hidden link and a folder not named like a slice file.
    let repo = Repository::open(p.root()).unwrap();
    let mut tree = repo.find_commit(first).unwrap().tree().unwrap();
    let link = repo.blob(b"a@v1.json").unwrap();
    let file = repo.blob(b"{}").unwrap();
    let folder = {
        let mut builder = repo.treebuilder(None).unwrap();
        builder.insert("x.json", file, 0o100644).unwrap();
        builder.write().unwrap()
    };
    let active = ["git_ops", "active", "simple"];
    for (name, id, mode) in [
        ("c@v1.json", link, 0o120000),
        ("d@v1.yaml", first, 0o160000),
        ("e@v1.json", folder, 0o040000),
        (".f@v1.json", link, 0o120000),
        ("archive", folder, 0o040000),
    ] {
        let path = [&active[..], &[name]].concat();
        let id = with_entry(&repo, &tree, &path, id, mode);
        tree = repo.find_tree(id).unwrap();
    }
    let signature = Signature::now("Test", "test@example.com").unwrap();
    let parent = repo.find_commit(first).unwrap();
    repo.commit(
        Some("HEAD"),
        &signature,
        &signature,
        "odd entries",
        &tree,
        &[&parent],
    )
    .unwrap();

    let before = p.snapshot();
    p.set_options(Options {
        durability: Durability::None,
        threads: 2,
        ..Options::default()
    });
    let base = GitTree::open(p.root(), "HEAD").unwrap();
    let error = plan(&p.engine(), &[], &base, "HEAD").unwrap_err();
    match &error {
        git_ops_gen::plan::PlanError::BaseNotFiles {
            store,
            rev,
            entries,
        } => {
            assert_eq!((store.as_str(), rev.as_str()), ("simple", "HEAD"));
            let entries: Vec<(&str, &str)> = entries
                .iter()
                .map(|(path, what)| (path.as_str(), what.as_str()))
                .collect();
            assert_eq!(
                entries,
                [
                    (
                        "git_ops/active/simple/c@v1.json",
                        "a symbolic link (links in a commit are not followed)"
                    ),
                    ("git_ops/active/simple/d@v1.yaml", "a submodule"),
                    ("git_ops/active/simple/e@v1.json", "a folder"),
                ]
            );
        }
        other => panic!("not the entries that are not files: {other}"),
    }
    assert_eq!(
        error.to_string(),
        [
            "the active folder of store `simple` at HEAD holds entries git-ops does not read:",
            "  git_ops/active/simple/c@v1.json: a symbolic link (links in a commit are not followed), named like a slice file: in a commit only a regular file is a slice file; git-ops does not read it, nor take its slice as deleted",
            "  git_ops/active/simple/d@v1.yaml: a submodule, named like a slice file: in a commit only a regular file is a slice file; git-ops does not read it, nor take its slice as deleted",
            "  git_ops/active/simple/e@v1.json: a folder, named like a slice file: in a commit only a regular file is a slice file; git-ops does not read it, nor take its slice as deleted",
        ]
        .join("\n")
    );
    assert_eq!(p.snapshot(), before, "plan changes nothing");

    // The previous commit, without them, plans as before.
    let base = GitTree::open(p.root(), "HEAD~1").unwrap();
    let plan = plan(&p.engine(), &[], &base, "HEAD~1").unwrap();
    assert!(plan.is_empty());
    assert_eq!(plan.summary.unchanged, 2);
}
