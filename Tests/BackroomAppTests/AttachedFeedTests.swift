import AsyncHTTPClient
import NIOCore
@testable import BackroomApp
import BackroomConsole
import BackroomCore
import BackroomServices
import BackroomTelemetry
import BackroomHTTP
import BackroomTestSupport
import BackroomTelemetry
import Foundation
import TerminalKit
import Testing

@Suite("Attaching to a server's live stream", .serialized)
struct AttachedFeedTests {
    /// Waits for messages on the inbox until `done` says enough (or fails after `seconds`).
    func collect(_ inbox: MessageInbox<ConsoleMessage>, seconds: Double, until done: ([ConsoleMessage]) -> Bool) async throws -> [ConsoleMessage] {
        var messages: [ConsoleMessage] = []
        let deadline = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
        while ContinuousClock.now < deadline {
            messages += inbox.takeAll()
            if done(messages) { return messages }
            try await Task.sleep(for: .milliseconds(50))
        }
        let states = messages.compactMap(Self.connection).map { "\($0)" }
        Issue.record("timed out; got \(messages.count) messages; the last connection states: \(states.suffix(6))")
        return messages
    }

    static func connection(_ message: ConsoleMessage) -> LiveConnection? {
        if case .live(.connection(let state)) = message { return state }
        return nil
    }

    static func records(_ messages: [ConsoleMessage]) -> [RequestRecord] {
        messages.flatMap { message -> [RequestRecord] in
            if case .live(.requests(let batch)) = message { return batch }
            return []
        }
    }

    @Test("events arrive; a lost connection shows as disconnected and comes back when the server does")
    func reconnects() async throws {
        let server = try LiveServer()
        try await server.start()
        _ = try await server.test.shop.users.create(email: "boss@example.com", displayName: "Boss", role: .admin, password: "correct horse", by: .system("t"))
        let token = try await server.test.shop.auth.login(email: "boss@example.com", password: "correct horse").token
        let inbox = MessageInbox<ConsoleMessage>()
        let feed = AttachedFeed(url: server.url, token: token, store: nil, inbox: inbox).start()
        defer { feed.cancel() }

        _ = try await collect(inbox, seconds: 10) { $0.contains { Self.connection($0) == .connected } }
        // A request made now reaches the viewer, and so does a metrics snapshot.
        _ = try await HTTPClient.shared.execute(HTTPClientRequest(url: server.url + "/api/v1/products/PROBE-1"), timeout: .seconds(5))
        let live = try await collect(inbox, seconds: 10) { messages in
            Self.records(messages).contains { $0.path == "/api/v1/products/PROBE-1" }
                && messages.contains { if case .live(.snapshot) = $0 { return true } else { return false } }
        }
        let probe = try #require(Self.records(live).first { $0.path == "/api/v1/products/PROBE-1" })
        #expect(probe.status == 404 && probe.errorCode == "not_found")

        await server.stop()
        _ = try await collect(inbox, seconds: 15) { messages in
            messages.contains { if case .disconnected = Self.connection($0) { return true } else { return false } }
        }
        try await server.start()
        _ = try await collect(inbox, seconds: 20) { $0.contains { Self.connection($0) == .connected } }
        await server.stop()
    }

    @Test("a refused token says so in full and is not retried until the operator asks")
    func refusedToken() async throws {
        let server = try LiveServer()
        try await server.start()
        let inbox = MessageInbox<ConsoleMessage>()
        let reconnect = ReconnectRequests()
        let feed = AttachedFeed(url: server.url, token: "brt_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", store: nil, inbox: inbox, reconnect: reconnect).start()
        defer { feed.cancel() }
        let refused: (ConsoleMessage) -> (reason: String, retry: Int?)? = { message in
            if case .disconnected(let reason, let retry) = Self.connection(message) { return (reason, retry) }
            return nil
        }
        let first = try await collect(inbox, seconds: 10) { $0.contains { refused($0) != nil } }
        let state = try #require(first.compactMap(refused).first)
        #expect(state.reason == "the server refused the token (HTTP 401): The token is invalid, expired or revoked.")
        #expect(state.retry == nil, "a refused token is not retried on a timer")
        // Absence over a span is what this checks: a retrying feed would
        // connect again within its first one-second backoff.
        try await Task.sleep(for: .seconds(3))
        #expect(!inbox.takeAll().contains { Self.connection($0) == .connecting }, "no new attempt without the operator")
        reconnect.request()
        _ = try await collect(inbox, seconds: 5) { $0.contains { Self.connection($0) == .connecting } }
        await server.stop()
    }

    @Test("the event stream parser handles any chunking")
    func parser() {
        let stream = ": hello\nevent: request\nid: 7\ndata: {\"a\":1}\n\nevent: metrics\r\ndata: x\r\ndata: y\r\n\r\n"
        let bytes = Array(stream.utf8)
        for chunkSize in [1, 2, 3, 7, bytes.count] {
            var parser = ServerSentEventParser()
            var events: [ServerSentEventParser.Event] = []
            var index = 0
            while index < bytes.count {
                events += parser.feed(bytes[index..<min(bytes.count, index + chunkSize)])
                index += chunkSize
            }
            #expect(events == [
                .init(name: "request", data: "{\"a\":1}", id: "7"),
                .init(name: "metrics", data: "x\ny", id: nil),
            ], "chunk size \(chunkSize)")
        }
    }
}
