//! `slice create` (spec §6.6, `docs/operations.md`): a new source file
//! holding the scaffold of the store's slice type.

use std::fs;
use std::io;

use super::engine::{Created, Engine, OperationError, StoreOutcome};
use super::report::{FileKind, Operation, StoreReport};
use super::slice::ViewKind;
use super::txn::TxnError;
use super::view::view_file_path;
use crate::format::Format;
use crate::format::filename::{FileNameError, SliceFileName, check_name};

/// Checks that `name` can be a slice name: the rule of
/// [`crate::format::filename::check_name`], the same that listing a folder
/// applies (not empty, not starting with `.`, without `/`, `\`, `@` or
/// control characters; the original only refused `/`, `@` and a leading
/// `.`, `docs/operations.md`).
///
/// # Errors
///
/// [`OperationError::InvalidName`], saying why.
pub fn check_slice_name(name: &str) -> Result<(), OperationError> {
    match check_name(name) {
        Ok(()) => Ok(()),
        Err(FileNameError::InvalidName { problem, .. }) => Err(OperationError::InvalidName {
            name: name.to_owned(),
            reason: problem.to_string(),
        }),
        Err(other) => Err(OperationError::InvalidName {
            name: name.to_owned(),
            reason: other.to_string(),
        }),
    }
}

impl Engine<'_> {
    /// Writes `<source folder>/<name>.<extension>` with the scaffold of the
    /// store's slice type, as it is (placeholders `<REPLACE_THIS>` where
    /// the user must write a value). `extension` is `json`, `yaml` or `yml`.
    ///
    /// A slice deleted from the source (only in the active store) may be
    /// created again; its next sync continues its version numbers.
    ///
    /// # Errors
    ///
    /// An unknown store, an invalid name or extension, a source file of
    /// that name (any extension), pending migrations, the lock is taken.
    pub fn create(
        &self,
        store: &str,
        name: &str,
        extension: &str,
    ) -> Result<Created, OperationError> {
        let registered = self.registered(store)?;
        check_slice_name(name)?;
        let format = Format::from_extension(extension)
            .map_err(|_| OperationError::UnsupportedExtension(extension.to_owned()))?;
        let mut created = None;
        let report = self.run(Operation::Create, |txn| {
            let prepared = self.prepare(registered)?;
            prepared.migrations.check(registered, false)?;
            let store = &prepared.store;
            let folder = store.source_folder();
            let entries = match fs::read_dir(folder) {
                Ok(entries) => Some(entries),
                Err(error) if error.kind() == io::ErrorKind::NotFound => None,
                Err(source) => {
                    return Err(OperationError::Io {
                        action: "list the folder",
                        path: store.shown(folder),
                        source,
                    });
                }
            };
            for entry in entries.into_iter().flatten() {
                let entry = entry.map_err(|source| OperationError::Io {
                    action: "list the folder",
                    path: store.shown(folder),
                    source,
                })?;
                let file_name = entry.file_name();
                let Some(file_name) = file_name.to_str() else {
                    continue;
                };
                if !file_name.starts_with('.')
                    && SliceFileName::parse(file_name).is_ok_and(|f| f.name == name)
                {
                    return Err(OperationError::SliceExists {
                        store: store.name().to_owned(),
                        name: name.to_owned(),
                        file: store.shown(&entry.path()),
                    });
                }
            }
            let path = folder.join(format!("{name}.{extension}"));
            // Every file the slice will need: its source file, its first
            // version, its view files. A name the file system cannot hold
            // is refused now rather than by the sync.
            let refused = |error: TxnError| match error {
                TxnError::Target { path, problem, .. } => OperationError::InvalidName {
                    name: name.to_owned(),
                    reason: format!("git-ops cannot write {path}: {problem}"),
                },
                other => other.into(),
            };
            let scaffold = store.documents().scaffold(&store.schema().root);
            txn.stage_write(&path, FileKind::Source, format.write(&scaffold).as_bytes())
                .map_err(refused)?;
            let first =
                SliceFileName::active(name, 1).map_err(|e| OperationError::InvalidName {
                    name: name.to_owned(),
                    reason: e.to_string(),
                })?;
            let root = store.project_root();
            for later in [
                store.active_folder().join(first.to_string()),
                view_file_path(root, store.name(), ViewKind::Source, name),
                view_file_path(root, store.name(), ViewKind::Active, name),
            ] {
                txn.check_target(&later, "write").map_err(refused)?;
            }
            created = Some((path.clone(), store.shown(&path)));
            Ok(vec![StoreOutcome {
                report: StoreReport::new(store.name()),
                cache: None,
            }])
        })?;
        let (path, shown) = created.expect("the body ran");
        Ok(Created {
            path,
            shown,
            report,
        })
    }
}
