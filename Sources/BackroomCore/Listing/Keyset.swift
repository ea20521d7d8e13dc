import Foundation

public enum SortDirection: String, Sendable, Hashable, Codable {
    case ascending = "asc"
    case descending = "desc"

    public var reversed: SortDirection { self == .ascending ? .descending : .ascending }
}

/// The value of a row's sort column, as the store compared it.
public enum KeysetValue: Sendable, Hashable, Codable {
    case integer(Int64)
    case text(String)
    case null
}

/// Where a row sits in a sorted list: its sort value, then its id to break ties.
public struct KeysetKey: Sendable, Hashable, Codable {
    public var value: KeysetValue
    public var id: Int64

    public init(value: KeysetValue, id: Int64) {
        self.value = value
        self.id = id
    }
}

/// Which slice of a sorted list to read.
public enum WindowAnchor: Sendable, Hashable {
    /// From the top.
    case first
    /// From the bottom (the last `limit` rows).
    case last
    /// Rows strictly after this key.
    case after(KeysetKey)
    /// Rows strictly before this key (returned in list order).
    case before(KeysetKey)
    /// Rows from this key on, the key's own row included if it still exists.
    case from(KeysetKey)
}

public struct ListWindow: Sendable, Hashable {
    public var anchor: WindowAnchor
    public var limit: Int

    public static let maximumLimit = 500

    public init(anchor: WindowAnchor = .first, limit: Int = 50) {
        self.anchor = anchor
        self.limit = max(1, min(limit, ListWindow.maximumLimit))
    }
}

/// A slice of a sorted list, with each row's key so that the next slice
/// can start exactly where this one ended.
public struct Window<Item: Sendable>: Sendable {
    public var items: [Item]
    public var keys: [KeysetKey]
    /// Whether rows exist beyond the slice at each end.
    public var hasMoreBefore: Bool
    public var hasMoreAfter: Bool

    public init(items: [Item], keys: [KeysetKey], hasMoreBefore: Bool, hasMoreAfter: Bool) {
        self.items = items
        self.keys = keys
        self.hasMoreBefore = hasMoreBefore
        self.hasMoreAfter = hasMoreAfter
    }

    public static var empty: Window<Item> { Window(items: [], keys: [], hasMoreBefore: false, hasMoreAfter: false) }
}

extension Window: Equatable where Item: Equatable {}

/// Opaque cursors for APIs: a key bound to the sort it came from, so a
/// cursor from one sort cannot be replayed against another.
public enum KeysetCursor {
    private struct Payload: Codable {
        var s: String
        var k: KeysetKey
    }

    public static func encode(_ key: KeysetKey, sort: String) -> String {
        let data = (try? JSONEncoder().encode(Payload(s: sort, k: key))) ?? Data()
        return data.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    public static func decode(_ cursor: String, sort: String) throws(BackroomError) -> KeysetKey {
        var base64 = cursor.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard cursor.count <= 1024,
              let data = Data(base64Encoded: base64),
              let payload = try? JSONDecoder().decode(Payload.self, from: data)
        else {
            throw .validation("cursor", "The cursor is not one this server issued.")
        }
        guard payload.s == sort else {
            throw .validation("cursor", "The cursor belongs to another sort order; start again without it.")
        }
        return payload.k
    }
}

/// A sort column and direction for one kind of list.
public struct ListSort<Key: Sendable & Hashable & RawRepresentable>: Sendable, Hashable where Key.RawValue == String {
    public var key: Key
    public var direction: SortDirection

    public init(_ key: Key, _ direction: SortDirection = .ascending) {
        self.key = key
        self.direction = direction
    }

    /// `name`, `-price`: the form the API takes and cursors remember.
    public var token: String { (direction == .descending ? "-" : "") + key.rawValue }

    public init(parsing token: String) throws(BackroomError) where Key: CaseIterable {
        let descending = token.hasPrefix("-")
        let name = descending ? String(token.dropFirst()) : token
        guard let key = Key(rawValue: name) else {
            let names = Key.allCases.map(\.rawValue).joined(separator: ", ")
            throw .validation("sort", "Cannot sort by \"\(name)\"; use one of \(names), with - for descending.")
        }
        self.init(key, descending ? .descending : .ascending)
    }
}
