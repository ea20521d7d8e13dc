import BackroomCore
import PostgresNIO

extension PostgresShopStore {
    /// Has the server sample every table now (`ANALYZE`) rather than when
    /// autovacuum next gets to it. A store just filled in bulk (`copy`,
    /// `seed`) has no statistics yet; the planner then takes its tables for
    /// empty and scans them whole where an index lookup was meant, until
    /// autovacuum catches up, minutes later.
    public func refreshPlannerStatistics() async throws {
        let logger = self.logger
        _ = try await read { connection in
            try await connection.query("ANALYZE", logger: logger)
        }
    }
}
