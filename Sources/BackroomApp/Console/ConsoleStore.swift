import BackroomCore
import BackroomPostgres
import BackroomStore
import Foundation

/// The store the console opened, SQLite or PostgreSQL, and the figures
/// its live panes show of it.
enum ConsoleStore: Sendable {
    case sqlite(SQLiteShopStore)
    case postgres(PostgresShopStore)

    static func open(_ location: StoreLocation) async throws -> ConsoleStore {
        switch location {
        case .sqlite(let path): .sqlite(try SQLiteShopStore(path: path, configuration: .console))
        case .postgres(let address): .postgres(try await PostgresShopStore.open(address, maximumConnections: 8))
        }
    }

    var store: any ShopStore {
        switch self {
        case .sqlite(let store): store
        case .postgres(let store): store
        }
    }

    var currency: Currency {
        switch self {
        case .sqlite(let store): store.currency
        case .postgres(let store): store.currency
        }
    }

    /// The header's name for it: the file's name, or the database's.
    var name: String {
        switch self {
        case .sqlite(let store): (store.path as NSString).lastPathComponent
        case .postgres(let store): store.address.database
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

    func close() async {
        switch self {
        case .sqlite(let store):
            try? store.checkpoint()
            try? store.close()
        case .postgres(let store):
            await store.close()
        }
    }
}
