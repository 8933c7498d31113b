//! Support for the `store_*` tests: the temporary project of the example
//! crates' tests, and an in-memory [`StoreFiles`].
#![allow(dead_code)]

#[path = "../../../examples/common/store_project.rs"]
pub mod store_project;

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use git_ops_runtime::store::{EntryKind, FolderEntry, StoreFiles};

/// Files held in memory: a snapshot, as a git tree would be.
#[derive(Default)]
pub struct MemoryFiles {
    files: Mutex<BTreeMap<PathBuf, Vec<u8>>>,
}

impl MemoryFiles {
    pub fn insert(&self, path: impl Into<PathBuf>, bytes: impl Into<Vec<u8>>) {
        self.files.lock().unwrap().insert(path.into(), bytes.into());
    }

    pub fn remove(&self, path: impl AsRef<Path>) {
        self.files.lock().unwrap().remove(path.as_ref());
    }
}

impl StoreFiles for MemoryFiles {
    fn list(&self, folder: &Path) -> io::Result<Option<Vec<FolderEntry>>> {
        let files = self.files.lock().unwrap();
        let mut entries: BTreeMap<OsString, EntryKind> = BTreeMap::new();
        for path in files.keys() {
            if let Ok(rest) = path.strip_prefix(folder) {
                let mut parts = rest.components();
                let first = parts.next().expect("a file below").as_os_str().to_owned();
                let kind = if parts.next().is_some() {
                    EntryKind::Folder
                } else {
                    EntryKind::File
                };
                entries.insert(first, kind);
            }
        }
        if entries.is_empty() {
            return Ok(None);
        }
        // Reverse order: the engine must not depend on listing order.
        Ok(Some(
            entries
                .into_iter()
                .rev()
                .map(|(name, kind)| FolderEntry::new(name, kind))
                .collect(),
        ))
    }

    fn read(&self, file: &Path) -> io::Result<Vec<u8>> {
        self.files
            .lock()
            .unwrap()
            .get(file)
            .cloned()
            .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, "no such file"))
    }
}
