//! Generator for git-ops: inmanta model stubs, JSON Schemas, store manifests
//! and scaffolding, plus the `git-ops` command line.
#![deny(missing_docs)]
