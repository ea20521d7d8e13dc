/// What changed, and whether the store is consistent.
public protocol HealthStore: Sendable {
    func revision() async throws -> StoreRevision

    /// Calls `notice` soon after a write that changed the catalog commits,
    /// in any process, until the task is cancelled; throws when the signal
    /// is lost (the caller listens again). A store without such a signal
    /// returns at once, uncancelled: its readers poll `revision()` alone.
    func listenForRevisionNotices(_ notice: @escaping @Sendable () -> Void) async throws

    /// Every broken inventory invariant; empty when the store is consistent.
    func checkInvariants(now: Timestamp) async throws -> [InvariantViolation]
}

extension HealthStore {
    public func listenForRevisionNotices(_ notice: @escaping @Sendable () -> Void) async throws {}
}
