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
