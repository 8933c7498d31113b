use git_ops_runtime::SliceObject;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, SliceObject)]
struct Vlan {
    #[slice(key)]
    name: String,
    #[slice(range())]
    unbounded: i64,
    #[slice(range(min = 10, max = 1))]
    inverted: i64,
    #[slice(unique_integer(start = 5, stop = 5))]
    empty: Option<i64>,
    #[slice(unique_integer(start = 0, stop = 100, scope = "siblings"), range(min = 10))]
    outside: Option<i64>,
    #[slice(unique_integer(scope = "global"))]
    scoped: Option<i64>,
}

fn main() {}
