import BackroomCore
import PostgresNIO

extension PostgresShopStore: StockTakeStore {
    public func openStockTake(actor: String, at: Timestamp) async throws -> StockTake {
        let logger = self.logger
        let ms = at.millisecondsSince1970
        return try await write { connection, _ in
            // One open take per actor: a second console opening at the same
            // moment resumes the one the first created.
            try await connection.query("""
                INSERT INTO stock_take (actor, started_at, updated_at) VALUES (\(actor), \(ms), \(ms)) ON CONFLICT (actor) DO NOTHING
                """, logger: logger)
            let id = try await connection.query("SELECT id FROM stock_take WHERE actor = \(actor)", logger: logger)
                .decoded { try $0.stored("id", as: Int64.self) }[0]
            return try await Self.stockTake(connection, id: id, logger: logger)
        }
    }

    public func countInStockTake(_ takeID: Int64, sku: SKU, quantity: Int64, repeat mode: RepeatScan, at: Timestamp) async throws -> StockTakeLine {
        let quantity = try QuantityRules.stockCount(quantity, field: "quantity")
        let logger = self.logger
        let ms = at.millisecondsSince1970
        return try await write { connection, _ in
            try await Self.requireTake(connection, takeID, lock: true, logger: logger)
            let product = try await connection.query(
                "SELECT id, on_hand FROM product WHERE backroom_nocase(sku) = backroom_nocase(\(sku.rawValue))", logger: logger
            ).decoded { (id: try $0.stored("id", as: Int64.self), onHand: try $0.stored("on_hand", as: Int64.self)) }.first
            guard let product else { throw BackroomError.notFound("No product with SKU \(sku).") }
            let existing = try await connection.query("""
                SELECT counted, needs_recount FROM stock_take_line WHERE take_id = \(takeID) AND product_id = \(product.id)
                """, logger: logger).decoded { (counted: try $0.stored("counted", as: Int64.self), needsRecount: try $0.stored("needs_recount", as: Int64.self) != 0) }.first
            if let existing, !existing.needsRecount {
                let counted = try QuantityRules.stockCount(mode == .add ? existing.counted + quantity : quantity, field: "quantity")
                try await connection.query("""
                    UPDATE stock_take_line SET counted = \(counted), scans = scans + 1, last_scanned_at = \(ms)
                    WHERE take_id = \(takeID) AND product_id = \(product.id)
                    """, logger: logger)
            } else {
                // A first scan, or the recount of a count that could not be
                // written: on hand now is what the count replaces.
                try await connection.query("""
                    INSERT INTO stock_take_line (take_id, product_id, expected, counted, scans, last_scanned_at, needs_recount)
                    VALUES (\(takeID), \(product.id), \(product.onHand), \(quantity), 1, \(ms), 0)
                    ON CONFLICT (take_id, product_id) DO UPDATE SET
                        expected = excluded.expected, counted = excluded.counted, scans = 1, last_scanned_at = excluded.last_scanned_at, needs_recount = 0
                    """, logger: logger)
            }
            try await Self.touch(connection, takeID, at, logger: logger)
            return try await Self.lines(connection, takeID: takeID, productID: product.id, logger: logger)[0]
        }
    }

    public func removeFromStockTake(_ takeID: Int64, sku: SKU, at: Timestamp) async throws {
        let logger = self.logger
        try await write { connection, _ in
            try await Self.requireTake(connection, takeID, lock: true, logger: logger)
            try await connection.query("""
                DELETE FROM stock_take_line WHERE take_id = \(takeID)
                    AND product_id = (SELECT id FROM product WHERE backroom_nocase(sku) = backroom_nocase(\(sku.rawValue)))
                """, logger: logger)
            try await Self.touch(connection, takeID, at, logger: logger)
        }
    }

    public func commitStockTake(_ takeID: Int64, context: WriteContext) async throws -> StockTakeCommit {
        let logger = self.logger
        return try await write { connection, changed in
            try await Self.requireTake(connection, takeID, lock: true, logger: logger)
            let take = try await Self.stockTake(connection, id: takeID, logger: logger)
            var applied: [StockChange] = []
            var unchanged: [SKU] = []
            var conflicts: [StockTakeConflict] = []
            for line in take.lines where !line.needsRecount {
                try await connection.query("SAVEPOINT stock_take_line", logger: logger)
                do {
                    let onHand = try await connection.query(
                        "SELECT on_hand FROM product WHERE backroom_nocase(sku) = backroom_nocase(\(line.sku.rawValue))", logger: logger
                    ).decoded { try $0.stored("on_hand", as: Int64.self) }.first ?? -1
                    if onHand == line.counted && onHand == line.expected {
                        unchanged.append(line.sku)
                    } else {
                        applied.append(try await self.changeStock(
                            connection, line.sku, .setCount(to: line.counted, expected: line.expected), reason: .cycleCount,
                            reference: "stock take #\(takeID)", context: context, changed: changed
                        ))
                    }
                    try await connection.query("RELEASE SAVEPOINT stock_take_line", logger: logger)
                    try await connection.query("""
                        DELETE FROM stock_take_line WHERE take_id = \(takeID)
                            AND product_id = (SELECT id FROM product WHERE backroom_nocase(sku) = backroom_nocase(\(line.sku.rawValue)))
                        """, logger: logger)
                } catch {
                    try await connection.query("ROLLBACK TO SAVEPOINT stock_take_line", logger: logger)
                    try await connection.query("RELEASE SAVEPOINT stock_take_line", logger: logger)
                    guard let refusal = PostgresErrors.translate(error, reaching: address) as? BackroomError else { throw error }
                    conflicts.append(StockTakeConflict(sku: line.sku, reason: refusal.message))
                    try await connection.query("""
                        UPDATE stock_take_line SET needs_recount = 1, counted = 0, scans = 0
                        WHERE take_id = \(takeID) AND product_id = (SELECT id FROM product WHERE backroom_nocase(sku) = backroom_nocase(\(line.sku.rawValue)))
                        """, logger: logger)
                }
            }
            let left = try await connection.query("SELECT COUNT(*) AS lines FROM stock_take_line WHERE take_id = \(takeID)", logger: logger)
                .decoded { try $0.stored("lines", as: Int64.self) }.first ?? 0
            if left == 0 {
                try await connection.query("DELETE FROM stock_take WHERE id = \(takeID)", logger: logger)
            } else {
                try await Self.touch(connection, takeID, context.at, logger: logger)
            }
            if context.isAudited, !applied.isEmpty || !unchanged.isEmpty {
                let record = AuditRecord.stockTakeCommitted(takeID, written: applied.count, unchanged: unchanged.count, toRecount: conflicts.count)
                try await PostgresAuditLog.append(connection, context: context, record, logger: logger)
            }
            let remaining = left == 0 ? nil : try await Self.stockTake(connection, id: takeID, logger: logger)
            return StockTakeCommit(applied: applied, unchanged: unchanged, conflicts: conflicts, remaining: remaining)
        }
    }

    public func discardStockTake(_ takeID: Int64, at: Timestamp) async throws {
        let logger = self.logger
        try await write { connection, _ in
            try await Self.requireTake(connection, takeID, lock: true, logger: logger)
            try await connection.query("DELETE FROM stock_take_line WHERE take_id = \(takeID)", logger: logger)
            try await connection.query("DELETE FROM stock_take WHERE id = \(takeID)", logger: logger)
        }
    }

    private static func requireTake(_ connection: PostgresConnection, _ takeID: Int64, lock: Bool, logger: Logger) async throws {
        let statement = Statement(sql: "SELECT id FROM stock_take WHERE id = ?" + (lock ? " FOR UPDATE" : ""), values: [takeID])
        guard try await !connection.query(statement.query, logger: logger).decoded({ try $0.stored("id", as: Int64.self) }).isEmpty else {
            throw BackroomError.notFound("No open stock take #\(takeID) (committed or discarded meanwhile?).")
        }
    }

    private static func touch(_ connection: PostgresConnection, _ takeID: Int64, _ at: Timestamp, logger: Logger) async throws {
        try await connection.query("UPDATE stock_take SET updated_at = \(at.millisecondsSince1970) WHERE id = \(takeID)", logger: logger)
    }

    static func stockTake(_ connection: PostgresConnection, id: Int64, logger: Logger) async throws -> StockTake {
        let header = try await connection.query("SELECT id, actor, started_at, updated_at FROM stock_take WHERE id = \(id)", logger: logger)
            .decoded { (actor: try $0.stored("actor", as: String.self), startedAt: try $0.timestamp("started_at"), updatedAt: try $0.timestamp("updated_at")) }.first
        guard let header else { throw BackroomError.notFound("No open stock take #\(id).") }
        return StockTake(
            id: id, actor: header.actor, startedAt: header.startedAt, updatedAt: header.updatedAt,
            lines: try await lines(connection, takeID: id, productID: nil, logger: logger)
        )
    }

    /// The take's lines (or one product's), the latest scanned first.
    private static func lines(_ connection: PostgresConnection, takeID: Int64, productID: Int64?, logger: Logger) async throws -> [StockTakeLine] {
        var statement = Statement(sql: """
            SELECT p.sku, p.name, p.price, p.currency, l.expected, l.counted, l.scans, l.last_scanned_at, l.needs_recount
            FROM stock_take_line l JOIN product p ON p.id = l.product_id
            WHERE l.take_id = ?
            """, values: [takeID])
        if let productID {
            statement.sql += " AND l.product_id = ?"
            statement.values.append(productID)
        }
        statement.sql += " ORDER BY l.last_scanned_at DESC, p.sku COLLATE \"C\""
        return try await connection.query(statement.query, logger: logger).decoded { line in
            StockTakeLine(
                sku: SKU(trusted: try line.stored("sku")), name: try line.stored("name"), expected: try line.stored("expected"),
                counted: try line.stored("counted"), scans: Int(try line.stored("scans", as: Int64.self)),
                lastScannedAt: try line.timestamp("last_scanned_at"), needsRecount: try line.stored("needs_recount", as: Int64.self) != 0,
                unitPrice: Money(minorUnits: try line.stored("price"), currency: try line.currency("currency"))
            )
        }
    }
}
