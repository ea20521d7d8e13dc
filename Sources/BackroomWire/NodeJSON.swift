import BackroomCore

/// One API node in `GET /api/v1/admin/nodes`, as the console reads it.
public struct NodeJSON: Codable, Sendable, Hashable {
    public var name: String
    /// Where the node's API answers (its live stream is under it).
    public var url: String
    public var version: String
    public var startedAt: String
    public var seenAt: String
    /// The node that answered this request.
    public var current: Bool

    public init(_ node: NodeHeartbeat, current: Bool) {
        name = node.name
        url = node.url
        version = node.version
        startedAt = node.startedAt.iso8601
        seenAt = node.seenAt.iso8601
        self.current = current
    }
}
