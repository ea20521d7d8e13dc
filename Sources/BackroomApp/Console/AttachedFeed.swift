import AsyncHTTPClient
import BackroomConsole
import BackroomCore
import BackroomTelemetry
import Foundation
import NIOCore
import NIOHTTP1
import Synchronization
import TerminalKit

/// Feeds the console from another process's server, through its SSE live
/// stream. A lost connection shows as "disconnected" and is retried with
/// backoff (1, 2, 4 … 15 s); nothing crashes when the server goes away. A
/// refused token is not retried: the console says why, in full, until the
/// operator asks to reconnect.
struct AttachedFeed: Sendable {
    let url: String
    let token: String
    let store: OpenedStore?
    let inbox: MessageInbox<ConsoleMessage>
    var updatesPerSecond = 4
    var reconnect = ReconnectRequests()
    /// The node this stream is from, when the console watches several
    /// (`ClusterFeed`): every update is posted as that node's.
    var node: String?

    /// Posts `update`, as this stream's node's when it has one.
    private func post(_ update: LiveUpdate) {
        inbox.post(.live(node.map { .fromNode($0, update) } ?? update))
    }

    /// How one attempt ended.
    enum StreamEnd: Sendable, Equatable {
        case lost(String)
        /// The server refused the token: retrying cannot help.
        case refused(String)
    }

    /// A client of its own: the stream is long-lived, and a connection
    /// abandoned mid-attempt must not hold up the next one in a shared pool.
    /// Connecting gives up after 3 s; a stream quiet for 5 s is dead (the
    /// server sends a snapshot every second).
    static func makeClient() -> HTTPClient {
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: .seconds(3), read: .seconds(5))
        configuration.connectionPool = .init(idleTimeout: .seconds(1))
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    func start() -> Task<Void, Never> {
        Task.detached {
            let client = Self.makeClient()
            defer { client.shutdown { _ in } }
            var backoff = 1
            while !Task.isCancelled {
                _ = reconnect.take()
                post(.connection(.connecting))
                let attempt = LastSeen()
                let end = await streamOnce(client: client, lastData: attempt)
                guard !Task.isCancelled else { return }
                switch end {
                case .refused(let reason):
                    post(.connection(.disconnected(reason: reason, retryInSeconds: nil)))
                    while !reconnect.take() {
                        try? await Task.sleep(for: .milliseconds(250))
                        if Task.isCancelled { return }
                    }
                    backoff = 1
                case .lost(let reason):
                    // A stream that was up starts the backoff again from one second.
                    if attempt.wasConnected { backoff = 1 }
                    waiting: for remaining in stride(from: backoff, to: 0, by: -1) {
                        post(.connection(.disconnected(reason: reason, retryInSeconds: remaining)))
                        for _ in 0..<4 {
                            try? await Task.sleep(for: .milliseconds(250))
                            if Task.isCancelled { return }
                            if reconnect.take() { break waiting }
                        }
                    }
                    backoff = min(15, backoff * 2)
                }
            }
        }
    }

    /// Reads the stream until it ends; returns why it ended. A watchdog
    /// covers the whole attempt, the connection and the response head too:
    /// a server that accepts the connection and never answers (one that is
    /// shutting down, say) is given up on after five quiet seconds.
    func streamOnce(client: HTTPClient, lastData: LastSeen) async -> StreamEnd {
        do {
            return try await withThrowingTaskGroup(of: StreamEnd?.self) { group in
                group.addTask { try await read(client: client, lastData: lastData) }
                // The server sends a snapshot every second; five quiet seconds mean it is gone.
                group.addTask {
                    while !Task.isCancelled {
                        try await Task.sleep(for: .seconds(1))
                        if ContinuousClock.now - lastData.instant > .seconds(5) { return .lost("no data for 5 s") }
                    }
                    return nil
                }
                let end = try await group.next() ?? nil
                group.cancelAll()
                return end ?? .lost("stream ended")
            }
        } catch {
            return .lost(Self.describe(error))
        }
    }

    private func read(client: HTTPClient, lastData: LastSeen) async throws -> StreamEnd {
        var request = HTTPClientRequest(url: url.trimmingCharacters(in: CharacterSet(charactersIn: "/")) + "/api/v1/admin/live?window=900")
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.headers.add(name: "Accept", value: "text/event-stream")
        let response = try await client.execute(request, deadline: .distantFuture)
        guard response.status == .ok else {
            let body = (try? await response.body.collect(upTo: 16 * 1024)).map { String(buffer: $0) } ?? ""
            let detail = Self.problemDetail(body).map { ": " + $0 } ?? ""
            if response.status == .unauthorized || response.status == .forbidden {
                return .refused("the server refused the token (HTTP \(response.status.code))\(detail)")
            }
            return .lost("HTTP \(response.status.code)\(detail)")
        }
        lastData.markConnected()
        post(.connection(.connected))
        let decoder = JSONDecoder()
        var parser = ServerSentEventParser()
        var batch: [RequestRecord] = []
        var lastPost = ContinuousClock.now
        for try await chunk in response.body {
            lastData.touch()
            for event in parser.feed(chunk.readableBytesView) {
                switch event.name {
                case "request":
                    if let record = try? decoder.decode(RequestRecord.self, from: Data(event.data.utf8)) { batch.append(record) }
                case "metrics":
                    if let snapshot = try? decoder.decode(MetricsSnapshot.self, from: Data(event.data.utf8)) {
                        post(.snapshot(snapshot))
                        if let store {
                            let sizes = await store.sizes()
                            post(.storeSizes(database: sizes.database, wal: sizes.wal))
                        }
                    }
                default:
                    break
                }
            }
            if !batch.isEmpty, ContinuousClock.now - lastPost >= .milliseconds(1000 / updatesPerSecond) {
                post(.requests(batch))
                batch.removeAll(keepingCapacity: true)
                lastPost = .now
            }
        }
        return .lost("the server closed the stream")
    }

    /// The `detail` (or `title`) of a problem document, if the body is one.
    static func problemDetail(_ body: String) -> String? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any] else { return nil }
        return (object["detail"] as? String) ?? (object["title"] as? String)
    }

    static func describe(_ error: any Error) -> String {
        let text = "\(error)"
        if text.contains("readTimeout") { return "no data for 5 s" }
        if text.contains("connectTimeout") || text.contains("connect") { return "cannot connect" }
        return text.count > 60 ? String(text.prefix(60)) + "…" : text
    }
}

/// The operator asked to reconnect now (`R`, `:reconnect`).
final class ReconnectRequests: Sendable {
    private let requested = Mutex(false)

    func request() { requested.withLock { $0 = true } }

    /// Whether a reconnect was asked for since the last call.
    func take() -> Bool { requested.withLock { value in defer { value = false }; return value } }
}

/// When data last arrived on one attempt's stream, and whether it got as
/// far as an answer.
final class LastSeen: Sendable {
    private let value = Mutex((instant: ContinuousClock.now, connected: false))

    func touch() { value.withLock { $0.instant = .now } }

    func markConnected() { value.withLock { $0 = (.now, true) } }

    var instant: ContinuousClock.Instant { value.withLock { $0.instant } }

    var wasConnected: Bool { value.withLock { $0.connected } }
}
