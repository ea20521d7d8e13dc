import BackroomCore
import GRDB

extension SQLiteShopStore {
    public func openStockTake(actor: String, at: Timestamp) async throws -> StockTake {
        try await immediateWrite { db in
            if let id = try Int64.fetchOne(db.cachedStatement(sql: "SELECT id FROM stock_take WHERE actor = ?"), arguments: [actor]) {
                return try Self.stockTake(db, id: id)
            }
            try db.cachedStatement(sql: "INSERT INTO stock_take (actor, started_at, updated_at) VALUES (?, ?, ?)")
                .execute(arguments: [actor, at.millisecondsSince1970, at.millisecondsSince1970])
            return try Self.stockTake(db, id: db.lastInsertedRowID)
        }
    }

    public func countInStockTake(_ takeID: Int64, sku: SKU, quantity: Int64, repeat mode: RepeatScan, at: Timestamp) async throws -> StockTakeLine {
        let quantity = try QuantityRules.stockCount(quantity, field: "quantity")
        return try await immediateWrite { db in
            try Self.requireTake(db, takeID)
            guard let product = try Row.fetchOne(db.cachedStatement(sql: "SELECT id, on_hand FROM product WHERE sku = ?"), arguments: [sku.rawValue]) else {
                throw BackroomError.notFound("No product with SKU \(sku).")
            }
            let productID: Int64 = product["id"]
            let onHand: Int64 = product["on_hand"]
            let existing = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT counted, scans, needs_recount FROM stock_take_line WHERE take_id = ? AND product_id = ?"),
                arguments: [takeID, productID]
            )
            if let existing, !(existing["needs_recount"] as Bool) {
                let counted: Int64 = mode == .add ? existing["counted"] + quantity : quantity
                try db.cachedStatement(sql: """
                    UPDATE stock_take_line SET counted = ?, scans = scans + 1, last_scanned_at = ? WHERE take_id = ? AND product_id = ?
                    """).execute(arguments: [try QuantityRules.stockCount(counted, field: "quantity"), at.millisecondsSince1970, takeID, productID])
            } else {
                // A first scan, or the recount of a count that could not be
                // written: on hand now is what the count replaces.
                try db.cachedStatement(sql: """
                    INSERT INTO stock_take_line (take_id, product_id, expected, counted, scans, last_scanned_at, needs_recount)
                    VALUES (?, ?, ?, ?, 1, ?, 0)
                    ON CONFLICT (take_id, product_id) DO UPDATE SET
                        expected = excluded.expected, counted = excluded.counted, scans = 1, last_scanned_at = excluded.last_scanned_at, needs_recount = 0
                    """).execute(arguments: [takeID, productID, onHand, quantity, at.millisecondsSince1970])
            }
            try Self.touch(db, takeID, at)
            return try Self.lines(db, takeID: takeID, productID: productID)[0]
        }
    }

    public func removeFromStockTake(_ takeID: Int64, sku: SKU, at: Timestamp) async throws {
        try await immediateWrite { db in
            try Self.requireTake(db, takeID)
            try db.cachedStatement(sql: """
                DELETE FROM stock_take_line WHERE take_id = ? AND product_id = (SELECT id FROM product WHERE sku = ?)
                """).execute(arguments: [takeID, sku.rawValue])
            try Self.touch(db, takeID, at)
        }
    }

    public func commitStockTake(_ takeID: Int64, context: WriteContext) async throws -> StockTakeCommit {
        try await immediateWrite { db in
            let take = try Self.stockTake(db, id: takeID)
            var applied: [StockChange] = []
            var unchanged: [SKU] = []
            var conflicts: [StockTakeConflict] = []
            for line in take.lines where !line.needsRecount {
                do {
                    var change: StockChange?
                    try db.inSavepoint {
                        let onHand = try Int64.fetchOne(db.cachedStatement(sql: "SELECT on_hand FROM product WHERE sku = ?"), arguments: [line.sku.rawValue]) ?? -1
                        if onHand == line.counted && onHand == line.expected { return .commit }
                        change = try self.changeStockInTransaction(
                            db, line.sku, .setCount(to: line.counted, expected: line.expected), reason: .cycleCount,
                            reference: "stock take #\(takeID)", context: context
                        )
                        return .commit
                    }
                    if let change { applied.append(change) } else { unchanged.append(line.sku) }
                    try db.cachedStatement(sql: "DELETE FROM stock_take_line WHERE take_id = ? AND product_id = (SELECT id FROM product WHERE sku = ?)")
                        .execute(arguments: [takeID, line.sku.rawValue])
                } catch let error as BackroomError {
                    conflicts.append(StockTakeConflict(sku: line.sku, reason: error.message))
                    try db.cachedStatement(sql: """
                        UPDATE stock_take_line SET needs_recount = 1, counted = 0, scans = 0
                        WHERE take_id = ? AND product_id = (SELECT id FROM product WHERE sku = ?)
                        """).execute(arguments: [takeID, line.sku.rawValue])
                }
            }
            let left = try Int.fetchOne(db.cachedStatement(sql: "SELECT COUNT(*) FROM stock_take_line WHERE take_id = ?"), arguments: [takeID]) ?? 0
            if left == 0 {
                try db.cachedStatement(sql: "DELETE FROM stock_take WHERE id = ?").execute(arguments: [takeID])
            } else {
                try Self.touch(db, takeID, context.at)
            }
            if context.isAudited, !applied.isEmpty || !unchanged.isEmpty {
                try AuditLog.append(db, context: context, .stockTakeCommitted(takeID, written: applied.count, unchanged: unchanged.count, toRecount: conflicts.count))
            }
            return StockTakeCommit(applied: applied, unchanged: unchanged, conflicts: conflicts, remaining: left == 0 ? nil : try Self.stockTake(db, id: takeID))
        }
    }

    public func discardStockTake(_ takeID: Int64, at: Timestamp) async throws {
        try await immediateWrite { db in
            try Self.requireTake(db, takeID)
            try db.cachedStatement(sql: "DELETE FROM stock_take_line WHERE take_id = ?").execute(arguments: [takeID])
            try db.cachedStatement(sql: "DELETE FROM stock_take WHERE id = ?").execute(arguments: [takeID])
        }
    }

    private static func requireTake(_ db: Database, _ takeID: Int64) throws {
        guard try Bool.fetchOne(db.cachedStatement(sql: "SELECT 1 FROM stock_take WHERE id = ?"), arguments: [takeID]) != nil else {
            throw BackroomError.notFound("No open stock take #\(takeID) (committed or discarded meanwhile?).")
        }
    }

    private static func touch(_ db: Database, _ takeID: Int64, _ at: Timestamp) throws {
        try db.cachedStatement(sql: "UPDATE stock_take SET updated_at = ? WHERE id = ?").execute(arguments: [at.millisecondsSince1970, takeID])
    }

    static func stockTake(_ db: Database, id: Int64) throws -> StockTake {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT id, actor, started_at, updated_at FROM stock_take WHERE id = ?"), arguments: [id]) else {
            throw BackroomError.notFound("No open stock take #\(id).")
        }
        return StockTake(
            id: try row.stored("id"), actor: try row.stored("actor"), startedAt: try row.timestamp("started_at"),
            updatedAt: try row.timestamp("updated_at"), lines: try lines(db, takeID: id, productID: nil)
        )
    }

    /// The take's lines (or one product's), the latest scanned first.
    private static func lines(_ db: Database, takeID: Int64, productID: Int64?) throws -> [StockTakeLine] {
        var sql = """
            SELECT p.sku, p.name, p.price, p.currency, l.expected, l.counted, l.scans, l.last_scanned_at, l.needs_recount
            FROM stock_take_line l JOIN product p ON p.id = l.product_id
            WHERE l.take_id = ?
            """
        var arguments: StatementArguments = [takeID]
        if let productID {
            sql += " AND l.product_id = ?"
            arguments += [productID]
        }
        return try RowsDecoded.all(db.cachedStatement(sql: sql + " ORDER BY l.last_scanned_at DESC, p.sku"), arguments: arguments) { line in
            StockTakeLine(
                sku: SKU(trusted: try line.stored("sku")), name: try line.stored("name"), expected: try line.stored("expected"),
                counted: try line.stored("counted"), scans: try line.stored("scans"),
                lastScannedAt: try line.timestamp("last_scanned_at"), needsRecount: try line.stored("needs_recount"),
                unitPrice: Money(minorUnits: try line.stored("price"), currency: try line.currency("currency"))
            )
        }
    }
}
