import BackroomCore
import GRDB

/// The stock ledger: every change of on hand is a row here, written in the
/// same transaction as the change.
enum Ledger {
    @discardableResult
    static func append(
        _ db: Database, productID: Int64, delta: Int64, reason: MovementReason,
        actor: String, reference: String?, onHandAfter: Int64, at: Timestamp
    ) throws -> Int64 {
        try db.cachedStatement(sql: """
            INSERT INTO stock_movement (product_id, delta, reason, actor, reference, on_hand_after, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [productID, delta, reason.rawValue, actor, reference, onHandAfter, at.millisecondsSince1970])
        return db.lastInsertedRowID
    }

    static let columns = "m.id, m.product_id, p.sku, m.delta, m.reason, m.actor, m.reference, m.on_hand_after, m.created_at"

    static func decode(_ row: Row) throws -> StockMovement {
        StockMovement(
            id: try row.stored("id"), productID: try row.stored("product_id"), sku: SKU(trusted: try row.stored("sku")), delta: try row.stored("delta"),
            reason: try row.stored("reason", as: MovementReason.self), actor: try row.stored("actor"), reference: try row.stored("reference"),
            onHandAfter: try row.stored("on_hand_after"), createdAt: try row.timestamp("created_at")
        )
    }
}

/// Holds are released lazily by writers (for the SKU they touch) and in
/// bulk by the sweeper; both keep `product.held` equal to the hold rows.
enum Holds {
    /// Deletes the product's expired holds and takes them off `held`, so the
    /// caller decides on live numbers.
    static func releaseExpired(_ db: Database, productID: Int64, now: Timestamp) throws {
        let expired = try Int64.fetchOne(
            db.cachedStatement(sql: "SELECT ifnull(SUM(quantity), 0) FROM stock_hold WHERE product_id = ? AND expires_at <= ?"),
            arguments: [productID, now.millisecondsSince1970]
        ) ?? 0
        guard expired > 0 else { return }
        try db.cachedStatement(sql: "DELETE FROM stock_hold WHERE product_id = ? AND expires_at <= ?")
            .execute(arguments: [productID, now.millisecondsSince1970])
        try db.cachedStatement(sql: "UPDATE product SET held = held - ? WHERE id = ?")
            .execute(arguments: [expired, productID])
    }
}
