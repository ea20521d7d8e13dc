import BackroomCore
import GRDB

extension SQLiteShopStore {
    public func checkInvariants(now: Timestamp) async throws -> [InvariantViolation] {
        try await snapshotRead { db in try Self.invariantViolations(db, now: now) }
    }

    static func invariantViolations(_ db: Database, now: Timestamp) throws -> [InvariantViolation] {
        do {
            var violations: [InvariantViolation] = []
            func collect(_ sql: String, _ rule: InvariantViolation.Rule, _ arguments: StatementArguments = []) throws {
                for row in try Row.fetchAll(db, sql: sql, arguments: arguments) {
                    violations.append(InvariantViolation(subject: try row.stored("subject"), rule: rule, expected: try row.stored("expected"), found: try row.stored("found")))
                }
            }
            try collect("""
                SELECT p.sku AS subject, ifnull(m.total, 0) AS expected, p.on_hand AS found FROM product p
                LEFT JOIN (SELECT product_id, SUM(delta) AS total FROM stock_movement GROUP BY product_id) m ON m.product_id = p.id
                WHERE p.on_hand != ifnull(m.total, 0)
                ORDER BY p.sku
                """, .onHandMatchesLedger)
            try collect("""
                SELECT p.sku AS subject, ifnull(a.total, 0) AS expected, p.allocated AS found FROM product p
                LEFT JOIN (
                    SELECT l.product_id, SUM(l.quantity) AS total FROM order_line l
                    JOIN shop_order o ON o.id = l.order_id
                    WHERE o.status IN ('pending_payment', 'paid')
                    GROUP BY l.product_id
                ) a ON a.product_id = p.id
                WHERE p.allocated != ifnull(a.total, 0)
                ORDER BY p.sku
                """, .allocatedMatchesOpenOrders)
            try collect("""
                SELECT p.sku AS subject, ifnull(h.total, 0) AS expected, p.held AS found FROM product p
                LEFT JOIN (SELECT product_id, SUM(quantity) AS total FROM stock_hold GROUP BY product_id) h ON h.product_id = p.id
                WHERE p.held != ifnull(h.total, 0)
                ORDER BY p.sku
                """, .heldMatchesHolds)
            try collect("""
                SELECT sku AS subject, 0 AS expected, min(on_hand, held, allocated) AS found FROM product
                WHERE on_hand < 0 OR held < 0 OR allocated < 0
                ORDER BY sku
                """, .noNegativeCount)
            try collect("""
                SELECT p.sku AS subject, 0 AS expected, p.on_hand - p.allocated - ifnull(h.live, 0) AS found FROM product p
                LEFT JOIN (SELECT product_id, SUM(quantity) AS live FROM stock_hold WHERE expires_at > ? GROUP BY product_id) h
                    ON h.product_id = p.id
                WHERE p.on_hand - p.allocated - ifnull(h.live, 0) < 0
                ORDER BY p.sku
                """, .availableNotNegative, [now.millisecondsSince1970])
            try collect("""
                SELECT 'products ' || status AS subject, SUM(actual) AS expected, SUM(stored) AS found FROM (
                    SELECT status, COUNT(*) AS actual, 0 AS stored FROM product GROUP BY status
                    UNION ALL
                    SELECT status, 0, products FROM product_status_count
                )
                GROUP BY status HAVING SUM(actual) != SUM(stored)
                ORDER BY status
                """, .productCountMatches)
            try collect("""
                SELECT printf('BR-%06d', o.id) AS subject, 1 AS expected, 0 AS found FROM payment_attempt a
                JOIN shop_order o ON o.id = a.order_id
                WHERE a.state = 'succeeded' AND o.status = 'pending_payment'
                ORDER BY o.id
                """, .chargedOrderIsPaid)
            try collect("""
                SELECT 'store (copy from ' || value || ')' AS subject, 1 AS expected, 0 AS found FROM store_setting WHERE key = ?
                """, .copyFinished, [CopiedTable.unfinishedCopyKey])
            return violations
        }
    }
}
