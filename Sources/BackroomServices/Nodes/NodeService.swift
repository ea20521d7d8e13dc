import BackroomCore

/// The API nodes that share this store: each beats every
/// `heartbeatInterval`; one not seen for `livenessWindow` has gone away.
/// Listing them is for whoever may watch the live stream (the console
/// attaches to each node it finds here).
public struct NodeService: Sendable {
    let store: any ShopStore
    let clock: any TimeSource

    public static let heartbeatInterval: Duration = .seconds(2)
    /// Three missed beats: a busy node is not declared gone over one slow write.
    public static let livenessWindowMilliseconds: Int64 = 6_000

    /// Records that `node` is alive now.
    public func beat(_ node: NodeHeartbeat) async throws {
        var node = node
        node.seenAt = clock.now()
        try await store.recordHeartbeat(node)
    }

    /// The nodes seen within the liveness window, by name.
    public func live(by principal: Principal) async throws -> [NodeHeartbeat] {
        try principal.require(.viewLive)
        return try await store.nodes(seenSince: clock.now().adding(milliseconds: -Self.livenessWindowMilliseconds))
    }

    /// A node that stops cleanly leaves at once (and clears rows of nodes
    /// gone for a day, so the table stays as small as the cluster).
    public func leave(_ name: String) async throws {
        try await store.removeNode(named: name, staleBefore: clock.now().adding(seconds: -86_400))
    }
}
