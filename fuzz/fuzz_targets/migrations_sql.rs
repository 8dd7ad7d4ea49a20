//! Migration SQL: the statement splitter and classifier on any text, and
//! the Liquibase formatted-SQL reader on any file that starts with its
//! header. Every changelog is read or refused with a message; nothing
//! panics.
#![no_main]

use failsim::migrations::{self, sql};
use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;

static DIR: LazyLock<tempfile::TempDir> = LazyLock::new(|| tempfile::tempdir().unwrap());

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    for s in sql::split_statements(&text) {
        let _ = sql::classify(&s.text).reason();
    }
    // The reader takes a path: the changelog goes through a file.
    let path = DIR.path().join("changelog.sql");
    let body = [b"--liquibase formatted sql\n".as_slice(), data].concat();
    std::fs::write(&path, body).unwrap();
    if let Err(e) = migrations::read_path(&path) {
        assert!(!e.to_string().trim().is_empty());
    }
});
