import BackroomCore
import BackroomHTTP
import BackroomServices
import BackroomTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing

/// What lets several nodes behind a load balancer be told apart and
/// followed: node names, heartbeats, request ids.
@Suite("API nodes")
struct NodeIdentityTests {
    @Test("a node names itself in /healthz, /metrics and the live snapshot")
    func nodeName() async throws {
        var configuration = ServerConfiguration()
        configuration.nodeName = "node-a"
        let server = try await TestServer(configuration: configuration)
        try await server.run { client in
            #expect(try await client.execute(uri: "/healthz", method: .get).text == #"{"node":"node-a","status":"ok"}"#)
            let metrics = try await client.execute(uri: "/metrics", method: .get).text
            #expect(metrics.contains(#"backroom_node_info{node="node-a",version="\#(BackroomVersion.current)"} 1"#))
        }
        let broadcast = LiveBroadcast(telemetry: server.parts.telemetry, node: "node-a")
        #expect(String(buffer: broadcast.snapshotEvent(windowSeconds: 60)).contains(#""node":"node-a""#))
    }

    @Test("node names: plain and short; the default is host:port")
    func names() throws {
        #expect(try NodeName.validated("api-1.eu:8081") == "api-1.eu:8081")
        for bad in ["", "has space", "ü", String(repeating: "n", count: 65), "a\nb"] {
            #expect(throws: BackroomError.self) { try NodeName.validated(bad) }
        }
        #expect(NodeName.defaultName(hostName: "shop-box", port: 8081) == "shop-box:8081")
        #expect(NodeName.defaultName(hostName: "weird host/ü", port: 1) == "weirdhost:1")
        #expect(NodeName.defaultName(hostName: "", port: 8080) == "node:8080")
    }

    @Test("the live nodes: heartbeats within six seconds, by name; a leaving node goes at once", arguments: TestStoreKind.available)
    func liveNodes(kind: TestStoreKind) async throws {
        let server = try await TestServer(kind)
        let shop = server.shop
        let clock = server.test.clock
        let started = clock.now()
        for name in ["node-b", "node-a"] {
            try await shop.nodes.beat(NodeHeartbeat(
                name: name, url: "http://10.0.0.1:\(name == "node-a" ? 8081 : 8082)", startedAt: started, seenAt: started, version: "1.0.0"
            ))
        }
        try await server.run { client in
            let listed = try await client.execute(uri: "/api/v1/admin/nodes", method: .get, headers: server.headers(.admin))
            #expect(listed.status == .ok)
            let items = try #require(try listed.json()["items"] as? [[String: Any]])
            #expect(items.compactMap { $0["name"] as? String } == ["node-a", "node-b"])
            #expect(items.first?["url"] as? String == "http://10.0.0.1:8081")
            #expect(try await client.execute(uri: "/api/v1/admin/nodes", method: .get, headers: server.headers(.operator)).status == .forbidden)
        }
        // node-a beats again later; node-b is silent for longer than the window.
        clock.advance(seconds: 5)
        try await shop.nodes.beat(NodeHeartbeat(name: "node-a", url: "http://10.0.0.1:8081", startedAt: started, seenAt: started, version: "1.0.0"))
        clock.advance(seconds: 2)
        #expect(try await shop.nodes.live(by: .system("test")).map(\.name) == ["node-a"])
        try await shop.nodes.leave("node-a")
        #expect(try await shop.nodes.live(by: .system("test")).isEmpty)
    }

    @Test("a running node beats until it stops, then leaves", arguments: TestStoreKind.available)
    func presence(kind: TestStoreKind) async throws {
        let server = try await TestServer(kind)
        let nodes = server.shop.nodes
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let presence = NodePresence(
            nodes: nodes, name: "node-p", address: AnnouncedAddress("http://127.0.0.1:9"), startedAt: server.test.clock.now(),
            interval: .milliseconds(20), logger: logger
        )
        let running = Task { try? await presence.run() }
        var seen: [String] = []
        for _ in 0..<500 where seen.isEmpty {
            seen = try await nodes.live(by: .system("test")).map(\.name)
            if seen.isEmpty { try await Task.sleep(for: .milliseconds(10)) }
        }
        #expect(seen == ["node-p"])
        running.cancel()
        await running.value
        #expect(try await nodes.live(by: .system("test")).isEmpty, "a node that stops leaves the list at once")
    }

    @Test(
        "on PostgreSQL another node's catalog write reaches the cache at once (NOTIFY), long before the next poll",
        .enabled(if: PostgresTestCluster.isAvailable, "PostgreSQL's server binaries are not installed")
    )
    func catalogNotice() async throws {
        let server = try await TestServer(.postgres)
        try await server.test.product("MUG-1", name: "Before", stock: 10)
        let (changes, changed) = AsyncStream.makeStream(of: Void.self)
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        // A poll an hour away: only the notice can report the write in time.
        let watcher = RevisionWatcher(shop: server.shop, interval: .seconds(3600), logger: logger) { previous, current in
            if previous.catalog != current.catalog { changed.yield() }
        }
        let watching = Task { try? await watcher.run() }
        defer { watching.cancel() }
        let other = try await server.test.secondStore()
        // The first notice may come before the listener is in place: write
        // until one is reported (at most 10 s), a write every 200 ms.
        let writer = Task {
            var round = 0
            while !Task.isCancelled && round < 50 {
                round += 1
                _ = try? await other.store.updateProduct(SKU("MUG-1"), changes: ProductChanges(name: "After \(round)"), expectedVersion: nil,
                                                         context: WriteContext(principal: .system("other"), at: server.test.clock.now()))
                try? await Task.sleep(for: .milliseconds(200))
            }
            changed.finish()
        }
        var reported = false
        for await _ in changes {
            reported = true
            break
        }
        writer.cancel()
        await writer.value
        await other.close()
        #expect(reported, "no catalog change was reported within 10 s with the poll an hour away")
    }

    @Test("a request id from a trusted proxy is kept; anyone else's is replaced")
    func requestIDs() async throws {
        let proxied = try await TestServer(configuration: ServerConfiguration(trustedProxies: [try AddressRange(parsing: "127.0.0.1/32")]))
        try await proxied.runLive { client in
            let sent: HTTPFields = [HTTPField.Name("X-Request-Id")!: "0f1e2d3c4b5a69788796a5b4c3d2e1f0"]
            let missing = try await client.execute(uri: "/api/v1/products/NOPE-1", method: .get, headers: sent)
            #expect(missing.status == .notFound)
            #expect(missing.headers[HTTPField.Name("X-Request-Id")!] == "0f1e2d3c4b5a69788796a5b4c3d2e1f0")
            #expect(try missing.json()["requestId"] as? String == "0f1e2d3c4b5a69788796a5b4c3d2e1f0")
            let unsafe: HTTPFields = [HTTPField.Name("X-Request-Id")!: "two words"]
            let replaced = try await client.execute(uri: "/healthz", method: .get, headers: unsafe)
            let id = try #require(replaced.headers[HTTPField.Name("X-Request-Id")!])
            #expect(id != "two words" && !id.isEmpty)
        }
        let direct = try await TestServer()
        try await direct.runLive { client in
            let sent: HTTPFields = [HTTPField.Name("X-Request-Id")!: "chosen-by-the-client"]
            let response = try await client.execute(uri: "/api/v1/products/NOPE-1", method: .get, headers: sent)
            let id = try #require(response.headers[HTTPField.Name("X-Request-Id")!])
            #expect(id != "chosen-by-the-client")
            #expect(try response.json()["requestId"] as? String == id)
        }
    }
}
