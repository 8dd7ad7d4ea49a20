//! The page's scenario as a TOML file: the text it started from, comments
//! and layout kept, with each knob the page moved (and the seed and the
//! trials) written in place. The result is read back and must give the
//! same raw scenario the page ran; if it would not, the scenario is
//! written whole instead (no comments), so `failsim run` on the export
//! always runs what the page ran.

use super::request::Built;
use crate::scenario::locate::{Step, parse_path};
use crate::scenario::{self, Format};
use serde_json::Value;
use toml_edit::{DocumentMut, Item, Table};

/// The export of a built request: TOML text.
pub fn toml_text(built: &Built, settings: &[String]) -> String {
    let want = serde_json::to_value(&built.raw).unwrap_or(Value::Null);
    if let Some(text) = edited(&built.text, &want, settings) {
        let back = scenario::parse_raw(&text, "export", Format::Toml)
            .ok()
            .and_then(|r| serde_json::to_value(&r).ok());
        if back.as_ref() == Some(&want) {
            return text;
        }
    }
    whole(&want)
}

/// The scenario written from its raw form, when editing in place fails.
fn whole(want: &Value) -> String {
    let body = toml::to_string_pretty(&without_nulls(want)).unwrap_or_default();
    format!(
        "# Written by `failsim serve` from the page's settings (the comments of the\n# original could not be kept for these settings).\n\n{body}"
    )
}

fn edited(text: &str, want: &Value, settings: &[String]) -> Option<String> {
    let mut doc: DocumentMut = text.parse().ok()?;
    let mut paths: Vec<String> = settings.to_vec();
    paths.push("seed".into());
    paths.push("trials".into());
    for path in &paths {
        let steps = parse_path(path);
        let value = lookup(want, &steps);
        put(doc.as_table_mut(), &steps, value)?;
    }
    Some(doc.to_string())
}

fn lookup<'a>(v: &'a Value, steps: &[Step]) -> Option<&'a Value> {
    let mut cur = v;
    for s in steps {
        cur = match s {
            Step::Key(k) => cur.get(k)?,
            Step::Index(n) => cur.get(*n)?,
        };
        if cur.is_null() {
            return None;
        }
    }
    Some(cur)
}

/// Writes `value` (or removes the key, for `None`) at `steps` of `table`.
fn put(table: &mut Table, steps: &[Step], value: Option<&Value>) -> Option<()> {
    let (first, rest) = steps.split_first()?;
    let Step::Key(k) = first else { return None };
    if rest.is_empty() {
        match value {
            None => {
                table.remove(k);
            }
            Some(Value::Array(list))
                if table.get(k).is_some_and(Item::is_array_of_tables)
                    && list.iter().all(Value::is_object) =>
            {
                // `[[...]]` entries stay entries: the ones kept keep their
                // comments, each key set in place; new ones are appended.
                let old = table.get_mut(k)?.as_array_of_tables_mut()?;
                let mut new = toml_edit::ArrayOfTables::new();
                for (i, entry) in list.iter().enumerate() {
                    let mut t = old.get(i).cloned().unwrap_or_default();
                    let keys: Vec<String> = t.iter().map(|(k, _)| k.to_string()).collect();
                    for key in keys {
                        if entry.get(&key).is_none_or(Value::is_null) {
                            t.remove(&key);
                        }
                    }
                    for (key, x) in entry.as_object()? {
                        put(
                            &mut t,
                            &[Step::Key(key.clone())],
                            (!x.is_null()).then_some(x),
                        )?;
                    }
                    new.push(t);
                }
                *old = new;
            }
            Some(v) => {
                let new = to_item(v)?;
                // Keep the comment after a plain value.
                match (table.get_mut(k), new) {
                    (Some(Item::Value(old)), Item::Value(mut nv)) => {
                        *nv.decor_mut() = old.decor().clone();
                        *old = nv;
                    }
                    (_, new) => {
                        table.insert(k, new);
                    }
                }
            }
        }
        return Some(());
    }
    if value.is_none() && table.get(k).is_none() {
        return Some(());
    }
    if table.get(k).is_none() {
        let mut t = Table::new();
        t.set_implicit(true);
        table.insert(k, Item::Table(t));
    }
    let item = table.get_mut(k)?;
    if let Some(Step::Index(n)) = rest.first() {
        let arr = item.as_array_of_tables_mut()?;
        let t = arr.get_mut(*n)?;
        return put(t, &rest[1..], value);
    }
    match item {
        Item::Table(t) => put(t, rest, value),
        Item::Value(toml_edit::Value::InlineTable(_)) => {
            let t = item.as_inline_table_mut()?;
            let mut table = std::mem::take(t).into_table();
            put(&mut table, rest, value)?;
            *item = Item::Value(toml_edit::Value::InlineTable(table.into_inline_table()));
            Some(())
        }
        _ => None,
    }
}

fn to_item(v: &Value) -> Option<Item> {
    Some(match v {
        Value::Object(m) => {
            let mut t = toml_edit::InlineTable::new();
            for (k, x) in m.iter().filter(|(_, x)| !x.is_null()) {
                if let Item::Value(xv) = to_item(x)? {
                    t.insert(k, xv);
                }
            }
            Item::Value(toml_edit::Value::InlineTable(t))
        }
        other => Item::Value(to_value(other)?),
    })
}

fn to_value(v: &Value) -> Option<toml_edit::Value> {
    Some(match v {
        Value::String(s) => toml_edit::Value::from(s.as_str()),
        Value::Bool(b) => toml_edit::Value::from(*b),
        Value::Number(n) => match n.as_i64() {
            Some(i) => toml_edit::Value::from(i),
            None => toml_edit::Value::from(n.as_f64()?),
        },
        Value::Array(a) => {
            let mut arr = toml_edit::Array::new();
            for x in a {
                arr.push(to_value(x)?);
            }
            toml_edit::Value::Array(arr)
        }
        Value::Object(_) => match to_item(v)? {
            Item::Value(x) => x,
            _ => return None,
        },
        Value::Null => return None,
    })
}

/// `v` without its `null` fields (TOML has no null: an absent key is one).
fn without_nulls(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .filter(|(_, x)| !x.is_null())
                .map(|(k, x)| (k.clone(), without_nulls(x)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(without_nulls).collect()),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_whole_scenario_reads_back_as_itself() {
        for (name, text) in crate::library::BUILTIN {
            let raw = scenario::parse_raw(text, name, Format::Toml).unwrap();
            let want = serde_json::to_value(&raw).unwrap();
            let back = scenario::parse_raw(&whole(&want), name, Format::Toml).unwrap();
            assert_eq!(serde_json::to_value(&back).unwrap(), want, "{name}");
        }
    }
}
