import BackroomCore
import BackroomPostgres
import BackroomStore
import Foundation

/// A store as `--db` names it, opened: a SQLite file or a PostgreSQL
/// database. What works on both uses `store` (and `copyable`); what is
/// SQLite's own (backups of the file, the demo, the SQLite benchmarks)
/// matches `.sqlite` and refuses the other case by name.
public enum OpenedStore: Sendable {
    case sqlite(SQLiteShopStore)
    case postgres(PostgresShopStore)

    /// Opens an existing SQLite file or a PostgreSQL database (migrating it).
    public static func open(
        _ location: StoreLocation, sqlite configuration: StoreConfiguration = StoreConfiguration(), maximumConnections: Int = 20
    ) async throws -> OpenedStore {
        switch location {
        case .sqlite(let path): .sqlite(try SQLiteShopStore(path: path, configuration: configuration))
        case .postgres(let address): .postgres(try await PostgresShopStore.open(address, maximumConnections: maximumConnections))
        }
    }

    public var store: any ShopStore {
        switch self {
        case .sqlite(let store): store
        case .postgres(let store): store
        }
    }

    /// Its tables, row by row, for `backroom copy`.
    public var copyable: any CopyableStore {
        switch self {
        case .sqlite(let store): store
        case .postgres(let store): store
        }
    }

    public var currency: Currency {
        switch self {
        case .sqlite(let store): store.currency
        case .postgres(let store): store.currency
        }
    }

    /// The console header's name for it: the file's name, or the database's.
    public var name: String {
        switch self {
        case .sqlite(let store): (store.path as NSString).lastPathComponent
        case .postgres(let store): store.address.database
        }
    }

    public func appliedMigrations() async throws -> [String] {
        switch self {
        case .sqlite(let store): try store.appliedMigrations()
        case .postgres(let store): try await store.appliedMigrations()
        }
    }

    /// Write transactions committed so far: this process's on SQLite, every
    /// node's on PostgreSQL (its statistics, a moment behind).
    func committedTransactions() async -> Int {
        switch self {
        case .sqlite(let store): store.committedTransactions
        case .postgres(let store): (try? await store.statistics().committedTransactions) ?? 0
        }
    }

    /// The database and its write-ahead log, in bytes (PostgreSQL: the
    /// database only; its WAL is the server's).
    func sizes() async -> (database: Int64, wal: Int64) {
        switch self {
        case .sqlite(let store): store.fileSizes()
        case .postgres(let store): ((try? await store.statistics().databaseBytes) ?? 0, 0)
        }
    }

    /// Closes the store (SQLite: checkpointed first, so the file stands alone).
    public func close() async throws {
        switch self {
        case .sqlite(let store):
            try store.checkpoint()
            try store.close()
        case .postgres(let store):
            await store.close()
        }
    }

    /// For a `defer`: a SQLite store is closed now; a PostgreSQL store's
    /// connections end when it is let go of (or with the process).
    public func closeNow() {
        if case .sqlite(let store) = self { try? store.close() }
    }
}
