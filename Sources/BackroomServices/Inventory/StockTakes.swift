import BackroomCore

/// Stock takes: an operator counts shelves (a scanner types SKUs like a
/// keyboard), nothing is written until the take is committed, and the take
/// survives a crash as a draft in the store. One open take per operator.
extension InventoryService {
    /// The operator's open take, resumed, or a new one.
    public func openStockTake(by principal: Principal) async throws -> StockTake {
        try principal.require(.adjustStock)
        return try await store.openStockTake(actor: principal.name, at: clock.now())
    }

    /// Counts `quantity` units of a scanned or typed SKU.
    public func count(_ skuText: String, quantity: Int64, in take: StockTake, repeat mode: RepeatScan = .add, by principal: Principal) async throws -> StockTake {
        try principal.require(.adjustStock)
        try requireOwner(take, principal)
        let sku = try SKU(skuText.trimmingWhitespace())
        let line = try await store.countInStockTake(take.id, sku: sku, quantity: quantity, repeat: mode, at: clock.now())
        return take.recording(line)
    }

    public func remove(_ sku: SKU, from take: StockTake, by principal: Principal) async throws -> StockTake {
        try principal.require(.adjustStock)
        try requireOwner(take, principal)
        let now = clock.now()
        try await store.removeFromStockTake(take.id, sku: sku, at: now)
        return take.removing(sku, at: now)
    }

    /// Writes the counts (compare-and-set `cycle_count` ledger rows, one
    /// transaction); counts whose on hand moved since the scan stay for a
    /// recount.
    public func commit(_ take: StockTake, by principal: Principal) async throws -> StockTakeCommit {
        try principal.require(.adjustStock)
        try requireOwner(take, principal)
        let result = try await store.commitStockTake(take.id, context: context(principal))
        for change in result.applied { changes.publish(.stock(change.item.sku)) }
        return result
    }

    public func discard(_ take: StockTake, by principal: Principal) async throws {
        try principal.require(.adjustStock)
        try requireOwner(take, principal)
        try await store.discardStockTake(take.id, at: clock.now())
    }

    private func requireOwner(_ take: StockTake, _ principal: Principal) throws(BackroomError) {
        guard take.actor == principal.name else { throw BackroomError.forbidden("This stock take is \(take.actor)'s.") }
    }
}
