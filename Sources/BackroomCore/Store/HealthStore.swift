/// What changed, and whether the store is consistent.
public protocol HealthStore: Sendable {
    func revision() async throws -> StoreRevision

    /// Every broken inventory invariant; empty when the store is consistent.
    func checkInvariants(now: Timestamp) async throws -> [InvariantViolation]
}
