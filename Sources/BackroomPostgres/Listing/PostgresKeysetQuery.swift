import BackroomCore
import PostgresNIO

/// A value bound to a `?` of a statement built in parts.
typealias Bound = any PostgresNonThrowingEncodable & Sendable

/// SQL written with `?` for its values, numbered `$1, $2…` when it is sent.
struct Statement {
    var sql: String
    var values: [Bound?]

    var query: PostgresQuery {
        var bindings = PostgresBindings(capacity: values.count)
        var text = ""
        text.reserveCapacity(sql.utf8.count + values.count * 2)
        var number = 0
        for character in sql {
            if character == "?" {
                number += 1
                text += "$\(number)"
            } else {
                text.append(character)
            }
        }
        precondition(number == values.count, "a statement's ? and its values must match")
        for value in values {
            if let value { bindings.append(value) } else { bindings.appendNull() }
        }
        return PostgresQuery(unsafeSQL: text, binds: bindings)
    }
}

/// A sorted, filtered list read in keyset windows, as the SQLite store
/// reads it (`KeysetQuery` there): rows in `(sort value, id)` order, a read
/// past a key done as two seeks — the rows tied with the key's value, then
/// the rows beyond it — so that a window deep in a million rows costs what
/// the first one costs, and the same key means the same place on both.
struct PostgresKeysetQuery {
    enum ValueKind {
        case integer, text
    }

    /// Column list of the rows (must include one named `id`).
    var columns: String
    var columnValues: [Bound?]
    var from: String
    var conditions: [String] = []
    var conditionValues: [Bound?] = []
    /// The indexed expression rows are sorted by (text sorts carry their
    /// own `COLLATE "C"`: byte order, as SQLite compares).
    var sortExpression: String
    var idExpression: String
    var direction: SortDirection
    var valueKind: ValueKind

    mutating func filter(_ condition: String, _ values: Bound?...) {
        conditions.append(condition)
        conditionValues.append(contentsOf: values)
    }

    private enum Reach {
        case after(inclusive: Bool)
        case before
    }

    private func whereClause(extra: [String]) -> String {
        let all = conditions + extra
        return all.isEmpty ? "" : " WHERE " + all.joined(separator: " AND ")
    }

    private func sortValue(_ key: KeysetKey) throws -> Bound {
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

    private func boundary(_ key: KeysetKey, _ reach: Reach) throws -> (ties: (String, [Bound?]), beyond: (String, [Bound?]), readDirection: SortDirection) {
        let value = try sortValue(key)
        let forward: Bool
        var inclusive = false
        switch reach {
        case .after(let isInclusive): forward = true; inclusive = isInclusive
        case .before: forward = false
        }
        let larger = forward == (direction == .ascending)
        let strict = larger ? ">" : "<"
        let idOperator = strict + (inclusive ? "=" : "")
        return (
            ("\(sortExpression) = ? AND \(idExpression) \(idOperator) ?", [value, key.id]),
            ("\(sortExpression) \(strict) ?", [value]),
            forward ? direction : direction.reversed
        )
    }

    private func windowParts(_ window: ListWindow) throws -> (parts: [Statement], reversed: Bool) {
        let select = "SELECT \(columns), \(sortExpression) AS keyset_sort_value FROM \(from)"
        let limit = " LIMIT \(window.limit + 1)"
        let base = columnValues + conditionValues
        switch window.anchor {
        case .first:
            return ([Statement(sql: select + whereClause(extra: []) + order(direction, tiesOnly: false) + limit, values: base)], false)
        case .last:
            return ([Statement(sql: select + whereClause(extra: []) + order(direction.reversed, tiesOnly: false) + limit, values: base)], true)
        case .after(let key), .from(let key), .before(let key):
            let reach: Reach = switch window.anchor {
            case .before: .before
            case .from: .after(inclusive: true)
            default: .after(inclusive: false)
            }
            let (ties, beyond, readDirection) = try boundary(key, reach)
            return ([
                Statement(sql: select + whereClause(extra: [ties.0]) + order(readDirection, tiesOnly: true) + limit, values: base + ties.1),
                Statement(sql: select + whereClause(extra: [beyond.0]) + order(readDirection, tiesOnly: false) + limit, values: base + beyond.1),
            ], readDirection != direction)
        }
    }

    func fetchWindow<Item>(
        _ connection: PostgresConnection, _ window: ListWindow, logger: Logger, decode: (PostgresRandomAccessRow) throws -> Item
    ) async throws -> Window<Item> {
        let limit = window.limit
        let (parts, reversed) = try windowParts(window)
        var page: [(item: Item, key: KeysetKey)] = []
        page.reserveCapacity(limit)
        var overflow = false
        for part in parts where !overflow {
            for try await row in try await connection.query(part.query, logger: logger) {
                guard page.count < limit else {
                    overflow = true
                    continue
                }
                let cells = row.makeRandomAccess()
                page.append((try decode(cells), try key(of: cells)))
            }
        }
        if reversed { page.reverse() }
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
            hasMoreBefore = try await exists(connection, beyond: keys.first ?? key, .before, logger: logger)
        case .before(let key):
            hasMoreBefore = overflow
            hasMoreAfter = try await exists(connection, beyond: keys.last ?? key, .after(inclusive: false), logger: logger)
        }
        return Window(items: page.map(\.item), keys: keys, hasMoreBefore: hasMoreBefore, hasMoreAfter: hasMoreAfter)
    }

    private func key(of row: PostgresRandomAccessRow) throws -> KeysetKey {
        let id = try row.stored("id", as: Int64.self)
        switch valueKind {
        case .integer:
            let value = try row.stored("keyset_sort_value", as: Int64?.self)
            return KeysetKey(value: value.map(KeysetValue.integer) ?? .null, id: id)
        case .text:
            let value = try row.stored("keyset_sort_value", as: String?.self)
            return KeysetKey(value: value.map(KeysetValue.text) ?? .null, id: id)
        }
    }

    private func exists(_ connection: PostgresConnection, beyond key: KeysetKey, _ reach: Reach, logger: Logger) async throws -> Bool {
        let (ties, beyond, _) = try boundary(key, reach)
        for (condition, values) in [ties, beyond] {
            let statement = Statement(sql: "SELECT 1 AS found FROM \(from)\(whereClause(extra: [condition])) LIMIT 1", values: conditionValues + values)
            for try await _ in try await connection.query(statement.query, logger: logger) { return true }
        }
        return false
    }

    func count(_ connection: PostgresConnection, logger: Logger) async throws -> Int {
        let statement = Statement(sql: "SELECT COUNT(*) AS rows FROM \(from)\(whereClause(extra: []))", values: conditionValues)
        return Int(try await connection.query(statement.query, logger: logger).decoded { try $0.stored("rows", as: Int64.self) }.first ?? 0)
    }

    /// How many rows come before `key` in list order.
    func position(_ connection: PostgresConnection, of key: KeysetKey, logger: Logger) async throws -> Int {
        let (ties, beyond, _) = try boundary(key, .before)
        var total = 0
        for (condition, values) in [ties, beyond] {
            let statement = Statement(sql: "SELECT COUNT(*) AS rows FROM \(from)\(whereClause(extra: [condition]))", values: conditionValues + values)
            total += Int(try await connection.query(statement.query, logger: logger).decoded { try $0.stored("rows", as: Int64.self) }.first ?? 0)
        }
        return total
    }
}

/// What a person typed, as the SQLite store's FTS5 prefix query reads it:
/// every word must begin a word of the text (`mug gre` finds "Enamel mug,
/// forest green"), case and accents aside. Each word is folded and turned
/// into a regular expression anchored at a word start by the database
/// (`backroom_word_prefix`, migration v1), so the text and the words are
/// folded by the same function; the trigram index serves the match.
enum PostgresTextQuery {
    /// The typed words; nil when nothing was typed.
    static func words(_ text: String) -> [String]? {
        let words = text.split(whereSeparator: { $0.isWhitespace }).map(String.init)
        return words.isEmpty ? nil : words
    }
}
