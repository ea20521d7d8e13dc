import HTTPTypes
import Hummingbird

/// The router's routes as path templates, to tell a wrong method on a known
/// path (405) from an unknown path (404).
public struct RouteMatcher: Sendable {
    struct Entry: Sendable {
        var segments: [Substring]
        var method: HTTPRequest.Method
    }

    private let entries: [Entry]

    public init(routes: [(path: String, method: HTTPRequest.Method)]) {
        entries = routes.map { Entry(segments: $0.path.split(separator: "/"), method: $0.method) }
    }

    /// Methods registered for a path matching `path`; empty for an unknown path.
    public func allowedMethods(for path: String) -> [HTTPRequest.Method] {
        let segments = path.split(separator: "/")
        var methods: [HTTPRequest.Method] = []
        for entry in entries where Self.matches(entry.segments, segments) && !methods.contains(entry.method) {
            methods.append(entry.method)
        }
        // HEAD is answered wherever GET is.
        if methods.contains(.get) && !methods.contains(.head) { methods.append(.head) }
        return methods.sorted { $0.rawValue < $1.rawValue }
    }

    static func matches(_ template: [Substring], _ path: [Substring]) -> Bool {
        guard template.count == path.count else { return false }
        for (pattern, segment) in zip(template, path) {
            let isParameter = pattern.hasPrefix(":") || (pattern.hasPrefix("{") && pattern.hasSuffix("}")) || pattern == "*"
            if !isParameter && pattern != segment { return false }
        }
        return true
    }
}
