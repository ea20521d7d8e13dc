import BackroomConsole
import BackroomCore
import BackroomTelemetry
import Foundation
import TerminalKit

/// Feeds the console from the server running in this process: new requests
/// 1–4 times a second, a metrics snapshot and the store's figures once a
/// second.
struct InProcessFeed: Sendable {
    let telemetry: Telemetry
    let store: OpenedStore
    let inbox: MessageInbox<ConsoleMessage>
    var updatesPerSecond = 4

    func start() -> Task<Void, Never> {
        Task.detached {
            let subscription = telemetry.hub.subscribe(capacity: 20_000)
            defer { telemetry.hub.unsubscribe(subscription) }
            inbox.post(.live(.connection(.local)))
            let pending = RecordBuffer()
            let consumer = Task { for await record in subscription.records { pending.append(record) } }
            defer { consumer.cancel() }
            var ticks = 0
            var lastCommitted = await store.committedTransactions()
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(1000 / updatesPerSecond))
                let batch = pending.take()
                if !batch.isEmpty { inbox.post(.live(.requests(batch))) }
                ticks += 1
                if ticks % updatesPerSecond == 0 {
                    let committed = await store.committedTransactions()
                    telemetry.recordWriteTransactions(committed - lastCommitted, at: telemetry.now)
                    lastCommitted = committed
                    inbox.post(.live(.snapshot(telemetry.snapshot(windowSeconds: 900, droppedEvents: subscription.dropped))))
                    let sizes = await store.sizes()
                    inbox.post(.live(.storeSizes(database: sizes.database, wal: sizes.wal)))
                }
            }
        }
    }
}

/// Records collected between two posts to the UI.
final class RecordBuffer: @unchecked Sendable {
    private let lock = NSLock()
    private var records: [RequestRecord] = []

    func append(_ record: RequestRecord) {
        lock.lock()
        records.append(record)
        lock.unlock()
    }

    func take() -> [RequestRecord] {
        lock.lock()
        defer { lock.unlock() }
        let taken = records
        records.removeAll(keepingCapacity: true)
        return taken
    }
}
