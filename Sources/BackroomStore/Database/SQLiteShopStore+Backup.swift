import BackroomCore
import Foundation
import GRDB

extension SQLiteShopStore: StoreBackup {
    /// SQLite's online backup from a reader's snapshot: writers go on while
    /// it copies, and the copy is the store as of one moment. The copy is
    /// then opened on its own and verified.
    public func backup(to path: String) async throws -> BackupReport {
        let started = DispatchTime.now().uptimeNanoseconds
        guard !FileManager.default.fileExists(atPath: path) else {
            throw BackroomError.conflict("\(path) exists already; choose a new file for the backup.")
        }
        let partial = path + ".partial"
        try? FileManager.default.removeItem(atPath: partial)
        do {
            let destination = try DatabaseQueue(path: partial)
            try await pool.read { db in
                try destination.writeWithoutTransaction { copy in try db.backup(to: copy) }
            }
            try destination.close()
            try Self.verify(path: partial)
            try FileManager.default.moveItem(atPath: partial, toPath: path)
        } catch {
            try? FileManager.default.removeItem(atPath: partial)
            throw StoreErrors.leaving(error)
        }
        let bytes = ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.int64Value ?? 0
        let elapsed = Int64((DispatchTime.now().uptimeNanoseconds - started) / 1_000_000)
        return BackupReport(path: path, bytes: bytes, milliseconds: elapsed, finishedAt: SystemTimeSource().now())
    }

    /// Whether a store file is whole: SQLite's integrity check, then every
    /// inventory invariant (after bringing an older file's schema up to
    /// date). Throws saying what is wrong. Leaves the file as one
    /// self-contained file (rollback journal, no `-wal` beside it), ready
    /// to be copied or moved; the server turns WAL back on when it opens it.
    public static func verify(path: String) throws {
        let queue = try DatabaseQueue(path: path)
        let problems = try queue.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
        try queue.close()
        guard problems == ["ok"] else {
            throw BackroomError(.validationFailed, "\(path) is damaged: " + problems.prefix(3).joined(separator: "; "))
        }
        let store = try SQLiteShopStore(path: path, configuration: StoreConfiguration(maximumReaderCount: 1, memoryMapBytes: 0, cacheKibibytes: 2000))
        let violations = try store.pool.read { db in try Self.invariantViolations(db, now: SystemTimeSource().now()) }
        try store.close()
        let single = try DatabaseQueue(path: path)
        try single.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA journal_mode = DELETE") }
        try single.close()
        guard violations.isEmpty else {
            throw BackroomError(
                .validationFailed,
                "\(path) breaks \(violations.count) invariant(s): " + violations.prefix(3).map(\.description).joined(separator: "; ")
            )
        }
    }
}
