import BackroomCore
import GRDB

extension SQLiteShopStore {
    public func createProduct(_ draft: ValidProductDraft, context: WriteContext) async throws -> InventoryItem {
        try await immediateWrite { db in try self.createProductInTransaction(db, draft, context: context) }
    }

    func createProductInTransaction(_ db: Database, _ draft: ValidProductDraft, status: ProductStatus = .active, context: WriteContext) throws -> InventoryItem {
        guard draft.price.currency == currency else {
            throw BackroomError.validation("price", "This shop sells in \(currency.code), not \(draft.price.currency.code).")
        }
        let now = context.at.millisecondsSince1970
        do {
            try db.cachedStatement(sql: """
                INSERT INTO product (sku, name, description, price, currency, status, reorder_point, on_hand, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """).execute(arguments: [
                    draft.sku.rawValue, draft.name, draft.description, draft.price.minorUnits, currency.code, status.rawValue,
                    draft.reorderPoint, draft.initialStock, now, now,
                ])
        } catch let error where StoreErrors.isUniqueViolation(error) {
            throw BackroomError(.conflict, "A product with SKU \(draft.sku) already exists.", field: "sku")
        }
        let productID = db.lastInsertedRowID
        var initialMovementID: Int64?
        if draft.initialStock > 0 {
            initialMovementID = try Ledger.append(
                db, productID: productID, delta: draft.initialStock, reason: .received,
                actor: context.principal.name, reference: context.ledgerReference ?? "initial stock",
                onHandAfter: draft.initialStock, at: context.at
            )
        }
        if context.isAudited {
            try AuditLog.append(db, context: context, .productCreated(draft, status: status))
        }
        try bump(.catalog, .stock, in: db)
        let item = try InventoryRows.fetch(db, id: productID, now: context.at)!
        try Outbox.product(db, .productCreated, item, context: context)
        if let initialMovementID {
            let movement = StockMovement(
                id: initialMovementID, productID: productID, sku: item.sku, delta: draft.initialStock, reason: .received,
                actor: context.principal.name, reference: context.ledgerReference ?? "initial stock",
                onHandAfter: draft.initialStock, createdAt: context.at
            )
            try Outbox.stockChanged(db, StockChange(item: item, before: StockLevel(onHand: 0, held: 0, allocated: 0), movement: movement), levelEvents: false, context: context)
        }
        return item
    }

    public func updateProduct(_ sku: SKU, changes: ProductChanges, expectedVersion: Int64?, context: WriteContext) async throws -> InventoryItem {
        try await immediateWrite { db in try self.updateProductInTransaction(db, sku, changes: changes, expectedVersion: expectedVersion, context: context) }
    }

    func updateProductInTransaction(_ db: Database, _ sku: SKU, changes: ProductChanges, expectedVersion: Int64?, context: WriteContext) throws -> InventoryItem {
        let current = try InventoryRows.require(db, sku: sku, now: context.at)
        if let expectedVersion, expectedVersion != current.product.version {
            throw BackroomError.conflict("\(sku) was changed by someone else (version \(current.product.version), you had \(expectedVersion)); nothing written.")
        }
        let updated = changes.applied(to: current.product)
        if let price = changes.price, price.currency != current.product.price.currency {
            throw BackroomError.validation("price", "This shop sells in \(current.product.price.currency.code), not \(price.currency.code).")
        }
        guard updated != current.product else { return current }
        try db.cachedStatement(sql: """
            UPDATE product SET name = ?, description = ?, price = ?, reorder_point = ?, status = ?,
                version = version + 1, updated_at = ?
            WHERE id = ?
            """).execute(arguments: [
                updated.name, updated.description, updated.price.minorUnits, updated.reorderPoint,
                updated.status.rawValue, context.at.millisecondsSince1970, current.id,
            ])
        if context.isAudited {
            try AuditLog.append(db, context: context, .productUpdated(changes, from: current.product, to: updated))
        }
        try self.bump(.catalog, in: db)
        let item = try InventoryRows.fetch(db, id: current.id, now: context.at)!
        for event in EventType.productUpdate(from: current, to: item) {
            try Outbox.product(db, event, item, context: context)
        }
        return item
    }

    public func inventoryItem(_ sku: SKU, now: Timestamp) async throws -> InventoryItem? {
        try await snapshotRead { db in try InventoryRows.fetch(db, sku: sku, now: now) }
    }

    public func inventoryItems(matching filter: ProductFilter, sort: ProductSort, window: ListWindow, now: Timestamp) async throws -> Window<InventoryItem> {
        try await snapshotRead { db in
            try InventoryRows.query(filter: filter, sort: sort, now: now).fetchWindow(db, window, decode: InventoryRows.decode)
        }
    }

    public func countInventoryItems(matching filter: ProductFilter, now: Timestamp) async throws -> Int {
        try await snapshotRead { db in
            if !filter.lowStockOnly, filter.text.flatMap(FullTextQuery.prefixQuery) == nil {
                let counts = try Self.productCounts(db)
                switch filter.status {
                case .active: return Int(counts.active)
                case .archived: return Int(counts.archived)
                case .all: return Int(counts.active + counts.archived)
                }
            }
            return try InventoryRows.query(filter: filter, sort: ProductSort(.sku), now: now).count(db)
        }
    }

    /// Counts products per status from scratch, after a bulk load that ran
    /// without the counting trigger.
    static func recountProductsByStatus(_ db: Database) throws {
        try db.execute(sql: """
            DELETE FROM product_status_count;
            INSERT INTO product_status_count (status, products) SELECT status, COUNT(*) FROM product GROUP BY status;
            """)
    }

    /// Products per status, as the triggers of migration v3 keep them.
    static func productCounts(_ db: Database) throws -> (active: Int64, archived: Int64) {
        var counts: [String: Int64] = [:]
        for row in try Row.fetchAll(db.cachedStatement(sql: "SELECT status, products FROM product_status_count")) {
            counts[try row.stored("status")] = try row.stored("products")
        }
        return (counts[ProductStatus.active.rawValue] ?? 0, counts[ProductStatus.archived.rawValue] ?? 0)
    }

    public func inventoryPosition(of key: KeysetKey, matching filter: ProductFilter, sort: ProductSort, now: Timestamp) async throws -> Int {
        try await snapshotRead { db in
            try InventoryRows.query(filter: filter, sort: sort, now: now).position(db, of: key)
        }
    }

    public func inventorySummary(now: Timestamp) async throws -> InventorySummary {
        try await snapshotRead { db in
            let (active, archived) = try Self.productCounts(db)
            let low = try InventoryRows.query(filter: ProductFilter(lowStockOnly: true), sort: ProductSort(.sku), now: now).count(db)
            return InventorySummary(activeProducts: active, archivedProducts: archived, lowStockProducts: Int64(low))
        }
    }
}
