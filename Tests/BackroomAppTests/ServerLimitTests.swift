import AsyncHTTPClient
import BackroomCore
import BackroomHTTP
import BackroomServices
import BackroomTestSupport
import Foundation
import NIOCore
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Connections and live viewers against a real server on loopback.
@Suite("Connections and live viewers", .serialized)
struct ServerLimitTests {
    func adminToken(_ server: LiveServer) async throws -> String {
        _ = try await server.test.shop.users.create(email: "boss@example.com", displayName: "Boss", role: .admin, password: "correct horse", by: .system("t"))
        return try await server.test.shop.auth.login(email: "boss@example.com", password: "correct horse").token
    }

    static func liveRequest(_ token: String) -> String {
        "GET /api/v1/admin/live?window=60 HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer \(token)\r\n\r\n"
    }

    @Test("viewers beyond the cap are answered 503 at once, naming the limit")
    func subscriberCap() async throws {
        let server = try LiveServer(configuration: ServerConfiguration(maximumLiveSubscribers: 2))
        try await server.start()
        defer { Task { await server.stop() } }
        let token = try await adminToken(server)
        let viewers = try (0..<2).map { _ in try RawSocket(port: server.port) }
        defer { viewers.forEach { $0.close() } }
        for viewer in viewers {
            viewer.send(Self.liveRequest(token))
            #expect(await viewer.text(until: "200 OK", seconds: 10).contains("200 OK"))
        }
        // Read until the body names the limit (a bound, not a wait: under
        // the whole suite's load a fixed 5 s once passed before the reply).
        let refusedViewer = try RawSocket(port: server.port)
        defer { refusedViewer.close() }
        refusedViewer.send(Self.liveRequest(token))
        let refused = await refusedViewer.text(until: #""limit":"live_subscribers""#, seconds: 20)
        #expect(refused.contains("503"))
        #expect(refused.contains("Retry-After"))
        #expect(refused.contains(#""limit":"live_subscribers""#))
        await server.stop()
    }

    @Test("the stream ends within a second or two of the token being revoked, the user disabled, or demoted", arguments: ["revoke", "disable", "demote"])
    func streamEnds(how: String) async throws {
        let server = try LiveServer()
        try await server.start()
        let token = try await adminToken(server)
        // Another admin, so this one may be disabled or demoted.
        _ = try await server.test.shop.users.create(email: "deputy@example.com", displayName: "Deputy", role: .admin, password: "correct horse", by: .system("t"))
        let boss = try #require(try await server.test.shop.users.users(matching: UserFilter(text: "boss"), sort: UserSort(.email), window: ListWindow(limit: 1), by: .system("t")).items.first)
        let viewer = try RawSocket(port: server.port)
        defer { viewer.close() }
        viewer.send(Self.liveRequest(token))
        #expect(await viewer.text(until: "event: metrics", seconds: 10).contains("event: metrics"))
        switch how {
        case "revoke": _ = try await server.test.shop.users.revokeTokens(of: boss.id, by: .system("t"))
        case "disable": _ = try await server.test.shop.users.disable(boss.id, by: .system("t"))
        default: _ = try await server.test.shop.users.changeRole(of: boss.id, to: .viewer, by: .system("t"))
        }
        let started = ContinuousClock.now
        let rest = await viewer.closed(within: 5)
        #expect(rest.closed, "the stream went on after \(how)")
        #expect(ContinuousClock.now - started < .milliseconds(2500))
        await server.stop()
    }

    @Test("a header sent a byte at a time is cut off after the header timeout; an idle connection after the idle timeout")
    func timeouts() async throws {
        let server = try LiveServer(configuration: ServerConfiguration(connections: ConnectionLimits(idleTimeoutSeconds: 3, headerTimeoutSeconds: 1)))
        try await server.start()
        let slow = try RawSocket(port: server.port)
        defer { slow.close() }
        let idle = try RawSocket(port: server.port)
        defer { idle.close() }
        slow.send("GET /healthz HTTP/1.1\r\nHo")
        let started = ContinuousClock.now
        #expect(await slow.closed(within: 6).closed)
        let slowLasted = ContinuousClock.now - started
        #expect(slowLasted >= .milliseconds(800) && slowLasted < .milliseconds(2800), "closed after \(slowLasted)")
        // The idle one (no bytes at all) is still open at this point, and goes at the idle timeout.
        let idleResult = await idle.closed(within: 8)
        #expect(idleResult.closed, "the idle connection was open after \(ContinuousClock.now - started); it read \(idleResult.text.debugDescription)")
        #expect(ContinuousClock.now - started >= .milliseconds(2500))
        await server.stop()
    }

    @Test("two clients with 10,000 idle sockets each do not keep /healthz from answering within 50 ms")
    func idleFlood() async throws {
        let limit = RawSocket.raiseFileLimit(to: 65536)
        let perClient = min(10_000, (limit - 2000) / 2)
        let server = try LiveServer(configuration: ServerConfiguration(connections: ConnectionLimits(perClient: 200)))
        try await server.start()
        var sockets: [RawSocket] = []
        defer { sockets.forEach { $0.close() } }
        for source in ["127.0.0.2", "127.0.0.3"] {
            sockets += await RawSocket.connectMany(port: server.port, source: source, count: perClient)
        }
        #expect(sockets.count >= 2 * perClient - 100, "only \(sockets.count) of \(2 * perClient) connected")
        var times: [Duration] = []
        for _ in 0..<5 {
            let started = ContinuousClock.now
            let answer = try await RawSocket.exchange(port: server.port, "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            times.append(ContinuousClock.now - started)
            #expect(answer.contains("200 OK"))
        }
        #expect(times.sorted()[2] < .milliseconds(50), "healthz took \(times)")
        // Beyond its cap a client's sockets were closed by the server; the first ones stay.
        #expect(await sockets.last!.closed(within: 2).closed)
        #expect(await sockets.first!.closed(within: 0.2).closed == false)
        sockets.forEach { $0.close() }
        sockets.removeAll()
        await server.stop()
    }
}
