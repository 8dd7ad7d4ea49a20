//! A small SQL statement splitter and a heuristic statement classifier.
//!
//! Neither parses SQL. Both work on a stream of tokens from one lexer that
//! knows just enough to not be fooled: quoted strings (`'..'`, `E'..'` with
//! backslash escapes), quoted identifiers (`".."`, `` `..` ``), dollar quotes
//! (`$$..$$`, `$tag$..$tag$`), line comments (`--`) and nested block comments
//! (`/* /* */ */`). A `;` inside any of these does not end a statement, and a
//! `DROP TABLE` inside any of them is not a `DROP TABLE`.
//!
//! ```text
//!   script ──► Lexer ──► split_statements ──► [Statement] ──► classify ──► Classification
//!                │                                               ▲
//!                └─────────────── (re-lexed per statement) ──────┘
//! ```
//!
//! The splitter also follows the conventions real migration folders use
//! beyond `;`: a line holding only `GO` (SQL Server) or `/` (Oracle) ends a
//! statement, a MySQL-client `DELIMITER //` line changes the delimiter, and
//! procedural bodies (`CREATE PROCEDURE … BEGIN … END`, `DECLARE … BEGIN …
//! END`) are kept whole, the way Flyway's parsers track block depth.
//!
//! The classifier is dialect-agnostic and errs towards the PostgreSQL reading
//! of a statement, whose locking rules are the strictest of the common
//! databases. It never sees table sizes. See `docs/migrations.md` for the
//! table of rules and their reasons.

mod alter;
mod classify;
mod create;
mod lexer;
mod rules;
mod splitter;
mod tokens;

pub(crate) use alter::push_unique;
pub use classify::{Classification, classify};
pub(crate) use classify::{Context, classify_in};
pub use splitter::{Statement, split_statements, split_statements_with};
pub(crate) use splitter::{unterminated_line, whole_statement};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::migrations::Effect;

    fn texts(sql: &str) -> Vec<String> {
        split_statements(sql).into_iter().map(|s| s.text).collect()
    }

    #[test]
    fn splits_on_semicolons_outside_quotes_and_comments() {
        let sql = "INSERT INTO t VALUES ('a;b'); -- c;d\nSELECT \"x;y\" FROM t; /* e; /* nested; */ f; */ SELECT 1";
        assert_eq!(
            texts(sql),
            vec![
                "INSERT INTO t VALUES ('a;b')",
                "SELECT \"x;y\" FROM t",
                "SELECT 1"
            ]
        );
    }

    #[test]
    fn statements_span_lines_and_keep_their_first_line() {
        let sql = "\n-- header\nUPDATE orders\n   SET status = 'new'\n WHERE status IS NULL;\n\nDELETE FROM t WHERE id = 1;";
        let s = split_statements(sql);
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].line, 3);
        assert!(s[0].text.ends_with("IS NULL"));
        assert_eq!(s[1].line, 7);
    }

    #[test]
    fn dollar_quotes_hide_semicolons() {
        let sql = "CREATE FUNCTION f() RETURNS int AS $$ BEGIN DELETE FROM x; RETURN 1; END $$ LANGUAGE plpgsql;\n\
                   CREATE FUNCTION g() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql;\n\
                   SELECT $1, $2;";
        let s = texts(sql);
        assert_eq!(s.len(), 3, "{s:?}");
        assert!(s[0].ends_with("LANGUAGE plpgsql"));
    }

    #[test]
    fn escape_strings_and_doubled_quotes() {
        assert_eq!(texts("SELECT E'it\\'s;'; SELECT 'it''s;'").len(), 2);
        assert_eq!(texts("SELECT `a;b` FROM t; SELECT 1").len(), 2);
    }

    #[test]
    fn go_and_slash_lines_end_statements() {
        assert_eq!(texts("SELECT 1\nGO\nSELECT 2\ngo\n").len(), 2);
        assert_eq!(texts("SELECT 1\n/\nSELECT 2").len(), 2);
        // A slash inside a line is division.
        assert_eq!(texts("SELECT 4 / 2").len(), 1);
    }

    #[test]
    fn mysql_delimiter_directive() {
        let sql = "DELIMITER //\nCREATE PROCEDURE p() BEGIN DELETE FROM x; SELECT 1; END//\nDELIMITER ;\nSELECT 2;";
        let s = texts(sql);
        assert_eq!(s.len(), 2, "{s:?}");
        assert!(s[0].starts_with("CREATE PROCEDURE") && s[0].ends_with("END"));
        // The delimiter right after a word, as MySQL dumps write it.
        let sql = "DELIMITER $$\nCREATE TRIGGER t BEFORE UPDATE ON o FOR EACH ROW\nBEGIN\n  IF NEW.a THEN SET NEW.b = 1; END IF;\nEND$$\nDELIMITER ;\nUPDATE o SET b = 2;";
        let s = texts(sql);
        assert_eq!(s.len(), 2, "{s:?}");
        assert!(
            s[0].ends_with("END") && s[1] == "UPDATE o SET b = 2",
            "{s:?}"
        );
        // Without a custom delimiter, `$` stays part of an identifier.
        assert_eq!(texts("SELECT a$b FROM t"), vec!["SELECT a$b FROM t"]);
    }

    #[test]
    fn procedural_bodies_stay_whole() {
        let sql = "CREATE OR REPLACE PROCEDURE p AS BEGIN IF x THEN DELETE FROM t; END IF; CASE WHEN a THEN b; END CASE; END;\n/\nSELECT 1;";
        let s = texts(sql);
        assert_eq!(s.len(), 2, "{s:?}");
        let s = texts("DECLARE n NUMBER; BEGIN n := 1; END;\nSELECT 1;");
        assert_eq!(s.len(), 2, "{s:?}");
        let s = texts("BEGIN;\nDELETE FROM t WHERE a = 1;\nCOMMIT;");
        assert_eq!(s, vec!["BEGIN", "DELETE FROM t WHERE a = 1", "COMMIT"]);
        let s = texts("DECLARE @x INT; SET @x = 1;");
        assert_eq!(s.len(), 2, "{s:?}");
    }

    #[test]
    fn custom_delimiters() {
        assert_eq!(
            split_statements_with("SELECT 1; SELECT 2\nGO\nSELECT 3", "GO").len(),
            2
        );
        assert_eq!(
            split_statements_with("SELECT 1; SELECT 2 // SELECT 3", "//").len(),
            2
        );
        assert_eq!(split_statements_with("a; b", "").len(), 2);
    }

    #[test]
    fn unterminated_quotes_do_not_panic() {
        for sql in [
            "'abc",
            "\"abc",
            "$$abc",
            "/* abc",
            "E'\\",
            "$a$",
            "`",
            "DELIMITER",
            "DELIMITER  \n",
        ] {
            let _ = split_statements(sql);
            let _ = classify(sql);
        }
    }

    fn effect(sql: &str) -> Effect {
        classify(sql).effect
    }

    #[test]
    fn destructive_statements() {
        for sql in [
            "DROP TABLE legacy_orders",
            "drop table if exists a, b cascade",
            "ALTER TABLE orders DROP COLUMN note",
            "ALTER TABLE orders DROP note",
            "DROP SCHEMA app CASCADE",
            "DROP DATABASE app",
            "TRUNCATE TABLE orders",
            "DELETE FROM orders",
            "DELETE FROM orders WHERE 1 = 1",
            "UPDATE orders SET status = 'x'",
            "UPDATE orders SET status = (SELECT s FROM t WHERE t.id = 1)",
            "WITH gone AS (DELETE FROM orders RETURNING *) INSERT INTO archive SELECT * FROM gone",
            "CREATE OR REPLACE TABLE t (a int)",
        ] {
            assert_eq!(effect(sql), Effect::Destructive, "{sql}");
        }
        let c = classify("DELETE FROM orders");
        assert_eq!(c.summary, "DELETE without WHERE on orders");
        assert_eq!(c.tables, vec!["orders"]);
        assert_eq!(c.share, Some(1.0));
        assert_eq!(classify("UPDATE orders SET a = 1").share, Some(0.1));
    }

    #[test]
    fn locking_statements() {
        for sql in [
            "ALTER TABLE orders ADD COLUMN status text NOT NULL DEFAULT 'new'",
            "ALTER TABLE orders ADD status text NOT NULL",
            "ALTER TABLE orders ALTER COLUMN amount TYPE numeric(12,2)",
            "ALTER TABLE orders ALTER COLUMN amount SET DATA TYPE bigint",
            "ALTER TABLE orders MODIFY amount bigint",
            "ALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (c) REFERENCES customers (id)",
            "CREATE INDEX idx ON orders (status)",
            "CREATE UNIQUE INDEX IF NOT EXISTS idx ON public.orders USING btree (status)",
            "ALTER TABLE orders RENAME COLUMN a TO b",
            "ALTER TABLE orders ALTER COLUMN type SET NOT NULL",
            "ALTER TABLE ONLY public.orders ADD CONSTRAINT orders_pkey PRIMARY KEY (id)",
            "ALTER TABLE orders ADD (status VARCHAR2(10) DEFAULT 'new' NOT NULL)",
            "ALTER TABLE orders RENAME TO purchases",
            "RENAME TABLE orders TO purchases",
            "VACUUM FULL orders",
            "CLUSTER orders USING idx",
            "LOCK TABLE orders IN ACCESS EXCLUSIVE MODE",
            "ALTER TABLE orders ADD COLUMN id bigserial",
            "ALTER TABLE orders ADD COLUMN token uuid DEFAULT gen_random_uuid()",
        ] {
            assert_eq!(effect(sql), Effect::Locking, "{sql}");
        }
        assert_eq!(
            classify("ALTER TABLE orders ADD CONSTRAINT pk PRIMARY KEY (id)").summary,
            "ADD PRIMARY KEY on orders"
        );
        let c = classify("CREATE INDEX idx ON orders (status)");
        assert_eq!(c.summary, "CREATE INDEX on orders without CONCURRENTLY");
        assert_eq!(
            classify(
                "ALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (c) REFERENCES customers (id)"
            )
            .tables,
            vec!["orders", "customers"]
        );
    }

    #[test]
    fn online_statements() {
        for sql in [
            "CREATE TABLE orders (id bigint PRIMARY KEY)",
            "CREATE INDEX CONCURRENTLY idx ON orders (status)",
            "ALTER TABLE orders ADD COLUMN note text",
            "ALTER TABLE orders ADD COLUMN note text DEFAULT 'x'",
            "ALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (c) REFERENCES customers (id) NOT VALID",
            "ALTER TABLE orders VALIDATE CONSTRAINT fk",
            "INSERT INTO orders (id) VALUES (1)",
            "CREATE OR REPLACE VIEW v AS SELECT 1",
            "CREATE FUNCTION f() RETURNS int AS $$ SELECT 1 $$ LANGUAGE sql",
            "COMMENT ON TABLE orders IS 'x'",
            "GRANT SELECT ON orders TO app",
            "DELETE FROM orders WHERE id = 1",
            "UPDATE orders SET status = 'x' WHERE status IS NULL",
            "DELETE a FROM a JOIN b ON a.id = b.id",
            "ALTER TABLE orders ALTER COLUMN status SET DEFAULT 'x'",
            "ALTER TABLE orders ALTER COLUMN type SET DEFAULT 'x'",
            "DROP INDEX idx",
            "DROP VIEW v",
        ] {
            let c = classify(sql);
            assert_eq!(c.effect, Effect::Online, "{sql}");
            assert!(c.recognized, "{sql}");
        }
    }

    #[test]
    fn unrecognized_statements_are_online_and_flagged() {
        let c = classify("FROBNICATE the_database");
        assert_eq!(c.effect, Effect::Online);
        assert!(!c.recognized);
        assert!(c.summary.contains("FROBNICATE"));
        assert!(!classify("DO $$ BEGIN DELETE FROM t; END $$").recognized);
    }

    #[test]
    fn transaction_flags() {
        assert!(classify("CREATE INDEX CONCURRENTLY i ON t (a)").cannot_run_in_transaction);
        assert!(classify("VACUUM orders").cannot_run_in_transaction);
        assert!(classify("COMMIT").ends_transaction);
        assert!(classify("END").ends_transaction);
        assert!(!classify("CREATE INDEX i ON t (a)").cannot_run_in_transaction);
    }

    #[test]
    fn context_knows_new_tables_and_columns() {
        let mut ctx = Context::default();
        assert_eq!(
            classify_in(&mut ctx, "CREATE TABLE t (a int)").effect,
            Effect::Online
        );
        let c = classify_in(&mut ctx, "CREATE INDEX i ON t (a)");
        assert_eq!(c.effect, Effect::Online);
        assert!(c.reason().contains("created earlier in this migration"));
        assert_eq!(classify_in(&mut ctx, "DROP TABLE t").effect, Effect::Online);

        let mut ctx = Context::default();
        assert_eq!(
            classify_in(&mut ctx, "ALTER TABLE orders ADD COLUMN status text").effect,
            Effect::Online
        );
        let c = classify_in(&mut ctx, "UPDATE orders SET status = 'new'");
        assert_eq!(c.effect, Effect::Online, "{c:?}");
        assert!(c.reason().contains("backfills status"));
        assert_eq!(
            classify_in(&mut ctx, "UPDATE orders SET status = 'new', total = 0").effect,
            Effect::Destructive
        );
    }

    #[test]
    fn multi_action_alter_takes_the_worst() {
        let c = classify("ALTER TABLE orders ADD COLUMN a text, DROP COLUMN b, ALGORITHM=INPLACE");
        assert_eq!(c.effect, Effect::Destructive);
        assert!(
            c.summary.starts_with("DROP COLUMN b on orders"),
            "{}",
            c.summary
        );
        assert_eq!(c.tables, vec!["orders"]);
    }

    #[test]
    fn names_are_unquoted() {
        assert_eq!(
            classify("DROP TABLE \"My \"\"Odd\"\" Table\"").tables,
            vec!["My \"Odd\" Table"]
        );
        assert_eq!(
            classify("DROP TABLE `shop`.`orders`").tables,
            vec!["shop.orders"]
        );
    }

    mod properties {
        use super::super::*;
        use crate::migrations::Effect;
        use proptest::prelude::*;

        fn sqlish() -> impl Strategy<Value = String> {
            prop_oneof![
                any::<String>(),
                "[-;'\"$/*`()a-zA-Z0-9_ \t\n.,=@é]{0,200}",
                proptest::collection::vec(
                    prop_oneof![
                        Just("DROP TABLE x".to_owned()),
                        Just("DELETE FROM t".to_owned()),
                        Just("UPDATE t SET a = 1".to_owned()),
                        Just("ALTER TABLE t ADD COLUMN c int NOT NULL".to_owned()),
                        Just("WITH a AS (".to_owned()),
                        Just("BEGIN".to_owned()),
                        Just("END".to_owned()),
                        Just("CREATE PROCEDURE p".to_owned()),
                        Just("DECLARE".to_owned()),
                        Just("DELIMITER //\n".to_owned()),
                        Just("\nGO\n".to_owned()),
                        Just("$$".to_owned()),
                        Just("$t$".to_owned()),
                        Just("'".to_owned()),
                        Just("/*".to_owned()),
                        Just("*/".to_owned()),
                        Just("--".to_owned()),
                        Just(";".to_owned()),
                        Just("\n".to_owned()),
                        Just("(".to_owned()),
                        Just(")".to_owned()),
                        Just(",".to_owned()),
                    ],
                    0..40
                )
                .prop_map(|v| v.join(" ")),
            ]
        }

        proptest! {
            #[test]
            fn splitter_and_classifier_never_panic(sql in sqlish(), delimiter in "[;/$a-zA-Z]{0,3}") {
                let statements = split_statements(&sql);
                let mut previous_line = 0;
                for s in &statements {
                    prop_assert!(!s.text.is_empty());
                    prop_assert!(sql.contains(&s.text));
                    prop_assert!(s.line >= previous_line.max(1));
                    previous_line = s.line;
                    let c = classify(&s.text);
                    prop_assert!(c.subjects <= c.tables.len());
                    prop_assert!(c.share.is_none() || c.effect == Effect::Destructive);
                }
                let _ = split_statements_with(&sql, &delimiter);
                let _ = whole_statement(&sql);
                let _ = classify(&sql);
            }
        }
    }
}
