//! How numbers are written for readers: one formatter for prose values, tables, data pages,
//! chart ticks and tooltips.
//!
//! In: a number (a CSV cell, or a count) and a [`NumberFormat`] (style, scale, digits,
//! unit). Out: its text, e.g. `6,000`, `2.2 billion`, `US$ 294,000`, `17.0%`.
//!
//! Steps: the number becomes a decimal (its shortest round-trip digits, as JavaScript's
//! `String(x)` writes them, so the browser gets the same digits), is scaled by a power of ten
//! exactly (no floating-point product), rounded half away from zero to the declared digits
//! (or, in compact form, to three significant digits), grouped by thousands, and given its
//! unit. Charts format ticks and tooltips with the same rules in JavaScript
//! (`folioNumber` in [`crate::chart::CHART_JS`]); a test runs that script in QuickJS against this module.
//!
//! Rules (following the Chicago Manual of Style, 17th ed., §9.55–9.57, and the styles of
//! Our World in Data and the Financial Times):
//! - every number of four or more integer digits is grouped by thousands with commas;
//! - `compact` writes one million and above as words: `2.2 billion`, `942.1 million` (a value
//!   of up to four significant digits in full, as sources round theirs), `93.2 billion`
//!   (longer ones to three);
//! - a unit ending in a currency sign (`$`, `€`, `£`, `¥`) goes before the number
//!   (`US$ 294,000`, `$5`), and so does the currency of a unit such as `US$ billion`
//!   (`US$ 600 billion`); `%` and `×` follow it closely (`17%`, `3.4×`); any other unit
//!   follows after a space (`671 billion parameters`).

use serde::{Deserialize, Serialize};

/// How a column's numbers are written, in `dataset.toml` as `format`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Style {
    /// Thousands grouped: `6,000`, `1,150,000,000`. The default.
    #[default]
    Grouped,
    /// A million and above in words: `2.2 billion`; below, as `grouped`.
    Compact,
    /// Digits alone, for identifiers and years held as numbers: `2024`.
    Ungrouped,
}

/// Everything that decides how a number is written.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct NumberFormat {
    /// Grouped, compact or ungrouped.
    pub style: Style,
    /// The power of ten each value is multiplied by before it is written: 6 for a column held
    /// in millions. Default 0.
    pub scale: i32,
    /// Decimal places; `None` writes the value's own digits (in compact form, three
    /// significant digits).
    pub digits: Option<u8>,
    /// The unit, placed by the rules in the module's docs. Empty for none.
    pub unit: String,
}

/// A compact mantissa of at most this many significant digits is written in full.
const EXACT_DIGITS: usize = 4;

/// Number words of the short scale, by power of ten.
const WORDS: &[(i32, &str)] = &[(12, "trillion"), (9, "billion"), (6, "million")];

/// The largest scale a `scale` may name, either way: 10^±15.
pub const MAX_SCALE: i32 = 15;

/// Reads a scale written as a power of ten (`1000000`, `1e6`, `0.001`) and returns its
/// exponent, or `None` when it is not a power of ten within 10^±[`MAX_SCALE`].
pub fn scale_exponent(text: &str) -> Option<i32> {
    let value: f64 = text.trim().parse().ok()?;
    if value.is_nan() || value <= 0.0 {
        return None;
    }
    let exponent = value.log10().round() as i32;
    (exponent.abs() <= MAX_SCALE && 10f64.powi(exponent) == value).then_some(exponent)
}

/// A decimal number: `digits` × 10^`exponent`, with no leading zeros in `digits`.
#[derive(Debug, Clone, PartialEq)]
struct Decimal {
    negative: bool,
    digits: Vec<u8>,
    exponent: i32,
}

impl Decimal {
    /// Reads a decimal literal: optional sign, digits with an optional point, an optional
    /// exponent (`-1.5e11`). `None` for anything else.
    fn parse(text: &str) -> Option<Decimal> {
        let (negative, rest) = match text.as_bytes().first()? {
            b'-' => (true, &text[1..]),
            b'+' => (false, &text[1..]),
            _ => (false, text),
        };
        let (mantissa, exponent) = match rest.find(['e', 'E']) {
            Some(at) => (&rest[..at], rest[at + 1..].parse::<i32>().ok()?),
            None => (rest, 0),
        };
        let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        if int.is_empty() && frac.is_empty()
            || !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit())
        {
            return None;
        }
        let mut digits: Vec<u8> = int.bytes().chain(frac.bytes()).map(|b| b - b'0').collect();
        let mut exponent = exponent.checked_sub(i32::try_from(frac.len()).ok()?)?;
        let leading = digits.iter().take_while(|&&d| d == 0).count();
        digits.drain(..leading);
        while digits.last() == Some(&0) {
            digits.pop();
            exponent += 1;
        }
        if digits.is_empty() {
            exponent = 0;
        }
        Some(Decimal {
            negative: negative && !digits.is_empty(),
            digits,
            exponent,
        })
    }

    /// The shortest decimal that reads back as `value` (what JavaScript's `String(value)`
    /// writes). `None` for infinities and NaN.
    fn from_f64(value: f64) -> Option<Decimal> {
        if !value.is_finite() {
            return None;
        }
        Decimal::parse(&format!("{value:e}"))
    }

    /// How many digits stand before the point (0 for a value below one).
    fn integer_digits(&self) -> i32 {
        (self.digits.len() as i32 + self.exponent).max(0)
    }

    /// Rounds to `places` decimal places, half away from zero.
    fn round(&mut self, places: i32) {
        let drop = -places - self.exponent;
        if drop <= 0 {
            return;
        }
        let keep = self.digits.len() as i64 - drop as i64;
        if keep < 0 {
            *self = Decimal::parse("0").expect("zero parses");
            return;
        }
        let keep = keep as usize;
        let up = self.digits.get(keep).is_some_and(|&d| d >= 5);
        self.digits.truncate(keep);
        self.exponent += drop;
        if up {
            let mut i = self.digits.len();
            loop {
                if i == 0 {
                    self.digits.insert(0, 1);
                    break;
                }
                i -= 1;
                if self.digits[i] == 9 {
                    self.digits[i] = 0;
                } else {
                    self.digits[i] += 1;
                    break;
                }
            }
        }
        let text = self.positional(None, false);
        *self = Decimal::parse(&text).expect("a positional decimal parses");
    }

    /// Writes the number without exponent: `places` decimals exactly when given (padding
    /// with zeros), otherwise as many as it has; integer digits grouped by three when
    /// `group` and there are four or more.
    fn positional(&self, places: Option<u8>, group: bool) -> String {
        let len = self.digits.len() as i32;
        let point = len + self.exponent; // digits before the point
        let digit = |i: i32| -> char {
            if i >= 0 && i < len {
                (b'0' + self.digits[i as usize]) as char
            } else {
                '0'
            }
        };
        let mut int: String = (0..point.max(1))
            .map(|i| if point <= 0 { '0' } else { digit(i) })
            .collect();
        if group && int.len() >= 4 {
            let mut grouped = String::with_capacity(int.len() + int.len() / 3);
            for (i, c) in int.chars().enumerate() {
                if i > 0 && (int.len() - i).is_multiple_of(3) {
                    grouped.push(',');
                }
                grouped.push(c);
            }
            int = grouped;
        }
        let decimals = match places {
            Some(p) => i32::from(p),
            None => (-self.exponent).max(0),
        };
        let frac: String = (0..decimals).map(|i| digit(point + i)).collect();
        let sign = if self.negative { "-" } else { "" };
        if frac.is_empty() {
            format!("{sign}{int}")
        } else {
            format!("{sign}{int}.{frac}")
        }
    }
}

impl NumberFormat {
    /// The number in `cell` (a CSV cell of a numeric column) without its unit, or `None`
    /// when the cell is not a number.
    pub fn bare(&self, cell: &str) -> Option<String> {
        let value = crate::data::parse_number(cell)?;
        // Integers are exact as written; other numbers take the digits JavaScript writes.
        // (An integer beyond 2^53 is exact here and rounded in a chart's tooltip, as
        // JavaScript's numbers are.)
        let decimal = match cell.parse::<i64>() {
            Ok(_) => Decimal::parse(cell)?,
            Err(_) => Decimal::from_f64(value)?,
        };
        Some(self.write(decimal))
    }

    /// The number in `cell` with its unit: `17.0%`, `US$ 294,000`, `671 billion parameters`.
    pub fn text(&self, cell: &str) -> Option<String> {
        Some(with_unit(&self.bare(cell)?, &self.unit))
    }

    fn write(&self, mut decimal: Decimal) -> String {
        decimal.exponent += self.scale;
        let group = self.style != Style::Ungrouped;
        if self.style == Style::Compact {
            // The word is chosen by the number as written without one: 999,999.6 with no
            // decimals is 1,000,000, so 1 million.
            let mut plain = decimal.clone();
            if let Some(places) = self.digits {
                plain.round(i32::from(places));
            }
            for (index, &(power, word)) in WORDS.iter().enumerate() {
                if plain.integer_digits() <= power {
                    continue;
                }
                let mut mantissa = decimal.clone();
                mantissa.exponent -= power;
                let places = self.compact_places(&mantissa);
                mantissa.round(places);
                // 999,999,999 rounds to 1,000 million: write it as 1 billion.
                if mantissa.integer_digits() > 3 && index > 0 {
                    let (bigger, word) = WORDS[index - 1];
                    let mut mantissa = decimal.clone();
                    mantissa.exponent -= bigger;
                    mantissa.round(self.compact_places(&mantissa));
                    return format!("{} {word}", self.digits_of(&mantissa, group));
                }
                return format!("{} {word}", self.digits_of(&mantissa, group));
            }
        }
        if let Some(places) = self.digits {
            decimal.round(i32::from(places));
        }
        self.digits_of(&decimal, group)
    }

    /// Decimal places of a compact mantissa: the declared digits; else all of a value of at
    /// most four significant digits, as sources round theirs (`942.1 million`); else enough
    /// for three significant digits (`93.2 billion`).
    fn compact_places(&self, mantissa: &Decimal) -> i32 {
        match self.digits {
            Some(places) => i32::from(places),
            None if mantissa.digits.len() <= EXACT_DIGITS => (-mantissa.exponent).max(0),
            None => (3 - mantissa.integer_digits().max(1)).max(0),
        }
    }

    fn digits_of(&self, decimal: &Decimal, group: bool) -> String {
        let places = match self.style {
            // A compact mantissa drops trailing zeros (`2.2 billion`, not `2.20 billion`)
            // unless digits are declared.
            Style::Compact if self.digits.is_none() => None,
            _ => self.digits,
        };
        decimal.positional(places, group)
    }
}

/// Puts a unit beside a written number, by the rules in the module's docs.
pub fn with_unit(number: &str, unit: &str) -> String {
    // A currency with a scale word: US$ 600 billion.
    if let Some((currency, words)) = unit.split_once(' ')
        && currency.ends_with(['$', '€', '£', '¥'])
    {
        return format!("{} {words}", with_unit(number, currency));
    }
    match unit {
        "" => number.to_string(),
        "%" | "×" => format!("{number}{unit}"),
        unit if unit.ends_with(['$', '€', '£', '¥']) => {
            let space = if unit.chars().any(|c| c.is_ascii_alphabetic()) {
                " "
            } else {
                ""
            };
            match number.strip_prefix('-') {
                Some(magnitude) => format!("-{unit}{space}{magnitude}"),
                None => format!("{unit}{space}{number}"),
            }
        }
        unit => format!("{number} {unit}"),
    }
}

/// A count for readers (rows, bytes, figures): grouped by thousands.
pub fn count(n: u64) -> String {
    Decimal::parse(&n.to_string())
        .map(|d| d.positional(None, true))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn format(style: Style, scale: i32, digits: Option<u8>, unit: &str) -> NumberFormat {
        NumberFormat {
            style,
            scale,
            digits,
            unit: unit.to_string(),
        }
    }

    #[test]
    fn groups_every_number_of_four_or_more_digits() {
        let grouped = NumberFormat::default();
        let cases = [
            ("6000", "6,000"),
            ("27000", "27,000"),
            ("999", "999"),
            ("1150000000", "1,150,000,000"),
            ("-3.5", "-3.5"),
            ("0.000012", "0.000012"),
            ("1.5e11", "150,000,000,000"),
            ("93245324234", "93,245,324,234"),
            ("-12345.6", "-12,345.6"),
            ("15.80", "15.8"),
            ("0", "0"),
            ("-0", "0"),
            (".5", "0.5"),
        ];
        for (cell, text) in cases {
            assert_eq!(grouped.bare(cell).as_deref(), Some(text), "{cell}");
        }
        assert_eq!(grouped.bare("n/a"), None);
        let ungrouped = format(Style::Ungrouped, 0, None, "");
        assert_eq!(ungrouped.bare("2024").as_deref(), Some("2024"));
    }

    #[test]
    fn rounds_half_away_from_zero_to_the_declared_digits() {
        let one = format(Style::Grouped, 0, Some(1), "%");
        assert_eq!(one.text("17").as_deref(), Some("17.0%"));
        assert_eq!(one.text("15.86").as_deref(), Some("15.9%"));
        assert_eq!(one.text("0.25").as_deref(), Some("0.3%"));
        assert_eq!(one.text("-0.25").as_deref(), Some("-0.3%"));
        assert_eq!(one.text("9.96").as_deref(), Some("10.0%"));
        let none = format(Style::Grouped, 0, Some(0), "");
        assert_eq!(none.bare("-12345.6").as_deref(), Some("-12,346"));
        assert_eq!(none.bare("999.5").as_deref(), Some("1,000"));
        assert_eq!(none.bare("0.4").as_deref(), Some("0"));
        assert_eq!(none.bare("0.000012").as_deref(), Some("0"));
        // Digits the value lacks are written as zeros.
        assert_eq!(
            format(Style::Grouped, 0, Some(2), "").bare("3").as_deref(),
            Some("3.00")
        );
    }

    #[test]
    fn writes_large_numbers_in_words_when_compact() {
        let compact = format(Style::Compact, 0, None, "");
        let cases = [
            ("2200000000", "2.2 billion"),
            ("1.5e11", "150 billion"),
            ("93245324234", "93.2 billion"),
            ("7e9", "7 billion"),
            ("1234567", "1.23 million"),
            ("942100000", "942.1 million"),
            ("1150000000", "1.15 billion"),
            ("1234000000", "1.234 billion"),
            ("1234560000", "1.23 billion"),
            ("999999999", "1 billion"),
            ("999999", "999,999"),
            ("294000", "294,000"),
            ("0.000012", "0.000012"),
            ("-3.5", "-3.5"),
            ("6000", "6,000"),
            ("-2500000", "-2.5 million"),
            ("4.2e15", "4,200 trillion"),
        ];
        for (cell, text) in cases {
            assert_eq!(compact.bare(cell).as_deref(), Some(text), "{cell}");
        }
        let one = format(Style::Compact, 0, Some(1), "");
        assert_eq!(one.bare("2000000000").as_deref(), Some("2.0 billion"));
    }

    #[test]
    fn scales_exactly_by_powers_of_ten() {
        let millions = format(Style::Grouped, 6, None, "US$");
        assert_eq!(millions.text("0.294").as_deref(), Some("US$ 294,000"));
        assert_eq!(millions.text("5.576").as_deref(), Some("US$ 5,576,000"));
        let compact = format(Style::Compact, 9, None, "");
        assert_eq!(compact.bare("2.2").as_deref(), Some("2.2 billion"));
        assert_eq!(scale_exponent("1000000"), Some(6));
        assert_eq!(scale_exponent("1e6"), Some(6));
        assert_eq!(scale_exponent("0.001"), Some(-3));
        assert_eq!(scale_exponent("1"), Some(0));
        assert_eq!(scale_exponent("2000"), None);
        assert_eq!(scale_exponent("-1000"), None);
        assert_eq!(scale_exponent("1e30"), None);
        assert_eq!(scale_exponent("NaN"), None);
    }

    #[test]
    fn places_units_by_kind() {
        assert_eq!(with_unit("17.0", "%"), "17.0%");
        assert_eq!(with_unit("294,000", "US$"), "US$ 294,000");
        assert_eq!(with_unit("5", "$"), "$5");
        assert_eq!(with_unit("-5", "$"), "-$5");
        assert_eq!(with_unit("600", "US$ billion"), "US$ 600 billion");
        assert_eq!(with_unit("3.4", "×"), "3.4×");
        assert_eq!(
            with_unit("671", "billion parameters"),
            "671 billion parameters"
        );
        assert_eq!(with_unit("3", ""), "3");
        assert_eq!(count(1130), "1,130");
        assert_eq!(count(12), "12");
    }

    /// The browser's formatter is this one: the script gives the same text for every case.
    #[test]
    fn the_script_writes_what_this_module_writes() {
        let runtime = rquickjs::Runtime::new().unwrap();
        let context = rquickjs::Context::full(&runtime).unwrap();
        let cells = [
            "6000",
            "27000",
            "999",
            "1150000000",
            "-3.5",
            "0.000012",
            "1.5e11",
            "93245324234",
            "-12345.6",
            "15.86",
            "0",
            "0.25",
            "-0.25",
            "9.96",
            "999.5",
            "0.4",
            "2200000000",
            "7e9",
            "1234567",
            "999999999",
            "999999",
            "294000",
            "-2500000",
            "4.2e15",
            "0.294",
            "5.576",
            "17",
            "3",
            "1e-7",
            "123456789.123",
            "0.1",
            "2664000",
        ];
        let formats = [
            format(Style::Grouped, 0, None, ""),
            format(Style::Grouped, 0, Some(1), "%"),
            format(Style::Grouped, 0, Some(0), "US$"),
            format(Style::Compact, 0, None, "billion parameters"),
            format(Style::Compact, 0, Some(1), ""),
            format(Style::Grouped, 6, None, "US$"),
            format(Style::Compact, 9, None, "$"),
            format(Style::Ungrouped, 0, None, ""),
            format(Style::Grouped, -3, Some(2), "kg"),
            format(Style::Grouped, 0, None, "US$ billion"),
            format(Style::Grouped, 0, None, "×"),
        ];
        context.with(|ctx| {
            ctx.eval::<(), _>(crate::chart::CHART_JS).unwrap();
            let text: rquickjs::Function = ctx
                .eval("(function (v, f) { return folioNumber.text(v, JSON.parse(f)); })")
                .unwrap();
            for format in &formats {
                let json = serde_json::to_string(format).unwrap();
                for cell in cells {
                    let value: f64 = cell.parse().unwrap();
                    let script: String = text.call((value, json.as_str())).unwrap();
                    assert_eq!(Some(script), format.text(cell), "{cell} as {json}");
                }
            }
            let tick: rquickjs::Function = ctx
                .eval("(function (v, f) { return folioNumber.tick(v, JSON.parse(f)); })")
                .unwrap();
            let ticks = [
                (1.5e11, "", "150B"),
                (7e9, "", "7B"),
                (150_000_000.0, "", "150M"),
                (2.5e12, "", "2.5T"),
                (6000.0, "", "6,000"),
                (0.000012, "", "0.000012"),
                (-3.5, "", "-3.5"),
                (25.0, "%", "25%"),
                (20000.0, "US$", "US$ 20,000"),
                (400.0, "billion parameters", "400"),
            ];
            for (value, unit, expected) in ticks {
                let json =
                    serde_json::to_string(&format(Style::Grouped, 0, Some(1), unit)).unwrap();
                let written: String = tick.call((value, json.as_str())).unwrap();
                assert_eq!(written, expected, "{value} {unit}");
            }
        });
    }
}
