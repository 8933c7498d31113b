//! The file-name grammar: every row of the table in spec §2.2, and the
//! decisions documented in docs/formats.md.

use git_ops_runtime::format::Format;
use git_ops_runtime::format::filename::{
    FileNameError, NameProblem, SliceFileName, UnsupportedExtension, check_name,
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
    // Hidden files are the callers' to skip, before parsing: a hidden name
    // is not a slice name.
    assert_eq!(
        SliceFileName::parse(".migrations.json"),
        Err(FileNameError::InvalidName {
            name: ".migrations".into(),
            problem: NameProblem::Hidden
        })
    );
}

#[test]
fn format_filename_one_rule_for_slice_names() {
    // The original's grammar takes any character but `@` in a name; the
    // names `slice create` refuses are refused when listing too.
    for (file, name, problem) in [
        ("a\\b.json", "a\\b", NameProblem::Forbidden('\\')),
        ("line\nbreak.yaml", "line\nbreak", NameProblem::Control),
        ("tab\there@v2.json", "tab\there", NameProblem::Control),
        ("nul\0.json", "nul\0", NameProblem::Control),
        ("del\u{7f}.json", "del\u{7f}", NameProblem::Control),
        ("c1\u{85}.yml", "c1\u{85}", NameProblem::Control),
        ("cr\r.json", "cr\r", NameProblem::Control),
    ] {
        let error = FileNameError::InvalidName {
            name: name.into(),
            problem,
        };
        assert_eq!(SliceFileName::parse(file), Err(error.clone()), "{file:?}");
        assert_eq!(check_name(name), Err(error), "{name:?}");
    }
    assert_eq!(
        SliceFileName::parse("a\\b.json").unwrap_err().to_string(),
        r#""a\\b" cannot be a slice name: it contains `\` (slice names cannot contain `/`, `\` or `@`)"#
    );
    assert_eq!(
        SliceFileName::parse("line\nbreak.yaml")
            .unwrap_err()
            .to_string(),
        r#""line\nbreak" cannot be a slice name: it contains a control character"#
    );
    // Versions start at 1: `@v0` is no version (the original reads 0).
    for file in ["a@v0.json", "a@v00.yaml"] {
        assert_eq!(
            SliceFileName::parse(file),
            Err(FileNameError::VersionZero(file.into()))
        );
    }
    assert_eq!(
        SliceFileName::parse("a@v0.json").unwrap_err().to_string(),
        r#"slice file name "a@v0.json" has version 0; versions start at 1"#
    );
    assert_eq!(
        SliceFileName::active("a", 0),
        Err(FileNameError::VersionZero("a@v0.json".into()))
    );
    assert_eq!(parsed("a@v010.json"), parts("a", Some(10), "json"));
    // Unicode, spaces, dots and other punctuation stay valid.
    for name in ["ü ñ", "a b", "a.b", "x-1_2", "(a)", "a#b", "日本"] {
        assert_eq!(check_name(name), Ok(()), "{name:?}");
        let file = SliceFileName::new(name, Some(1), "json").unwrap();
        assert_eq!(SliceFileName::parse(&file.to_string()), Ok(file));
    }
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
    for (name, problem) in [
        ("", NameProblem::Empty),
        (".hidden", NameProblem::Hidden),
        ("a@b", NameProblem::Forbidden('@')),
        ("a/b", NameProblem::Forbidden('/')),
        ("a\\b", NameProblem::Forbidden('\\')),
        ("a\0b", NameProblem::Control),
        ("a\nb", NameProblem::Control),
    ] {
        let error = FileNameError::InvalidName {
            name: name.into(),
            problem,
        };
        assert_eq!(
            SliceFileName::active(name, 1),
            Err(error.clone()),
            "{name:?}"
        );
        assert_eq!(check_name(name), Err(error));
    }
    assert!(SliceFileName::new("a", Some(1), "Json").is_err());
    // What renders parses back to the same parts.
    let file = SliceFileName::new("weird name.v2", Some(7), "yaml").unwrap();
    assert_eq!(SliceFileName::parse(&file.to_string()), Ok(file));
}
