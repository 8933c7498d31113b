use git_ops_runtime::SliceObject;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, SliceObject)]
struct Disk {
    #[slice(key)]
    name: String,
}

// An enum holding data without a tag.
#[derive(Serialize, Deserialize, SliceObject)]
enum Untagged {
    Disk(Disk),
}

// Variants that are not one slice object.
#[derive(Serialize, Deserialize, SliceObject)]
#[serde(tag = "kind")]
enum Device {
    Disk(Disk),
    Empty,
    Pair(Disk, Disk),
    Inline { name: String },
    #[serde(rename = "Disk")]
    Other(Disk),
}

// Variant types that are not a struct: checked from the type.
#[derive(Serialize, Deserialize, SliceObject)]
#[serde(tag = "kind")]
enum Holder {
    Name(String),
    Disks(Vec<Disk>),
    Maybe(Option<Disk>),
}

fn main() {}
