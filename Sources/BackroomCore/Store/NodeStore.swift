/// The API nodes sharing this store, as their heartbeats left them.
/// Heartbeats are not shop data: they move no revision, write no audit
/// line, and `backroom copy` leaves them behind.
public protocol NodeStore: Sendable {
    /// Inserts or refreshes the node's row (by name).
    func recordHeartbeat(_ node: NodeHeartbeat) async throws

    /// Nodes seen at or after `since`, by name.
    func nodes(seenSince since: Timestamp) async throws -> [NodeHeartbeat]

    /// Drops the node's row (a node that stops cleanly says goodbye), and
    /// rows of nodes not seen since `staleBefore`.
    func removeNode(named name: String, staleBefore: Timestamp) async throws
}
