//! The change cache: which slices were clean after the last operation, so
//! that the next one does not read them again.
//!
//! After a successful update, sync or prune, every slice the operation left
//! *clean* (source file normalised with every processor value filled, no
//! new version to sync, both view files fresh) is recorded in
//! `git_ops/.cache/<store>.json` with the identity of each of its files:
//! size, modification and change times (nanoseconds), inode and device of
//! the source file, every active file and both view files, and with what
//! the operations need of every slice without reading it (store-scope
//! `unique_integer` values, root keys). The next
//! operation `stat`s those files instead of reading them; when every
//! identity is unchanged (and the slice has exactly the same files) the
//! slice is still clean and is skipped.
//!
//! Correctness before speed:
//!
//! - the cache is keyed by everything that decides cleanliness besides the
//!   files: the whole store schema (processors included), the folders, the
//!   applied migrations, the view and cache formats. A different key
//!   discards the whole cache; so does a file that cannot be read;
//! - a file read by the operation is recorded with the `stat` taken
//!   *before* reading it. A source file (yours) is recorded only if its
//!   change time is older than the start of the operation by a safety
//!   margin ([`RACY_MARGIN`]; "now" comes from the operation's [`Clock`]):
//!   a file changed again within the same clock tick
//!   could otherwise keep its identity (the "racy git" problem); such a
//!   slice is simply read next time;
//! - a file git-ops writes (active versions, views) is recorded with its
//!   `stat` after the commit (or before reading it, without margin): the
//!   change time changes on every write, so any later modification is
//!   seen, except one by another program writing into `git_ops/` within
//!   the same clock tick as git-ops itself, ignoring the project lock;
//! - refresh updates and operations with pending migrations ignore it.
//!
//! The cache is local state: hidden, git-ignored, safe to delete at any
//! time (the next operation reads everything once), never committed.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::listing::SliceFiles;
use super::reader::Store;
use super::root_keys::RootKeys;
use super::slice::ViewKind;
use super::view::{VIEW_FORMAT, view_file_path};
use crate::format::atomic::{Durability, write_atomic};
use crate::format::json::to_json;

/// The folder of the cache files, relative to the project root.
pub const CACHE_FOLDER: &str = "git_ops/.cache";

/// How much older than its `stat` a file read by an operation must be for
/// its identity to be recorded.
pub const RACY_MARGIN: Duration = Duration::from_millis(100);

/// 2: entries keep the slice's root keys.
const CACHE_FORMAT: u64 = 2;

/// Where the change cache takes "now" from when it decides whether a file
/// read by an operation changed long enough ago ([`RACY_MARGIN`]) to be
/// recorded.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Clock {
    /// The system clock, read once per store when an operation starts
    /// reading its files (the default).
    #[default]
    System,
    /// A fixed instant. Tests use it so that which files are old enough
    /// does not depend on how fast the machine runs them.
    Fixed(SystemTime),
}

impl Clock {
    /// The newest change time (nanoseconds since the epoch, exclusive) of a
    /// file an operation starting now may record: [`RACY_MARGIN`] before
    /// now.
    pub(crate) fn racy_limit(self) -> RacyLimit {
        let now = match self {
            Clock::System => SystemTime::now(),
            Clock::Fixed(time) => time,
        };
        RacyLimit(nanos(now) - RACY_MARGIN.as_nanos() as i128)
    }
}

/// Files changed at or after this instant (nanoseconds since the epoch) are
/// too recent to be recorded ([`Clock::racy_limit`]).
#[derive(Debug, Clone, Copy)]
pub(crate) struct RacyLimit(i128);

/// The identity of a file at one moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Stat {
    size: u64,
    mtime: i128,
    ctime: i128,
    ino: u64,
    dev: u64,
}

fn nanos(time: SystemTime) -> i128 {
    match time.duration_since(SystemTime::UNIX_EPOCH) {
        Ok(d) => d.as_nanos() as i128,
        Err(e) => -(e.duration().as_nanos() as i128),
    }
}

impl Stat {
    /// The identity of `path` now; `None` when it cannot be read.
    pub(crate) fn of(path: &Path) -> Option<Stat> {
        Stat::of_metadata(&fs::metadata(path).ok()?)
    }

    /// The identity in `metadata`.
    pub(crate) fn of_metadata(metadata: &fs::Metadata) -> Option<Stat> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            Some(Stat {
                size: metadata.len(),
                mtime: i128::from(metadata.mtime()) * 1_000_000_000
                    + i128::from(metadata.mtime_nsec()),
                ctime: i128::from(metadata.ctime()) * 1_000_000_000
                    + i128::from(metadata.ctime_nsec()),
                ino: metadata.ino(),
                dev: metadata.dev(),
            })
        }
        // Without a change time a file's identity cannot be trusted: no
        // cache on other systems.
        #[cfg(not(unix))]
        {
            let _ = metadata;
            None
        }
    }

    /// The identity of `path`, taken before reading it, if it may be
    /// recorded: changed before `limit`.
    pub(crate) fn before_read(path: &Path, limit: RacyLimit) -> Option<Stat> {
        let stat = Stat::of(path)?;
        (stat.ctime.max(stat.mtime) < limit.0).then_some(stat)
    }
}

/// A clean slice: its files and their identities.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct CleanSlice {
    /// The source file (if any) then the active files, as listed.
    files: Vec<(String, Stat)>,
    /// The source view file, then the active view file (if any).
    views: Vec<(String, Stat)>,
    /// What the slice contributes to store-scope `unique_integer` fields.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) store_values: Vec<(String, i64)>,
    /// Its root key values, for the check that no two slices share them
    /// ([`super::root_keys`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) root_keys: Option<RootKeys>,
}

#[derive(Debug, Serialize, Deserialize)]
struct CacheFile {
    git_ops_cache: u64,
    key: String,
    slices: BTreeMap<String, CleanSlice>,
}

/// The cache of one store, as read at the start of an operation.
#[derive(Debug, Default)]
pub(crate) struct Cache {
    path: PathBuf,
    key: String,
    slices: BTreeMap<String, CleanSlice>,
}

/// The view files of a slice: source kind, then active kind when the slice
/// has active files.
fn view_files(store: &Store, slice: &SliceFiles) -> Vec<PathBuf> {
    let root = store.project_root();
    let mut out = vec![view_file_path(
        root,
        store.name(),
        ViewKind::Source,
        &slice.name,
    )];
    if !slice.active.is_empty() {
        out.push(view_file_path(
            root,
            store.name(),
            ViewKind::Active,
            &slice.name,
        ));
    }
    out
}

impl Cache {
    /// The key of a store's cache: what decides cleanliness besides files.
    fn key(store: &Store, applied: &[String]) -> String {
        let text = to_json(&serde_json::json!({
            "cache": CACHE_FORMAT,
            "views": VIEW_FORMAT,
            "schema": serde_json::to_value(store.schema()).expect("a schema serialises"),
            "source": store.source_folder().to_string_lossy(),
            "active": store.active_folder().to_string_lossy(),
            "applied": applied,
        }));
        super::view::hex(&Sha256::digest(text.as_bytes()).into())
    }

    fn path(store: &Store) -> PathBuf {
        store
            .project_root()
            .join(CACHE_FOLDER)
            .join(format!("{}.json", store.name()))
    }

    /// Reads the cache of `store`; empty when missing, unreadable or keyed
    /// differently.
    pub(crate) fn load(store: &Store, applied: &[String]) -> Cache {
        let path = Cache::path(store);
        let key = Cache::key(store, applied);
        let slices = super::files::read_own_file(&path)
            .ok()
            .and_then(|bytes| serde_json::from_slice::<CacheFile>(&bytes).ok())
            .filter(|file| file.git_ops_cache == CACHE_FORMAT && file.key == key)
            .map(|file| file.slices)
            .unwrap_or_default();
        Cache { path, key, slices }
    }

    /// An empty cache (nothing is skipped), to be filled and saved.
    pub(crate) fn empty(store: &Store, applied: &[String]) -> Cache {
        Cache {
            path: Cache::path(store),
            key: Cache::key(store, applied),
            slices: BTreeMap::new(),
        }
    }

    /// The recorded state of `slice`, if every one of its files is exactly
    /// as recorded.
    pub(crate) fn hit(&self, store: &Store, slice: &SliceFiles) -> Option<&CleanSlice> {
        let clean = self.slices.get(&slice.name)?;
        let files: Vec<&super::listing::StoreFile> =
            slice.source.iter().chain(&slice.active).collect();
        if files.len() != clean.files.len() {
            return None;
        }
        for (file, (shown, stat)) in files.iter().zip(&clean.files) {
            if file.shown != *shown || Stat::of(&file.path).as_ref() != Some(stat) {
                return None;
            }
        }
        let views = view_files(store, slice);
        if views.len() != clean.views.len() {
            return None;
        }
        for (path, (shown, stat)) in views.iter().zip(&clean.views) {
            if store.shown(path) != *shown || Stat::of(path).as_ref() != Some(stat) {
                return None;
            }
        }
        Some(clean)
    }

    /// Records `name` as clean.
    pub(crate) fn insert(&mut self, name: String, clean: CleanSlice) {
        self.slices.insert(name, clean);
    }

    /// Writes the cache (best effort: a cache that cannot be written is only
    /// a slower next run).
    pub(crate) fn save(&self) {
        let file = CacheFile {
            git_ops_cache: CACHE_FORMAT,
            key: self.key.clone(),
            slices: self.slices.clone(),
        };
        if let Some(parent) = self.path.parent()
            && fs::create_dir_all(parent).is_ok()
            && let Ok(text) = serde_json::to_vec(&file)
        {
            let _ = write_atomic(&self.path, &text, Durability::None);
        }
    }
}

/// How an operation knows a file of a slice it leaves clean.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Known {
    /// The operation writes it: its identity is taken after the commit.
    Written,
    /// The operation read it (or found it fresh): its identity taken before
    /// reading, `None` when changed too recently to be trusted
    /// ([`Stat::before_read`]).
    Read(Option<Stat>),
}

/// What an operation knows about a slice it leaves clean, before its
/// commit.
#[derive(Debug, Clone)]
pub(crate) struct CleanDraft {
    files: Vec<(PathBuf, String, Option<Stat>)>,
    views: Vec<(PathBuf, String, Option<Stat>)>,
    store_values: Vec<(String, i64)>,
    root_keys: Option<RootKeys>,
    /// A file read was changed too recently to be trusted.
    racy: bool,
}

impl CleanDraft {
    /// A draft for a slice whose files after the operation are `files`
    /// (source first, then active by version) and `views` (source view,
    /// then active view when there are active files).
    pub(crate) fn new(
        store: &Store,
        files: Vec<(PathBuf, Known)>,
        views: Vec<(PathBuf, Known)>,
        store_values: Vec<(String, i64)>,
    ) -> CleanDraft {
        let mut racy = false;
        let mut convert = |list: Vec<(PathBuf, Known)>| {
            list.into_iter()
                .map(|(path, known)| {
                    let stat = match known {
                        Known::Written => None,
                        Known::Read(Some(stat)) => Some(stat),
                        Known::Read(None) => {
                            racy = true;
                            None
                        }
                    };
                    let shown = store.shown(&path);
                    (path, shown, stat)
                })
                .collect()
        };
        let files = convert(files);
        let views = convert(views);
        CleanDraft {
            files,
            views,
            store_values,
            root_keys: None,
            racy,
        }
    }

    /// The draft with the slice's root keys.
    pub(crate) fn with_root_keys(self, root_keys: Option<RootKeys>) -> CleanDraft {
        CleanDraft { root_keys, ..self }
    }

    /// The slice's root keys.
    pub(crate) fn root_keys(&self) -> Option<&RootKeys> {
        self.root_keys.as_ref()
    }

    /// The entry, once the operation committed; `None` when a file cannot
    /// be trusted or read.
    pub(crate) fn finish(&self) -> Option<CleanSlice> {
        if self.racy {
            return None;
        }
        let finish = |list: &[(PathBuf, String, Option<Stat>)]| {
            list.iter()
                .map(|(path, shown, stat)| Some((shown.clone(), stat.or_else(|| Stat::of(path))?)))
                .collect::<Option<Vec<_>>>()
        };
        Some(CleanSlice {
            files: finish(&self.files)?,
            views: finish(&self.views)?,
            store_values: self.store_values.clone(),
            root_keys: self.root_keys.clone(),
        })
    }
}
