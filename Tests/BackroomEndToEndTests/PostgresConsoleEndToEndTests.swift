import BackroomCore
import BackroomTestSupport
import Foundation
import Testing

/// The console on a PostgreSQL store, in a real terminal.
@Suite("Console on PostgreSQL end to end", .serialized, .enabled(if: PostgresTestCluster.isAvailable, "PostgreSQL's server binaries are not installed"))
struct PostgresConsoleEndToEndTests {
    @Test("seed a PostgreSQL store, browse and filter it, adjust a count, quit: the count is in the database")
    func browseAndAdjust() async throws {
        let address = try await PostgresTestCluster.shared.database()
        guard case .unixSocket(let socket) = address.endpoint else { throw E2EError("the test server listens on a socket") }
        let url = "postgres://\(address.user)@/\(address.database)?host=\((socket as NSString).deletingLastPathComponent)"
        let session = try await TmuxSession()
        let binary = TmuxSession.binary
        try await session.run("\(binary) seed --db '\(url)' --products 300 --users 10 --orders 40 --password-cost 4 && echo SEED\"\"ED")
        try await session.waitFor(text: "SEEDED", seconds: 60)
        try await session.run("clear; \(binary) console --db '\(url)' --no-server --operator ana@backroom.local; echo EX\"\"IT=$?")
        try await session.waitFor(text: "Password for ana@backroom.local:")
        try await session.type("backroom-demo")
        try await session.send("Enter")
        let first = try await session.waitFor(text: "[2 Inventory]")
        #expect(first.contains(address.database), "the header names the database")
        try await session.send("/")
        try await session.type("mug")
        try await session.send("Enter")
        try await session.waitFor("only mugs listed under the filter") { screen in
            let rows = screen.split(separator: "\n").filter { $0.contains("│") && $0.contains("-0") }
            return screen.contains("filter \"mug\"") && !rows.isEmpty && rows.allSatisfy { $0.contains("MUG-") }
        }
        try await session.send("+")
        let adjusted = try await session.waitFor("the flash of the adjustment") { $0.contains("(correction)") && $0.contains("✓") }
        let sku = try #require(adjusted.split(separator: "\n").first { $0.contains("✓") }?.split(separator: " ").first { $0.hasPrefix("MUG-") })
        try await session.send("q")
        try await session.waitFor(text: "EXIT=0")
        let ledger = try await ChildProcess.run([binary, "export", "movements", "--db", url, "--format", "jsonl"])
        let rows = ledger.output.split(separator: "\n").filter { $0.contains("\"\(sku)\"") && $0.contains("\"correction\"") }
        #expect(rows.count == 1, "the adjustment is in the database's ledger: \(ledger.output.suffix(500))")
        #expect(try await ChildProcess.run([binary, "check", "--db", url]).status == 0)
    }
}
