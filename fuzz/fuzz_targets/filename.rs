//! The file-name parser never panics, and what it accepts renders back to a
//! name that parses to the same parts.
#![no_main]

use git_ops_runtime::format::filename::SliceFileName;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|name: &str| {
    if let Ok(parsed) = SliceFileName::parse(name) {
        assert_eq!(SliceFileName::parse(&parsed.to_string()), Ok(parsed));
    }
});
