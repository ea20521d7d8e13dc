import AsyncHTTPClient
import BackroomConsole
import BackroomCore
import BackroomStore
import BackroomTelemetry
import Foundation
import NIOCore
import NIOHTTP1
import Synchronization
import TerminalKit

/// Feeds the console from another process's server, through its SSE live
/// stream. A lost connection shows as "disconnected" and is retried with
/// backoff (1, 2, 4 … 15 s); nothing crashes when the server goes away.
struct AttachedFeed: Sendable {
    let url: String
    let token: String
    let store: SQLiteShopStore?
    let inbox: MessageInbox<ConsoleMessage>
    var updatesPerSecond = 4

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
                inbox.post(.live(.connection(.connecting)))
                let attempt = LastSeen()
                let reason = await streamOnce(client: client, lastData: attempt)
                guard !Task.isCancelled else { return }
                // A stream that was up starts the backoff again from one second.
                if attempt.wasConnected { backoff = 1 }
                for remaining in stride(from: backoff, to: 0, by: -1) {
                    inbox.post(.live(.connection(.disconnected(reason: reason ?? "stream ended", retryInSeconds: remaining))))
                    try? await Task.sleep(for: .seconds(1))
                    if Task.isCancelled { return }
                }
                backoff = min(15, backoff * 2)
            }
        }
    }

    /// Reads the stream until it ends; returns why it ended. A watchdog
    /// covers the whole attempt, the connection and the response head too:
    /// a server that accepts the connection and never answers (one that is
    /// shutting down, say) is given up on after five quiet seconds.
    func streamOnce(client: HTTPClient, lastData: LastSeen) async -> String? {
        do {
            return try await withThrowingTaskGroup(of: String?.self) { group in
                group.addTask { try await read(client: client, lastData: lastData) }
                // The server sends a snapshot every second; five quiet seconds mean it is gone.
                group.addTask {
                    while !Task.isCancelled {
                        try await Task.sleep(for: .seconds(1))
                        if ContinuousClock.now - lastData.instant > .seconds(5) { return "no data for 5 s" }
                    }
                    return nil
                }
                let reason = try await group.next() ?? nil
                group.cancelAll()
                return reason
            }
        } catch {
            return Self.describe(error)
        }
    }

    private func read(client: HTTPClient, lastData: LastSeen) async throws -> String? {
        var request = HTTPClientRequest(url: url.trimmingCharacters(in: CharacterSet(charactersIn: "/")) + "/api/v1/admin/live?window=900")
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.headers.add(name: "Accept", value: "text/event-stream")
        let response = try await client.execute(request, deadline: .distantFuture)
        guard response.status == .ok else {
            return response.status == .unauthorized || response.status == .forbidden
                ? "the token was refused (HTTP \(response.status.code))" : "HTTP \(response.status.code)"
        }
        lastData.markConnected()
        inbox.post(.live(.connection(.connected)))
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
                        inbox.post(.live(.snapshot(snapshot)))
                        if let store {
                            let sizes = store.fileSizes()
                            inbox.post(.live(.storeSizes(database: sizes.database, wal: sizes.wal)))
                        }
                    }
                default:
                    break
                }
            }
            if !batch.isEmpty, ContinuousClock.now - lastPost >= .milliseconds(1000 / updatesPerSecond) {
                inbox.post(.live(.requests(batch)))
                batch.removeAll(keepingCapacity: true)
                lastPost = .now
            }
        }
        return "the server closed the stream"
    }

    static func describe(_ error: any Error) -> String {
        let text = "\(error)"
        if text.contains("readTimeout") { return "no data for 5 s" }
        if text.contains("connectTimeout") || text.contains("connect") { return "cannot connect" }
        return text.count > 60 ? String(text.prefix(60)) + "…" : text
    }
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
