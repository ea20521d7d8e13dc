import ArgumentParser
import BackroomApp
import BackroomCore
import BackroomHTTP
import BackroomServices
import BackroomStore
import Foundation
import Hummingbird
import Logging
import Metrics
import Prometheus
import ServiceLifecycle
import UnixSignals

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the HTTP API (headless).",
        discussion: "SIGINT or SIGTERM shut it down gracefully: in-flight requests finish, the store closes cleanly."
    )

    @OptionGroup var store: StoreOptions
    @OptionGroup var server: ServerOptions

    func run() async throws {
        try await reportingErrors {
            let settings = try await server.resolve()
            let logger = Bootstrap.logging(level: settings.logLevel)
            var options = store
            if options.db == nil && ProcessInfo.processInfo.environment["BACKROOM_DB"] == nil, let path = settings.database {
                options.db = path
            }
            if let text = settings.durability {
                guard let durability = StoreConfiguration.Durability(rawValue: text) else {
                    throw BackroomError.validation("durability", "durability is normal or full (was \"\(text)\").")
                }
                options.durability = durability
            }
            let opened = try await options.open(create: true)
            let payments = try SimulatedPaymentProvider(journalPath: settings.paymentsJournal)
            let shop = Shop(store: opened.store, currency: opened.currency, configuration: settings.shop, payments: payments)
            let parts = ServerParts(shop: shop)
            Bootstrap.metrics(registry: parts.metrics.registry)
            var extras: [any Service] = []
            if let plan = settings.backup {
                guard case .sqlite(let file) = opened else {
                    throw BackroomError.validation("backup", "Scheduled backups copy a SQLite store file; back a PostgreSQL store up with its own tools (pg_dump, or the server's).")
                }
                extras.append(BackupScheduler(store: file, plan: plan, metrics: parts.metrics, clock: shop.clock, logger: logger))
            }
            let app = buildApplication(parts, configuration: settings.server, logger: logger, extraServices: extras)
            logger.info("serving \(options.shown) on http://\(settings.server.host):\(settings.server.port)")
            let group = ServiceGroup(
                configuration: ServiceGroupConfiguration(
                    services: [.init(service: app)],
                    gracefulShutdownSignals: [.sigterm, .sigint],
                    logger: logger
                )
            )
            try await group.run()
            try await opened.close()
            logger.info("stopped; store closed")
        }
    }
}

/// Process-wide systems, bootstrapped once, here and nowhere else.
enum Bootstrap {
    nonisolated(unsafe) private static var loggingDone = false
    nonisolated(unsafe) private static var metricsDone = false

    static func logging(level: Logger.Level) -> Logger {
        if !loggingDone {
            loggingDone = true
            LoggingSystem.bootstrap { label in DeferredStreamLogHandler(label: label, level: level) }
        }
        var logger = Logger(label: "backroom")
        logger.logLevel = level
        return logger
    }

    static func metrics(registry: PrometheusCollectorRegistry) {
        guard !metricsDone else { return }
        metricsDone = true
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
    }
}
