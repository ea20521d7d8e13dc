import AsyncHTTPClient
import BackroomCore
import BackroomServices
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle
import Synchronization

/// How the delivery worker runs. Every figure is a setting (`webhooks.*`).
public struct WebhookSettings: Sendable, Hashable {
    /// Off: events still go to the outbox, nothing is sent from this process.
    public var enabled: Bool
    public var timeoutSeconds: Double
    /// Deliveries in flight at once.
    public var concurrency: Int
    /// How often the outbox is looked at when there was nothing to do.
    public var pollInterval: Duration
    public var retry: WebhookRetryPolicy
    /// Events older than this whose deliveries are settled are deleted.
    public var retentionMilliseconds: Int64

    public init(
        enabled: Bool = true, timeoutSeconds: Double = 10, concurrency: Int = 8, pollInterval: Duration = .milliseconds(250),
        retry: WebhookRetryPolicy = WebhookRetryPolicy(), retentionMilliseconds: Int64 = 7 * 86_400_000
    ) {
        self.enabled = enabled
        self.timeoutSeconds = timeoutSeconds
        self.concurrency = concurrency
        self.pollInterval = pollInterval
        self.retry = retry
        self.retentionMilliseconds = retentionMilliseconds
    }

    /// A claimed delivery is the sender's for this long; if the process
    /// dies, it is due again afterwards (delivery is at least once).
    public var leaseMilliseconds: Int64 { Int64(timeoutSeconds * 1000) * 2 + 5_000 }
}

/// Sends outbox events to their subscriptions: fans new events out into
/// deliveries, claims the due ones (the oldest pending per subscription and
/// resource, so a resource's events arrive in order), POSTs each signed
/// body, and records the outcome; retries back off exponentially with
/// jitter for the retry period. Runs in every server process; claims with
/// a lease keep two processes from sending one delivery at once.
public struct WebhookDispatcher: Service {
    let webhooks: WebhookService
    let settings: WebhookSettings
    let metrics: WebhookMetrics?
    let logger: Logger

    public init(webhooks: WebhookService, settings: WebhookSettings, metrics: WebhookMetrics?, logger: Logger) {
        self.webhooks = webhooks
        self.settings = settings
        self.metrics = metrics
        self.logger = logger
    }

    public func run() async throws {
        guard settings.enabled else {
            try await gracefulShutdown()
            return
        }
        var configuration = HTTPClient.Configuration()
        let timeout = TimeAmount.milliseconds(Int64(settings.timeoutSeconds * 1000))
        configuration.timeout = .init(connect: timeout, read: timeout)
        // A redirect could lead to an address the target check refused.
        configuration.redirectConfiguration = .disallow
        configuration.decompression = .disabled
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        await cancelWhenGracefulShutdown {
            // Sends run as tasks of their own, at most `concurrency` at once:
            // a receiver that takes its whole timeout holds one slot, not
            // the round (a slow or unreachable receiver must not stall the
            // others).
            let inFlight = InFlight()
            await withDiscardingTaskGroup { group in
                var lastHousekeeping = ContinuousClock.now - .seconds(60)
                var targets = TargetCache(policy: webhooks.targets)
                while !Task.isCancelled {
                    var busy = false
                    var saturated = false
                    do {
                        let fannedOut = try await webhooks.fanOut(limit: 1_000)
                        let free = settings.concurrency - inFlight.count
                        saturated = free <= 0
                        let due = free > 0 ? try await webhooks.claimDue(limit: free, leaseMilliseconds: settings.leaseMilliseconds) : []
                        busy = fannedOut > 0 || !due.isEmpty
                        for claimed in due {
                            inFlight.started()
                            group.addTask { [targets] in
                                await deliver(claimed, client: client, targets: targets)
                                inFlight.finished()
                            }
                        }
                        if ContinuousClock.now - lastHousekeeping >= .seconds(5) {
                            lastHousekeeping = ContinuousClock.now
                            // Host checks are cached for a few seconds, then made again.
                            targets = TargetCache(policy: webhooks.targets)
                            try await housekeeping()
                        }
                    } catch {
                        logger.warning("webhook delivery step failed", metadata: ["error": "\(error)"])
                    }
                    if saturated {
                        // Every slot is taken: look again as soon as one may be free.
                        try? await Task.sleep(for: .milliseconds(2))
                    } else if !busy {
                        try? await Task.sleep(for: settings.pollInterval)
                    }
                }
                group.cancelAll()
            }
        }
        try? await client.shutdown()
    }

    /// One attempt: send, then record how it went.
    func deliver(_ claimed: DueDelivery, client: HTTPClient, targets: TargetCache) async {
        let outcome = await send(claimed, client: client, targets: targets)
        metrics?.attempted(outcome)
        do {
            try await webhooks.record(claimed.delivery, outcome: outcome, policy: settings.retry)
        } catch {
            logger.warning("could not record a webhook attempt", metadata: ["delivery": "\(claimed.delivery.id)", "error": "\(error)"])
        }
    }

    func send(_ claimed: DueDelivery, client: HTTPClient, targets: TargetCache) async -> DeliveryAttemptOutcome {
        let delivery = claimed.delivery
        if let refusal = await targets.refusal(for: claimed.url) {
            return failure(delivery, statusCode: nil, error: refusal)
        }
        let body = WebhookBody.encode(delivery.event)
        let now = webhooks.now
        var request = HTTPClientRequest(url: claimed.url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "Backroom-Webhooks/1")
        request.headers.add(name: "Backroom-Event-Id", value: delivery.event.eventID)
        request.headers.add(name: "Backroom-Event-Type", value: delivery.event.type.rawValue)
        request.headers.add(name: "Backroom-Delivery", value: String(delivery.id))
        request.headers.add(name: "Backroom-Attempt", value: String(delivery.attempts + 1))
        request.headers.add(
            name: WebhookSignature.header,
            value: WebhookSignature.sign(body: body, secret: claimed.secret, timestamp: now.millisecondsSince1970 / 1000)
        )
        request.body = .bytes(ByteBuffer(bytes: body))
        do {
            let response = try await client.execute(request, timeout: .milliseconds(Int64(settings.timeoutSeconds * 1000)))
            // The body is read (bounded) so the connection can be reused.
            _ = try? await response.body.collect(upTo: 64 * 1024)
            let code = Int(response.status.code)
            if (200..<300).contains(code) { return .delivered(statusCode: code) }
            return failure(delivery, statusCode: code, error: "HTTP \(code)")
        } catch {
            return failure(delivery, statusCode: nil, error: Self.describe(error))
        }
    }

    private func failure(_ delivery: WebhookDelivery, statusCode: Int?, error: String) -> DeliveryAttemptOutcome {
        let retryAt = settings.retry.afterFailure(
            attempts: delivery.attempts + 1, createdAt: delivery.createdAt, now: webhooks.now, unit: Double.random(in: 0..<1)
        )
        return .failed(statusCode: statusCode, error: error, retryAt: retryAt)
    }

    private func housekeeping() async throws {
        let pruned = try await webhooks.prune(olderThanMilliseconds: settings.retentionMilliseconds, limit: 500)
        if pruned > 0 { logger.debug("pruned delivered events", metadata: ["count": "\(pruned)"]) }
        if let metrics { metrics.backlog(try await webhooks.backlog()) }
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout, .connectTimeout: return "timed out"
            case .remoteConnectionClosed: return "the receiver closed the connection"
            default: return "\(error)"
            }
        }
        return "\(error)"
    }
}

/// Sends in flight.
final class InFlight: Sendable {
    private let value = Atomic<Int>(0)
    var count: Int { value.load(ordering: .relaxed) }
    func started() { value.add(1, ordering: .relaxed) }
    func finished() { value.subtract(1, ordering: .relaxed) }
}

/// Each target checked once per few seconds, not once per delivery.
actor TargetCache {
    private let policy: WebhookTargetPolicy
    private var answers: [String: String?] = [:]

    init(policy: WebhookTargetPolicy) {
        self.policy = policy
    }

    /// Why the URL may not be called now, or nil.
    func refusal(for url: String) async -> String? {
        if let known = answers[url] { return known }
        var answer: String?
        do {
            _ = try await policy.check(url)
        } catch {
            answer = "refused: \(error.message)"
        }
        answers[url] = answer
        return answer
    }
}

/// The body of a delivery: the event's envelope around the resource as the
/// API returned it when the event happened.
public enum WebhookBody {
    public static func encode(_ event: OutboxEvent) -> [UInt8] {
        func quoted(_ text: String) -> String {
            String(decoding: (try? JSONEncoder().encode(text)) ?? Data("\"\"".utf8), as: UTF8.self)
        }
        let text = "{\"actor\":\(quoted(event.actor)),\"createdAt\":\(quoted(event.at.iso8601)),\"data\":\(event.payload),"
            + "\"id\":\(quoted(event.eventID)),\"resource\":{\"id\":\(quoted(event.resourceID)),\"type\":\(quoted(event.resourceType))},"
            + "\"type\":\(quoted(event.type.rawValue))}"
        return Array(text.utf8)
    }
}
