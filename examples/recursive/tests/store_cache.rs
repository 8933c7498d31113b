//! The change cache (`git_ops/.cache/`, `docs/operations.md`): slices left
//! clean are skipped by the next operation, and every change is still seen.
//! The last test compares, over random edits, a project using the cache
//! with one that does not.

use std::os::unix::fs::MetadataExt;
use std::time::{Duration, SystemTime};

use git_ops_runtime::format::atomic::Durability;
use git_ops_runtime::store::{Clock, Options, RACY_MARGIN, Registry, StoreReport, UpdateOptions};
use git_ops_runtime::testing::TestProject;
use recursive::RecursiveSlice;

fn project() -> TestProject {
    TestProject::with_store::<RecursiveSlice>()
}

/// Makes every file of `p` written so far old enough for the change cache
/// to record, and every file written from now on too recent, whatever the
/// speed of the machine: the following operations take as "now" the
/// kernel's change time of a probe file changed after every file written so
/// far, plus [`RACY_MARGIN`]. (The probe is rewritten until its change time
/// moves past the first one: a file's times come from the kernel's clock,
/// which may advance by ticks.)
fn age(p: &mut TestProject) {
    let probe = p.root().join("git_ops/.cache/probe");
    std::fs::create_dir_all(probe.parent().unwrap()).unwrap();
    let change_time = |n: u8| {
        std::fs::write(&probe, [n]).unwrap();
        let metadata = std::fs::metadata(&probe).unwrap();
        Duration::new(metadata.ctime() as u64, metadata.ctime_nsec() as u32)
    };
    let first = change_time(0);
    let mut n = 0u8;
    let after = loop {
        n = n.wrapping_add(1);
        let time = change_time(n);
        if time > first {
            break time;
        }
    };
    p.set_options(with_clock(SystemTime::UNIX_EPOCH + after + RACY_MARGIN));
}

/// The options of a test project, with the change cache's clock fixed.
fn with_clock(now: SystemTime) -> Options {
    Options {
        durability: Durability::None,
        threads: 2,
        clock: Clock::Fixed(now),
        ..Options::default()
    }
}

fn store(report: &git_ops_runtime::store::Report) -> &StoreReport {
    report.store("recursive").unwrap()
}

fn synced(names: &[&str]) -> TestProject {
    let mut p = project();
    for name in names {
        p.write(
            &format!("files/recursive/{name}.yaml"),
            &format!("name: {name}\nembedded_required:\n  name: r\n"),
        );
    }
    p.update();
    age(&mut p);
    p.sync();
    p
}

#[test]
fn clean_slices_are_skipped() {
    let p = synced(&["a", "b", "c"]);
    let report = p.sync();
    assert_eq!((store(&report).read, store(&report).skipped), (0, 3));
    let report = p.update();
    assert_eq!((store(&report).read, store(&report).skipped), (0, 3));
    assert!(report.is_noop());
    // Without the cache everything is read.
    let mut p = p;
    p.set_options(Options {
        cache: false,
        durability: Durability::None,
        ..Options::default()
    });
    let report = p.sync();
    assert_eq!((store(&report).read, store(&report).skipped), (3, 0));
}

#[test]
fn a_source_changed_within_the_margin_is_read_again() {
    let mut p = project();
    p.write(
        "files/recursive/a.yaml",
        "name: a\nembedded_required:\n  name: r\n",
    );
    p.update();
    // With "now" at the epoch every file is too recent to be recorded: the
    // sync reads the source, and does not record it.
    p.set_options(with_clock(SystemTime::UNIX_EPOCH));
    p.sync();
    let report = p.sync();
    assert_eq!((store(&report).read, store(&report).skipped), (1, 0));
    // The same files, once old enough, are recorded by the next operation.
    p.set_options(with_clock(SystemTime::now() + RACY_MARGIN));
    p.sync();
    let report = p.sync();
    assert_eq!((store(&report).read, store(&report).skipped), (0, 1));
}

#[test]
fn an_edit_of_the_same_size_is_seen() {
    let p = synced(&["a", "b"]);
    let path = p.root().join("files/recursive/a.yaml");
    let text = p.read("files/recursive/a.yaml");
    let modified = std::fs::metadata(&path).unwrap().modified().unwrap();
    // Same size, and the modification time put back: the change time moves.
    std::fs::write(&path, text.replace("name: r", "name: s")).unwrap();
    std::fs::File::options()
        .write(true)
        .open(&path)
        .unwrap()
        .set_modified(modified)
        .unwrap();
    let report = p.sync();
    assert_eq!((store(&report).read, store(&report).skipped), (1, 1));
    assert_eq!(p.slice_in("recursive", "a").versions(), [1, 2]);
}

#[test]
fn a_missing_view_file_or_a_new_active_file_is_seen() {
    let p = synced(&["a", "b"]);
    std::fs::remove_file(p.root().join("git_ops/views/recursive/active/a.json")).unwrap();
    let report = p.sync();
    assert_eq!(store(&report).read, 1);
    assert!(
        p.root()
            .join("git_ops/views/recursive/active/a.json")
            .exists()
    );
    // A version brought by a pull (here: b deleted elsewhere).
    p.write("git_ops/active/recursive/b@v2.json", "{}");
    let report = p.update();
    assert_eq!(store(&report).read, 1);
    assert!(
        p.slice_in("recursive", "b")
            .source_instance()
            .unwrap()
            .version
            == 3
    );
}

#[test]
fn another_schema_reads_everything() {
    let p = synced(&["a", "b"]);
    let mut registry = Registry::new();
    let _ = registry.store::<RecursiveSlice>().migration("001", Ok);
    let p = p.with_registry(registry);
    // A new migration recorded: the key changes.
    let report = p.update();
    assert_eq!(store(&report).migrations, ["001"]);
    assert_eq!(store(&report).skipped, 0);
}

/// A small deterministic generator (no extra dependency).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

#[test]
fn the_cache_never_changes_a_result() {
    let mut with = TestProject::with_store::<RecursiveSlice>();
    let mut without = TestProject::with_store::<RecursiveSlice>();
    without.set_options(Options {
        cache: false,
        durability: Durability::None,
        threads: 2,
        ..Options::default()
    });
    // Until the first `age`, every file is too recent to be recorded.
    with.set_options(with_clock(SystemTime::UNIX_EPOCH));
    let mut random = Lcg(7);
    let names = ["a", "b", "c", "d", "e"];
    let mut skipped = 0;
    for step in 0..24 {
        let name = names[random.next(5) as usize];
        let action = random.next(6);
        for p in [&with, &without] {
            let path = p.root().join(format!("files/recursive/{name}.yaml"));
            match action {
                0 => {
                    let _ = std::fs::remove_file(&path);
                }
                1 | 2 => {
                    let children =
                        "  recursive_slice:\n  - name: x\n".repeat(usize::from(step % 2 == 0));
                    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                    std::fs::write(
                        &path,
                        format!("name: {name}\ndescription: step {}\nembedded_required:\n  name: r\n{children}", step % 3),
                    )
                    .unwrap();
                }
                _ => {}
            }
        }
        if step % 4 == 3 {
            age(&mut with);
        }
        for (i, p) in [&with, &without].into_iter().enumerate() {
            let report = match action {
                0..=2 => p.engine().update(&UpdateOptions::default()),
                3 | 4 => p
                    .engine()
                    .update(&UpdateOptions::default())
                    .and_then(|_| p.engine().sync()),
                _ => p.engine().sync().and_then(|_| p.engine().prune()),
            };
            let report = report.unwrap_or_else(|e| panic!("step {step}: {e}"));
            if i == 0 {
                skipped += report.stores[0].skipped;
            }
        }
        assert_eq!(with.snapshot(), without.snapshot(), "step {step}");
    }
    // The cache was used.
    assert!(skipped > 10, "{skipped}");
}
