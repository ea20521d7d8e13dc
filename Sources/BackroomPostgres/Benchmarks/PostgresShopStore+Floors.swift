import BackroomCore
import PostgresNIO

/// What the benchmarks measure the store against: the cost of one round
/// trip to the server, with nothing to parse or plan.
extension PostgresShopStore {
    /// Runs `SELECT 1` on a pooled connection.
    public func roundTripForBenchmark() async throws {
        let logger = self.logger
        try await read { connection in
            _ = try await connection.query("SELECT 1 AS one", logger: logger).decoded { try $0.stored("one", as: Int32.self) }
        }
    }
}
