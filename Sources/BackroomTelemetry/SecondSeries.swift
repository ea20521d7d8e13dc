/// Per-second figures for the last `seconds` seconds, in a ring indexed by
/// the second's number, so old seconds are overwritten as time moves on
/// (an injected clock moves it in tests).
public struct SecondSeries: Sendable {
    public struct Second: Sendable {
        public var number: Int64 = -1
        public var requests: Int = 0
        public var errors: Int = 0
        public var clientErrors: Int = 0
        public var latency = LatencyDistribution()
        public var orders: Int = 0
        public var revenueMinorUnits: Int64 = 0
        public var refusedForStock: Int = 0
        public var writeTransactions: Int = 0
    }

    public let seconds: Int
    private var slots: [Second]

    public init(seconds: Int = 900) {
        self.seconds = seconds
        slots = Array(repeating: Second(), count: seconds)
    }

    /// The slot of second `number`, reset if it held an older second.
    public mutating func update(_ number: Int64, _ change: (inout Second) -> Void) {
        let index = Int(((number % Int64(seconds)) + Int64(seconds)) % Int64(seconds))
        if slots[index].number != number {
            slots[index] = Second()
            slots[index].number = number
        }
        change(&slots[index])
    }

    /// The seconds `from...through`, oldest first; seconds with no data are empty.
    public func range(from: Int64, through: Int64) -> [Second] {
        guard through >= from else { return [] }
        let first = max(from, through - Int64(seconds) + 1)
        return (first...through).map { number in
            let index = Int(((number % Int64(seconds)) + Int64(seconds)) % Int64(seconds))
            if slots[index].number == number { return slots[index] }
            var empty = Second()
            empty.number = number
            return empty
        }
    }
}
