import BackroomCore
import PostgresNIO

/// The stock ledger: every change of on hand is a row, written in the same
/// transaction as the change.
enum PostgresLedger {
    static func append(
        _ connection: PostgresConnection, productID: Int64, delta: Int64, reason: MovementReason,
        actor: String, reference: String?, onHandAfter: Int64, at: Timestamp, logger: Logger
    ) async throws -> Int64 {
        let rows = try await connection.query("""
            INSERT INTO stock_movement (product_id, delta, reason, actor, reference, on_hand_after, created_at)
            VALUES (\(productID), \(delta), \(reason.rawValue), \(actor), \(reference), \(onHandAfter), \(at.millisecondsSince1970))
            RETURNING id
            """, logger: logger)
        return try await rows.decoded { try $0.stored("id", as: Int64.self) }[0]
    }

    static func decode(_ row: PostgresRandomAccessRow) throws -> StockMovement {
        StockMovement(
            id: try row.stored("id"), productID: try row.stored("product_id"), sku: SKU(trusted: try row.stored("sku")),
            delta: try row.stored("delta"), reason: try row.stored("reason", as: MovementReason.self), actor: try row.stored("actor"),
            reference: try row.stored("reference"), onHandAfter: try row.stored("on_hand_after"), createdAt: try row.timestamp("created_at")
        )
    }
}

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
