import Foundation
import BackroomCore
import GRDB

/// A sorted, filtered list read in keyset windows, so a window deep in a
/// million rows costs what the first one costs (no OFFSET).
///
/// Rows are ordered by `(sort value, id)`. Reading past a key is done in two
/// index seeks: first the rows tied with the key's value (`sort = v AND id >
/// k`, which the index on `sort` — whose entries end with the rowid — seeks
/// exactly), then the rows beyond it (`sort > v`). A single `(sort, id) > (v,
/// k)` condition would make SQLite seek on `sort` alone and walk through
/// every tie, which on a column like `status` or `available` means walking
/// hundreds of thousands of rows.
struct KeysetQuery {
    enum ValueKind {
        case integer, text
    }

    /// Column list of the rows (must include one named `id`); the sort value
    /// is appended by the query.
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

    /// One SELECT of a window read.
    struct Part {
        var sql: String
        var arguments: [any DatabaseValueConvertible]
    }

    /// Which way to read from a key, in list terms.
    private enum Reach {
        case after(inclusive: Bool)
        case before
    }

    /// Counting alone, a scanning filter may use its index (a covering
    /// count of one status); next to any other condition it keeps its hint,
    /// or the planner walks a million active rows instead of, say, the
    /// partial low-stock index.
    private func whereClause(extra: [String], counting: Bool = false) -> String {
        let unhinted = counting && conditions.count == 1 && extra.isEmpty
        let all = conditions.map { unhinted ? $0.counting : $0.listing } + extra
        return all.isEmpty ? "" : " WHERE " + all.joined(separator: " AND ")
    }

    private func sortValue(_ key: KeysetKey) throws -> any DatabaseValueConvertible {
        switch (key.value, valueKind) {
        case (.integer(let value), .integer): return value
        case (.text(let value), .text): return value
        default: throw BackroomError.validation("cursor", "The cursor does not fit this list; start again without it.")
        }
    }

    private func order(_ direction: SortDirection, tiesOnly: Bool) -> String {
        let word = direction == .ascending ? "ASC" : "DESC"
        return tiesOnly ? " ORDER BY \(idExpression) \(word)" : " ORDER BY \(sortExpression) \(word), \(idExpression) \(word)"
    }

    /// The two conditions (ties, then beyond) that select rows past `key`.
    private func boundary(_ key: KeysetKey, _ reach: Reach) throws -> (ties: (String, [any DatabaseValueConvertible]), beyond: (String, [any DatabaseValueConvertible]), readDirection: SortDirection) {
        let value = try sortValue(key)
        let forward: Bool
        var inclusive = false
        switch reach {
        case .after(let isInclusive): forward = true; inclusive = isInclusive
        case .before: forward = false
        }
        // Reading forward in an ascending list means larger values.
        let larger = forward == (direction == .ascending)
        let strict = larger ? ">" : "<"
        let idOperator = strict + (inclusive ? "=" : "")
        return (
            ("\(sortExpression) = ? AND \(idExpression) \(idOperator) ?", [value, key.id]),
            ("\(sortExpression) \(strict) ?", [value]),
            forward ? direction : direction.reversed
        )
    }

    /// The statements of one window read, in the order to run them, and
    /// whether their rows come back in reverse list order.
    func windowParts(_ window: ListWindow) throws -> (parts: [Part], reversed: Bool) {
        let select = "SELECT \(columns), \(sortExpression) AS keyset_sort_value FROM \(from)"
        let limit = " LIMIT \(window.limit + 1)"
        let base = columnArguments + conditionArguments
        switch window.anchor {
        case .first:
            return ([Part(sql: select + whereClause(extra: []) + order(direction, tiesOnly: false) + limit, arguments: base)], false)
        case .last:
            return ([Part(sql: select + whereClause(extra: []) + order(direction.reversed, tiesOnly: false) + limit, arguments: base)], true)
        case .after(let key), .from(let key), .before(let key):
            let reach: Reach = switch window.anchor {
            case .before: .before
            case .from: .after(inclusive: true)
            default: .after(inclusive: false)
            }
            let (ties, beyond, readDirection) = try boundary(key, reach)
            return ([
                Part(sql: select + whereClause(extra: [ties.0]) + order(readDirection, tiesOnly: true) + limit, arguments: base + ties.1),
                Part(sql: select + whereClause(extra: [beyond.0]) + order(readDirection, tiesOnly: false) + limit, arguments: base + beyond.1),
            ], readDirection != direction)
        }
    }

    func fetchWindow<Item>(_ db: Database, _ window: ListWindow, decode: (Row) throws -> Item) throws -> Window<Item> {
        let limit = window.limit
        let (parts, reversed) = try windowParts(window)
        // Decoded as the cursor reads them (see `RowsDecoded`); one row past
        // the limit says whether there is more.
        var page: [(item: Item, key: KeysetKey)] = []
        page.reserveCapacity(limit)
        var overflow = false
        for part in parts where !overflow {
            let cursor = try Row.fetchCursor(db.cachedStatement(sql: part.sql), arguments: StatementArguments(part.arguments))
            try withExtendedLifetime(cursor) {
                while let row = try cursor.next() {
                    guard page.count < limit else {
                        overflow = true
                        break
                    }
                    page.append((try decode(row), try key(of: row)))
                }
            }
        }
        if reversed { page.reverse() }
        let items = page.map(\.item)
        let keys = page.map(\.key)
        var hasMoreBefore = false
        var hasMoreAfter = false
        switch window.anchor {
        case .first:
            hasMoreAfter = overflow
        case .last:
            hasMoreBefore = overflow
        case .after(let key), .from(let key):
            hasMoreAfter = overflow
            hasMoreBefore = try exists(db, beyond: keys.first ?? key, .before)
        case .before(let key):
            hasMoreBefore = overflow
            hasMoreAfter = try exists(db, beyond: keys.last ?? key, .after(inclusive: false))
        }
        return Window(items: items, keys: keys, hasMoreBefore: hasMoreBefore, hasMoreAfter: hasMoreAfter)
    }

    private func key(of row: Row) throws -> KeysetKey {
        let id: Int64 = try row.stored("id")
        let sortValue: DatabaseValue = try row.stored("keyset_sort_value")
        switch sortValue.storage {
        case .int64(let value): return KeysetKey(value: .integer(value), id: id)
        case .string(let value): return KeysetKey(value: .text(value), id: id)
        case .double(let value): return KeysetKey(value: .integer(Int64(value)), id: id)
        case .null, .blob: return KeysetKey(value: .null, id: id)
        }
    }

    private func exists(_ db: Database, beyond key: KeysetKey, _ reach: Reach) throws -> Bool {
        let (ties, beyond, _) = try boundary(key, reach)
        for (condition, arguments) in [ties, beyond] {
            let sql = "SELECT 1 FROM \(from)\(whereClause(extra: [condition])) LIMIT 1"
            if try Bool.fetchOne(db.cachedStatement(sql: sql), arguments: StatementArguments(conditionArguments + arguments)) ?? false {
                return true
            }
        }
        return false
    }

    func count(_ db: Database) throws -> Int {
        let sql = "SELECT COUNT(*) FROM \(from)\(whereClause(extra: [], counting: true))"
        return try Int.fetchOne(db.cachedStatement(sql: sql), arguments: StatementArguments(conditionArguments)) ?? 0
    }

    /// How many rows come before `key` in list order.
    func position(_ db: Database, of key: KeysetKey) throws -> Int {
        let (ties, beyond, _) = try boundary(key, .before)
        var total = 0
        for (condition, arguments) in [ties, beyond] {
            let sql = "SELECT COUNT(*) FROM \(from)\(whereClause(extra: [condition], counting: true))"
            total += try Int.fetchOne(db.cachedStatement(sql: sql), arguments: StatementArguments(conditionArguments + arguments)) ?? 0
        }
        return total
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
