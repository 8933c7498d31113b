//! One slice, loaded: its files read and normalised, its version assigned
//! (spec §3), and on demand its merged view (spec §4).

use std::sync::OnceLock;

use serde_json::Value;

use super::error::{StoreError, StoreErrorKind, StoreErrors};
use super::load::LoadedFile;
use super::merge::{MergeError, Merger, RootValues, values_equal};
use super::reader::Store;
use super::record::{SliceRecord, SliceSummary, SliceView};
use super::view::{ViewFile, ViewInput};

/// Which view of a store: what "current" means for each slice (spec §1.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ViewKind {
    /// The slices as they would be after a sync: source files compared with
    /// the latest active versions. Used by update, sync, `slice list` and
    /// `slice inspect`.
    Source,
    /// The slices as synced: the latest active version of each. Used by
    /// export and prune.
    Active,
}

impl ViewKind {
    /// `source` or `active`: the folder name of this kind's view files.
    pub fn as_str(self) -> &'static str {
        match self {
            ViewKind::Source => "source",
            ViewKind::Active => "active",
        }
    }
}

/// How much of a slice's history to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Depth {
    /// The source file and the latest active version only: enough to assign
    /// the version ([`LoadedSlice::current`]), not for the view.
    Latest,
    /// Every active version: needed for the view, the previous versions and
    /// the view file.
    Full,
}

/// Where the current version of a slice comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Origin {
    /// It is the latest active version.
    Latest,
    /// It is the source file, as a new version.
    Source,
    /// The source file is gone: a new tombstone.
    Deleted,
}

/// The current version of a slice (spec §3).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Current<'a> {
    /// Its version number.
    pub version: u64,
    /// Its normalised document; `None` for a tombstone.
    pub document: Option<&'a Value>,
    /// Whether it is not yet in the active store: a sync writes it as
    /// `<name>@v<version>.json` (`{}` for a tombstone).
    pub is_new: bool,
}

/// One slice: its files read and checked, its version assigned.
///
/// Built by [`Store::load`] or the [`Store::slices`] iterator. The merged
/// view ([`LoadedSlice::view`]) is computed on first use and kept.
#[derive(Debug)]
pub struct LoadedSlice<'s> {
    pub(crate) store: &'s Store,
    pub(crate) kind: ViewKind,
    pub(crate) name: String,
    pub(crate) source: Option<LoadedFile>,
    /// Ascending versions; only the latest with [`Depth::Latest`].
    pub(crate) active: Vec<LoadedFile>,
    pub(crate) complete: bool,
    /// How many active files the listing has for this slice.
    pub(crate) listed_active: usize,
    pub(crate) current: Option<(u64, Origin)>,
    pub(crate) view: OnceLock<Result<Option<SliceView>, MergeError>>,
}

impl<'s> LoadedSlice<'s> {
    /// Assigns the version (spec §3.2, §3.3, with the decisions of
    /// `docs/store-semantics.md`).
    pub(crate) fn assign(&mut self) -> Result<(), StoreErrors> {
        let latest = self.active.last();
        let latest_version = || latest.and_then(|l| l.file.version()).unwrap_or(0);
        let next = || {
            latest_version().checked_add(1).ok_or_else(|| {
                StoreErrors::from(StoreError::file(
                    latest.map(|l| l.file.shown.clone()).unwrap_or_default(),
                    StoreErrorKind::VersionOverflow(self.name.clone()),
                ))
            })
        };
        self.current = match (self.kind, &self.source, latest) {
            (_, _, Some(_)) if self.kind == ViewKind::Active => {
                Some((latest_version(), Origin::Latest))
            }
            (_, None, None) => None,
            // Never synced: version 1, or no slice at all for an empty file
            // (gap 17: no tombstone is ever written for it).
            (_, Some(source), None) => source.document.as_ref().map(|_| (1, Origin::Source)),
            (_, Some(source), Some(latest)) => {
                let same = match (&source.document, &latest.document) {
                    (Some(a), Some(b)) => values_equal(a, b),
                    (None, None) => true,
                    _ => false,
                };
                Some(if same {
                    (latest_version(), Origin::Latest)
                } else {
                    (next()?, Origin::Source)
                })
            }
            (_, None, Some(latest)) => Some(match latest.document {
                None => (latest_version(), Origin::Latest),
                Some(_) => (next()?, Origin::Deleted),
            }),
        };
        Ok(())
    }

    /// The slice name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Which view the slice was loaded for.
    pub fn kind(&self) -> ViewKind {
        self.kind
    }

    /// The store.
    pub fn store(&self) -> &'s Store {
        self.store
    }

    /// Whether every active version was read ([`Depth::Full`]).
    pub fn is_complete(&self) -> bool {
        self.complete
    }

    /// The current version; `None` when the slice has no version at all: an
    /// empty source file never synced (spec §13 gap 17).
    pub fn current(&self) -> Option<Current<'_>> {
        let (version, origin) = self.current?;
        let document = match origin {
            Origin::Latest => self.active.last().and_then(|f| f.document.as_ref()),
            Origin::Source => self.source.as_ref().and_then(|f| f.document.as_ref()),
            Origin::Deleted => None,
        };
        Some(Current {
            version,
            document,
            is_new: origin != Origin::Latest,
        })
    }

    /// The source file, read and normalised (source view only).
    pub fn source(&self) -> Option<&LoadedFile> {
        self.source.as_ref()
    }

    /// The active versions read, by ascending version (only the latest with
    /// [`Depth::Latest`]).
    pub fn active(&self) -> &[LoadedFile] {
        &self.active
    }

    /// The source file as written (not normalised; `{}` for an empty file),
    /// when the store keeps it (the write side).
    pub(crate) fn raw_source(&self) -> Option<&Value> {
        self.source.as_ref().and_then(|f| f.raw.as_ref())
    }

    /// Replaces the source document (the write side, after processing):
    /// `document` is the new normalised document, `sha256` the hash of the
    /// bytes the source file will hold. The version is assigned again and
    /// the view computed again on next use.
    pub(crate) fn replace_source(
        &mut self,
        document: Value,
        sha256: [u8; 32],
    ) -> Result<(), StoreErrors> {
        if let Some(source) = &mut self.source {
            source.document = Some(document);
            source.sha256 = Some(sha256);
        }
        self.view = OnceLock::new();
        self.assign()
    }

    /// The same slice in the active view (its latest active version as
    /// current): what an export compile sees.
    pub(crate) fn active_variant(&self) -> Result<LoadedSlice<'s>, StoreErrors> {
        let mut slice = LoadedSlice {
            store: self.store,
            kind: ViewKind::Active,
            name: self.name.clone(),
            source: None,
            active: self.active.clone(),
            complete: self.complete,
            listed_active: self.listed_active,
            current: None,
            view: OnceLock::new(),
        };
        slice.assign()?;
        Ok(slice)
    }

    /// The versions that make up "previous" (spec §4.3), newest first: every
    /// active version, except the latest when it is the current one.
    fn history(&self) -> impl Iterator<Item = &LoadedFile> {
        let skip_latest = matches!(self.current, Some((_, Origin::Latest)));
        let end = self.active.len() - usize::from(skip_latest && !self.active.is_empty());
        self.active[..end].iter().rev()
    }

    /// Whether the slice appears in the view (spec §4.2): it has a current
    /// version, and content now or in a previous version.
    ///
    /// With [`Depth::Latest`] the older versions are not read: a slice whose
    /// latest version is a tombstone then counts as visible when it has
    /// older versions (they could all be tombstones too, which only the
    /// reference writes, spec §13 gap 17).
    pub fn is_visible(&self) -> bool {
        match self.current() {
            None => false,
            Some(current) if current.document.is_some() => true,
            // Only the latest version was read: the older ones are known by
            // their number only.
            Some(_) if !self.complete => match self.current {
                Some((_, Origin::Latest)) => self.listed_active > 1,
                _ => true,
            },
            Some(_) => self.history().any(|f| f.document.is_some()),
        }
    }

    /// The list line of the slice, `None` when it does not appear.
    pub fn summary(&self) -> Option<SliceSummary> {
        if !self.is_visible() {
            return None;
        }
        let current = self.current()?;
        Some(SliceSummary {
            name: self.name.clone(),
            store_name: self.store.name().to_owned(),
            version: current.version,
            deleted: current.document.is_none(),
        })
    }

    /// The merged view of the slice and its folded previous versions;
    /// `None` when the slice does not appear (spec §4.2). Computed once.
    ///
    /// # Errors
    ///
    /// [`StoreErrorKind::HistoryNotLoaded`] for a slice loaded with
    /// [`Depth::Latest`]; a view that cannot be built (not expected with a
    /// checked schema).
    pub fn view(&self) -> Result<Option<&SliceView>, StoreErrors> {
        if !self.complete {
            return Err(self.error(StoreErrorKind::HistoryNotLoaded(self.name.clone())));
        }
        match self.view.get_or_init(|| self.compute_view()) {
            Ok(view) => Ok(view.as_ref()),
            Err(error) => Err(self.error(match error {
                MergeError::UnknownTag { union, value } => StoreErrorKind::View {
                    name: self.name.clone(),
                    reason: format!("no member of union {union} has the tag {value}"),
                },
                MergeError::Path(error) => StoreErrorKind::Path {
                    name: self.name.clone(),
                    error: error.clone(),
                },
            })),
        }
    }

    /// The record of the slice, `None` when it does not appear.
    ///
    /// # Errors
    ///
    /// As [`LoadedSlice::view`].
    pub fn record(&self) -> Result<Option<&SliceRecord>, StoreErrors> {
        Ok(self.view()?.map(|view| &view.record))
    }

    /// The record of the slice, taken out of it (not copied), `None` when it
    /// does not appear.
    ///
    /// # Errors
    ///
    /// As [`LoadedSlice::view`].
    pub fn into_record(self) -> Result<Option<SliceRecord>, StoreErrors> {
        self.view()?;
        Ok(self
            .view
            .into_inner()
            .and_then(Result::ok)
            .flatten()
            .map(|view| view.record))
    }

    /// Computes the view now, if it is not yet (used by the loading threads,
    /// so that merging runs in parallel too).
    pub(crate) fn precompute_view(&self) {
        if self.complete {
            let _ = self.view.get_or_init(|| self.compute_view());
        }
    }

    fn compute_view(&self) -> Result<Option<SliceView>, MergeError> {
        if !self.is_visible() {
            return Ok(None);
        }
        let Some(current) = self.current() else {
            return Ok(None);
        };
        let store = self.store.name();
        let plan = self.store.plan();
        let mut history = self.history().peekable();
        let previous_version = history.peek().and_then(|f| f.file.version()).unwrap_or(0);
        let previous = Merger {
            plan,
            paths: false,
            root: RootValues {
                version: previous_version,
                store,
                name: &self.name,
            },
        }
        .fold(history.map(|f| f.document.as_ref().and_then(Value::as_object)))?;
        let attributes = Merger {
            plan,
            paths: true,
            root: RootValues {
                version: current.version,
                store,
                name: &self.name,
            },
        }
        .merge(
            current.document.and_then(Value::as_object),
            previous.as_ref(),
        )?;
        Ok(attributes.map(|attributes| SliceView {
            record: SliceRecord {
                name: self.name.clone(),
                store_name: store.to_owned(),
                version: current.version,
                attributes: Value::Object(attributes),
                deleted: current.document.is_none(),
            },
            previous: previous.map(Value::Object),
        }))
    }

    /// The files the view of this slice is computed from, with their
    /// SHA-256: the source file (source view), then the active files by
    /// version. `None` unless the slice was loaded with [`Depth::Full`] and
    /// fingerprints.
    pub fn inputs(&self) -> Option<Vec<ViewInput>> {
        if !self.complete {
            return None;
        }
        self.source
            .iter()
            .chain(&self.active)
            .map(|f| {
                f.sha256.map(|sha256| ViewInput {
                    path: f.file.shown.clone(),
                    sha256: super::view::hex(&sha256),
                })
            })
            .collect()
    }

    /// The view file of this slice (`docs/views.md`): its path and bytes.
    ///
    /// # Errors
    ///
    /// As [`LoadedSlice::view`]; also [`StoreErrorKind::HistoryNotLoaded`]
    /// when the slice was loaded without fingerprints.
    pub fn view_file(&self) -> Result<ViewFile, StoreErrors> {
        let view = self.view()?;
        let inputs = self
            .inputs()
            .ok_or_else(|| self.error(StoreErrorKind::HistoryNotLoaded(self.name.clone())))?;
        Ok(super::view::view_file(
            self.store, self.kind, &self.name, &inputs, view,
        ))
    }

    fn error(&self, kind: StoreErrorKind) -> StoreErrors {
        let file = self
            .source
            .iter()
            .chain(self.active.last())
            .next()
            .map(|f| f.file.shown.clone())
            .unwrap_or_else(|| self.name.clone());
        StoreError::file(file, kind).into()
    }
}
