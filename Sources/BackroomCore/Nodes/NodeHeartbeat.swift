/// One API node as it last reported itself to the store it shares with
/// the others. A node beats every few seconds; one not seen for a while
/// has gone away (crashed, killed, cut off), whatever its row says.
public struct NodeHeartbeat: Sendable, Hashable, Codable {
    public var name: String
    /// Where the node's API answers, as the node believes it can be
    /// reached: the console attaches to each node's live stream there.
    public var url: String
    public var startedAt: Timestamp
    public var seenAt: Timestamp
    public var version: String

    public init(name: String, url: String, startedAt: Timestamp, seenAt: Timestamp, version: String) {
        self.name = name
        self.url = url
        self.startedAt = startedAt
        self.seenAt = seenAt
        self.version = version
    }
}

/// The rules for a node's name: it appears in logs, metrics labels, the
/// live stream and `/healthz`, so it is short and plain.
public enum NodeName {
    public static let maximumLength = 64

    /// The name, or a validation error naming `--node-name`.
    public static func validated(_ text: String) throws(BackroomError) -> String {
        guard !text.isEmpty, text.utf8.count <= maximumLength,
              text.unicodeScalars.allSatisfy({ isAllowed($0) })
        else {
            throw .validation(
                "node.name",
                "A node name is 1 to \(maximumLength) letters, digits, '.', '_', '-' or ':' (was \"\(text.prefix(80))\")."
            )
        }
        return text
    }

    /// `host:port`, the default: unique on one machine and across machines
    /// as long as their host names are.
    public static func defaultName(hostName: String, port: Int) -> String {
        let host = String(hostName.unicodeScalars.filter { isAllowed($0) && $0 != ":" }.prefix(maximumLength - 6))
        return (host.isEmpty ? "node" : host) + ":\(port)"
    }

    private static func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9", ".", "_", "-", ":": true
        default: false
        }
    }
}
