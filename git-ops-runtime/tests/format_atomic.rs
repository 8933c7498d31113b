//! Atomic writes: the target is replaced whole, nothing is left behind, and
//! a failure leaves the old file as it was.

use std::fs;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use git_ops_runtime::format::atomic::{
    AtomicWriteError, Durability, WriteStep, is_temporary_file, temporary_prefix, write_atomic,
};

fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn format_atomic_replaces_the_whole_content() {
    for durability in [Durability::None, Durability::Fsync] {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a@v1.json");
        fs::write(&path, "x".repeat(10_000)).unwrap();
        write_atomic(&path, b"{}", durability).unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"{}");
        write_atomic(&path, b"{\n  \"a\": 1\n}", durability).unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "{\n  \"a\": 1\n}");
        assert_eq!(entries(dir.path()), ["a@v1.json"], "no temporary file left");
    }
}

#[test]
fn format_atomic_creates_a_new_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new.yaml");
    write_atomic(&path, b"a: 1\n", Durability::Fsync).unwrap();
    assert_eq!(fs::read(&path).unwrap(), b"a: 1\n");
    assert_eq!(entries(dir.path()), ["new.yaml"]);
}

#[test]
fn format_atomic_writes_names_at_the_length_limit() {
    let dir = tempfile::tempdir().unwrap();
    // 250 bytes: the file system takes 255, a temporary name with the
    // whole target in it would not fit.
    let path = dir.path().join(format!("{}@v1.json", "n".repeat(241)));
    write_atomic(&path, b"{}", Durability::None).unwrap();
    assert_eq!(fs::read(&path).unwrap(), b"{}");
    // 248 bytes of 4-byte characters: 64 characters of it would be 256
    // bytes; the temporary name keeps at most 64 bytes.
    let path = dir.path().join(format!("{}.json", "\u{1d51e}".repeat(62)));
    write_atomic(&path, b"{}", Durability::None).unwrap();
    assert_eq!(fs::read(&path).unwrap(), b"{}");
}

#[test]
fn format_atomic_temporary_prefixes_are_cut_at_64_bytes_on_a_character() {
    assert_eq!(temporary_prefix("a@v1.json"), "a@v1.json");
    assert_eq!(temporary_prefix(&"n".repeat(100)), "n".repeat(64));
    // 3 bytes each: 21 characters (63 bytes), not half of the 22nd.
    assert_eq!(
        temporary_prefix(&"\u{20ac}".repeat(30)),
        "\u{20ac}".repeat(21)
    );
}

#[test]
fn format_atomic_fails_without_the_folder() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("missing").join("a.json");
    let error: AtomicWriteError = write_atomic(&path, b"{}", Durability::None).unwrap_err();
    assert_eq!(error.step, WriteStep::Create);
    assert_eq!(error.source.kind(), std::io::ErrorKind::NotFound);
    assert_eq!(entries(dir.path()), Vec::<String>::new());
}

#[test]
fn format_atomic_failed_rename_keeps_the_old_content_and_cleans_up() {
    // The target is a non-empty folder: the temporary file is written, the
    // rename fails, and the folder (the "old content") stays as it was.
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("a.json");
    fs::create_dir(&target).unwrap();
    fs::write(target.join("inside"), "old").unwrap();
    let error = write_atomic(&target, b"{}", Durability::Fsync).unwrap_err();
    assert_eq!(error.step, WriteStep::Rename);
    assert_eq!(fs::read_to_string(target.join("inside")).unwrap(), "old");
    assert_eq!(
        entries(dir.path()),
        ["a.json"],
        "the temporary file is removed"
    );
}

#[cfg(unix)]
#[test]
fn format_atomic_read_only_folder_leaves_the_file_intact() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.json");
    fs::write(&path, "old").unwrap();
    fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o555)).unwrap();
    let result = write_atomic(&path, b"new", Durability::None);
    fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o755)).unwrap();
    // root ignores folder permissions: then the write simply succeeds.
    match result {
        Err(error) => {
            assert_eq!(error.step, WriteStep::Create);
            assert_eq!(fs::read_to_string(&path).unwrap(), "old");
        }
        Ok(()) => assert_eq!(fs::read_to_string(&path).unwrap(), "new"),
    }
    assert_eq!(entries(dir.path()), ["a.json"]);
}

#[cfg(unix)]
#[test]
fn format_atomic_keeps_the_permissions_of_the_target() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.json");
    fs::write(&path, "old").unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).unwrap();
    write_atomic(&path, b"new", Durability::None).unwrap();
    assert_eq!(
        fs::metadata(&path).unwrap().permissions().mode() & 0o777,
        0o600
    );
}

#[test]
fn format_atomic_temporary_names_are_recognised() {
    assert!(is_temporary_file(".a@v1.json.1234-0.git-ops.tmp"));
    assert!(!is_temporary_file(".migrations.json"));
    assert!(!is_temporary_file("a.git-ops.tmp"));
    assert!(!is_temporary_file(".notes.tmp"));
}

#[test]
fn format_atomic_readers_never_see_a_partial_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.json");
    let small = b"{}".to_vec();
    let large = vec![b'x'; 1 << 20];
    write_atomic(&path, &small, Durability::None).unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let reads = Arc::new(AtomicUsize::new(0));
    let reader = {
        let path = path.clone();
        let (stop, reads) = (stop.clone(), reads.clone());
        let (small, large) = (small.clone(), large.clone());
        std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                let content = fs::read(&path).unwrap();
                assert!(
                    content == small || content == large,
                    "a partial file of {} bytes",
                    content.len()
                );
                reads.fetch_add(1, Ordering::Relaxed);
            }
        })
    };
    // At least 100 writes, and as many more as it takes for the reader to
    // read 20 times while they happen, however the threads are scheduled
    // (or until the reader fails).
    let mut i = 0;
    while (i < 100 || reads.load(Ordering::Relaxed) < 20) && !reader.is_finished() {
        write_atomic(
            &path,
            if i % 2 == 0 { &large } else { &small },
            Durability::None,
        )
        .unwrap();
        i += 1;
    }
    stop.store(true, Ordering::Relaxed);
    reader.join().unwrap();
}
