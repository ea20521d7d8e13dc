import BackroomCore

/// One item of a bulk stock request: a change (`delta` with a reason) or a
/// compare-and-set count (`count` against `expected`), as a client sent it.
public struct StockBatchItem: Sendable, Hashable {
    public var sku: String
    public var delta: Int64?
    public var count: Int64?
    public var expected: Int64?
    public var reason: String?
    public var reference: String?

    public init(sku: String, delta: Int64? = nil, count: Int64? = nil, expected: Int64? = nil, reason: String? = nil, reference: String? = nil) {
        self.sku = sku
        self.delta = delta
        self.count = count
        self.expected = expected
        self.reason = reason
        self.reference = reference
    }

    /// The write this item asks for, checked by Core's rules.
    func write() throws(BackroomError) -> StoreWrite {
        let sku = try SKU(self.sku)
        let reference = try TextRules.optionalLine(reference, field: "reference", label: "reference", maximum: 200)
        switch (delta, count) {
        case (let delta?, nil):
            guard let reasonText = reason else { throw BackroomError.validation("reason", "A change needs a reason.") }
            let reason = try MovementReason(parsing: reasonText)
            let checked = try QuantityRules.adjustment(delta)
            try reason.validate(manualDelta: checked)
            return .changeStock(sku, .adjust(by: checked), reason: reason, reference: reference)
        case (nil, let count?):
            guard let expected else { throw BackroomError.validation("expected", "A count needs the on hand it replaces (expected).") }
            let reason = try reason.map { text throws(BackroomError) in try MovementReason(parsing: text) } ?? .cycleCount
            let checkedCount = try QuantityRules.stockCount(count, field: "count")
            let checkedExpected = try QuantityRules.stockCount(expected, field: "expected")
            try reason.validate(manualDelta: checkedCount - checkedExpected)
            return .changeStock(sku, .setCount(to: checkedCount, expected: checkedExpected), reason: reason, reference: reference)
        case (.some, .some):
            throw BackroomError.validation("count", "Give a delta or a count, not both.")
        case (nil, nil):
            throw BackroomError.validation("delta", "Give a delta (with a reason) or a count (with expected).")
        }
    }
}

/// What happened to one item.
public enum StockBatchOutcome: Sendable {
    case applied(StockChange)
    case refused(BackroomError)
    /// Fine, but undone with the batch (all or nothing) because another item was refused.
    case notApplied
}

extension InventoryService {
    /// The most items one bulk request may carry.
    public static let maximumBatchItems = 1_000

    /// Applies stock changes and counts in one transaction, each item
    /// refused on its own reasons (unknown SKU, below committed stock, a
    /// count that changed, a reason that forbids the sign). Under
    /// `rejectAll` one refusal undoes the batch; under `skipBadRows` the
    /// rest are written. With a claim, a retry of the same request gets the
    /// first reply (`reply` renders it from the outcomes) and writes nothing.
    public func applyStockBatch(
        _ items: [StockBatchItem], policy: ImportPolicy, claim: IdempotencyClaim? = nil, by principal: Principal,
        reply: @escaping @Sendable ([StockBatchOutcome]) throws -> StoredReply
    ) async throws -> (reply: StoredReply, replayed: Bool) {
        try principal.require(.adjustStock)
        guard !items.isEmpty else { throw BackroomError.validation("items", "Send at least one item.") }
        guard items.count <= Self.maximumBatchItems else {
            throw BackroomError(.limitExceeded, "At most \(Self.maximumBatchItems) items per request; this one has \(items.count).", field: "items")
        }
        // Items that fail Core's rules never reach the store.
        let checked: [Result<StoreWrite, BackroomError>] = items.map { item in
            do throws(BackroomError) { return .success(try item.write()) } catch { return .failure(error) }
        }
        let writes = checked.compactMap { try? $0.get() }
        let invalid = checked.contains { if case .failure = $0 { true } else { false } }
        @Sendable func outcomes(_ stored: [Result<StoreWriteResult, BackroomError>]) -> [StockBatchOutcome] {
            var storedResults = stored.makeIterator()
            return checked.map { item in
                switch item {
                case .failure(let error): return .refused(error)
                case .success:
                    switch storedResults.next() {
                    case .success(.stock(let change))?: return .applied(change)
                    case .failure(let error)? where error.code == .notApplied: return .notApplied
                    case .failure(let error)?: return .refused(error)
                    default: return .refused(BackroomError(.internalError, "The store gave no result for this item."))
                    }
                }
            }
        }
        // Under reject-all an invalid item means nothing is written, but the
        // others still learn whether the store would refuse them: a rehearsal.
        let atomicity: BatchAtomicity = policy == .rejectAll ? (invalid ? .rehearsal : .allOrNothing) : .eachWrite
        let context = context(principal)
        let stored: StoredReply
        let results: [Result<StoreWriteResult, BackroomError>]?
        if let claim {
            switch try await store.perform(writes, atomicity: atomicity, context: context, claim: claim, reply: { try reply(outcomes($0)) }) {
            case .performed(let performed, let answer):
                (results, stored) = (performed, answer)
            case .replayed(let answer):
                (results, stored) = (nil, answer)
            }
        } else {
            let performed = try await store.perform(writes, atomicity: atomicity, context: context)
            (results, stored) = (performed, try reply(outcomes(performed)))
        }
        for case .success(.stock(let change)) in results ?? [] { changes.publish(.stock(change.item.sku)) }
        return (stored, results == nil)
    }
}
