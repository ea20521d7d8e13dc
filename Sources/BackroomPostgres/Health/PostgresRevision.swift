import BackroomCore
import PostgresNIO

/// The areas a write marks as changed (`StoreRevision`).
enum RevisionArea: String, Hashable {
    case catalog, stock, orders, users
}

/// The areas one transaction changed, collected while it runs.
final class ChangedAreas {
    private(set) var areas: Set<RevisionArea> = []

    func mark(_ changed: [RevisionArea]) {
        areas.formUnion(changed)
    }
}

enum PostgresRevision {
    private static let processOffset = Int.random(in: 0..<64)

    /// Marks areas as changed. Called once per transaction, as its last
    /// statement (`PostgresShopStore.write`), so the row locks are held
    /// only while the commit runs and two writes never take rows in
    /// opposite orders (one statement, rows in key order).
    static func bump(_ areas: Set<RevisionArea>, _ connection: PostgresConnection, logger: Logger) async throws {
        let bump = Bump(shard: shard(of: connection), areas: areas.map(\.rawValue).sorted())
        if areas.contains(.catalog) {
            // Catalog writes (rare: staff edits) also tell every node at
            // commit, in the same statement, so caches drop stale products
            // at once instead of at the next poll.
            try await connection.run(BumpAndTell(bump: bump), logger: logger)
        } else {
            try await connection.run(bump, logger: logger)
        }
    }

    /// The connection's own row: a pool hands each connection to one
    /// transaction at a time, so two writers of one process never share a
    /// row; each process starts at a random row, so nodes rarely do.
    static func shard(of connection: PostgresConnection) -> Int32 {
        Int32((connection.id + processOffset) % 64)
    }

    struct Bump: PreparedRows {
        static let sql = update(from: 1)

        /// The bump on parameters `$first` (the shard) and `$first+1` (the
        /// areas); a statement that writes last may end with it as a CTE
        /// (`CheckoutStatements.PlaceOrder`).
        static func update(from first: Int) -> String {
            "UPDATE store_revision_shard SET count = count + 1 WHERE shard = $\(first)::INTEGER AND area = ANY($\(first + 1)::TEXT[])"
        }
        var shard: Int32
        var areas: [String]

        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings(capacity: 2)
            bindings.append(shard)
            bindings.append(areas)
            return bindings
        }
    }

    struct BumpAndTell: PreparedRows {
        static let sql = """
            WITH bumped AS (\(Bump.update(from: 1)) RETURNING 1)
            SELECT pg_notify('\(noticeChannel)', 'catalog') FROM (SELECT count(*) FROM bumped) done
            """
        var bump: Bump

        func makeBindings() throws -> PostgresBindings {
            try bump.makeBindings()
        }
    }

    /// The `LISTEN` channel of revision notices.
    static let noticeChannel = "backroom_revision"
}

extension PostgresShopStore {
    /// Calls `notice` whenever a transaction that changed the catalog
    /// commits, on any node, until cancelled; throws when the notices stop
    /// otherwise (the connection failed or closed: the caller listens
    /// again). Holds one connection.
    public func listenForRevisionNotices(_ notice: @escaping @Sendable () -> Void) async throws {
        do {
            try await client.withConnection { connection in
                try await connection.listen(on: PostgresRevision.noticeChannel) { notices in
                    for try await _ in notices { notice() }
                }
            }
            if !Task.isCancelled {
                throw BackroomError(.unavailable, "The revision notices from \(address) ended.")
            }
        } catch is CancellationError {
            return
        } catch {
            throw PostgresErrors.translate(error, reaching: address)
        }
    }
}

extension PostgresShopStore: HealthStore {
    public func revision() async throws -> StoreRevision {
        let logger = self.logger
        return try await read { connection in
            var counts: [String: Int64] = [:]
            for try await row in try await connection.query("SELECT area, SUM(count)::BIGINT AS total FROM store_revision_shard GROUP BY area", logger: logger) {
                let cells = row.makeRandomAccess()
                counts[try cells.stored("area", as: String.self)] = try cells.stored("total", as: Int64.self)
            }
            return StoreRevision(catalog: counts["catalog"] ?? 0, stock: counts["stock"] ?? 0, orders: counts["orders"] ?? 0, users: counts["users"] ?? 0)
        }
    }

    public func checkInvariants(now: Timestamp) async throws -> [InvariantViolation] {
        let logger = self.logger
        // One snapshot for every rule, as the SQLite store reads them.
        return try await write { connection, changed in
            try await connection.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY", logger: logger)
            var violations: [InvariantViolation] = []
            func collect(_ query: PostgresQuery, _ rule: InvariantViolation.Rule) async throws {
                violations += try await connection.query(query, logger: logger).decoded { row in
                    InvariantViolation(subject: try row.stored("subject"), rule: rule, expected: try row.stored("expected"), found: try row.stored("found"))
                }
            }
            try await collect("""
                SELECT p.sku AS subject, coalesce(m.total, 0)::BIGINT AS expected, p.on_hand AS found FROM product p
                LEFT JOIN (SELECT product_id, SUM(delta) AS total FROM stock_movement GROUP BY product_id) m ON m.product_id = p.id
                WHERE p.on_hand != coalesce(m.total, 0)
                ORDER BY p.sku COLLATE "C"
                """, .onHandMatchesLedger)
            try await collect("""
                SELECT p.sku AS subject, coalesce(a.total, 0)::BIGINT AS expected, p.allocated AS found FROM product p
                LEFT JOIN (
                    SELECT l.product_id, SUM(l.quantity) AS total FROM order_line l
                    JOIN shop_order o ON o.id = l.order_id
                    WHERE o.status IN ('pending_payment', 'paid')
                    GROUP BY l.product_id
                ) a ON a.product_id = p.id
                WHERE p.allocated != coalesce(a.total, 0)
                ORDER BY p.sku COLLATE "C"
                """, .allocatedMatchesOpenOrders)
            try await collect("""
                SELECT p.sku AS subject, coalesce(h.total, 0)::BIGINT AS expected, p.held AS found FROM product p
                LEFT JOIN (SELECT product_id, SUM(quantity) AS total FROM stock_hold GROUP BY product_id) h ON h.product_id = p.id
                WHERE p.held != coalesce(h.total, 0)
                ORDER BY p.sku COLLATE "C"
                """, .heldMatchesHolds)
            try await collect("""
                SELECT sku AS subject, 0::BIGINT AS expected, least(on_hand, held, allocated) AS found FROM product
                WHERE on_hand < 0 OR held < 0 OR allocated < 0
                ORDER BY sku COLLATE "C"
                """, .noNegativeCount)
            try await collect("""
                SELECT p.sku AS subject, 0::BIGINT AS expected, (p.on_hand - p.allocated - coalesce(h.live, 0))::BIGINT AS found FROM product p
                LEFT JOIN (SELECT product_id, SUM(quantity) AS live FROM stock_hold WHERE expires_at > \(now.millisecondsSince1970) GROUP BY product_id) h
                    ON h.product_id = p.id
                WHERE p.on_hand - p.allocated - coalesce(h.live, 0) < 0
                ORDER BY p.sku COLLATE "C"
                """, .availableNotNegative)
            try await collect("""
                SELECT 'products ' || status AS subject, SUM(actual)::BIGINT AS expected, SUM(stored)::BIGINT AS found FROM (
                    SELECT status, COUNT(*) AS actual, 0 AS stored FROM product GROUP BY status
                    UNION ALL
                    SELECT status, 0, products FROM product_status_count
                ) counts
                GROUP BY status HAVING SUM(actual) != SUM(stored)
                ORDER BY status COLLATE "C"
                """, .productCountMatches)
            try await collect("""
                SELECT 'BR-' || CASE WHEN o.id < 1000000 THEN lpad(o.id::TEXT, 6, '0') ELSE o.id::TEXT END AS subject, 1::BIGINT AS expected, 0::BIGINT AS found FROM payment_attempt a
                JOIN shop_order o ON o.id = a.order_id
                WHERE a.state = 'succeeded' AND o.status = 'pending_payment'
                ORDER BY o.id
                """, .chargedOrderIsPaid)
            try await collect("""
                SELECT 'store (copy from ' || value || ')' AS subject, 1::BIGINT AS expected, 0::BIGINT AS found FROM store_setting
                WHERE key = \(CopiedTable.unfinishedCopyKey)
                """, .copyFinished)
            // Set aside with the mark and restored with its removal; left
            // behind only if the mark was removed by hand.
            try await collect("""
                SELECT 'store (' || count(*) || ' indexes and foreign keys set aside by a copy)' AS subject,
                    count(*)::BIGINT AS expected, 0::BIGINT AS found
                FROM copy_set_aside
                HAVING count(*) > 0 AND NOT EXISTS (SELECT 1 FROM store_setting WHERE key = \(CopiedTable.unfinishedCopyKey))
                """, .copyFinished)
            return violations
        }
    }
}
