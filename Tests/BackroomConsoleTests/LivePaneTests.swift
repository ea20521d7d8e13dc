@testable import BackroomConsole
import BackroomCore
import BackroomTelemetry
import Foundation
@testable import TerminalKit
import Testing

/// The live panes, fed synthetic events.
@Suite("Live panes")
struct LivePaneTests {
    static let start = Timestamp(millisecondsSince1970: 1_767_225_600_000)

    static func record(_ id: UInt64, path: String = "/api/v1/products/MUG-0001", status: Int = 200, micros: UInt64 = 1200, user: String? = nil) -> RequestRecord {
        RequestRecord(
            id: id, at: start.adding(milliseconds: Int64(id) * 10), method: "GET", route: "/api/v1/products/{sku}", path: path,
            status: status, latencyMicroseconds: micros, bytes: 612, user: user, requestID: String(format: "req%09d", id),
            errorCode: status >= 400 ? "not_found" : nil, errorDetail: status >= 400 ? "No product with SKU NOPE." : nil
        )
    }

    func console() async throws -> ConsoleFixture {
        let console = try await ConsoleFixture(serverLabel: "api 127.0.0.1:8080")
        await console.driver.send(.live(.connection(.local)))
        await console.show(.requests)
        return console
    }

    @Test("requests follow the newest; space pauses, counts what arrives, and resumes")
    func pauseAndResume() async throws {
        let console = try await console()
        await console.driver.send(.live(.requests((1...30).map { Self.record($0) })))
        #expect(console.line(2).hasPrefix("┌ Requests · following ─"))
        #expect(console.line(3).hasPrefix("│ Time         Method Path"))
        #expect(console.line(containing: "req000000030") != nil)
        #expect(console.line(containing: "req000000001") == nil, "only the newest rows fit")
        await console.press("space")
        let frozen = console.text
        await console.driver.send(.live(.requests((31...33).map { Self.record($0, path: "/api/v1/carts") })))
        #expect(console.line(2).hasPrefix("┌ Requests · paused · 3 new ─"))
        #expect(!console.text.contains("req000000033"), "the list does not move while paused")
        #expect(console.text.split(separator: "\n").dropFirst(3).prefix(20).joined() == frozen.split(separator: "\n").dropFirst(3).prefix(20).joined())
        await console.press("k", "k", "enter")
        #expect(console.line(2).contains("GET /api/v1/products/MUG-0001"))
        #expect(console.text.contains("Request id  req000000028"))
        await console.press("esc", "space")
        #expect(console.line(2).hasPrefix("┌ Requests · following ─"))
        #expect(console.line(containing: "req000000033") != nil)
    }

    @Test("filters: errors only, status class, slower than N ms, text")
    func filters() async throws {
        let console = try await console()
        await console.driver.send(.live(.requests([
            Self.record(1), Self.record(2, path: "/api/v1/products/NOPE", status: 404), Self.record(3, status: 500, micros: 250_000),
            Self.record(4, micros: 150_000, user: "li.wei"),
        ])))
        await console.press("e")
        #expect(console.line(2).contains("filter errors"))
        #expect(console.line(containing: "! 404") != nil && console.line(containing: "✗ 500") != nil)
        #expect(console.line(containing: "✓ 200") == nil)
        #expect(MemoryScreen.style(of: "✗ 500", in: console.screen())?.foreground == Theme.builtInDefault["status.error"].foreground)
        await console.press("e", "s")
        #expect(console.line(2).contains("filter 2xx"))
        #expect(console.line(containing: "req000000001") != nil && console.line(containing: "req000000002") == nil)
        await console.press("s", "s", "s", ">")
        await console.type("100")
        await console.press("enter")
        #expect(console.line(2).contains("filter > 100 ms"))
        #expect(console.line(containing: "req000000003") != nil && console.line(containing: "req000000004") != nil)
        #expect(console.line(containing: "req000000001") == nil)
        await console.press("/")
        await console.type("li.wei")
        await console.press("enter")
        #expect(console.line(containing: "req000000004") != nil && console.line(containing: "req000000003") == nil)
    }

    @Test("the slower-than form refuses what is not a number")
    func slowerThanValidation() async throws {
        let console = try await console()
        await console.press(">")
        await console.type("fast")
        await console.press("enter")
        #expect(console.text.contains("✗ must be a whole number"))
        #expect(console.model.requests.live.slowerThanMilliseconds == nil)
    }

    @Test("a full buffer and upstream sampling are counted and shown")
    func sampling() async throws {
        let console = try await console()
        await console.driver.send(.live(.requests((1...10_250).map { Self.record(UInt64($0)) })))
        #expect(console.model.requests.live.records.count == 10_000)
        var snapshot = MetricsSnapshot.empty(at: Self.start, windowSeconds: 900)
        snapshot.droppedEvents = 100
        await console.driver.send(.live(.snapshot(snapshot)))
        #expect(console.line(2).contains("350 sampled out"))
        #expect(console.line(27).contains("buffer 10,000/10,000"))
    }

    static func snapshot() -> MetricsSnapshot {
        var snapshot = MetricsSnapshot.empty(at: start.adding(seconds: 300), windowSeconds: 900)
        snapshot.requestsPerSecond = 212
        snapshot.errorRate = 0.004
        snapshot.p99Microseconds = 14_000
        snapshot.inFlight = 3
        var points: [MetricsSnapshot.Point] = []
        for second in 0..<300 {
            let requests: Int = 100 + (second % 60) * 3
            let errors: Int = second % 50 == 0 ? 2 : 0
            let p99 = UInt64(5000 + (second % 30) * 400)
            points.append(MetricsSnapshot.Point(
                second: Int64(second), requests: requests, errors: errors, p50Microseconds: 2100, p99Microseconds: p99,
                maxMicroseconds: 41_000, orders: 7, revenueMinorUnits: 8_673, writeTransactions: 5
            ))
        }
        snapshot.points = points
        snapshot.windows = [60, 300].map {
            MetricsSnapshot.WindowFigures(seconds: $0, requests: 63_600, errors: 254, p50Microseconds: 2100, p90Microseconds: 6800,
                                          p99Microseconds: 14_000, maxMicroseconds: 41_000, orders: 7 * $0, revenueMinorUnits: 8_673 * Int64($0), refusedForStock: 9)
        }
        snapshot.routes = [
            .init(method: "GET", route: "/api/v1/products/{sku}", count: 41_220, errors: 0, perSecond: 138, p50Microseconds: 1200, p99Microseconds: 6100),
            .init(method: "POST", route: "/api/v1/carts/{cartId}/checkout", count: 2_104, errors: 44, perSecond: 7, p50Microseconds: 4800, p99Microseconds: 22_000),
        ]
        return snapshot
    }

    @Test("metrics: rates, latency, charts, routes and shop figures")
    func metrics() async throws {
        let console = try await console()
        await console.show(.metrics)
        await console.driver.send(.live(.snapshot(Self.snapshot())))
        await console.driver.send(.live(.storeSizes(database: 412 * 1024 * 1024, wal: 3_250_586)))
        #expect(console.line(0).contains("api 127.0.0.1:8080 ● live · 212 req/s · p99 14 ms · 0.4% err"))
        #expect(console.line(2).hasPrefix("┌ Metrics · last 5 min ([ ] to change) ─"))
        let requests = try #require(console.line(containing: "Requests/s"))
        #expect(requests.contains("212"))
        #expect(requests.contains(where: { Sparkline.blocks.contains($0) }))
        #expect(console.text.contains("p50 2.1 ms · p90 6.8 ms · p99 14 ms · max 41 ms"))
        #expect(console.text.unicodeScalars.contains { (0x2801...0x28FF).contains($0.value) }, "a braille latency chart")
        #expect(console.line(containing: "GET  /api/v1/products/{sku}")?.contains("41,220") == true)
        #expect(console.text.contains("Orders/min 420 · Revenue/min €5,203.80 · Refused for stock 9 · Low-stock SKUs 2"))
        #expect(console.text.contains("Store 412.0 MB · WAL 3.1 MB · Write txn/s 0.0"))
        let chart = try #require(MemoryScreen.style(of: "█", in: console.screen()))
        #expect(chart.foreground == Theme.builtInDefault["chart.1"].foreground)
        await console.press("t")
        #expect(console.line(containing: "Routes (by p99")?.isEmpty == false)
        let checkoutRow = console.screen().text.split(separator: "\n").firstIndex { $0.contains("checkout") }!
        let productRow = console.screen().text.split(separator: "\n").firstIndex { $0.contains("GET  /api/v1/products/{sku}") }!
        #expect(checkoutRow < productRow)
        await console.press("[")
        #expect(console.line(2).hasPrefix("┌ Metrics · last 1 min"))
    }

    @Test("several nodes: the cluster's figures, a row per node, a node going down shown at once; requests name their node")
    func clusterNodes() async throws {
        let console = try await ConsoleFixture(serverLabel: "cluster http://127.0.0.1:8090")
        await console.show(.metrics)
        await console.driver.send(.live(.nodes([
            LiveNode(name: "node-1", url: "http://127.0.0.1:8091"), LiveNode(name: "node-2", url: "http://127.0.0.1:8092"),
        ])))
        #expect(console.line(0).contains("… connecting"))
        var first = Self.snapshot()
        first.node = "node-1"
        var second = Self.snapshot()
        second.node = "node-2"
        second.requestsPerSecond = 100
        second.inFlight = 5
        for (name, snapshot) in [("node-1", first), ("node-2", second)] {
            await console.driver.send(.live(.fromNode(name, .connection(.connected))))
            await console.driver.send(.live(.fromNode(name, .snapshot(snapshot))))
        }
        #expect(console.line(0).contains("cluster http://127.0.0.1:8090 ● live · 2/2 nodes · 312 req/s"))
        #expect(console.line(2).hasPrefix("┌ Metrics · 2 nodes, 2 up · last 5 min"))
        #expect(console.line(containing: "Requests/s")?.contains("312") == true)
        #expect(console.line(containing: "In flight")?.contains("8") == true)
        let nodeOne = try #require(console.line(containing: "node-1"))
        #expect(nodeOne.contains("● up") && nodeOne.contains("212") && nodeOne.contains("http://127.0.0.1:8091"))
        #expect(console.line(containing: "node-2")?.contains("100") == true)

        await console.driver.send(.live(.fromNode("node-2", .connection(.disconnected(reason: "cannot connect", retryInSeconds: 1)))))
        let down = try #require(console.line(containing: "node-2"))
        #expect(down.contains("✗ down 0 s") && !down.contains("100"), "a down node shows no stale figures: \(down)")
        let downStyle = try #require(MemoryScreen.style(of: "✗ down", in: console.screen()))
        #expect(downStyle.foreground == Theme.builtInDefault["status.error"].foreground)
        #expect(console.line(0).contains("1/2 nodes · 212 req/s"), "the cluster's figures are the up nodes'")
        // Retrying is still down.
        await console.driver.send(.live(.fromNode("node-2", .connection(.connecting))))
        #expect(console.line(containing: "node-2")?.contains("✗ down") == true)
        await console.driver.send(.live(.fromNode("node-2", .connection(.connected))))
        #expect(console.line(containing: "node-2")?.contains("● up") == true)

        await console.show(.requests)
        await console.driver.send(.live(.fromNode("node-1", .requests([Self.record(1)]))))
        await console.driver.send(.live(.fromNode("node-2", .requests([Self.record(1, path: "/api/v1/carts")]))))
        #expect(console.line(3).hasPrefix("│ Time         Node       Method Path"))
        // node-3's batch comes last but happened first: the list reads in time order.
        await console.driver.send(.live(.fromNode("node-1", .requests([Self.record(50, path: "/api/v1/products/LATE-1")]))))
        await console.driver.send(.live(.fromNode("node-3", .requests([Self.record(20, path: "/api/v1/orders/EARLY-1")]))))
        let order = console.text.split(separator: "\n").compactMap { line -> String? in
            line.contains("EARLY-1") ? "early" : line.contains("LATE-1") ? "late" : nil
        }
        #expect(order == ["early", "late"], "rows in time order, not arrival order: \(order)")
        #expect(console.line(containing: "/api/v1/carts")?.contains("node-2") == true)
        #expect(console.line(containing: "MUG-0001")?.contains("node-1") == true)
        await console.press("/")
        await console.type("node-2")
        await console.press("enter")
        #expect(console.line(containing: "/api/v1/carts") != nil)
        #expect(console.line(containing: "MUG-0001") == nil, "filtered by node")
    }

    @Test("several nodes' records settle in time order, ids ascending, and never behind a pause")
    func clusterOrdering() {
        func record(_ node: String, _ milliseconds: Int64) -> RequestRecord {
            var record = Self.record(1)
            record.at = Self.start.adding(milliseconds: milliseconds)
            record.node = node
            return record
        }
        var live = LiveState()
        live.receive([record("node-1", 100), record("node-1", 300)])
        live.receive([record("node-2", 50), record("node-2", 200)])
        #expect(live.records.elements.map(\.at.millisecondsSince1970) == [50, 100, 200, 300].map { Self.start.millisecondsSince1970 + $0 })
        #expect(live.records.elements.map(\.id) == [1, 2, 3, 4])
        // Paused after those four: a late record stays after them.
        live.isPaused = true
        live.pausedAtID = 4
        live.receive([record("node-3", 10)])
        #expect(live.records.elements.last?.at == Self.start.adding(milliseconds: 10))
        #expect(live.visibleRecords().count == 4, "the frozen list does not change")
    }

    @Test("charts keep working in mono and without braille")
    func monoCharts() async throws {
        let console = try await ConsoleFixture(serverLabel: "api 127.0.0.1:8080")
        let mono = try ThemeLoader.parse(try String(contentsOfFile: ThemeTests.themesDirectory + "/mono.yaml", encoding: .utf8), file: "mono.yaml").theme
        await console.press(":")
        await console.type("theme " + ThemeTests.themesDirectory + "/mono.yaml")
        await console.press("enter")
        #expect(console.model.theme == mono)
        await console.show(.metrics)
        await console.driver.send(.live(.snapshot(Self.snapshot())))
        let requests = try #require(console.line(containing: "Requests/s"))
        #expect(requests.contains(where: { Sparkline.blocks.contains($0) }))
        let style = try #require(MemoryScreen.style(of: "█", in: console.screen()))
        #expect(style.foreground == .default && style.background == .default)
        let lines = BrailleChart(values: [1, 2, 3, 4], useBraille: false).lines(width: 4, height: 2)
        #expect(lines == ["", "▃▅▆█"])
    }

    @Test("a lost connection shows as disconnected, with the retry")
    func disconnected() async throws {
        let console = try await console()
        await console.driver.send(.live(.connection(.disconnected(reason: "cannot connect", retryInSeconds: 4))))
        #expect(console.line(0).contains("✗ disconnected (cannot connect; retry in 4 s)"))
        #expect(console.text.contains("✗ Disconnected: cannot connect. Retrying in 4 s."))
        #expect(console.text.contains("Nothing received yet."))
        await console.driver.send(.live(.connection(.connected)))
        #expect(console.line(0).contains("● live"))
    }

    @Test("while disconnected, titles say so and show no stale rate", arguments: [PaneKind.requests, .metrics])
    func disconnectedTitles(pane: PaneKind) async throws {
        let console = try await console()
        await console.show(pane)
        await console.driver.send(.live(.snapshot(Self.snapshot())))
        #expect(console.line(0).contains("212 req/s"))
        await console.driver.send(.live(.connection(.disconnected(reason: "no data for 5 s", retryInSeconds: 2))))
        #expect(console.line(2).contains("disconnected"))
        #expect(!console.line(0).contains("req/s") && !console.line(2).contains("/s"))
    }

    @Test("a refused token is shown in full, without a retry countdown; :reconnect asks again")
    func refusedToken() async throws {
        let asked = Counter()
        let console = try await ConsoleFixture(serverLabel: "attached http://shop:8080") { environment in
            environment.reconnect = { asked.increment() }
        }
        let reason = "the server refused the token (HTTP 401): The token is invalid, expired or revoked."
        await console.driver.send(.live(.connection(.disconnected(reason: reason, retryInSeconds: nil))))
        await console.show(.requests)
        // The whole reason, wrapped if need be.
        let shown = console.screen().text.split(separator: "\n").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "│ ")) }.joined(separator: " ")
        #expect(shown.contains("✗ Disconnected: \(reason) Not retrying; R reconnects."), "\(console.text)")
        #expect(console.line(0).contains("✗ disconnected"))
        await console.press("R")
        #expect(asked.value == 1)
        await console.press(":")
        await console.type("reconnect")
        await console.press("enter")
        #expect(asked.value == 2)
    }

    @Test("metrics charts use the width, carry their scale, errors beside requests")
    func chartLayout() async throws {
        let console = try await console()
        await console.show(.metrics)
        await console.driver.send(.live(.snapshot(Self.snapshot())))
        let row = try #require(console.line(containing: "Requests/s"))
        #expect(row.contains("Errors") && row.contains("max"), "\(row)")
        let bars = row.filter { Sparkline.blocks.contains($0) }.count
        // Each half: a 12-cell label, an 8-cell value, the chart, its scale.
        #expect(bars >= (console.model.size.width - 6) / 2 - 20 - 10, "the request chart spans its half: \(bars) cells")
        #expect(row.components(separatedBy: "max ").count == 3, "both charts carry their scale: \(row)")
    }
}

/// Counts calls from a closure the console holds.
final class Counter: @unchecked Sendable {
    private var count = 0
    func increment() { count += 1 }
    var value: Int { count }
}
