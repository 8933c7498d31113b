//! Setting a value in a source file by dict path (spec §6.8
//! `update_slice_attribute`, `docs/operations.md`).
//!
//! Setting is an edit of the source file, like one made by hand, checked
//! against the schema: the slice must have a source document (a source file
//! with content), and the element holding the value must exist in it.
//! An element that exists only in the merged view, because it was deleted
//! from the source, cannot be set (the original's "deleted slice" error).
//! Active files are never set. The file is written in normalised form, in
//! its own format, and the slice's view files are brought up to date;
//! processors do not run (the next `update` runs them).

use serde_json::Value;

use super::engine::{Engine, OperationError, StoreOutcome};
use super::error::StoreErrors;
use super::files::WorkingTree;
use super::merge::operation;
use super::outputs::{ActiveView, change_kind, for_slice, loaded_inputs, sha256, stage_views};
use super::report::{FileKind, Operation, Report, StoreReport};
use super::slice::{Depth, ViewKind};
use crate::dictpath::DictPath;

impl Engine<'_> {
    /// Sets the value at `path` in the source file of slice `name` of store
    /// `store`: an edit of the source file, like one made by hand, checked
    /// against the schema and written in normalised form in its own format;
    /// the slice's view files are refreshed, processors do not run. The
    /// element holding the value must exist in the source document: one
    /// that only exists because older versions had it (marked `delete` in
    /// the view) cannot be set. See `docs/operations.md`.
    ///
    /// # Errors
    ///
    /// [`OperationError::NoSource`], [`OperationError::DeletedElement`],
    /// [`OperationError::Lookup`], a document the schema refuses (e.g. a
    /// value of the wrong type, a model-only field), pending migrations,
    /// the lock is taken.
    pub fn set_attribute(
        &self,
        store: &str,
        name: &str,
        path: &DictPath,
        value: Value,
    ) -> Result<Report, OperationError> {
        let registered = self.registered(store)?;
        self.run(Operation::SetAttribute, |txn| {
            let prepared = self.prepare(registered)?;
            prepared.migrations.check(registered, false)?;
            super::migrate::stage_fresh_state(txn, &prepared.migrations)?;
            let store = &prepared.store;
            let no_source = || OperationError::NoSource {
                store: store.name().to_owned(),
                name: name.to_owned(),
            };
            let listing = store.list_files(&WorkingTree, ViewKind::Source)?;
            let files = listing.get(name).ok_or_else(no_source)?;
            let mut slice = store.load(&WorkingTree, files, ViewKind::Source, Depth::Full)?;
            let (file, document) = slice
                .source()
                .and_then(|s| s.document.clone().map(|d| (s.file.clone(), d)))
                .ok_or_else(no_source)?;
            let parent = path.parent();
            if parent.get(&document).is_err() {
                let deleted = slice
                    .view()?
                    .and_then(|view| view.attribute(&parent))
                    .is_some_and(|element| {
                        element.get("operation").and_then(Value::as_str) == Some(operation::DELETE)
                    });
                if deleted {
                    return Err(OperationError::DeletedElement {
                        store: store.name().to_owned(),
                        name: name.to_owned(),
                        path: path.to_string(),
                    });
                }
            }
            let mut edited = document;
            path.set(&mut edited, value)
                .map_err(|error| OperationError::Lookup {
                    store: store.name().to_owned(),
                    name: name.to_owned(),
                    path: path.to_string(),
                    error: Box::new(error),
                })?;
            let normalised = store
                .documents()
                .normalise(&edited)
                .map_err(|errors| StoreErrors::unlocated(&file.shown, errors))?;
            let file_form = store.documents().for_file(&normalised);
            if slice.raw_source() != Some(&file_form) {
                file.check_rewritable("setting a value rewrites it")?;
                let text = file.format.write(&file_form);
                txn.stage_write(&file.path, FileKind::Source, text.as_bytes())
                    .map_err(|e| for_slice(&slice, e))?;
                slice.replace_source(normalised, sha256(text.as_bytes()))?;
                let active = if change_kind(&slice).is_some() {
                    ActiveView::Own
                } else {
                    ActiveView::SameAsSource
                };
                stage_views(
                    txn,
                    &slice,
                    &loaded_inputs(&slice, true),
                    &loaded_inputs(&slice, false),
                    active,
                )
                .map_err(|e| for_slice(&slice, e))?;
            }
            Ok(vec![StoreOutcome {
                report: StoreReport::new(store.name()),
                cache: None,
            }])
        })
    }
}
