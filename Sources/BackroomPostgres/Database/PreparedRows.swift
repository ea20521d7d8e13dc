import BackroomCore
import PostgresNIO

/// A statement on a hot path (checkout, the revision bump, the outbox):
/// each connection has the server parse it once, and after a few runs the
/// server keeps one plan for it, instead of parsing and planning the text
/// at every call as it does for a `PostgresQuery` (PostgresNIO's unnamed
/// statements). Parsing and planning were ~40% of the server's CPU under a
/// checkout load (`BENCHMARKS.md`). Every parameter carries a cast in the
/// SQL, so its type never depends on the values of the first call (a NULL
/// there would leave it to inference). Rows are read by column name, as
/// elsewhere in the store.
protocol PreparedRows: PostgresPreparedStatement where Row == PostgresRow {}

extension PreparedRows {
    func decodeRow(_ row: PostgresRow) throws -> PostgresRow { row }
}

/// A prepared statement whose one parameter is a cart's id (`$1::TEXT`).
protocol PreparedForCart: PreparedRows {
    var cartID: String { get }
}

extension PreparedForCart {
    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 1)
        bindings.append(cartID)
        return bindings
    }
}

extension PostgresConnection {
    /// Runs a prepared statement, every row decoded while it is read.
    func rows<Statement: PreparedRows, T>(
        _ statement: Statement, logger: Logger, _ decode: (PostgresRandomAccessRow) throws -> T
    ) async throws -> [T] {
        var results: [T] = []
        for try await row in try await execute(statement, logger: logger) { results.append(try decode(row.makeRandomAccess())) }
        return results
    }

    /// Runs a prepared statement that returns no rows worth reading.
    func run<Statement: PreparedRows>(_ statement: Statement, logger: Logger) async throws {
        for try await _ in try await execute(statement, logger: logger) {}
    }
}
