//! [`Store`]: one store of a project, ready to list and load its slices.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use super::error::{StoreError, StoreErrors};
use super::files::StoreFiles;
use super::listing::{self, FolderRole, SliceFiles, StoreListing};
use super::load::load_file;
use super::plan::ViewPlan;
use super::project::{LocationError, Project};
use super::record::{SliceRecord, SliceSummary, SliceView};
use super::root_keys::{duplicate_root_keys, root_keys};
use super::slice::{Depth, LoadedSlice, ViewKind};
use super::view::schema_fingerprint;
use crate::dictpath::{DictPath, LookupError};
use crate::document::DocumentSchema;
use crate::schema::StoreSchema;

/// How many slices a loading thread takes at a time.
const BATCH_PER_THREAD: usize = 64;

/// One store of a project: its schema compiled for reading and merging, and
/// where its files are.
///
/// ```no_run
/// use git_ops_runtime::Slice;
/// use git_ops_runtime::store::{Depth, Project, Store, ViewKind, WorkingTree};
/// use serde::{Deserialize, Serialize};
///
/// #[derive(Serialize, Deserialize, Slice)]
/// #[slice(store = "vlan")]
/// struct Vlan {
///     #[slice(key)]
///     vid: u16,
/// }
///
/// let project = Project::find(std::path::Path::new(".")).unwrap();
/// let store = Store::new(&project, Vlan::store_schema()).unwrap();
/// let listing = store.list_files(&WorkingTree, ViewKind::Active).unwrap();
/// for slice in store.slices(&WorkingTree, &listing, ViewKind::Active, Depth::Full) {
///     let slice = slice.unwrap();
///     if let Some(record) = slice.record().unwrap() {
///         println!("{} v{}", record.name, record.version);
///     }
/// }
/// ```
#[derive(Debug)]
pub struct Store {
    schema: StoreSchema,
    documents: DocumentSchema,
    plan: ViewPlan,
    fingerprint: OnceLock<String>,
    project_root: PathBuf,
    source_folder: PathBuf,
    active_folder: PathBuf,
    threads: usize,
    hash: bool,
    /// Keep the document as written of source files (the write side).
    keep_raw: bool,
}

impl Store {
    /// The store of `schema` in `project`, its source folder resolved from
    /// the schema's source location.
    ///
    /// # Errors
    ///
    /// A source location that cannot be resolved.
    pub fn new(project: &Project, schema: StoreSchema) -> Result<Store, LocationError> {
        let source = project.resolve(&schema.source)?;
        Ok(Store::with_source_folder(project, schema, source))
    }

    /// The store of `schema` in `project` with its source files in `folder`.
    pub fn with_source_folder(project: &Project, schema: StoreSchema, folder: PathBuf) -> Store {
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        Store {
            documents: DocumentSchema::new(&schema),
            plan: ViewPlan::new(&schema),
            fingerprint: OnceLock::new(),
            project_root: project.root().to_path_buf(),
            active_folder: project.active_folder(&schema.store),
            source_folder: folder,
            schema,
            threads,
            hash: true,
            keep_raw: false,
        }
    }

    /// Loads with at most `threads` threads (at least one; by default the
    /// available parallelism).
    pub fn with_threads(mut self, threads: usize) -> Store {
        self.threads = threads.max(1);
        self
    }

    /// Whether loading computes the SHA-256 of every file read (on by
    /// default; needed for view files and [`LoadedSlice::inputs`]).
    pub fn with_fingerprints(mut self, hash: bool) -> Store {
        self.hash = hash;
        self
    }

    /// Whether loading keeps the document as written of source files
    /// ([`LoadedSlice::raw_source`]): the write side compares it with the
    /// normalised document.
    pub(crate) fn with_raw_sources(mut self, keep: bool) -> Store {
        self.keep_raw = keep;
        self
    }

    /// The store name.
    pub fn name(&self) -> &str {
        &self.schema.store
    }

    /// The schema.
    pub fn schema(&self) -> &StoreSchema {
        &self.schema
    }

    /// The schema compiled for reading and writing documents.
    pub fn documents(&self) -> &DocumentSchema {
        &self.documents
    }

    pub(crate) fn plan(&self) -> &ViewPlan {
        &self.plan
    }

    /// [`schema_fingerprint`] of the schema, computed once.
    pub fn schema_fingerprint(&self) -> &str {
        self.fingerprint
            .get_or_init(|| schema_fingerprint(&self.schema))
    }

    /// The project root.
    pub fn project_root(&self) -> &Path {
        &self.project_root
    }

    /// The source folder.
    pub fn source_folder(&self) -> &Path {
        &self.source_folder
    }

    /// The active folder: `<root>/git_ops/active/<store>/`.
    pub fn active_folder(&self) -> &Path {
        &self.active_folder
    }

    /// How a path is named in messages and view files: relative to the
    /// project root with `/` separators, absolute outside the project.
    pub fn shown(&self, path: &Path) -> String {
        match path.strip_prefix(&self.project_root) {
            Ok(relative) => relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/"),
            Err(_) => path.display().to_string(),
        }
    }

    /// Lists the store's folders (the active folder, and for the source view
    /// the source folder too): which slices exist and which files they
    /// have. Reads no file.
    ///
    /// # Errors
    ///
    /// Every listing problem (`docs/store-semantics.md`).
    pub fn list_files(
        &self,
        files: &dyn StoreFiles,
        kind: ViewKind,
    ) -> Result<StoreListing, StoreErrors> {
        let (listing, errors) = self.list_lenient(files, kind);
        if errors.is_empty() {
            Ok(listing)
        } else {
            Err(StoreErrors::new(errors))
        }
    }

    /// The listing without the files that have problems, and the problems.
    fn list_lenient(
        &self,
        files: &dyn StoreFiles,
        kind: ViewKind,
    ) -> (StoreListing, Vec<StoreError>) {
        let mut errors = Vec::new();
        let shown = |path: &Path| self.shown(path);
        let list = |folder: &Path, within: &Path, role, errors: &mut Vec<StoreError>| {
            // A folder reached through a link that leaves the project, or
            // that dangles (an unmounted share), is refused: not taken as
            // an empty store, whose slices would all count as deleted.
            if let Err(problem) = files.check_links(within, folder) {
                errors.push(StoreError::link(shown(&problem.link), problem));
                return Vec::new();
            }
            listing::list_folder(files, folder, within, role, &shown, errors)
        };
        let source = match kind {
            ViewKind::Source => list(
                &self.source_folder,
                self.source_within(),
                FolderRole::Source,
                &mut errors,
            ),
            ViewKind::Active => Vec::new(),
        };
        let active = list(
            &self.active_folder,
            &self.project_root,
            FolderRole::Active,
            &mut errors,
        );
        let listing = listing::group(source, active, &mut errors);
        (listing, errors)
    }

    /// The folder the links of the source folder must stay in: the project
    /// root when the source folder is in the project, else the source
    /// folder itself (a location the module declares outside the project).
    pub(crate) fn source_within(&self) -> &Path {
        if self.source_folder.starts_with(&self.project_root) {
            &self.project_root
        } else {
            &self.source_folder
        }
    }

    /// Reads and checks the files of one slice and assigns its version.
    ///
    /// # Errors
    ///
    /// Every problem of every file of the slice.
    pub fn load<'s>(
        &'s self,
        files: &dyn StoreFiles,
        slice: &SliceFiles,
        kind: ViewKind,
        depth: Depth,
    ) -> Result<LoadedSlice<'s>, StoreErrors> {
        let mut errors = Vec::new();
        let mut read = |file, raw| match load_file(files, &self.documents, file, self.hash, raw) {
            Ok(loaded) => Some(loaded),
            Err(problems) => {
                errors.extend(problems);
                None
            }
        };
        let source = match kind {
            ViewKind::Source => slice
                .source
                .as_ref()
                .and_then(|file| read(file, self.keep_raw)),
            ViewKind::Active => None,
        };
        let wanted = match depth {
            Depth::Full => &slice.active[..],
            Depth::Latest => &slice.active[slice.active.len().saturating_sub(1)..],
        };
        let active: Vec<_> = wanted.iter().filter_map(|file| read(file, false)).collect();
        if !errors.is_empty() {
            return Err(StoreErrors::new(errors));
        }
        let mut loaded = LoadedSlice {
            store: self,
            kind,
            name: slice.name.clone(),
            source,
            active,
            complete: depth == Depth::Full,
            listed_active: slice.active.len(),
            current: None,
            view: OnceLock::new(),
        };
        loaded.assign()?;
        Ok(loaded)
    }

    /// The slices of a listing, loaded in name order, several at a time in
    /// parallel. Only a batch of slices is in memory at once (a few per
    /// thread): drop each slice when done with it.
    pub fn slices<'s>(
        &'s self,
        files: &'s dyn StoreFiles,
        listing: &'s StoreListing,
        kind: ViewKind,
        depth: Depth,
    ) -> Slices<'s> {
        Slices {
            store: self,
            files,
            slices: listing.slices(),
            kind,
            depth,
            views: false,
            buffer: VecDeque::new(),
        }
    }

    /// Checks every file of the store and lists every problem: listing
    /// problems, unreadable files, documents the schema refuses, two
    /// slices with the same root keys.
    ///
    /// # Errors
    ///
    /// All the problems, sorted by file.
    pub fn check(&self, files: &dyn StoreFiles, kind: ViewKind) -> Result<(), StoreErrors> {
        let (listing, mut errors) = self.list_lenient(files, kind);
        let mut keys = Vec::new();
        for slice in self.slices(files, &listing, kind, Depth::Full).with_views() {
            match slice.and_then(|slice| Ok((slice.name().to_owned(), root_keys(&slice)?))) {
                Ok((name, slice_keys)) => keys.extend(slice_keys.map(|k| (name, k))),
                Err(problems) => errors.extend(problems.errors),
            }
        }
        let keys = keys.iter().map(|(name, keys)| (name.as_str(), keys));
        errors.extend(duplicate_root_keys(self, files, &listing, keys));
        if errors.is_empty() {
            Ok(())
        } else {
            Err(StoreErrors::new(errors))
        }
    }

    /// The list of `slice list` (spec §6.7): every slice that appears, by
    /// name.
    ///
    /// # Errors
    ///
    /// Every problem of the store's files.
    pub fn list(
        &self,
        files: &dyn StoreFiles,
        kind: ViewKind,
    ) -> Result<Vec<SliceSummary>, StoreErrors> {
        let listing = self.list_files(files, kind)?;
        let mut out = Vec::new();
        let mut errors = Vec::new();
        for slice in self.slices(files, &listing, kind, Depth::Full) {
            match slice {
                Ok(slice) => out.extend(slice.summary()),
                Err(problems) => errors.extend(problems.errors),
            }
        }
        if errors.is_empty() {
            Ok(out)
        } else {
            Err(StoreErrors::new(errors))
        }
    }

    /// The view of slice `name` (spec §6.7 `slice inspect`); `Ok(None)`
    /// when no such slice appears.
    ///
    /// # Errors
    ///
    /// A listing problem or a problem of one of the slice's files.
    pub fn view(
        &self,
        files: &dyn StoreFiles,
        kind: ViewKind,
        name: &str,
    ) -> Result<Option<SliceView>, StoreErrors> {
        let listing = self.list_files(files, kind)?;
        let Some(slice) = listing.get(name) else {
            return Ok(None);
        };
        let loaded = self.load(files, slice, kind, Depth::Full)?;
        Ok(loaded.view()?.cloned())
    }

    /// The record of slice `name` (spec §6.7 `slice inspect`).
    ///
    /// # Errors
    ///
    /// [`InspectError::UnknownSlice`] when no such slice appears, naming the
    /// slices that do; the problems of the store's files.
    pub fn inspect(
        &self,
        files: &dyn StoreFiles,
        kind: ViewKind,
        name: &str,
    ) -> Result<SliceRecord, InspectError> {
        match self.view(files, kind, name)? {
            Some(view) => Ok(view.record),
            None => Err(InspectError::UnknownSlice {
                name: name.to_owned(),
                store: self.name().to_owned(),
                known: self
                    .list(files, kind)?
                    .into_iter()
                    .map(|s| s.name)
                    .collect(),
            }),
        }
    }

    /// The value at `path` in the view of slice `name` (spec §6.8
    /// `get_slice_attribute`): `None` for an unknown slice or a path that
    /// designates nothing.
    ///
    /// # Errors
    ///
    /// Only problems of the store's files.
    pub fn get_attribute(
        &self,
        files: &dyn StoreFiles,
        kind: ViewKind,
        name: &str,
        path: &DictPath,
    ) -> Result<Option<serde_json::Value>, StoreErrors> {
        Ok(self
            .view(files, kind, name)?
            .and_then(|view| view.attribute(path).cloned()))
    }

    /// The value at `path` in the folded previous versions of slice `name`
    /// (spec §6.8 `get_slice_previous_attribute`): `None` for an unknown
    /// slice, no previous version or a path that designates nothing.
    ///
    /// # Errors
    ///
    /// Only problems of the store's files.
    pub fn get_previous_attribute(
        &self,
        files: &dyn StoreFiles,
        kind: ViewKind,
        name: &str,
        path: &DictPath,
    ) -> Result<Option<serde_json::Value>, StoreErrors> {
        Ok(self
            .view(files, kind, name)?
            .and_then(|view| view.previous_attribute(path).cloned()))
    }

    /// Like [`Store::get_attribute`], telling why a lookup fails (for tools).
    ///
    /// # Errors
    ///
    /// An unknown slice, the lookup error, or the problems of the store's
    /// files.
    pub fn attribute(
        &self,
        files: &dyn StoreFiles,
        kind: ViewKind,
        name: &str,
        path: &DictPath,
    ) -> Result<serde_json::Value, AttributeError> {
        let view = self.view_or_unknown(files, kind, name)?;
        Ok(view.try_attribute(path)?.clone())
    }

    /// Like [`Store::get_previous_attribute`], telling why a lookup fails.
    ///
    /// # Errors
    ///
    /// An unknown slice, no previous version, the lookup error, or the
    /// problems of the store's files.
    pub fn previous_attribute(
        &self,
        files: &dyn StoreFiles,
        kind: ViewKind,
        name: &str,
        path: &DictPath,
    ) -> Result<serde_json::Value, AttributeError> {
        let view = self.view_or_unknown(files, kind, name)?;
        match view.try_previous_attribute(path) {
            Ok(value) => Ok(value.clone()),
            Err(super::record::PreviousLookupError::NoPrevious(name)) => {
                Err(AttributeError::NoPrevious(name))
            }
            Err(super::record::PreviousLookupError::Lookup(error)) => {
                Err(AttributeError::Lookup(error))
            }
        }
    }

    fn view_or_unknown(
        &self,
        files: &dyn StoreFiles,
        kind: ViewKind,
        name: &str,
    ) -> Result<SliceView, AttributeError> {
        self.view(files, kind, name)?
            .ok_or_else(|| AttributeError::UnknownSlice {
                name: name.to_owned(),
                store: self.name().to_owned(),
            })
    }
}

/// Why `slice inspect` failed.
#[derive(Debug, thiserror::Error)]
pub enum InspectError {
    /// No slice of that name appears in the view.
    #[error("no slice named `{name}` in store `{store}`; known slices: {}", if known.is_empty() { "none".to_owned() } else { known.join(", ") })]
    UnknownSlice {
        /// The name asked for.
        name: String,
        /// The store.
        store: String,
        /// The slices that appear, by name.
        known: Vec<String>,
    },
    /// The store's files have problems.
    #[error(transparent)]
    Store(#[from] StoreErrors),
}

/// Why an attribute lookup failed.
#[derive(Debug, thiserror::Error)]
pub enum AttributeError {
    /// No slice of that name appears in the view.
    #[error("no slice named `{name}` in store `{store}`")]
    UnknownSlice {
        /// The name asked for.
        name: String,
        /// The store.
        store: String,
    },
    /// The slice has no previous version.
    #[error("slice `{0}` has no previous version")]
    NoPrevious(String),
    /// The path does not designate a value.
    #[error(transparent)]
    Lookup(#[from] LookupError),
    /// The store's files have problems.
    #[error(transparent)]
    Store(#[from] StoreErrors),
}

/// The slices of a store, loaded in name order; see [`Store::slices`].
pub struct Slices<'s> {
    store: &'s Store,
    files: &'s dyn StoreFiles,
    slices: &'s [SliceFiles],
    kind: ViewKind,
    depth: Depth,
    views: bool,
    buffer: VecDeque<Result<LoadedSlice<'s>, StoreErrors>>,
}

impl<'s> Slices<'s> {
    /// Also computes each slice's view in the loading threads, so that
    /// [`LoadedSlice::view`] returns at once (only with [`Depth::Full`]).
    pub fn with_views(mut self) -> Slices<'s> {
        self.views = true;
        self
    }

    fn fill(&mut self) {
        let threads = self.store.threads.min(self.slices.len()).max(1);
        let take = (threads * BATCH_PER_THREAD).min(self.slices.len());
        let (batch, rest) = self.slices.split_at(take);
        self.slices = rest;
        let (store, files, kind, depth, views) =
            (self.store, self.files, self.kind, self.depth, self.views);
        let load = move |slice: &SliceFiles| {
            let loaded = store.load(files, slice, kind, depth);
            if views && let Ok(loaded) = &loaded {
                loaded.precompute_view();
            }
            loaded
        };
        if threads == 1 {
            self.buffer.extend(batch.iter().map(load));
            return;
        }
        let chunk = batch.len().div_ceil(threads);
        let results: Vec<Vec<_>> = std::thread::scope(|scope| {
            let handles: Vec<_> = batch
                .chunks(chunk)
                .map(|part| scope.spawn(move || part.iter().map(load).collect::<Vec<_>>()))
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("a loading thread panicked"))
                .collect()
        });
        self.buffer.extend(results.into_iter().flatten());
    }
}

impl<'s> Iterator for Slices<'s> {
    type Item = Result<LoadedSlice<'s>, StoreErrors>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.buffer.is_empty() && !self.slices.is_empty() {
            self.fill();
        }
        self.buffer.pop_front()
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.buffer.len() + self.slices.len();
        (n, Some(n))
    }
}
