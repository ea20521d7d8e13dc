/// Several writes in one transaction.
public protocol BatchStore: Sendable {
    /// Applies `writes` in one transaction, each in a savepoint of its own:
    /// one that breaks a rule is rolled back alone and reported, the others
    /// are committed together. The results are in the order of `writes`.
    func perform(_ writes: [StoreWrite], atomicity: BatchAtomicity, context: WriteContext) async throws -> [Result<StoreWriteResult, BackroomError>]

    /// A batch sent with an `Idempotency-Key`: the first time, runs it and
    /// stores `reply(results)` in the same transaction; after that, returns
    /// the stored reply without writing. The same key with another
    /// fingerprint is a `conflict`.
    func perform(
        _ writes: [StoreWrite], atomicity: BatchAtomicity, context: WriteContext, claim: IdempotencyClaim,
        reply: @escaping @Sendable ([Result<StoreWriteResult, BackroomError>]) throws -> StoredReply
    ) async throws -> IdempotentBatch

    /// The products with these SKUs (those that exist), in one read.
    func inventoryItems(skus: [SKU], now: Timestamp) async throws -> [InventoryItem]
}

extension BatchStore {
    /// A batch where each write stands alone.
    public func perform(_ writes: [StoreWrite], context: WriteContext) async throws -> [Result<StoreWriteResult, BackroomError>] {
        try await perform(writes, atomicity: .eachWrite, context: context)
    }
}
