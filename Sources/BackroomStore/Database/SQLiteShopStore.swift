import BackroomCore
import Foundation
import GRDB

/// Backroom's store on one SQLite file, through a GRDB `DatabasePool` in WAL
/// mode. It owns every SQL statement of the application; callers see only
/// `ShopStore` methods, each one invariant-preserving transaction.
public final class SQLiteShopStore: ShopStore {
    /// The pool: one writer, several concurrent readers (WAL).
    public let pool: DatabasePool
    public let path: String
    public let currency: Currency
    let committer: GroupCommitter

    /// Opens (creating and migrating if needed) the store at `path`.
    /// Reopening an up-to-date file runs no migration.
    public init(path: String, configuration: StoreConfiguration = StoreConfiguration()) throws {
        var config = Configuration()
        config.busyMode = .timeout(configuration.busyTimeoutSeconds)
        config.maximumReaderCount = configuration.maximumReaderCount
        config.foreignKeysEnabled = true
        // The outbox reads this label on the writer connection.
        if !configuration.recordsEvents { config.label = Outbox.silentLabel }
        let durability = configuration.durability
        let mmap = max(0, configuration.memoryMapBytes)
        let cache = max(100, configuration.cacheKibibytes)
        config.prepareDatabase { db in
            if durability == .full {
                try db.execute(sql: "PRAGMA synchronous = FULL")
            }
            // The WAL is trimmed after checkpoints so it does not grow without bound.
            try db.execute(sql: "PRAGMA cache_size = -\(cache); PRAGMA mmap_size = \(mmap); PRAGMA journal_size_limit = 67108864")
        }
        do {
            pool = try DatabasePool(path: path, configuration: config)
        } catch let error as DatabaseError {
            throw BackroomError(.unavailable, "Cannot open the store at \(path): \(error.message ?? "SQLite error \(error.resultCode.rawValue)").")
        }
        self.path = path
        committer = GroupCommitter(writer: pool)
        try StoreMigrations.migrator().migrate(pool)
        currency = try pool.write { db in
            try Self.settleCurrency(db, requested: configuration.currency)
        }
    }

    /// A new store records the shop currency; an existing store keeps its own.
    private static func settleCurrency(_ db: Database, requested: String) throws -> Currency {
        if let stored = try String.fetchOne(db, sql: "SELECT value FROM store_setting WHERE key = 'currency'") {
            return try Currency(code: stored)
        }
        let currency = try Currency(code: requested)
        try db.execute(sql: "INSERT INTO store_setting (key, value) VALUES ('currency', ?)", arguments: [currency.code])
        return currency
    }

    /// The identifiers of the migrations this file has had, in order.
    public func appliedMigrations() throws -> [String] {
        let applied = try pool.read { db in try StoreMigrations.migrator().appliedIdentifiers(db) }
        return applied.sorted()
    }

    // MARK: Transactions

    /// Runs `body` atomically on the writer, inside a `BEGIN IMMEDIATE`
    /// transaction (so the write lock is held from the first read and no
    /// other process can interleave), possibly shared with other use cases
    /// through group commit. SQLite errors leave as store errors; domain
    /// errors as they are. When it returns, the change is committed.
    func immediateWrite<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await committer.write(body)
    }

    /// Write transactions this process committed since the store opened.
    public var committedTransactions: Int { committer.committedTransactions }

    /// Runs `body` on a reader, in a snapshot.
    func snapshotRead<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await StoreErrors.translating { try await pool.read(body) }
    }

    // MARK: Revisions

    enum RevisionArea: String {
        case catalog, stock, orders, users
    }

    /// Marks an area as changed; other readers (and processes) notice.
    func bump(_ areas: RevisionArea..., in db: Database) throws {
        for area in areas {
            try db.cachedStatement(sql: "UPDATE store_revision SET \(area.rawValue) = \(area.rawValue) + 1 WHERE id = 1").execute()
        }
    }

    public func revision() async throws -> StoreRevision {
        try await snapshotRead { db in
            let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT catalog, stock, orders, users FROM store_revision WHERE id = 1"))!
            return StoreRevision(catalog: try row.stored("catalog"), stock: try row.stored("stock"), orders: try row.stored("orders"), users: try row.stored("users"))
        }
    }

    // MARK: Maintenance

    /// Sizes of the database file and its WAL, in bytes.
    public func fileSizes() -> (database: Int64, wal: Int64) {
        func size(_ path: String) -> Int64 {
            ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.int64Value ?? 0
        }
        return (size(path), size(path + "-wal"))
    }

    /// Updates the query planner's statistics (after bulk loads).
    public func optimize() async throws {
        try await StoreErrors.translating {
            try await pool.writeWithoutTransaction { db in try db.execute(sql: "ANALYZE; PRAGMA optimize") }
        }
    }

    /// Writes the WAL back into the database file.
    public func checkpoint() throws {
        try StoreErrors.translating {
            try pool.writeWithoutTransaction { db in _ = try db.checkpoint(.truncate) }
        }
    }

    /// Closes every connection; later calls fail.
    public func close() throws {
        try pool.close()
    }
}

/// Maps SQLite failures to Backroom errors without leaking SQL.
public enum StoreErrors {
    /// An error as it leaves the store. What SQLite reports becomes a
    /// `BackroomError`: the known cases as in `translate`, anything else (a
    /// corrupt file, an I/O failure) an `internal_error` carrying SQLite's
    /// reason, never the statement, so no module above the store needs to
    /// know which database it runs on. The store's own errors pass as they
    /// are (a batch undone on purpose travels as one).
    static func leaving(_ error: any Error) -> any Error {
        guard let error = error as? DatabaseError else { return error }
        let translated = translate(error)
        guard let unknown = translated as? DatabaseError else { return translated }
        return BackroomError(.internalError, "store error: \(unknown.message ?? "SQLite error \(unknown.resultCode.rawValue)")")
    }

    /// Runs `body`; SQLite's errors leave as `BackroomError` (see `leaving`).
    static func translating<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch {
            throw leaving(error)
        }
    }

    static func translating<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch {
            throw leaving(error)
        }
    }

    static func translateAny(_ error: any Error) -> any Error {
        if let error = error as? DatabaseError { return translate(error) }
        return error
    }

    static func translate(_ error: DatabaseError) -> any Error {
        switch error.resultCode {
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return BackroomError(.unavailable, "The store is busy; try again.")
        case .SQLITE_FULL:
            return BackroomError(.unavailable, "The disk is full; nothing was written.")
        case .SQLITE_READONLY:
            return BackroomError(.unavailable, "The store is read-only; nothing was written.")
        case .SQLITE_CONSTRAINT:
            // Validation in Core should have caught it; a constraint is the last
            // line of defence, and the value was the client's, so it is a 4xx.
            if error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE || error.extendedResultCode == .SQLITE_CONSTRAINT_PRIMARYKEY {
                return BackroomError.conflict("That already exists; nothing was written.")
            }
            return BackroomError(.validationFailed, "The store refused a value as out of range; nothing was written.")
        default:
            return error
        }
    }

    /// Whether the error is a UNIQUE violation (a duplicate SKU or email).
    static func isUniqueViolation(_ error: any Error) -> Bool {
        (error as? DatabaseError)?.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE
    }
}
