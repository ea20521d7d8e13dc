import BackroomCore
import BackroomHTTP
import BackroomServices
import Foundation
import Logging

/// Everything `backroom serve` runs with, resolved from a `SettingsSource`.
public struct ServeSettings: Sendable {
    public var server: ServerConfiguration
    public var shop: ShopConfiguration
    public var database: String?
    public var durability: String?
    public var logLevel: Logger.Level
    public var backup: BackupScheduler.Plan?
    /// The simulated payment provider's journal, if charges should survive
    /// a restart of the process.
    public var paymentsJournal: String?

    public init(_ source: SettingsSource) throws {
        var server = ServerConfiguration()
        server.host = source.text("host") ?? server.host
        server.port = try source.integer("port", 1...65535) ?? server.port
        if let kib = try source.integer("body_limit_kib", 1...65536) { server.bodyLimit = kib * 1024 }
        if let rate = try source.number("rate_limit_per_second", 0.01...1_000_000) {
            server.requestsPerSecondPerClient = rate
            server.requestBurstPerClient = rate * 2
        }
        server.requestBurstPerClient = try source.number("rate_limit_burst", 1...2_000_000) ?? server.requestBurstPerClient
        server.trustedProxies = try Self.ranges(source, "trusted_proxies")
        server.exemptLoopback = try source.flag("exempt_loopback") ?? server.trustedProxies.isEmpty
        server.operationsAllowlist = try Self.ranges(source, "operations_allow")
        server.connections.idleTimeoutSeconds = try source.number("connections.idle_timeout_seconds", 1...86400) ?? server.connections.idleTimeoutSeconds
        server.connections.headerTimeoutSeconds = try source.number("connections.header_timeout_seconds", 1...3600) ?? server.connections.headerTimeoutSeconds
        server.connections.perClient = try source.integer("connections.per_client", 1...1_000_000) ?? server.connections.perClient
        server.connections.total = try source.integer("connections.total", 16...10_000_000)
        server.maximumLiveSubscribers = try source.integer("live.max_subscribers", 0...1000) ?? server.maximumLiveSubscribers
        if let seconds = try source.number("payments.recovery_seconds", 0.1...3600) {
            server.paymentRecoveryInterval = .milliseconds(Int64(seconds * 1000))
        }
        var webhooks = WebhookSettings()
        webhooks.enabled = try source.flag("webhooks.enabled") ?? webhooks.enabled
        webhooks.timeoutSeconds = try source.number("webhooks.timeout_seconds", 0.1...120) ?? webhooks.timeoutSeconds
        webhooks.concurrency = try source.integer("webhooks.concurrency", 1...256) ?? webhooks.concurrency
        if let seconds = try source.number("webhooks.first_retry_seconds", 0.01...3600) {
            webhooks.retry.firstDelayMilliseconds = Int64(seconds * 1000)
        }
        if let seconds = try source.number("webhooks.max_retry_seconds", 0.01...86400) {
            webhooks.retry.maximumDelayMilliseconds = Int64(seconds * 1000)
        }
        if let period = try source.duration("webhooks.retry_for", minimumSeconds: 1) {
            webhooks.retry.retryForMilliseconds = period.components.seconds * 1000
        }
        if let period = try source.duration("webhooks.disable_after", minimumSeconds: 1) {
            webhooks.retry.disableAfterMilliseconds = period.components.seconds * 1000
        }
        if let period = try source.duration("webhooks.retention", minimumSeconds: 60) {
            webhooks.retentionMilliseconds = period.components.seconds * 1000
        }
        server.webhooks = webhooks
        if let name = source.text("node.name") { server.nodeName = try NodeName.validated(name) }
        if let url = source.text("node.url") { server.advertisedURL = try Self.nodeURL(url) }
        self.server = server

        var shop = ShopConfiguration()
        if let minutes = try source.integer("hold_minutes", 1...1440) {
            shop.holdPolicy = HoldPolicy(durationSeconds: Int64(minutes) * 60)
        }
        shop.passwordCost = UInt8(try source.integer("password_cost", 10...16) ?? Int(shop.passwordCost))
        if let days = try source.integer("token_days", 1...365) { shop.tokenLifetimeSeconds = Int64(days) * 86400 }
        var cart = CartLimits()
        cart.unitsPerLine = Int64(try source.integer("limits.units_per_line", 1...Int(QuantityRules.maximumLineQuantity)) ?? Int(cart.unitsPerLine))
        cart.linesPerCart = try source.integer("limits.lines_per_cart", 1...10_000) ?? cart.linesPerCart
        cart.holdShare = try source.number("limits.hold_share", 0.01...1) ?? cart.holdShare
        cart.holdFloorUnits = Int64(try source.integer("limits.hold_floor_units", 1...1_000_000) ?? Int(cart.holdFloorUnits))
        if let minutes = try source.integer("limits.hold_lifetime_minutes", 1...10080) { cart.holdLifetimeSeconds = Int64(minutes) * 60 }
        shop.cartLimits = try cart.validated()
        var client = ClientLimits()
        client.holdsPerClientPerMinute = try source.integer("limits.holds_per_client_per_minute", 1...1_000_000) ?? client.holdsPerClientPerMinute
        client.cartsPerClientPerHour = try source.integer("limits.carts_per_client_per_hour", 1...1_000_000) ?? client.cartsPerClientPerHour
        client.registrationsPerClientPerHour = try source.integer("limits.registrations_per_client_per_hour", 1...1_000_000) ?? client.registrationsPerClientPerHour
        client.registrationsPerSecond = try source.number("limits.registrations_per_second", 0.01...100_000) ?? client.registrationsPerSecond
        client.loginsPerClientPerMinute = try source.integer("limits.logins_per_client_per_minute", 1...1_000_000) ?? client.loginsPerClientPerMinute
        client.loginsPerSecond = try source.number("limits.logins_per_second", 0.01...100_000) ?? client.loginsPerSecond
        client.loginFailuresPerAccountAndClient = try source.integer("limits.login_failures_per_account_and_client", 1...1_000_000) ?? client.loginFailuresPerAccountAndClient
        client.loginFailuresPerAccountPerHour = try source.integer("limits.login_failures_per_account_per_hour", 1...1_000_000) ?? client.loginFailuresPerAccountPerHour
        shop.clientLimits = try client.validated()
        shop.hashingThreads = try source.integer("hashing.threads", 1...64) ?? shop.hashingThreads
        shop.hashingQueue = try source.integer("hashing.queue", 0...10_000) ?? shop.hashingQueue
        shop.paymentTimeoutSeconds = try source.number("payments.timeout_seconds", 0.1...300) ?? shop.paymentTimeoutSeconds
        shop.allowPrivateWebhookTargets = try source.flag("allow_private_webhook_targets") ?? shop.allowPrivateWebhookTargets
        self.shop = shop

        database = source.text("db")
        durability = source.text("durability")
        let levelText = source.text("log_level") ?? "info"
        guard let level = Logger.Level(rawValue: levelText.lowercased()) else {
            throw BackroomError.validation("log_level", "Unknown log level \"\(levelText)\"; use trace, debug, info, notice, warning, error or critical.")
        }
        logLevel = level
        paymentsJournal = source.text("payments.journal")
        if let every = try source.duration("backup.every", minimumSeconds: 60) {
            backup = BackupScheduler.Plan(
                interval: every, directory: source.text("backup.dir") ?? "backups",
                keep: try source.integer("backup.keep", 1...10_000) ?? 24
            )
        } else {
            backup = nil
        }
    }

    /// An http(s) URL with a host, without a trailing slash.
    private static func nodeURL(_ text: String) throws -> String {
        guard let url = URL(string: text), ["http", "https"].contains(url.scheme?.lowercased() ?? ""), url.host != nil,
              url.query == nil, url.fragment == nil
        else {
            throw BackroomError.validation("node.url", "node.url is where other processes reach this node, like http://10.0.0.5:8081 (was \"\(text)\").")
        }
        return text.hasSuffix("/") ? String(text.dropLast()) : text
    }

    private static func ranges(_ source: SettingsSource, _ key: String) throws -> [AddressRange] {
        var ranges: [AddressRange] = []
        for text in source.list(key) ?? [] {
            do {
                ranges.append(try AddressRange(parsing: text))
            } catch {
                throw BackroomError.validation(key, "\(key): \(error.message)")
            }
        }
        return ranges
    }
}
