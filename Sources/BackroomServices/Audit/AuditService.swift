import BackroomCore

public struct AuditService: Sendable {
    let store: any ShopStore

    /// The audit log, newest first.
    public func entries(window: ListWindow, by principal: Principal) async throws -> Window<AuditEntry> {
        try principal.require(.viewAudit)
        return try await store.auditLog(window: window)
    }
}
