import BackroomCore
import Foundation
import Logging
import ServiceLifecycle

/// Backs the store up every `interval` into `directory` as
/// `backroom-YYYYMMDDTHHMMSSZ.sqlite`, verifies each copy, keeps the newest
/// `keep`, and reports the last success to the metrics (whose
/// `backroom_backup_age_seconds` alerts watch).
public struct BackupScheduler: Service {
    public struct Plan: Sendable, Hashable {
        public var interval: Duration
        public var directory: String
        public var keep: Int

        public init(interval: Duration, directory: String, keep: Int) {
            self.interval = interval
            self.directory = directory
            self.keep = keep
        }
    }

    let store: any StoreBackup
    let plan: Plan
    let metrics: ShopMetrics
    let clock: any TimeSource
    let logger: Logger

    public init(store: any StoreBackup, plan: Plan, metrics: ShopMetrics, clock: any TimeSource, logger: Logger) {
        self.store = store
        self.plan = plan
        self.metrics = metrics
        self.clock = clock
        self.logger = logger
    }

    public func run() async throws {
        try FileManager.default.createDirectory(atPath: plan.directory, withIntermediateDirectories: true)
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await backUpOnce()
                try? await Task.sleep(for: plan.interval)
            }
        }
    }

    /// One backup and the pruning after it; failures are logged, never fatal.
    public func backUpOnce() async {
        let name = "backroom-" + Self.stamp(clock.now()) + ".sqlite"
        let path = (plan.directory as NSString).appendingPathComponent(name)
        do {
            let report = try await store.backup(to: path)
            metrics.backupSucceeded(at: clock.now(), bytes: report.bytes)
            logger.info("backup written", metadata: ["path": "\(path)", "bytes": "\(report.bytes)", "ms": "\(report.milliseconds)"])
            try prune()
        } catch {
            logger.error("backup failed", metadata: ["path": "\(path)", "error": "\(error)"])
        }
    }

    /// Deletes all but the newest `keep` backups this scheduler names.
    func prune() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: plan.directory)
            .filter { $0.hasPrefix("backroom-") && $0.hasSuffix(".sqlite") }
            .sorted()
        for name in names.dropLast(max(1, plan.keep)) {
            try FileManager.default.removeItem(atPath: (plan.directory as NSString).appendingPathComponent(name))
        }
    }

    /// `20261129T101500Z`: sorts by time.
    static func stamp(_ time: Timestamp) -> String {
        let iso = time.iso8601
        let digits = iso.prefix(19).filter { $0.isNumber || $0 == "T" }
        return String(digits) + "Z"
    }
}
