/// The audit log of staff writes.
public protocol AuditStore: Sendable {
    /// One audit entry on its own (an import's summary).
    func recordAudit(_ record: AuditRecord, context: WriteContext) async throws

    /// Audit entries, newest first.
    func auditLog(matching filter: AuditFilter, window: ListWindow) async throws -> Window<AuditEntry>

    func countAuditEntries(matching filter: AuditFilter) async throws -> Int
}
