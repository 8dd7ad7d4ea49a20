//! Errors of the migration readers. Each one is fatal for the read that
//! raised it (nothing partial is returned) and names the file, and the line
//! where one applies, so a user can go straight to it.

use std::io;
use std::path::{Path, PathBuf};

/// Why a Flyway folder or Liquibase changelog could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MigrationError {
    /// A file or folder could not be read (missing, no permission, …).
    #[error("cannot read {}: {source}", path.display())]
    Io {
        /// What was being read.
        path: PathBuf,
        /// The operating system's reason.
        #[source]
        source: io::Error,
    },

    /// A file holds more than a scenario may (`scenario::FILE_BYTES_MAX`),
    /// or never ends (a device, a pipe): not a migration anyone wrote.
    #[error("{}: the file holds more than 16 MiB (or never ends); migration files are limited to 16 MiB as scenario files are", path.display())]
    TooLarge {
        /// The file.
        path: PathBuf,
    },

    /// A migration is not valid UTF-8. Both tools read UTF-8 by default;
    /// a wrong encoding would garble the SQL and its checksum.
    #[error("{}: not valid UTF-8 (first bad byte on line {line}); save the file as UTF-8", path.display())]
    NotUtf8 {
        /// The file.
        path: PathBuf,
        /// 1-based line of the first byte that is not UTF-8.
        line: usize,
    },

    /// A `.sql` file in a Flyway folder whose name Flyway would not accept
    /// (the behaviour of Flyway's `validateMigrationNaming=true`).
    #[error(
        "{}: not a valid Flyway migration name: {reason}. Flyway expects \
         V<version>__<description>.sql, U<version>__<description>.sql or R__<description>.sql",
        path.display()
    )]
    BadFileName {
        /// The file.
        path: PathBuf,
        /// What is wrong with the name.
        reason: String,
    },

    /// Two versioned migrations have the same version. Flyway compares
    /// versions numerically, so `V2` and `V2.0` collide.
    #[error(
        "Found more than one migration with version {version}: {} and {} \
         (Flyway compares versions numerically; give one of them a new version)",
        first.display(),
        second.display()
    )]
    DuplicateVersion {
        /// The version in its canonical numeric form (`2` for `V2.0`).
        version: String,
        /// The first file.
        first: PathBuf,
        /// The second file.
        second: PathBuf,
    },

    /// Two undo migrations have the same version.
    #[error(
        "Found more than one undo migration with version {version}: {} and {}",
        first.display(),
        second.display()
    )]
    DuplicateUndo {
        /// The version in its canonical numeric form.
        version: String,
        /// The first file.
        first: PathBuf,
        /// The second file.
        second: PathBuf,
    },

    /// Two repeatable migrations have the same description.
    #[error(
        "Found more than one repeatable migration with description {description}: {} and {}",
        first.display(),
        second.display()
    )]
    DuplicateRepeatable {
        /// The description.
        description: String,
        /// The first file.
        first: PathBuf,
        /// The second file.
        second: PathBuf,
    },

    /// `read_flyway_dir` was given something other than a folder.
    #[error(
        "{} is not a folder: give the folder that holds the V<version>__<description>.sql files",
        path.display()
    )]
    NotADirectory {
        /// What was given.
        path: PathBuf,
    },

    /// Folders nested too deep to be a real migration tree: most likely a
    /// symbolic link that points back up.
    #[error("{}: folders nested more than {limit} deep (a symbolic link loop?)", path.display())]
    TooDeep {
        /// The folder where reading stopped.
        path: PathBuf,
        /// The nesting limit.
        limit: usize,
    },

    /// The file does not start with `--liquibase formatted sql`.
    #[error(
        "{}:{line}: not a Liquibase formatted SQL changelog: the first line must be \
         `--liquibase formatted sql`",
        path.display()
    )]
    NotLiquibase {
        /// The file.
        path: PathBuf,
        /// The first non-blank line (1 for an empty file).
        line: usize,
    },

    /// A line of a Liquibase changelog that Liquibase would refuse.
    #[error("{}:{line}: {message}", path.display())]
    Changelog {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// What is wrong and what Liquibase expects.
        message: String,
    },

    /// Two changesets of one changelog share `author:id`.
    #[error(
        "{}:{line}: duplicate changeset {id} (first at line {first_line}); Liquibase identifies a \
         changeset by author, id and file, so it refuses this changelog",
        path.display()
    )]
    DuplicateChangeset {
        /// The file.
        path: PathBuf,
        /// `author:id`.
        id: String,
        /// Line of the second changeset.
        line: usize,
        /// Line of the first.
        first_line: usize,
    },

    /// `read_path` was given a file that is neither kind.
    #[error("{}: {message}", path.display())]
    UnknownFormat {
        /// The file.
        path: PathBuf,
        /// What was expected instead.
        message: String,
    },
}

impl MigrationError {
    pub(crate) fn io(path: &Path, source: io::Error) -> Self {
        MigrationError::Io {
            path: path.to_owned(),
            source,
        }
    }
}
