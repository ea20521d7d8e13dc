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
                    violations.append(InvariantViolation(subject: row[0], rule: rule, expected: row[1], found: row[2]))
                }
            }
            try collect("""
                SELECT p.sku, ifnull(m.total, 0), p.on_hand FROM product p
                LEFT JOIN (SELECT product_id, SUM(delta) AS total FROM stock_movement GROUP BY product_id) m ON m.product_id = p.id
                WHERE p.on_hand != ifnull(m.total, 0)
                ORDER BY p.sku
                """, .onHandMatchesLedger)
            try collect("""
                SELECT p.sku, ifnull(a.total, 0), p.allocated FROM product p
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
                SELECT p.sku, ifnull(h.total, 0), p.held FROM product p
                LEFT JOIN (SELECT product_id, SUM(quantity) AS total FROM stock_hold GROUP BY product_id) h ON h.product_id = p.id
                WHERE p.held != ifnull(h.total, 0)
                ORDER BY p.sku
                """, .heldMatchesHolds)
            try collect("""
                SELECT sku, 0, min(on_hand, held, allocated) FROM product
                WHERE on_hand < 0 OR held < 0 OR allocated < 0
                ORDER BY sku
                """, .noNegativeCount)
            try collect("""
                SELECT p.sku, 0, p.on_hand - p.allocated - ifnull(h.live, 0) FROM product p
                LEFT JOIN (SELECT product_id, SUM(quantity) AS live FROM stock_hold WHERE expires_at > ? GROUP BY product_id) h
                    ON h.product_id = p.id
                WHERE p.on_hand - p.allocated - ifnull(h.live, 0) < 0
                ORDER BY p.sku
                """, .availableNotNegative, [now.millisecondsSince1970])
            try collect("""
                SELECT 'products ' || status, SUM(actual), SUM(stored) FROM (
                    SELECT status, COUNT(*) AS actual, 0 AS stored FROM product GROUP BY status
                    UNION ALL
                    SELECT status, 0, products FROM product_status_count
                )
                GROUP BY status HAVING SUM(actual) != SUM(stored)
                ORDER BY status
                """, .productCountMatches)
            try collect("""
                SELECT printf('BR-%06d', o.id), 1, 0 FROM payment_attempt a
                JOIN shop_order o ON o.id = a.order_id
                WHERE a.state = 'succeeded' AND o.status = 'pending_payment'
                ORDER BY o.id
                """, .chargedOrderIsPaid)
            return violations
        }
    }
}
