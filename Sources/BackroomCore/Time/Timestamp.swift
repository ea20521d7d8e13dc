import Foundation

/// A point in time as Unix milliseconds, UTC: the store's time format.
public struct Timestamp: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public var millisecondsSince1970: Int64

    public init(millisecondsSince1970: Int64) {
        self.millisecondsSince1970 = millisecondsSince1970
    }

    public init(_ date: Date) {
        self.millisecondsSince1970 = Int64((date.timeIntervalSince1970 * 1000).rounded())
    }

    public var date: Date { Date(timeIntervalSince1970: Double(millisecondsSince1970) / 1000) }

    public func adding(milliseconds: Int64) -> Timestamp {
        Timestamp(millisecondsSince1970: millisecondsSince1970 + milliseconds)
    }

    public func adding(seconds: Int64) -> Timestamp { adding(milliseconds: seconds * 1000) }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        lhs.millisecondsSince1970 < rhs.millisecondsSince1970
    }

    public init(from decoder: any Decoder) throws {
        millisecondsSince1970 = try decoder.singleValueContainer().decode(Int64.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(millisecondsSince1970)
    }

    /// RFC 3339 with milliseconds, UTC: how times leave the process.
    public var iso8601: String {
        let parts = CivilTime(self)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
            parts.year, parts.month, parts.day, parts.hour, parts.minute, parts.second, parts.millisecond
        )
    }

    /// Parses RFC 3339 (`2026-11-29T10:15:00Z`, optional fraction and offset).
    public init?(iso8601 text: String) {
        let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        if let date = try? style.parse(text) {
            self.init(date)
        } else if let date = try? Date.ISO8601FormatStyle().parse(text) {
            self.init(date)
        } else {
            return nil
        }
    }

    public var description: String { iso8601 }
}
