//! The output depends on the inputs only: not on where the project is checked out, not on
//! the order its files were created in, not on the day it is built.

mod common;

use std::path::Path;

use common::{folio, repo, tree};

/// Copies the report into `dir`, creating its files in reverse order of their paths.
fn copy_reversed(dir: &Path) {
    let mut files = Vec::new();
    for top in ["content", "data", "templates"] {
        files.extend(
            tree(&repo().join(top))
                .into_iter()
                .map(|(p, b)| (format!("{top}/{p}"), b)),
        );
    }
    for name in ["folio.toml", "folio.lock"] {
        files.push((name.to_string(), std::fs::read(repo().join(name)).unwrap()));
    }
    files.reverse();
    for (rel, bytes) in files {
        let target = dir.join(rel);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::write(target, bytes).unwrap();
    }
}

#[test]
fn the_report_builds_to_the_same_bytes_from_any_path_in_any_order_on_any_day() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::Builder::new()
        .prefix("a-much-longer-checkout-path-with-more-directories")
        .tempdir()
        .unwrap();
    let b_root = b.path().join("nested/deeper/checkout");
    common::copy_tree(&repo().join("content"), &a.path().join("content"));
    common::copy_tree(&repo().join("data"), &a.path().join("data"));
    common::copy_tree(&repo().join("templates"), &a.path().join("templates"));
    for name in ["folio.toml", "folio.lock"] {
        std::fs::copy(repo().join(name), a.path().join(name)).unwrap();
    }
    copy_reversed(&b_root);
    let first = folio(
        a.path(),
        // Rendered afresh both times: the render cache would make the second a copy.
        &["build", "--locked", "--no-cache"],
        &[("SOURCE_DATE_EPOCH", "1764201600")],
    );
    let second = folio(
        &b_root,
        &["build", "--locked", "--no-cache"],
        &[("SOURCE_DATE_EPOCH", "1893456000")],
    );
    assert!(first.status.success() && second.status.success());
    let (x, y) = (tree(&a.path().join("public")), tree(&b_root.join("public")));
    assert!(x.len() > 100, "the report has {} files", x.len());
    for ((name, a), (other, b)) in x.iter().zip(&y) {
        assert_eq!(name, other);
        assert!(a == b, "{name} differs between the two builds");
    }
    assert_eq!(x.len(), y.len());
    // Both equal the committed site.
    assert_eq!(x, tree(&repo().join("public")));
}
