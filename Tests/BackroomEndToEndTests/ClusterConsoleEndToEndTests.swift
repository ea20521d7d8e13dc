import BackroomTestSupport
import Foundation
import Testing

/// One console for every node of a real cluster (`Scripts/cluster.sh`), in
/// a real terminal: it finds the nodes through the load balancer, shows a
/// killed node down at once and back when it restarts.
@Suite("Console on a cluster end to end", .serialized, .enabled(if: TestCluster.isAvailable, "nginx or PostgreSQL's server binaries are not installed"))
struct ClusterConsoleEndToEndTests {
    /// The Metrics pane's row of `node`.
    static func row(_ screen: String, _ node: String) -> String {
        screen.split(separator: "\n").first { $0.contains("│ \(node) ") }.map(String.init) ?? ""
    }

    @Test("attached through nginx: three nodes up; one killed shows down, restarted shows up again")
    func nodesGoDownAndComeBack() async throws {
        try await TestCluster.with { cluster in
            let session = try await TmuxSession(width: 140, height: 40)
            try await session.run(
                "clear; \(TmuxSession.binary) console --db '\(cluster.store)' --attach \(cluster.loadBalancer) --token \(cluster.token); echo EX\"\"IT=$?"
            )
            try await session.waitFor(text: "[2 Inventory]", seconds: 30)
            try await session.send("5")
            let up = try await session.waitFor("three nodes up", seconds: 30) { screen in
                screen.contains("3/3 nodes") && ["node-1", "node-2", "node-3"].allSatisfy { Self.row(screen, $0).contains("● up") }
            }
            #expect(up.contains("cluster \(cluster.loadBalancer)"))
            #expect(Self.row(up, "node-2").contains(cluster.nodes[1]), "each node's own URL")

            try await cluster.kill(node: 2)
            // The stream notices within its 5 s quiet limit, or at once when the connection drops.
            let down = try await session.waitFor("node-2 down", seconds: 15) { screen in
                Self.row(screen, "node-2").contains("✗ down") && screen.contains("2/3 nodes")
            }
            #expect(Self.row(down, "node-1").contains("● up") && Self.row(down, "node-3").contains("● up"), "the others keep streaming")

            try await cluster.start(node: 2)
            try await session.waitFor("node-2 back", seconds: 30) { screen in
                Self.row(screen, "node-2").contains("● up") && screen.contains("3/3 nodes")
            }
            try await session.send("q")
            try await session.waitFor(text: "EXIT=0")
        }
    }
}
