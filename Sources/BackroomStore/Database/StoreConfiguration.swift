/// How the SQLite file is opened.
public struct StoreConfiguration: Sendable, Hashable {
    public enum Durability: String, Sendable, Hashable, CaseIterable {
        /// `synchronous=NORMAL` in WAL mode: a committed transaction survives
        /// a process crash; the last ones may be lost on power loss.
        case normal
        /// `synchronous=FULL`: committed transactions survive power loss too.
        case full
    }

    public var durability: Durability
    /// How long a write waits for another process's lock before failing.
    public var busyTimeoutSeconds: Double
    /// Concurrent readers in the pool.
    public var maximumReaderCount: Int
    /// The shop's currency; a new store records it, an existing one must match.
    public var currency: String
    /// Bytes of the file read through memory mapping instead of `pread`
    /// (no system call and no copy per page); 0 turns it off.
    public var memoryMapBytes: Int64
    /// Page cache per connection, in KiB.
    public var cacheKibibytes: Int
    /// Whether writes record their events in the outbox. Off only to
    /// measure what the outbox costs (`backroom bench checkout`): changes
    /// made through such a store have no events, and no webhook hears of them.
    public var recordsEvents = true

    public init(
        durability: Durability = .normal, busyTimeoutSeconds: Double = 10, maximumReaderCount: Int = 4,
        currency: String = "EUR", memoryMapBytes: Int64 = 1 << 30, cacheKibibytes: Int = 16_000
    ) {
        self.durability = durability
        self.busyTimeoutSeconds = busyTimeoutSeconds
        self.maximumReaderCount = maximumReaderCount
        self.currency = currency
        self.memoryMapBytes = memoryMapBytes
        self.cacheKibibytes = cacheKibibytes
    }
}

extension StoreConfiguration {
    /// For the operator console: it reads a screenful at a time, so a small
    /// page cache and no memory map (mapped pages count as the process's
    /// resident memory: 114 MB against 49 MB peak on a million-product
    /// store, for ~15 ms more to the first frame; see BENCHMARKS.md).
    public static var console: StoreConfiguration {
        StoreConfiguration(maximumReaderCount: 3, memoryMapBytes: 0, cacheKibibytes: 4000)
    }

    /// For imports and exports: a million rows stream through, so neither
    /// the memory map nor a big page cache may grow with the file (the
    /// default configuration peaks at 217 MB resident on a million-product
    /// export, most of it mapped pages).
    public static func transfer(durability: Durability = .normal, currency: String = "EUR") -> StoreConfiguration {
        StoreConfiguration(durability: durability, maximumReaderCount: 2, currency: currency, memoryMapBytes: 0, cacheKibibytes: 8000)
    }
}
