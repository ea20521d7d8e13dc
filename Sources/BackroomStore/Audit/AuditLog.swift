import BackroomCore
import Foundation
import GRDB

enum AuditLog {
    static func append(_ db: Database, context: WriteContext, _ record: AuditRecord) throws {
        try db.cachedStatement(sql: """
            INSERT INTO audit_log (at, actor, actor_id, action, target_type, target_id, summary)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [
                context.at.millisecondsSince1970, context.principal.name, context.principal.userID,
                record.action, record.targetType, record.targetID, record.summary,
            ])
    }

    static func decode(_ row: Row) throws -> AuditEntry {
        AuditEntry(
            id: try row.stored("id"), at: try row.timestamp("at"), actor: try row.stored("actor"), actorID: try row.stored("actor_id"),
            action: try row.stored("action"), targetType: try row.stored("target_type"), targetID: try row.stored("target_id"),
            summary: try row.stored("summary")
        )
    }
}

extension SQLiteShopStore {
    public func auditLog(matching filter: AuditFilter, window: ListWindow) async throws -> Window<AuditEntry> {
        try await snapshotRead { db in try AuditLog.query(filter).fetchWindow(db, window, decode: AuditLog.decode) }
    }

    public func countAuditEntries(matching filter: AuditFilter) async throws -> Int {
        try await snapshotRead { db in try AuditLog.query(filter).count(db) }
    }
}

extension AuditLog {
    static func query(_ filter: AuditFilter) -> KeysetQuery {
        var query = KeysetQuery(
            columns: "a.id, a.at, a.actor, a.actor_id, a.action, a.target_type, a.target_id, a.summary",
            columnArguments: [], from: "audit_log a",
            sortExpression: "a.id", idExpression: "a.id", direction: .descending, valueKind: .integer
        )
        if let actor = filter.actor { query.filter("a.actor = ?", actor) }
        if let action = filter.action {
            if action.hasSuffix(".") {
                query.filter("a.action >= ? AND a.action < ?", action, action + "\u{10FFFF}")
            } else {
                query.filter("a.action = ?", action)
            }
        }
        if let text = filter.text?.lowercased() {
            query.filter(scanning: "(lower(a.target_id) LIKE ? ESCAPE '\\' OR lower(a.summary) LIKE ? ESCAPE '\\')", "%" + likeEscaped(text) + "%", "%" + likeEscaped(text) + "%")
        }
        return query
    }

    static func likeEscaped(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
    }
}
