use git_ops_runtime::SliceObject;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, SliceObject)]
struct Disk {
    #[slice(key)]
    #[serde(alias = "label")]
    name: String,
    #[serde(with = "custom")]
    size: u64,
    #[serde(skip_deserializing)]
    used: u64,
    #[serde(rename(serialize = "mnt", deserialize = "mount"))]
    mount: String,
}

#[derive(Serialize, Deserialize, SliceObject)]
#[serde(untagged)]
enum AnyDisk {
    Disk(Disk),
}

#[derive(Serialize, Deserialize, SliceObject)]
#[serde(tag = "kind", content = "spec")]
enum Adjacent {
    Disk(Disk),
}

#[derive(Serialize, Deserialize, SliceObject)]
#[serde(transparent)]
struct Wrapper {
    disk: Disk,
}

mod custom {
    pub fn serialize<S: serde::Serializer>(v: &u64, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(*v)
    }
    pub fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
        serde::Deserialize::deserialize(d)
    }
}

fn main() {}
