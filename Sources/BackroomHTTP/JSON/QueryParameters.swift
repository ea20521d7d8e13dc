import BackroomCore
import HTTPTypes
import Hummingbird

/// Typed access to query parameters, with errors that name the parameter.
struct QueryParameters {
    let request: Request

    init(_ request: Request) {
        self.request = request
    }

    func string(_ name: String) -> String? {
        guard let value = request.uri.queryParameters[name[...]] else { return nil }
        let text = String(value)
        return text.isEmpty ? nil : text
    }

    func integer(_ name: String) throws -> Int64? {
        guard let text = string(name) else { return nil }
        guard let value = Int64(text) else { throw BackroomError.validation(name, "\"\(text.prefix(40))\" is not a whole number.") }
        return value
    }

    func bool(_ name: String) throws -> Bool? {
        guard let text = string(name)?.lowercased() else { return nil }
        switch text {
        case "true", "1", "yes": return true
        case "false", "0", "no": return false
        default: throw BackroomError.validation(name, "Use true or false.")
        }
    }

    func timestamp(_ name: String) throws -> Timestamp? {
        guard let text = string(name) else { return nil }
        guard let timestamp = Timestamp(iso8601: text) else {
            throw BackroomError.validation(name, "Use an RFC 3339 time, like 2026-11-29T10:00:00Z.")
        }
        return timestamp
    }

    /// `limit` (1–500, default 50) and `cursor` (bound to the sort in use).
    func window(sort: String, defaultLimit: Int = 50) throws -> ListWindow {
        var limit = defaultLimit
        if let requested = try integer("limit") {
            guard (1...Int64(ListWindow.maximumLimit)).contains(requested) else {
                throw BackroomError.validation("limit", "limit must be between 1 and \(ListWindow.maximumLimit).")
            }
            limit = Int(requested)
        }
        if let cursor = string("cursor") {
            return ListWindow(anchor: .after(try KeysetCursor.decode(cursor, sort: sort)), limit: limit)
        }
        return ListWindow(anchor: .first, limit: limit)
    }

    func sort<Key>(default fallback: ListSort<Key>) throws -> ListSort<Key> where Key: CaseIterable {
        guard let text = string("sort") else { return fallback }
        return try ListSort<Key>(parsing: text)
    }
}

extension Window {
    /// The page for the API: items, and a cursor if more follow.
    func page<JSON: Codable & Sendable>(sort: String, _ transform: (Item) -> JSON) -> PageJSON<JSON> {
        PageJSON(items: items.map(transform), nextCursor: hasMoreAfter ? keys.last.map { KeysetCursor.encode($0, sort: sort) } : nil)
    }
}
