/// A stock take in progress: what one operator counted so far. It lives in
/// the store as a draft (a console that crashes loses nothing) until it is
/// committed, which writes every count as a compare-and-set `cycle_count`,
/// or discarded.
public struct StockTake: Sendable, Hashable, Identifiable {
    public var id: Int64
    public var actor: String
    public var startedAt: Timestamp
    public var updatedAt: Timestamp
    /// Counted SKUs, the latest scanned first.
    public var lines: [StockTakeLine]

    public init(id: Int64, actor: String, startedAt: Timestamp, updatedAt: Timestamp, lines: [StockTakeLine]) {
        self.id = id
        self.actor = actor
        self.startedAt = startedAt
        self.updatedAt = updatedAt
        self.lines = lines
    }

    /// The take with a line just scanned: it replaces the SKU's line and
    /// comes first.
    public func recording(_ line: StockTakeLine) -> StockTake {
        var take = self
        take.lines.removeAll { $0.sku == line.sku }
        take.lines.insert(line, at: 0)
        take.updatedAt = max(updatedAt, line.lastScannedAt)
        return take
    }

    public func removing(_ sku: SKU, at time: Timestamp) -> StockTake {
        var take = self
        take.lines.removeAll { $0.sku == sku }
        take.updatedAt = max(updatedAt, time)
        return take
    }

    /// Units counted minus units expected, over the lines counted (those
    /// waiting for a recount aside).
    public var unitVariance: Int64 { lines.filter { !$0.needsRecount }.reduce(0) { $0 + $1.difference } }

    /// The variance at each product's price, in minor units.
    public var valueVarianceMinorUnits: Int64 {
        lines.filter { !$0.needsRecount }.reduce(0) { $0 + $1.difference * $1.unitPrice.minorUnits }
    }
}

public struct StockTakeLine: Sendable, Hashable {
    public var sku: SKU
    public var name: String
    /// On hand when the SKU was first scanned: the count replaces it only
    /// if it still is (compare-and-set).
    public var expected: Int64
    public var counted: Int64
    public var scans: Int
    public var lastScannedAt: Timestamp
    /// The count could not be written because on hand moved since the scan:
    /// count it again.
    public var needsRecount: Bool
    public var unitPrice: Money

    public init(
        sku: SKU, name: String, expected: Int64, counted: Int64, scans: Int, lastScannedAt: Timestamp, needsRecount: Bool, unitPrice: Money
    ) {
        self.sku = sku
        self.name = name
        self.expected = expected
        self.counted = counted
        self.scans = scans
        self.lastScannedAt = lastScannedAt
        self.needsRecount = needsRecount
        self.unitPrice = unitPrice
    }

    public var difference: Int64 { counted - expected }
}

/// How a scan of a SKU already counted in this take is taken.
public enum RepeatScan: String, Sendable, Hashable, CaseIterable {
    /// The quantities add up (a shelf counted in parts).
    case add
    /// The new quantity replaces the old one (a recount).
    case replace
}

/// What committing a stock take did.
public struct StockTakeCommit: Sendable, Hashable {
    /// Counts written (one ledger row each).
    public var applied: [StockChange]
    /// Counts equal to on hand: nothing to write.
    public var unchanged: [SKU]
    /// Counts not written, with why (on hand moved since the scan, or the
    /// count is below what orders and carts hold): they stay in the take,
    /// marked for a recount.
    public var conflicts: [StockTakeConflict]
    /// The take as it is after the commit; nil when nothing was left in it.
    public var remaining: StockTake?

    public init(applied: [StockChange], unchanged: [SKU], conflicts: [StockTakeConflict], remaining: StockTake?) {
        self.applied = applied
        self.unchanged = unchanged
        self.conflicts = conflicts
        self.remaining = remaining
    }
}

public struct StockTakeConflict: Sendable, Hashable {
    public var sku: SKU
    public var reason: String

    public init(sku: SKU, reason: String) {
        self.sku = sku
        self.reason = reason
    }
}
