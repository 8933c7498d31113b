use git_ops_runtime::SliceObject;

#[derive(SliceObject)]
struct Generic<T> {
    value: T,
}

#[derive(SliceObject)]
struct Tuple(String, u64);

#[derive(SliceObject)]
union Raw {
    a: u32,
}

#[derive(SliceObject)]
enum Nothing {}

fn main() {}
