import BackroomCore
import GRDB

/// Reading stored values by column name. A value that does not decode (a
/// NULL where one is required, text where a number belongs, a status this
/// Backroom does not know) is an `internal_error` naming the column, never
/// a crash and never silently relabelled as something else.
extension Row {
    func stored<Value: DatabaseValueConvertible>(_ column: String, as type: Value.Type = Value.self) throws -> Value {
        do {
            return try decode(Value.self, forColumn: column)
        } catch is RowDecodingError {
            // GRDB's description of the failure carries the statement and
            // the row's values; the message names the column and the kind
            // of value found, nothing more.
            throw StoredValueError.unreadable(column: column, found: (self[column] as DatabaseValue?) ?? .null, expected: "\(Value.self)")
        }
    }

    /// A stored enumeration (a status, a role, a reason).
    func stored<Value: RawRepresentable>(_ column: String, as type: Value.Type) throws -> Value where Value.RawValue == String {
        let raw: String = try stored(column)
        guard let value = Value(rawValue: raw) else { throw StoredValueError.unknown(column: column, value: raw) }
        return value
    }

    func stored<Value: RawRepresentable>(_ column: String, as type: Value?.Type) throws -> Value? where Value.RawValue == String {
        guard let raw: String = try stored(column) else { return nil }
        guard let value = Value(rawValue: raw) else { throw StoredValueError.unknown(column: column, value: raw) }
        return value
    }

    func timestamp(_ column: String) throws -> Timestamp {
        Timestamp(millisecondsSince1970: try stored(column))
    }

    func timestampIfPresent(_ column: String) throws -> Timestamp? {
        (try stored(column, as: Int64?.self)).map(Timestamp.init(millisecondsSince1970:))
    }

    func currency(_ column: String) throws -> Currency {
        let code: String = try stored(column)
        do {
            return try Currency(code: code)
        } catch {
            throw StoredValueError.unknown(column: column, value: code)
        }
    }
}

/// Decoding while the statement is live. A row still on its statement finds
/// a column by name in the statement's own table of names; a copied row
/// (`Row.fetchAll`, `Row.fetchOne`) compares every column name, lowercased,
/// on every lookup (a page of 50 inventory rows read 2.5× slower so).
enum RowsDecoded {
    static func all<Item>(_ statement: Statement, arguments: StatementArguments = [], _ decode: (Row) throws -> Item) throws -> [Item] {
        var items: [Item] = []
        let cursor = try Row.fetchCursor(statement, arguments: arguments)
        try withExtendedLifetime(cursor) {
            while let row = try cursor.next() { items.append(try decode(row)) }
        }
        return items
    }

    static func one<Item>(_ statement: Statement, arguments: StatementArguments = [], _ decode: (Row) throws -> Item) throws -> Item? {
        // A cursor's row is valid only while the cursor lives: an optimised
        // build releases a cursor after its last use, before the decode.
        let cursor = try Row.fetchCursor(statement, arguments: arguments)
        return try withExtendedLifetime(cursor) {
            guard let row = try cursor.next() else { return nil }
            return try decode(row)
        }
    }
}

enum StoredValueError {
    static func unreadable(column: String, found: DatabaseValue, expected: String) -> BackroomError {
        let kind = switch found.storage {
        case .null: "NULL"
        case .int64: "an integer"
        case .double: "a real number"
        case .string: "text"
        case .blob: "a blob"
        }
        return BackroomError(.internalError, "The store holds \(kind) in \(column), where Backroom reads \(expected); nothing was changed.")
    }

    static func unknown(column: String, value: String) -> BackroomError {
        BackroomError(
            .internalError,
            "The store holds \(column) \"\(value)\", which this Backroom does not know (written by a newer version, or by hand); nothing was changed."
        )
    }
}
