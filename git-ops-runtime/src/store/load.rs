//! Reading one slice file (spec §2.3, §2.5): bytes → tombstone or
//! normalised document, with every problem located in the file.
//!
//! The hot path parses with the plain readers of [`crate::format::read`]
//! and normalises with a compiled [`DocumentSchema`]; only when a document
//! is refused is the text parsed again, with positions, to point at the
//! offending line and column.

use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use super::error::{StoreError, StoreErrorKind};
use super::files::StoreFiles;
use super::listing::StoreFile;
use crate::document::{DocumentErrorKind, DocumentSchema, PathSegment};
use crate::format::locate::{RawPathSegment, locate_nearest, snippet};

/// A file read and checked.
#[derive(Debug, Clone)]
pub struct LoadedFile {
    /// Which file.
    pub file: StoreFile,
    /// The normalised document; `None` for a tombstone (`{}`, an empty YAML
    /// document, `null`): a deleted slice.
    pub document: Option<Value>,
    /// SHA-256 of the bytes, when asked for (view fingerprints).
    pub sha256: Option<[u8; 32]>,
    /// The document as written in the file (not normalised), kept for the
    /// source file when the write side asks for it: `update` compares it
    /// with the normalised document to decide whether to rewrite the file.
    pub(crate) raw: Option<Value>,
}

/// Reads `file` and normalises it with `documents`.
pub(crate) fn load_file(
    files: &dyn StoreFiles,
    documents: &DocumentSchema,
    file: &StoreFile,
    hash: bool,
    keep_raw: bool,
) -> Result<LoadedFile, Vec<StoreError>> {
    thread_local! {
        /// One buffer per loading thread, reused for every file it reads.
        static BUFFER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    BUFFER.with_borrow_mut(|bytes| {
        files.read_into(&file.path, bytes).map_err(|source| {
            vec![StoreError::file(
                file.shown.clone(),
                StoreErrorKind::Io {
                    action: "read the file",
                    source,
                },
            )]
        })?;
        let loaded = load_bytes(documents, file, bytes, hash, keep_raw);
        // A file far larger than slices usually are: do not keep its buffer.
        if bytes.capacity() > 1 << 20 {
            *bytes = Vec::new();
        }
        loaded
    })
}

/// [`load_file`] once the bytes are read.
fn load_bytes(
    documents: &DocumentSchema,
    file: &StoreFile,
    bytes: &[u8],
    hash: bool,
    keep_raw: bool,
) -> Result<LoadedFile, Vec<StoreError>> {
    let sha256 = hash.then(|| Sha256::digest(bytes).into());
    let (document, raw) = read_document(documents, file, bytes, keep_raw)?;
    Ok(LoadedFile {
        file: file.clone(),
        document,
        sha256,
        raw,
    })
}

/// The tombstone or the normalised document held by `bytes`, and, when
/// `keep_raw`, the document as written (`{}` for a tombstone).
pub(crate) fn read_document(
    documents: &DocumentSchema,
    file: &StoreFile,
    bytes: &[u8],
    keep_raw: bool,
) -> Result<(Option<Value>, Option<Value>), Vec<StoreError>> {
    let map: Map<String, Value> =
        crate::format::read::read(bytes, file.format).map_err(|error| {
            let text = String::from_utf8_lossy(bytes);
            vec![StoreError {
                file: file.shown.clone().into(),
                position: Some(error.position),
                dict_path: None,
                snippet: Some(snippet(&text, error.position)),
                kind: StoreErrorKind::Read(error.kind),
            }]
        })?;
    if map.is_empty() {
        return Ok((None, keep_raw.then(|| Value::Object(map))));
    }
    let doc = Value::Object(map);
    // A source file is yours: a placeholder of `slice create` left in it is
    // refused. Active files were checked when they were synced.
    let normalised = if file.version().is_none() {
        documents.normalise_source(&doc)
    } else {
        documents.normalise(&doc)
    };
    match normalised {
        Ok(normalised) => Ok((Some(normalised), keep_raw.then_some(doc))),
        Err(errors) => Err(locate_errors(file, bytes, errors)),
    }
}

/// The errors of a document the schema refuses, each located in the text
/// of its file (parsed again, with positions: the error path only).
pub(crate) fn locate_errors(
    file: &StoreFile,
    bytes: &[u8],
    errors: crate::document::DocumentErrors,
) -> Vec<StoreError> {
    let text = String::from_utf8_lossy(bytes);
    errors
        .errors
        .into_iter()
        .map(|error| {
            let raw: Vec<RawPathSegment> = error
                .raw_path
                .iter()
                .map(|segment| match segment {
                    PathSegment::Key(key) => RawPathSegment::Key(key.clone()),
                    PathSegment::Index(index) => RawPathSegment::Index(*index),
                })
                .collect();
            let at_key = matches!(
                error.kind,
                DocumentErrorKind::UnknownField { .. } | DocumentErrorKind::ModelOnlyField
            );
            let position = locate_nearest(&text, file.format, &raw).map(|(location, depth)| {
                if at_key && depth == raw.len() {
                    location.key.unwrap_or(location.value)
                } else {
                    location.value
                }
            });
            StoreError {
                file: file.shown.clone().into(),
                position,
                dict_path: Some(error.path),
                snippet: position.map(|p| snippet(&text, p)),
                kind: StoreErrorKind::Document(error.kind),
            }
        })
        .collect()
}
