//! Writing a planned set of generated files into a module directory, safely:
//! files without the watermark are never overwritten nor deleted, nothing is
//! written when a check fails, and only changed files are written.

use std::collections::BTreeSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::layout::{
    self, CF_EXTENSION, JSON_EXTENSION, MODEL_DIR, SCHEMAS_DIR, alternative_model_file,
};
use crate::{FileKind, GenerateError, GenerateReport, GeneratedFile, ScaffoldReport};

/// What is on disk at one path.
enum OnDisk {
    Missing,
    Generated(Vec<u8>),
    NotGenerated,
}

fn on_disk(dir: &Path, path: &Path) -> Result<OnDisk, GenerateError> {
    let full = dir.join(path);
    match fs::read(&full) {
        Ok(bytes) => {
            let generated = std::str::from_utf8(&bytes)
                .map(|text| layout::is_generated(path, text))
                .unwrap_or(false);
            Ok(if generated {
                OnDisk::Generated(bytes)
            } else {
                OnDisk::NotGenerated
            })
        }
        Err(err) if err.kind() == io::ErrorKind::NotFound => Ok(OnDisk::Missing),
        // A folder where a file should go: never ours to replace.
        Err(_) if full.is_dir() => Ok(OnDisk::NotGenerated),
        Err(err) => Err(io_error(&full, err)),
    }
}

fn io_error(path: &Path, source: io::Error) -> GenerateError {
    GenerateError::Io {
        path: path.to_owned(),
        source,
    }
}

/// Brings `dir` to the planned state (see the crate documentation).
pub(crate) fn apply(
    dir: &Path,
    files: Vec<GeneratedFile>,
    also_managed: &[PathBuf],
) -> Result<GenerateReport, GenerateError> {
    // 1. Decide, without writing anything.
    let mut conflicts = BTreeSet::new();
    let mut writes: Vec<(GeneratedFile, Option<Vec<u8>>)> = Vec::new();
    for file in files {
        let current = on_disk(dir, &file.path)?;
        if file.kind == FileKind::Placeholder {
            // A placeholder only stands in for a module that has no file.
            let alternative = match alternative_model_file(&file.path) {
                Some(alternative) => on_disk(dir, &alternative)?,
                None => OnDisk::Missing,
            };
            if matches!(current, OnDisk::NotGenerated)
                || matches!(alternative, OnDisk::NotGenerated)
            {
                continue;
            }
        } else if file.kind == FileKind::Model
            && let Some(alternative) = alternative_model_file(&file.path)
            && matches!(on_disk(dir, &alternative)?, OnDisk::NotGenerated)
        {
            conflicts.insert(alternative);
        }
        match current {
            // An empty plugin file (a new Python package's, or the one
            // `inmanta module build` adds when there is none) holds nothing
            // of the author's.
            OnDisk::NotGenerated
                if file.kind == FileKind::Plugin && is_blank(&dir.join(&file.path)) =>
            {
                writes.push((file, None));
            }
            OnDisk::NotGenerated => {
                conflicts.insert(file.path.clone());
            }
            OnDisk::Generated(bytes) => writes.push((file, Some(bytes))),
            OnDisk::Missing => writes.push((file, None)),
        }
    }
    if !conflicts.is_empty() {
        return Err(GenerateError::NotGenerated {
            paths: conflicts.into_iter().map(|p| dir.join(p)).collect(),
        });
    }
    let planned: BTreeSet<&Path> = writes.iter().map(|(f, _)| f.path.as_path()).collect();
    let mut stale = Vec::new();
    for path in existing_generated(dir, also_managed)? {
        if !planned.contains(path.as_path()) {
            stale.push(path);
        }
    }

    // 2. Act.
    let mut report = GenerateReport::default();
    for (file, current) in &writes {
        if current.as_deref() == Some(file.content.as_bytes()) {
            report.unchanged.push(file.path.clone());
        } else {
            write_atomically(&dir.join(&file.path), file.content.as_bytes())?;
            report.written.push(file.path.clone());
        }
    }
    for path in &stale {
        let full = dir.join(path);
        fs::remove_file(&full).map_err(|err| io_error(&full, err))?;
        remove_empty_parents(dir, &full)?;
        report.removed.push(path.clone());
    }
    report.written.sort();
    report.unchanged.sort();
    report.removed.sort();
    Ok(report)
}

/// Every file carrying a watermark in the places the generator manages:
/// `.cf` files under `model/`, `.json` files under `schemas/`, and the
/// listed files.
fn existing_generated(dir: &Path, also_managed: &[PathBuf]) -> Result<Vec<PathBuf>, GenerateError> {
    let mut candidates = Vec::new();
    collect_files(dir, Path::new(MODEL_DIR), CF_EXTENSION, &mut candidates)?;
    collect_files(dir, Path::new(SCHEMAS_DIR), JSON_EXTENSION, &mut candidates)?;
    candidates.extend(also_managed.iter().cloned());
    let mut out = Vec::new();
    for path in candidates {
        if matches!(on_disk(dir, &path)?, OnDisk::Generated(_)) {
            out.push(path);
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

fn collect_files(
    dir: &Path,
    relative: &Path,
    extension: &str,
    out: &mut Vec<PathBuf>,
) -> Result<(), GenerateError> {
    let full = dir.join(relative);
    let entries = match fs::read_dir(&full) {
        Ok(entries) => entries,
        Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(err) => return Err(io_error(&full, err)),
    };
    for entry in entries {
        let entry = entry.map_err(|err| io_error(&full, err))?;
        let path = relative.join(entry.file_name());
        let file_type = entry
            .file_type()
            .map_err(|err| io_error(&entry.path(), err))?;
        if file_type.is_dir() {
            collect_files(dir, &path, extension, out)?;
        } else if file_type.is_file() && path.extension().is_some_and(|e| e == extension) {
            out.push(path);
        }
    }
    Ok(())
}

/// Whether a file holds only white space.
fn is_blank(path: &Path) -> bool {
    fs::read(path).is_ok_and(|bytes| bytes.iter().all(u8::is_ascii_whitespace))
}

/// Writes through a temporary file in the same folder and a rename, so the
/// file is never seen half-written.
pub(crate) fn write_atomically(path: &Path, content: &[u8]) -> Result<(), GenerateError> {
    let folder = path.parent().expect("a file path has a folder");
    fs::create_dir_all(folder).map_err(|err| io_error(folder, err))?;
    let name = path
        .file_name()
        .expect("a file path has a name")
        .to_string_lossy();
    let temporary = folder.join(format!(".{name}.git-ops-{}.tmp", std::process::id()));
    let result = fs::write(&temporary, content).and_then(|()| fs::rename(&temporary, path));
    if let Err(err) = result {
        let _ = fs::remove_file(&temporary);
        return Err(io_error(path, err));
    }
    Ok(())
}

/// Removes the folders a deletion left empty, up to (not including) the
/// module directory.
fn remove_empty_parents(dir: &Path, removed: &Path) -> Result<(), GenerateError> {
    let mut folder = removed.parent();
    while let Some(current) = folder {
        if current == dir || !current.starts_with(dir) {
            break;
        }
        let empty = fs::read_dir(current)
            .map_err(|err| io_error(current, err))?
            .next()
            .is_none();
        if !empty {
            break;
        }
        fs::remove_dir(current).map_err(|err| io_error(current, err))?;
        folder = current.parent();
    }
    Ok(())
}

/// Writes the files that do not exist under `dir` (folders created), and
/// leaves the others as they are.
pub(crate) fn write_once(
    dir: &Path,
    files: Vec<GeneratedFile>,
) -> Result<ScaffoldReport, GenerateError> {
    let mut report = ScaffoldReport::default();
    for file in files {
        let full = dir.join(&file.path);
        match fs::symlink_metadata(&full) {
            Ok(_) => report.kept.push(file.path),
            Err(err) if err.kind() == io::ErrorKind::NotFound => {
                write_atomically(&full, file.content.as_bytes())?;
                report.created.push(file.path);
            }
            Err(err) => return Err(io_error(&full, err)),
        }
    }
    report.created.sort();
    report.kept.sort();
    Ok(report)
}
