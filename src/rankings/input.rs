//! The rankings input: one row per product shown in one comparison-tool result list
//! (a session). Rows arrive as string columns; this module turns them into validated
//! sessions or an error naming the row and column.

use std::collections::{BTreeMap, HashMap};

use super::rules::RankingRules;

/// One product as shown in one session.
#[derive(Debug, Clone, PartialEq)]
pub struct Product {
    /// 1-based data row in the input file (header not counted).
    pub row: usize,
    /// 1 = top of the list.
    pub position: u32,
    pub product_id: String,
    pub provider: String,
    pub paid: Option<bool>,
    /// Amount the operator receives for this product (any currency).
    pub compensation: Option<f64>,
    pub label: Option<String>,
    /// Whether the consumer was shown that the placement is paid.
    pub disclosed: Option<bool>,
    /// Merit values in the order of `RankingRules::merit_columns`, as given (not directed).
    pub merit: Vec<f64>,
}

impl Product {
    /// Paid as stated, or, where the row has no `paid`, compensation above zero.
    pub fn is_paid(&self) -> bool {
        self.paid
            .unwrap_or_else(|| self.compensation.is_some_and(|c| c > 0.0))
    }
}

/// One result list; products sorted by position (1..n).
#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    pub id: String,
    pub products: Vec<Product>,
}

/// What "payment" means in the payment tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaymentKind {
    /// Every row has a compensation amount.
    Compensation,
    /// Some row lacks compensation: the paid flag (0/1) stands in.
    PaidFlag,
}

impl PaymentKind {
    /// Compensation where every product has it, else the paid flag.
    pub fn of(sessions: &[Session]) -> PaymentKind {
        let all_have_amount = sessions
            .iter()
            .flat_map(|s| &s.products)
            .all(|p| p.compensation.is_some());
        if all_have_amount {
            PaymentKind::Compensation
        } else {
            PaymentKind::PaidFlag
        }
    }

    pub fn value(self, product: &Product) -> f64 {
        match self {
            PaymentKind::Compensation => product.compensation.unwrap_or(0.0),
            PaymentKind::PaidFlag => f64::from(u8::from(product.is_paid())),
        }
    }
}

/// Why the input cannot be audited. Rows are 1-based data rows.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum InputError {
    #[error("missing column `{column}`{hint}")]
    MissingColumn { column: String, hint: String },
    #[error("row {row}, column `{column}`: {message}")]
    Value {
        row: usize,
        column: String,
        message: String,
    },
    #[error("row {row}: {message}")]
    Row { row: usize, message: String },
    #[error("the rankings input has no data rows")]
    Empty,
}

/// One input column: header and values (None = empty or null cell).
#[derive(Debug, Clone)]
pub struct Column<'a> {
    pub name: &'a str,
    pub values: Vec<Option<&'a str>>,
}

/// Header spelling that matching ignores: case, spaces and punctuation.
fn header_key(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

struct Columns<'c, 'a> {
    by_key: HashMap<String, &'c Column<'a>>,
    rows: usize,
}

impl<'c, 'a> Columns<'c, 'a> {
    fn new(columns: &'c [Column<'a>]) -> Self {
        let rows = columns.iter().map(|c| c.values.len()).max().unwrap_or(0);
        let by_key = columns.iter().map(|c| (header_key(c.name), c)).collect();
        Columns { by_key, rows }
    }

    fn get(&self, name: &str) -> Option<&'c Column<'a>> {
        self.by_key.get(&header_key(name)).copied()
    }

    fn require(&self, name: &str) -> Result<&'c Column<'a>, InputError> {
        self.get(name).ok_or_else(|| InputError::MissingColumn {
            column: name.to_string(),
            hint: String::new(),
        })
    }
}

fn cell<'a>(column: &Column<'a>, index: usize) -> Option<&'a str> {
    column
        .values
        .get(index)
        .copied()
        .flatten()
        .map(str::trim)
        .filter(|v| !v.is_empty())
}

fn value_error(index: usize, column: &Column<'_>, message: String) -> InputError {
    InputError::Value {
        row: index + 1,
        column: column.name.to_string(),
        message,
    }
}

fn required_text(column: &Column<'_>, index: usize) -> Result<String, InputError> {
    cell(column, index)
        .map(str::to_string)
        .ok_or_else(|| value_error(index, column, "is empty".into()))
}

/// A number, allowing a leading currency sign and a trailing `%` ("$95", "19.99%").
fn parse_number(text: &str) -> Option<f64> {
    let text = text.trim();
    let text = text.strip_suffix('%').unwrap_or(text).trim_end();
    let text = text
        .strip_prefix(['$', '€', '£'])
        .unwrap_or(text)
        .trim_start();
    text.parse::<f64>().ok().filter(|v| v.is_finite())
}

fn parse_bool(text: &str) -> Option<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "true" | "t" | "yes" | "y" | "1" => Some(true),
        "false" | "f" | "no" | "n" | "0" => Some(false),
        _ => None,
    }
}

fn optional_bool(column: Option<&Column<'_>>, index: usize) -> Result<Option<bool>, InputError> {
    let Some(column) = column else {
        return Ok(None);
    };
    match cell(column, index) {
        None => Ok(None),
        Some(text) => parse_bool(text).map(Some).ok_or_else(|| {
            value_error(
                index,
                column,
                format!("`{text}` is not true/false (or yes/no, 1/0)"),
            )
        }),
    }
}

fn parse_position(column: &Column<'_>, index: usize) -> Result<u32, InputError> {
    let text = cell(column, index).ok_or_else(|| value_error(index, column, "is empty".into()))?;
    parse_number(text)
        .filter(|v| v.fract() == 0.0 && *v >= 1.0 && *v <= f64::from(u32::MAX))
        .map(|v| v as u32)
        .ok_or_else(|| {
            value_error(
                index,
                column,
                format!("`{text}` is not a position (1, 2, 3, …)"),
            )
        })
}

/// Reads and validates the rankings table. Columns are matched ignoring case, spaces and
/// punctuation. Sessions come in order of first appearance; products sorted by position.
pub fn sessions_from_columns(
    columns: &[Column<'_>],
    rules: &RankingRules,
) -> Result<Vec<Session>, InputError> {
    let table = Columns::new(columns);
    let session_col = table.require("session_id")?;
    let position_col = table.require("position")?;
    let product_col = table.require("product_id")?;
    let provider_col = table.require("provider")?;
    let paid_col = table.get("paid");
    let compensation_col = table.get("compensation");
    if paid_col.is_none() && compensation_col.is_none() {
        return Err(InputError::MissingColumn {
            column: "paid".into(),
            hint: " (a rankings file needs `paid` or `compensation`)".into(),
        });
    }
    let label_col = table.get("label");
    let disclosed_col = table.get("disclosed");
    let merit_cols = rules
        .merit_columns()
        .into_iter()
        .map(|name| {
            table.get(name).ok_or_else(|| InputError::MissingColumn {
                column: name.to_string(),
                hint: " (a merit column named in the rules)".into(),
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    if table.rows == 0 {
        return Err(InputError::Empty);
    }

    let mut order: Vec<String> = Vec::new();
    let mut grouped: HashMap<String, Vec<Product>> = HashMap::new();
    for index in 0..table.rows {
        let session_id = required_text(session_col, index)?;
        let compensation = match compensation_col {
            None => None,
            Some(col) => match cell(col, index) {
                None => None,
                Some(text) => Some(parse_number(text).filter(|v| *v >= 0.0).ok_or_else(|| {
                    value_error(index, col, format!("`{text}` is not an amount ≥ 0"))
                })?),
            },
        };
        let paid = optional_bool(paid_col, index)?;
        if paid.is_none() && compensation.is_none() {
            return Err(InputError::Row {
                row: index + 1,
                message: "neither `paid` nor `compensation` is given".into(),
            });
        }
        let merit = merit_cols
            .iter()
            .map(|col| {
                let text = cell(col, index)
                    .ok_or_else(|| value_error(index, col, "merit value is empty".into()))?;
                parse_number(text).ok_or_else(|| {
                    value_error(index, col, format!("merit value `{text}` is not a number"))
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let product = Product {
            row: index + 1,
            position: parse_position(position_col, index)?,
            product_id: required_text(product_col, index)?,
            provider: required_text(provider_col, index)?,
            paid,
            compensation,
            label: label_col.and_then(|c| cell(c, index)).map(str::to_string),
            disclosed: optional_bool(disclosed_col, index)?,
            merit,
        };
        grouped
            .entry(session_id.clone())
            .or_insert_with(|| {
                order.push(session_id);
                Vec::new()
            })
            .push(product);
    }

    order
        .into_iter()
        .map(|id| {
            let products = grouped.remove(&id).unwrap_or_default();
            check_session(id, products)
        })
        .collect()
}

/// Sorts a session by position and checks positions are 1..n and products unique.
fn check_session(id: String, mut products: Vec<Product>) -> Result<Session, InputError> {
    products.sort_by_key(|p| (p.position, p.row));
    for (expected, pair) in (1u32..).zip(products.iter().enumerate()) {
        let (i, product) = pair;
        if product.position != expected {
            let message = match i.checked_sub(1).and_then(|prev| products.get(prev)) {
                Some(prev) if prev.position == product.position => format!(
                    "position {} appears twice in session `{id}` (rows {} and {})",
                    product.position, prev.row, product.row
                ),
                _ => format!(
                    "session `{id}` has {} products but position {}: positions must be 1..{}",
                    products.len(),
                    product.position,
                    products.len()
                ),
            };
            return Err(InputError::Row {
                row: product.row,
                message,
            });
        }
    }
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    for product in &products {
        if let Some(first) = seen.insert(&product.product_id, product.row) {
            let (a, b) = (first.min(product.row), first.max(product.row));
            return Err(InputError::Row {
                row: b,
                message: format!(
                    "product `{}` appears twice in session `{id}` (rows {a} and {b})",
                    product.product_id
                ),
            });
        }
    }
    Ok(Session { id, products })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rankings::rules::test_support::cfpb_rules;

    const HEADER: [&str; 9] = [
        "Session ID",
        "position",
        "product_id",
        "provider",
        "paid",
        "APR",
        "annual_fee",
        "rating",
        "label",
    ];

    fn table(rows: &[[&'static str; 9]]) -> Vec<Column<'static>> {
        HEADER
            .iter()
            .enumerate()
            .map(|(j, name)| Column {
                name,
                values: rows.iter().map(|r| Some(r[j])).collect(),
            })
            .collect()
    }

    fn err(rows: &[[&'static str; 9]]) -> String {
        sessions_from_columns(&table(rows), &cfpb_rules())
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn reads_and_sorts_sessions() {
        let rows = [
            ["s1", "2", "a", "X", "yes", "19.9%", "$95", "4.1", ""],
            ["s1", "1", "b", "Y", "no", "22", "0", "3.9", "Top pick"],
            ["s2", "1", "a", "X", "1", "18", "95", "4.1", ""],
        ];
        let sessions = sessions_from_columns(&table(&rows), &cfpb_rules()).expect("valid");
        assert_eq!(sessions.len(), 2);
        assert_eq!(sessions[0].id, "s1");
        let top = &sessions[0].products[0];
        assert_eq!(
            (top.product_id.as_str(), top.row, top.position),
            ("b", 2, 1)
        );
        assert_eq!(top.label.as_deref(), Some("Top pick"));
        // merit order is the rules' (sorted) order: annual_fee, apr, rating
        assert_eq!(sessions[0].products[1].merit, vec![95.0, 19.9, 4.1]);
        assert_eq!(sessions[0].products[1].paid, Some(true));
        assert_eq!(PaymentKind::of(&sessions), PaymentKind::PaidFlag);
    }

    #[test]
    fn errors_name_row_and_column() {
        let e = err(&[["s1", "1", "a", "X", "yes", "high", "95", "4", ""]]);
        assert_eq!(e, "row 1, column `APR`: merit value `high` is not a number");
        let e = err(&[
            ["s1", "1", "a", "X", "yes", "19", "95", "4", ""],
            ["s1", "1", "b", "X", "maybe", "19", "95", "4", ""],
        ]);
        assert!(e.starts_with("row 2, column `paid`"), "{e}");
        let e = err(&[["s1", "0", "a", "X", "yes", "19", "95", "4", ""]]);
        assert!(e.starts_with("row 1, column `position`"), "{e}");
    }

    #[test]
    fn positions_must_run_one_to_n() {
        let e = err(&[
            ["s1", "1", "a", "X", "yes", "19", "95", "4", ""],
            ["s1", "3", "b", "X", "yes", "19", "95", "4", ""],
        ]);
        assert!(
            e.contains("row 2") && e.contains("positions must be 1..2"),
            "{e}"
        );
        let e = err(&[
            ["s1", "1", "a", "X", "yes", "19", "95", "4", ""],
            ["s1", "1", "b", "X", "yes", "19", "95", "4", ""],
        ]);
        assert!(
            e.contains("position 1 appears twice") && e.contains("rows 1 and 2"),
            "{e}"
        );
    }

    #[test]
    fn product_twice_in_a_session() {
        let e = err(&[
            ["s1", "1", "a", "X", "yes", "19", "95", "4", ""],
            ["s1", "2", "a", "X", "yes", "19", "95", "4", ""],
        ]);
        assert_eq!(
            e,
            "row 2: product `a` appears twice in session `s1` (rows 1 and 2)"
        );
    }

    #[test]
    fn missing_columns() {
        let mut cols = table(&[["s1", "1", "a", "X", "yes", "19", "95", "4", ""]]);
        cols.retain(|c| c.name != "rating");
        let e = sessions_from_columns(&cols, &cfpb_rules()).unwrap_err();
        assert!(matches!(e, InputError::MissingColumn { ref column, .. } if column == "rating"));
        cols.retain(|c| c.name != "paid");
        let e = sessions_from_columns(&cols, &cfpb_rules()).unwrap_err();
        assert!(e.to_string().contains("`paid` or `compensation`"), "{e}");
        let empty = table(&[]);
        assert_eq!(
            sessions_from_columns(&empty, &cfpb_rules()),
            Err(InputError::Empty)
        );
    }

    #[test]
    fn payment_needed_per_row() {
        let e = err(&[["s1", "1", "a", "X", "", "19", "95", "4", ""]]);
        assert_eq!(e, "row 1: neither `paid` nor `compensation` is given");
    }
}
