import Foundation
import BackroomCore
import GRDB

/// A sorted, filtered list read in keyset windows: `(sort value, id)` pairs
/// compared as row values, so a window deep in a million rows costs what the
/// first one costs (no OFFSET). Every sort expression has an index.
struct KeysetQuery {
    enum ValueKind {
        case integer, text
    }

    /// Column list of the rows, without the sort value (appended by the query).
    var columns: String
    var columnArguments: [any DatabaseValueConvertible]
    /// `product p`, with any joins.
    var from: String
    /// Conditions as written for listing and for counting. They differ only
    /// in planner hints: a listing wants the sort index to drive the scan, so
    /// a filter on a low-selectivity column is written `+column = ?` (no
    /// index); a count wants that column's index.
    var conditions: [(listing: String, counting: String)] = []
    var conditionArguments: [any DatabaseValueConvertible] = []
    /// The indexed expression rows are sorted by.
    var sortExpression: String
    var idExpression: String
    var direction: SortDirection
    var valueKind: ValueKind

    mutating func filter(_ condition: String, _ arguments: any DatabaseValueConvertible...) {
        conditions.append((condition, condition))
        conditionArguments.append(contentsOf: arguments)
    }

    /// A filter the listing must not drive by index (see `conditions`).
    mutating func filter(scanning condition: String, _ arguments: any DatabaseValueConvertible...) {
        conditions.append(("+" + condition, condition))
        conditionArguments.append(contentsOf: arguments)
    }

    private func whereClause(extra: String?, counting: Bool = false) -> String {
        var all = conditions.map { counting ? $0.counting : $0.listing }
        if let extra { all.append(extra) }
        return all.isEmpty ? "" : " WHERE " + all.joined(separator: " AND ")
    }

    private func keyArguments(_ key: KeysetKey) throws -> [any DatabaseValueConvertible] {
        switch (key.value, valueKind) {
        case (.integer(let value), .integer): return [value, value, key.id]
        case (.text(let value), .text): return [value, value, key.id]
        default: throw BackroomError.validation("cursor", "The cursor does not fit this list; start again without it.")
        }
    }

    /// `(sort, id) > (v, k)`, written so that SQLite seeks the sort index on
    /// its first term (a row-value comparison is not used to seek an index
    /// on an expression, and a scan from the end of a million rows is not cheap).
    private func comparison(_ op: String) -> String {
        let strict = String(op.prefix(1))
        return "\(sortExpression) \(strict)= ? AND (\(sortExpression) \(strict) ? OR \(idExpression) \(op) ?)"
    }

    private func order(_ direction: SortDirection) -> String {
        let word = direction == .ascending ? "ASC" : "DESC"
        return " ORDER BY \(sortExpression) \(word), \(idExpression) \(word)"
    }

    /// `>` in list order for the rows after a key.
    private var afterOperator: String { direction == .ascending ? ">" : "<" }
    private var beforeOperator: String { direction == .ascending ? "<" : ">" }

    /// The SQL and arguments of one window read, and whether rows come back
    /// in reverse list order.
    func windowStatement(_ window: ListWindow) throws -> (sql: String, arguments: [any DatabaseValueConvertible], reversed: Bool) {
        var extra: String?
        var arguments = columnArguments + conditionArguments
        var readDirection = direction
        var reversed = false
        switch window.anchor {
        case .first:
            break
        case .last:
            readDirection = direction.reversed
            reversed = true
        case .after(let key):
            extra = comparison(afterOperator)
            arguments += try keyArguments(key)
        case .from(let key):
            extra = comparison(afterOperator + "=")
            arguments += try keyArguments(key)
        case .before(let key):
            extra = comparison(beforeOperator)
            arguments += try keyArguments(key)
            readDirection = direction.reversed
            reversed = true
        }
        let sql = "SELECT \(columns), \(sortExpression) FROM \(from)\(whereClause(extra: extra))\(order(readDirection)) LIMIT \(window.limit + 1)"
        return (sql, arguments, reversed)
    }

    func fetchWindow<Item>(_ db: Database, _ window: ListWindow, decode: (Row) throws -> Item) throws -> Window<Item> {
        let limit = window.limit
        let (sql, arguments, reversed) = try windowStatement(window)
        let rows = try Row.fetchAll(db.cachedStatement(sql: sql), arguments: StatementArguments(arguments))
        let overflow = rows.count > limit
        var page = Array(rows.prefix(limit))
        if reversed { page.reverse() }
        var items: [Item] = []
        var keys: [KeysetKey] = []
        items.reserveCapacity(page.count)
        keys.reserveCapacity(page.count)
        for row in page {
            items.append(try decode(row))
            keys.append(key(of: row))
        }
        var hasMoreBefore = false
        var hasMoreAfter = false
        switch window.anchor {
        case .first:
            hasMoreAfter = overflow
        case .last:
            hasMoreBefore = overflow
        case .after(let key), .from(let key):
            hasMoreAfter = overflow
            hasMoreBefore = try exists(db, beyond: keys.first ?? key, operator: beforeOperator)
        case .before(let key):
            hasMoreBefore = overflow
            hasMoreAfter = try exists(db, beyond: keys.last ?? key, operator: afterOperator)
        }
        return Window(items: items, keys: keys, hasMoreBefore: hasMoreBefore, hasMoreAfter: hasMoreAfter)
    }

    private func key(of row: Row) -> KeysetKey {
        let id: Int64 = row["id"]
        let sortValue = row[row.count - 1] as DatabaseValue
        switch sortValue.storage {
        case .int64(let value): return KeysetKey(value: .integer(value), id: id)
        case .string(let value): return KeysetKey(value: .text(value), id: id)
        case .double(let value): return KeysetKey(value: .integer(Int64(value)), id: id)
        case .null, .blob: return KeysetKey(value: .null, id: id)
        }
    }

    private func exists(_ db: Database, beyond key: KeysetKey, operator op: String) throws -> Bool {
        let sql = "SELECT 1 FROM \(from)\(whereClause(extra: comparison(op))) LIMIT 1"
        let arguments = conditionArguments + (try keyArguments(key))
        return try Bool.fetchOne(db.cachedStatement(sql: sql), arguments: StatementArguments(arguments)) ?? false
    }

    func count(_ db: Database) throws -> Int {
        let sql = "SELECT COUNT(*) FROM \(from)\(whereClause(extra: nil, counting: true))"
        return try Int.fetchOne(db.cachedStatement(sql: sql), arguments: StatementArguments(conditionArguments)) ?? 0
    }

    /// How many rows come before `key` in list order.
    func position(_ db: Database, of key: KeysetKey) throws -> Int {
        let sql = "SELECT COUNT(*) FROM \(from)\(whereClause(extra: comparison(beforeOperator)))"
        let arguments = conditionArguments + (try keyArguments(key))
        return try Int.fetchOne(db.cachedStatement(sql: sql), arguments: StatementArguments(arguments)) ?? 0
    }
}

/// Turns what a person typed into an FTS5 query: every word must match as
/// a prefix (`mug gre` finds "Enamel mug, forest green"). Quotes in the
/// input are escaped, so no text can break the query syntax.
enum FullTextQuery {
    static func prefixQuery(_ text: String) -> String? {
        let words = text.split(whereSeparator: { $0.isWhitespace }).map { word -> String in
            let escaped = word.replacingOccurrences(of: "\"", with: "\"\"")
            return "\"\(escaped)\"*"
        }
        return words.isEmpty ? nil : words.joined(separator: " ")
    }
}
