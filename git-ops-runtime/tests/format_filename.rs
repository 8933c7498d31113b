//! The file-name grammar: every row of the table in spec §2.2, and the
//! decisions documented in docs/formats.md.

use git_ops_runtime::format::Format;
use git_ops_runtime::format::filename::{
    FileNameError, SliceFileName, UnsupportedExtension, check_name,
};

fn parsed(file_name: &str) -> (String, Option<u64>, String) {
    let file = SliceFileName::parse(file_name).unwrap_or_else(|e| panic!("{file_name:?}: {e}"));
    (file.name, file.version, file.extension)
}

fn parts(name: &str, version: Option<u64>, extension: &str) -> (String, Option<u64>, String) {
    (name.to_owned(), version, extension.to_owned())
}

#[test]
fn format_filename_table_of_the_spec() {
    assert_eq!(parsed("a.json"), parts("a", None, "json"));
    assert_eq!(parsed("a.b.json"), parts("a.b", None, "json"));
    assert_eq!(parsed("a@v12.json"), parts("a", Some(12), "json"));
    assert_eq!(parsed("a@v01.json"), parts("a", Some(1), "json"));
    assert_eq!(parsed("a@v1.yaml"), parts("a", Some(1), "yaml"));
    assert_eq!(parsed("a b.yml"), parts("a b", None, "yml"));
    // Parses; the extension is refused when the file is read or written.
    assert_eq!(parsed("a.tar.gz"), parts("a.tar", None, "gz"));
    assert_eq!(
        SliceFileName::parse("a.tar.gz").unwrap().format(),
        Err(UnsupportedExtension {
            extension: "gz".into()
        })
    );
    for (name, error) in [
        ("a@x.json", FileNameError::InvalidVersion("a@x.json".into())),
        ("a@v.json", FileNameError::InvalidVersion("a@v.json".into())),
        ("@v1.json", FileNameError::EmptyName("@v1.json".into())),
        (
            "a@v1@v2.json",
            FileNameError::InvalidVersion("a@v1@v2.json".into()),
        ),
        ("noext", FileNameError::MissingExtension("noext".into())),
        ("a.JSON", FileNameError::InvalidExtension("a.JSON".into())),
    ] {
        assert_eq!(SliceFileName::parse(name), Err(error), "{name:?}");
    }
}

#[test]
fn format_filename_other_cases() {
    // The greedy name cannot take an '@', so a version must end at the
    // extension.
    assert_eq!(
        SliceFileName::parse("a@v1.b.json"),
        Err(FileNameError::InvalidVersion("a@v1.b.json".into()))
    );
    assert_eq!(parsed("a.b@v3.yml"), parts("a.b", Some(3), "yml"));
    assert_eq!(parsed("ü ñ.json"), parts("ü ñ", None, "json"));
    assert_eq!(
        parsed("a@v18446744073709551615.json"),
        parts("a", Some(u64::MAX), "json")
    );
    assert_eq!(
        SliceFileName::parse("a@v18446744073709551616.json"),
        Err(FileNameError::VersionOutOfRange(
            "a@v18446744073709551616.json".into()
        ))
    );
    // ASCII digits only (Python's \d would take ARABIC-INDIC DIGIT ONE).
    assert_eq!(
        SliceFileName::parse("a@v\u{661}.json"),
        Err(FileNameError::InvalidVersion("a@v\u{661}.json".into()))
    );
    assert_eq!(
        SliceFileName::parse("a."),
        Err(FileNameError::InvalidExtension("a.".into()))
    );
    assert_eq!(
        SliceFileName::parse("a.json~"),
        Err(FileNameError::InvalidExtension("a.json~".into()))
    );
    assert_eq!(
        SliceFileName::parse(".json"),
        Err(FileNameError::EmptyName(".json".into()))
    );
    // Hidden files are the callers' to skip; this one parses.
    assert_eq!(
        parsed(".migrations.json"),
        parts(".migrations", None, "json")
    );
}

#[test]
fn format_filename_formats_and_rendering() {
    assert_eq!(Format::from_extension("json"), Ok(Format::Json));
    assert_eq!(Format::from_extension("yaml"), Ok(Format::Yaml));
    assert_eq!(Format::from_extension("yml"), Ok(Format::Yaml));
    assert!(Format::from_extension("YAML").is_err());
    assert_eq!(
        SliceFileName::active("campus-10", 3).unwrap().to_string(),
        "campus-10@v3.json"
    );
    assert_eq!(
        SliceFileName::new("a.b", None, "yml").unwrap().to_string(),
        "a.b.yml"
    );
    for name in ["", ".hidden", "a@b", "a/b", "a\\b", "a\0b"] {
        assert_eq!(
            SliceFileName::active(name, 1),
            Err(FileNameError::InvalidName(name.into())),
            "{name:?}"
        );
        assert!(check_name(name).is_err());
    }
    assert!(SliceFileName::new("a", Some(1), "Json").is_err());
    // What renders parses back to the same parts.
    let file = SliceFileName::new("weird name.v2", Some(7), "yaml").unwrap();
    assert_eq!(SliceFileName::parse(&file.to_string()), Ok(file));
}
