import BackroomCore
import BackroomPostgres
import BackroomStore

/// A store as `--db` names it, opened: a SQLite file or a PostgreSQL
/// database. Commands that work on both use `store`; the few that are
/// SQLite's own (backups of the file, the console, seeding, benchmarks)
/// ask for `sqlite(for:)`, which refuses a PostgreSQL store by name.
enum OpenedStore: Sendable {
    case sqlite(SQLiteShopStore)
    case postgres(PostgresShopStore)

    var store: any ShopStore {
        switch self {
        case .sqlite(let store): store
        case .postgres(let store): store
        }
    }

    /// Its tables, row by row, for `backroom copy`.
    var copyable: any CopyableStore {
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

    func appliedMigrations() async throws -> [String] {
        switch self {
        case .sqlite(let store): try store.appliedMigrations()
        case .postgres(let store): try await store.appliedMigrations()
        }
    }

    /// Closes the store (SQLite: checkpointed first, so the file stands alone).
    func close() async throws {
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
    func closeNow() {
        if case .sqlite(let store) = self { try? store.close() }
    }
}
