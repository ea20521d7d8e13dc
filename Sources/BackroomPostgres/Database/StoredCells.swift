import BackroomCore
import PostgresNIO

/// Values read by column name. A value that does not decode (a type this
/// Backroom does not expect, an enum case it does not know) is an internal
/// error naming the column, never a trap or a silent default.
extension PostgresRandomAccessRow {
    func stored<T: PostgresDecodable>(_ column: String, as type: T.Type = T.self) throws -> T {
        guard contains(column) else { throw BackroomError(.internalError, "store error: no column \(column) in the row read") }
        do {
            return try self[column].decode(T.self, context: .default)
        } catch {
            throw BackroomError(.internalError, "store error: column \(column) holds a value that is not a \(T.self)")
        }
    }

    func stored<T: RawRepresentable>(_ column: String, as type: T.Type) throws -> T where T.RawValue == String {
        let raw = try stored(column, as: String.self)
        guard let value = T(rawValue: raw) else {
            throw BackroomError(.internalError, "store error: column \(column) holds \"\(raw)\", which this Backroom does not know as a \(T.self)")
        }
        return value
    }

    func timestamp(_ column: String) throws -> Timestamp {
        Timestamp(millisecondsSince1970: try stored(column, as: Int64.self))
    }

    func currency(_ column: String) throws -> Currency {
        let code = try stored(column, as: String.self)
        do {
            return try Currency(code: code)
        } catch {
            throw BackroomError(.internalError, "store error: column \(column) holds \"\(code)\", which is not a currency")
        }
    }
}

extension PostgresRowSequence {
    /// Every row, decoded while it is read.
    func decoded<T>(_ decode: (PostgresRandomAccessRow) throws -> T) async throws -> [T] {
        var results: [T] = []
        for try await row in self { results.append(try decode(row.makeRandomAccess())) }
        return results
    }
}
