//! How the command line shows what the libraries return: operation
//! reports, slice and store lists, plans (table, Markdown), check results
//! and the status. JSON output is the value serialised with
//! [`git_ops_runtime::format::json::to_json`] (Python's `json.dumps(indent=2)`).

use std::fmt::Write as _;

use git_ops_runtime::StoreSchema;
use git_ops_runtime::store::{
    Change, FileKind, Operation, Recovery, Report, SliceChangeKind, SliceSummary, StoreReport,
};
use serde_json::Value;

use super::table::{Table, python_bool};
use super::term::{BOLD, ERROR, INFO, WARNING};
use crate::GenerateReport;
use crate::check::{CheckReport, ProblemKind};
use crate::plan::{ObjectPlan, Plan, SliceChange, SlicePlan};
use crate::status::{Status, UpdateOutlook};

/// `created`, `updated`, `deleted`.
fn change_kind(change: SliceChangeKind) -> &'static str {
    match change {
        SliceChangeKind::Created => "created",
        SliceChangeKind::Updated => "updated",
        SliceChangeKind::Deleted => "deleted",
    }
}

/// A value in one line (compact JSON).
fn compact(value: &Value) -> String {
    serde_json::to_string(value).expect("a value serialises")
}

/// An operation's report as text: per store, what it did.
///
/// ```text
/// store vlan (2 read, 0 skipped)
///   filled     campus-30: id = 3 (unique_integer)
///   rewritten  files/vlan/campus-30.yaml
///   to sync    campus-30 v1 (created)
///   views      2 written
/// store tree: nothing to do
/// ```
pub fn report(report: &Report) -> String {
    let mut out = Vec::new();
    if report.recovered.replayed {
        out.push(format!(
            "finished an interrupted {} first ({} files)",
            report.recovered.operation.as_deref().unwrap_or("operation"),
            report.recovered.files.len()
        ));
    }
    if !report.recovered.removed_temporaries.is_empty() {
        out.push(format!(
            "removed {} temporary files of an interrupted operation",
            report.recovered.removed_temporaries.len()
        ));
    }
    for store in &report.stores {
        out.push(store_report(report.operation, store));
    }
    if out.is_empty() {
        out.push("no store".to_owned());
    }
    out.join("\n")
}

/// What `project recover` did, as text.
///
/// ```text
/// finished the interrupted sync (5 files)
///   not written git_ops/active/vlan/<long name>@v1.json: its name is too long for the file system
/// removed 2 temporary files of an interrupted operation
/// ```
pub fn recovery(recovery: &Recovery) -> String {
    let mut out = Vec::new();
    if recovery.replayed {
        out.push(format!(
            "finished the interrupted {} ({} files)",
            recovery.operation.as_deref().unwrap_or("operation"),
            recovery.files.len()
        ));
        for file in &recovery.dropped {
            out.push(format!(
                "  not written {file}: its name is too long for the file system"
            ));
        }
    }
    if !recovery.removed_temporaries.is_empty() {
        out.push(format!(
            "removed {} temporary files of an interrupted operation",
            recovery.removed_temporaries.len()
        ));
    }
    if out.is_empty() {
        out.push("nothing to recover".to_owned());
    }
    out.join("\n")
}

fn store_report(operation: Operation, store: &StoreReport) -> String {
    let mut lines = Vec::new();
    for migration in &store.migrations {
        lines.push(format!("  migrated   {migration}"));
    }
    for filled in &store.filled {
        lines.push(format!(
            "  filled     {}: {} = {} ({})",
            filled.slice,
            filled.path,
            compact(&filled.value),
            filled.processor
        ));
    }
    for file in store.files_of(FileKind::Source) {
        lines.push(format!("  rewritten  {}", file.path));
    }
    let verb = match operation {
        Operation::Sync => "synced   ",
        _ => "to sync  ",
    };
    for slice in &store.slices {
        lines.push(format!(
            "  {verb}  {} v{} ({})",
            slice.name,
            slice.version,
            change_kind(slice.change)
        ));
    }
    for file in store.files_of(FileKind::Active) {
        if file.change == Change::Removed {
            lines.push(format!("  removed    {}", file.path));
        }
    }
    for file in store.files_of(FileKind::MigrationState) {
        lines.push(format!("  state      {}", file.path));
    }
    for file in store.files_of(FileKind::Schema) {
        lines.push(format!("  schema     {}", file.path));
    }
    let written = store
        .files_of(FileKind::View)
        .filter(|f| f.change == Change::Written)
        .count();
    let removed = store
        .files_of(FileKind::View)
        .filter(|f| f.change == Change::Removed)
        .count();
    if written + removed > 0 {
        let mut text = format!("  views      {written} written");
        if removed > 0 {
            let _ = write!(text, ", {removed} removed");
        }
        lines.push(text);
    }
    let head = format!(
        "store {} ({} read, {} skipped)",
        store.store, store.read, store.skipped
    );
    if lines.is_empty() {
        format!("{head}: nothing to do")
    } else {
        format!("{head}\n{}", lines.join("\n"))
    }
}

/// `slice list` as a table: `Store`, `Name`, `Version`, `Deleted`.
pub fn slice_list(slices: &[SliceSummary]) -> String {
    let mut table = Table::new(["Store", "Name", "Version", "Deleted"]);
    for slice in slices {
        table.row([
            slice.store_name.clone(),
            slice.name.clone(),
            slice.version.to_string(),
            python_bool(slice.deleted).to_owned(),
        ]);
    }
    table.render()
}

/// `module store list` as a table: `Name`, `Path`, `Description` (its
/// first line).
pub fn store_list(stores: &[StoreSchema]) -> String {
    let mut table = Table::new(["Name", "Path", "Description"]);
    for store in stores {
        let description = store
            .root_entity()
            .description
            .as_deref()
            .and_then(|d| d.lines().next())
            .unwrap_or("")
            .to_owned();
        table.row([store.store.clone(), store.source.clone(), description]);
    }
    table.render()
}

/// What `module generate` did.
pub fn generate_report(report: &GenerateReport) -> String {
    let mut lines = Vec::new();
    for path in &report.written {
        lines.push(format!("written    {}", path.display()));
    }
    for path in &report.removed {
        lines.push(format!("removed    {}", path.display()));
    }
    lines.push(format!(
        "{} written, {} unchanged, {} removed",
        report.written.len(),
        report.unchanged.len(),
        report.removed.len()
    ));
    lines.join("\n")
}

fn short(commit: &str) -> &str {
    &commit[..commit.len().min(12)]
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn summary_line(plan: &Plan) -> String {
    let s = &plan.summary;
    format!(
        "{} created, {} updated, {} deleted, {} unchanged",
        plural(s.created, "slice", "slices"),
        s.updated,
        s.deleted,
        s.unchanged
    )
}

fn versions(slice: &SlicePlan) -> String {
    let v = |v: Option<u64>| v.map_or_else(|| "-".to_owned(), |v| format!("v{v}"));
    match slice.change {
        SliceChange::Created => v(slice.version),
        SliceChange::Deleted => v(slice.base_version),
        SliceChange::Updated => format!("{} -> {}", v(slice.base_version), v(slice.version)),
    }
}

fn attributes(object: &ObjectPlan, arrow: &str, code: &dyn Fn(&str) -> String) -> String {
    object
        .attributes
        .iter()
        .map(|a| {
            format!(
                "{}: {} {arrow} {}",
                code(&a.name),
                code(&compact(&a.before)),
                code(&compact(&a.after))
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A plan as a table: one row per object that changes.
pub fn plan_table(plan: &Plan) -> String {
    let head = format!(
        "plan against {} ({}): {}",
        plan.base.rev,
        short(&plan.base.commit),
        summary_line(plan)
    );
    if plan.is_empty() {
        return format!("{head}\nno changes");
    }
    let mut table = Table::new(["Slice", "Object", "Change", "Attributes"]);
    for store in &plan.stores {
        for slice in &store.slices {
            let name = format!("{}/{} {}", store.store, slice.name, versions(slice));
            for object in &slice.objects {
                table.row([
                    name.clone(),
                    object.path.clone(),
                    object.change.as_str().to_owned(),
                    attributes(object, "->", &|s| s.to_owned()),
                ]);
            }
        }
    }
    format!("{head}\n{}", table.render())
}

/// Inline code in Markdown, whatever it holds.
fn md_code(text: &str) -> String {
    let text = text.replace('\n', " ").replace('|', "\\|");
    let mut fence = String::from("`");
    while text.contains(&fence) {
        fence.push('`');
    }
    let pad = if text.starts_with('`') || text.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{text}{pad}{fence}")
}

/// HTML-escaped text (for `<summary>`).
fn html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A plan in Markdown, for a pull-request comment: a summary table of the
/// slices, then, folded, the objects of each slice.
pub fn plan_markdown(plan: &Plan) -> String {
    let mut out = format!(
        "### git-ops plan against {} ({})\n\n",
        md_code(&plan.base.rev),
        md_code(short(&plan.base.commit))
    );
    if plan.is_empty() {
        let _ = write!(
            out,
            "No changes: {} unchanged.",
            plural(plan.summary.unchanged, "slice", "slices")
        );
        return out;
    }
    let s = &plan.summary;
    let _ = writeln!(
        out,
        "**{} created, {} updated, {} deleted**, {} unchanged.\n",
        plural(s.created, "slice", "slices"),
        s.updated,
        s.deleted,
        s.unchanged
    );
    out.push_str("| Store | Slice | Change | Version |\n|---|---|---|---|\n");
    for store in &plan.stores {
        for slice in &store.slices {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} |",
                md_code(&store.store),
                md_code(&slice.name),
                slice.change.as_str(),
                versions(slice).replace("->", "→")
            );
        }
    }
    for store in &plan.stores {
        for slice in &store.slices {
            let _ = write!(
                out,
                "\n<details><summary><code>{}</code> / <code>{}</code>: {} ({})</summary>\n\n",
                html(&store.store),
                html(&slice.name),
                slice.change.as_str(),
                plural(slice.objects.len(), "object", "objects")
            );
            out.push_str("| Object | Entity | Change | Attributes |\n|---|---|---|---|\n");
            for object in &slice.objects {
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {} |",
                    md_code(&object.path),
                    md_code(&object.entity),
                    object.change.as_str(),
                    attributes(object, "→", &md_code).replace('\n', "<br>")
                );
            }
            out.push_str("\n</details>\n");
        }
    }
    out.trim_end().to_owned()
}

fn problem_label(kind: ProblemKind) -> &'static str {
    match kind {
        ProblemKind::Interrupted => "interrupted",
        ProblemKind::Registry => "registry",
        ProblemKind::Migration => "migration",
        ProblemKind::Invalid => "invalid",
        ProblemKind::NotNormalised => "not normalised",
        ProblemKind::ValueToFill => "value to fill",
        ProblemKind::NotInitialised => "not updated",
        ProblemKind::StaleView => "stale view",
        ProblemKind::StaleSchema => "stale schema",
        ProblemKind::NotSynced => "not synced",
    }
}

/// The result of `check` as text, on stdout.
pub fn check(report: &CheckReport) -> String {
    let stores = report.stores.join(", ");
    if report.passed() {
        return format!(
            "{INFO}ok{INFO:#}: {} ({stores}): every slice valid, nothing to update, nothing to sync",
            plural(report.stores.len(), "store", "stores")
        );
    }
    let mut out = format!(
        "{ERROR}failed{ERROR:#}: {} ({stores})",
        plural(report.problems.len(), "problem", "problems")
    );
    let mut fixes: Vec<&str> = Vec::new();
    for problem in &report.problems {
        let place = match (&problem.file, &problem.store, problem.kind) {
            (_, _, ProblemKind::Invalid) => String::new(),
            (Some(file), _, _) => format!("{file}: "),
            (None, Some(store), _) => format!("store {store}: "),
            (None, None, _) => String::new(),
        };
        let _ = write!(
            out,
            "\n{WARNING}{:<15}{WARNING:#}{place}{}",
            problem_label(problem.kind),
            problem.message
        );
        if let Some(snippet) = &problem.snippet {
            for line in snippet.lines() {
                let _ = write!(out, "\n{}{line}", " ".repeat(15));
            }
        }
        if !fixes.contains(&problem.fix) {
            fixes.push(problem.fix);
        }
    }
    let _ = write!(out, "\n{BOLD}to fix{BOLD:#}: {}", fixes.join(", then "));
    out
}

/// Prints the result of `check` on stdout.
pub fn print_check(report: &CheckReport) {
    super::out(&check(report));
}

/// The status as text: a table of the stores, then what an update and a
/// sync would do.
pub fn status(status: &Status) -> String {
    let mut out = format!("project {}", status.project);
    if status.interrupted {
        out.push_str(
            "\nan interrupted operation left its journal: `git-ops project recover` (or the next writing command) finishes it",
        );
    }
    let mut table = Table::new([
        "Store",
        "Source",
        "Slices",
        "Active",
        "Versions",
        "Migrations",
    ]);
    for store in &status.stores {
        let slices = if store.deleted > 0 {
            format!("{} (+{} deleted)", store.slices, store.deleted)
        } else {
            store.slices.to_string()
        };
        let versions = if store.prunable > 0 {
            format!("{} ({} prunable)", store.versions, store.prunable)
        } else {
            store.versions.to_string()
        };
        let migrations = if store.pending_migrations.is_empty() {
            "-".to_owned()
        } else {
            format!("pending: {}", store.pending_migrations.join(", "))
        };
        table.row([
            store.store.clone(),
            store.source.clone(),
            slices,
            store.active.to_string(),
            versions,
            migrations,
        ]);
    }
    let _ = write!(out, "\n{}", table.render());
    for store in &status.stores {
        if let Some(problem) = &store.problem {
            let _ = write!(out, "\nstore {}: {problem}", store.store);
        }
    }
    match &status.update {
        UpdateOutlook::Blocked(why) => {
            let _ = write!(out, "\nupdate and sync: {why}");
        }
        UpdateOutlook::Error(why) => {
            let _ = write!(out, "\nupdate would fail: {why}");
        }
        UpdateOutlook::Report(report) => {
            let mut update = Vec::new();
            let mut sync = Vec::new();
            for store in &report.stores {
                for migration in &store.migrations {
                    update.push(format!(
                        "  apply migration {migration} to store {}",
                        store.store
                    ));
                }
                for filled in &store.filled {
                    update.push(format!(
                        "  fill {}/{}: {} = {} ({})",
                        store.store,
                        filled.slice,
                        filled.path,
                        compact(&filled.value),
                        filled.processor
                    ));
                }
                for file in store.files_of(FileKind::Source) {
                    update.push(format!("  rewrite {}", file.path));
                }
                for file in store.files_of(FileKind::Schema) {
                    update.push(format!("  write {}", file.path));
                }
                let views = store.files_of(FileKind::View).count()
                    + store.files_of(FileKind::MigrationState).count();
                if views > 0 {
                    update.push(format!(
                        "  refresh {} of store {}",
                        plural(views, "view or state file", "view or state files"),
                        store.store
                    ));
                }
                for slice in &store.slices {
                    sync.push(format!(
                        "  {}/{} v{} ({})",
                        store.store,
                        slice.name,
                        slice.version,
                        change_kind(slice.change)
                    ));
                }
            }
            if update.is_empty() && sync.is_empty() {
                out.push_str("\nup to date: nothing to update, nothing to sync");
            } else {
                if !update.is_empty() {
                    let _ = write!(out, "\nupdate would:\n{}", update.join("\n"));
                }
                if !sync.is_empty() {
                    let _ = write!(out, "\nsync would then write:\n{}", sync.join("\n"));
                }
            }
        }
    }
    out
}
