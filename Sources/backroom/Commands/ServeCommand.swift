import ArgumentParser
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
            let settings = try server.resolve()
            let logger = Bootstrap.logging(level: settings.logLevel)
            let options = settings.database.map { path -> StoreOptions in
                var copy = store
                if copy.db == nil && ProcessInfo.processInfo.environment["BACKROOM_DB"] == nil { copy.db = path }
                return copy
            } ?? store
            let opened = try options.openOrCreate()
            let shop = Shop(
                store: opened, currency: opened.currency,
                configuration: ShopConfiguration(holdPolicy: HoldPolicy(durationSeconds: Int64(settings.holdMinutes) * 60))
            )
            let parts = ServerParts(shop: shop)
            Bootstrap.metrics(registry: parts.metrics.registry)
            let app = buildApplication(parts, configuration: settings.server, logger: logger)
            logger.info("serving \(options.path) on http://\(settings.server.host):\(settings.server.port)")
            let group = ServiceGroup(
                configuration: ServiceGroupConfiguration(
                    services: [.init(service: app)],
                    gracefulShutdownSignals: [.sigterm, .sigint],
                    logger: logger
                )
            )
            try await group.run()
            try opened.checkpoint()
            try opened.close()
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
            LoggingSystem.bootstrap { label in
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            }
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
