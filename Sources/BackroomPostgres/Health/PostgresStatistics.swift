import BackroomCore
import PostgresNIO

/// What the server says of the database: for the console's live panes.
public struct PostgresStatistics: Sendable {
    public var committedTransactions: Int
    public var databaseBytes: Int64
}

extension PostgresShopStore {
    public func statistics() async throws -> PostgresStatistics {
        let logger = self.logger
        return try await read { connection in
            try await connection.query("""
                SELECT xact_commit, pg_database_size(current_database()) AS bytes FROM pg_stat_database WHERE datname = current_database()
                """, logger: logger).decoded { row in
                PostgresStatistics(committedTransactions: Int(try row.stored("xact_commit", as: Int64.self)), databaseBytes: try row.stored("bytes", as: Int64.self))
            }.first ?? PostgresStatistics(committedTransactions: 0, databaseBytes: 0)
        }
    }
}
