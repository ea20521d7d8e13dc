import BackroomCore
import PostgresNIO

/// Staff writes, each with its line in the same transaction.
enum PostgresAuditLog {
    static func append(_ connection: PostgresConnection, context: WriteContext, _ record: AuditRecord, logger: Logger) async throws {
        try await connection.query("""
            INSERT INTO audit_log (at, actor, actor_id, action, target_type, target_id, summary)
            VALUES (\(context.at.millisecondsSince1970), \(context.principal.name), \(context.principal.userID),
                    \(record.action), \(record.targetType), \(record.targetID), \(record.summary))
            """, logger: logger)
    }

    static func decode(_ row: PostgresRandomAccessRow) throws -> AuditEntry {
        AuditEntry(
            id: try row.stored("id"), at: try row.timestamp("at"), actor: try row.stored("actor"), actorID: try row.stored("actor_id"),
            action: try row.stored("action"), targetType: try row.stored("target_type"), targetID: try row.stored("target_id"),
            summary: try row.stored("summary")
        )
    }
}
