import BackroomCore
import PostgresNIO

extension PostgresShopStore: AuditStore {
    public func recordAudit(_ record: AuditRecord, context: WriteContext) async throws {
        let logger = self.logger
        try await write { connection, changed in try await PostgresAuditLog.append(connection, context: context, record, logger: logger) }
    }

    public func auditLog(matching filter: AuditFilter, window: ListWindow) async throws -> Window<AuditEntry> {
        let logger = self.logger
        return try await read { connection in
            try await PostgresAuditLog.query(filter).fetchWindow(connection, window, logger: logger, decode: PostgresAuditLog.decode)
        }
    }

    public func countAuditEntries(matching filter: AuditFilter) async throws -> Int {
        let logger = self.logger
        return try await read { connection in try await PostgresAuditLog.query(filter).count(connection, logger: logger) }
    }
}

extension PostgresAuditLog {
    /// As the SQLite store filters: one actor, an action or (ending in a
    /// dot) a family of actions, a text in the target or the summary.
    static func query(_ filter: AuditFilter) -> PostgresKeysetQuery {
        var query = PostgresKeysetQuery(
            columns: "a.id, a.at, a.actor, a.actor_id, a.action, a.target_type, a.target_id, a.summary",
            columnValues: [], from: "audit_log a",
            sortExpression: "a.id", idExpression: "a.id", direction: .descending, valueKind: .integer
        )
        if let actor = filter.actor { query.filter("a.actor = ?", actor) }
        if let action = filter.action {
            if action.hasSuffix(".") {
                query.filter("starts_with(a.action, ?)", action)
            } else {
                query.filter("a.action = ?", action)
            }
        }
        if let text = filter.text?.lowercased() {
            query.filter("(strpos(backroom_nocase(a.target_id), ?) > 0 OR strpos(backroom_nocase(a.summary), ?) > 0)", text, text)
        }
        return query
    }
}
