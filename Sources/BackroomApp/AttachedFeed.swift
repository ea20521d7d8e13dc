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
    var client: HTTPClient = .shared

    func start() -> Task<Void, Never> {
        Task.detached {
            var backoff = 1
            while !Task.isCancelled {
                inbox.post(.live(.connection(.connecting)))
                let reason = await streamOnce()
                guard !Task.isCancelled else { return }
                if reason == nil { backoff = 1 }
                for remaining in stride(from: backoff, to: 0, by: -1) {
                    inbox.post(.live(.connection(.disconnected(reason: reason ?? "stream ended", retryInSeconds: remaining))))
                    try? await Task.sleep(for: .seconds(1))
                    if Task.isCancelled { return }
                }
                backoff = min(15, backoff * 2)
            }
        }
    }

    /// Reads the stream until it ends; returns why it ended.
    func streamOnce() async -> String? {
        var request = HTTPClientRequest(url: url.trimmingCharacters(in: CharacterSet(charactersIn: "/")) + "/api/v1/admin/live?window=900")
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.headers.add(name: "Accept", value: "text/event-stream")
        let lastData = LastSeen()
        do {
            let response = try await client.execute(request, deadline: .distantFuture)
            guard response.status == .ok else {
                return response.status == .unauthorized || response.status == .forbidden
                    ? "the token was refused (HTTP \(response.status.code))" : "HTTP \(response.status.code)"
            }
            inbox.post(.live(.connection(.connected)))
            return try await withThrowingTaskGroup(of: String?.self) { group in
                group.addTask {
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
                        if !batch.isEmpty, ContinuousClock.now - lastPost > .milliseconds(200) {
                            inbox.post(.live(.requests(batch)))
                            batch.removeAll(keepingCapacity: true)
                            lastPost = .now
                        }
                    }
                    return "the server closed the stream"
                }
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

    static func describe(_ error: any Error) -> String {
        let text = "\(error)"
        if text.contains("connectTimeout") || text.contains("connect") { return "cannot connect" }
        return text.count > 60 ? String(text.prefix(60)) + "…" : text
    }
}

/// When data last arrived on the stream.
final class LastSeen: Sendable {
    private let value = Mutex(ContinuousClock.now)

    func touch() { value.withLock { $0 = .now } }

    var instant: ContinuousClock.Instant { value.withLock { $0 } }
}
