import BackroomCore

public struct AuditService: Sendable {
    let store: any ShopStore

    /// The audit log, newest first.
    public func entries(matching filter: AuditFilter = AuditFilter(), window: ListWindow, by principal: Principal) async throws -> Window<AuditEntry> {
        try principal.require(.viewAudit)
        return try await store.auditLog(matching: try Self.validated(filter), window: window)
    }

    public func count(matching filter: AuditFilter = AuditFilter(), by principal: Principal) async throws -> Int {
        try principal.require(.viewAudit)
        return try await store.countAuditEntries(matching: try Self.validated(filter))
    }

    static func validated(_ filter: AuditFilter) throws(BackroomError) -> AuditFilter {
        var filter = filter
        filter.actor = try TextRules.optionalLine(filter.actor, field: "actor", label: "actor", maximum: 254)
        filter.action = try TextRules.optionalLine(filter.action, field: "action", label: "action", maximum: 64)
        filter.text = try TextRules.optionalLine(filter.text, field: "q", label: "search text", maximum: 200)
        return filter
    }
}
