import BackroomCore
import BackroomHTTP
import BackroomServices
import BackroomStore
import BackroomTestSupport
import Foundation
import GRDB
import Logging
import Testing

@Suite("Backups and restore", .serialized)
struct BackupTests {
    @Test("a backup taken while writes go on is whole and consistent")
    func onlineBackup() async throws {
        let test = try TestShop()
        for index in 0..<20 { try await test.product(String(format: "BK-%02d", index), stock: 100) }
        let writer = Task {
            var count = 0
            while !Task.isCancelled {
                _ = try await test.shop.inventory.adjustStock(test.sku(String(format: "BK-%02d", count % 20)), by: 1, reason: .received, by: TestShop.admin)
                count += 1
            }
            return count
        }
        try await Task.sleep(for: .milliseconds(100))
        let path = test.temporary.directory.appendingPathComponent("copy.sqlite").path
        let report = try await test.store.backup(to: path)
        writer.cancel()
        let written = try await writer.value
        #expect(report.bytes > 0 && report.path == path)
        // The copy opens on its own, passes check, and holds a prefix of what was written.
        try SQLiteShopStore.verify(path: path)
        let copy = try SQLiteShopStore(path: path)
        defer { try? copy.close() }
        let copied = try await copy.pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM stock_movement") ?? 0 }
        #expect(copied >= 20 && copied <= 20 + written)
        #expect(try await copy.checkInvariants(now: test.clock.now()).isEmpty)
        // A second backup to the same file is refused rather than overwriting it.
        await #expect { try await test.store.backup(to: path) } throws: { ($0 as? BackroomError)?.code == .conflict }
    }

    func storeWithProduct(_ directory: URL, name: String, sku: String) async throws -> String {
        let path = directory.appendingPathComponent(name).path
        let store = try SQLiteShopStore(path: path)
        let shop = Shop(store: store, currency: store.currency, configuration: ShopConfiguration(passwordCost: 4))
        _ = try await shop.inventory.createProduct(ProductDraft(sku: sku, name: sku, price: Money(minorUnits: 100, currency: .eur), initialStock: 3), by: .system("t"))
        try store.checkpoint()
        try store.close()
        return path
    }

    @Test("restore refuses a backup that fails check and changes nothing; a good one replaces the store and keeps the old one beside it")
    func restore() async throws {
        let binary = ChildProcess.backroomBinary
        try #require(FileManager.default.isExecutableFile(atPath: binary), "run `swift build` before `swift test`")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("backroom-restore-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let target = try await storeWithProduct(directory, name: "shop.sqlite", sku: "LIVE-1")
        let good = try await storeWithProduct(directory, name: "good.sqlite", sku: "BACKUP-1")
        let bad = try await storeWithProduct(directory, name: "bad.sqlite", sku: "BAD-1")
        // On hand no longer matches the ledger: `check` refuses it.
        let queue = try DatabaseQueue(path: bad)
        try await queue.write { db in try db.execute(sql: "UPDATE product SET on_hand = on_hand + 5") }
        try queue.close()

        let refused = try await ChildProcess.run([binary, "restore", "--db", target, "--from", bad])
        #expect(refused.status != 0)
        #expect(refused.output.contains("on_hand = sum of ledger"), "\(refused.output)")
        #expect(try await skus(target) == ["LIVE-1"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.contains("replaced") || $0.contains("restoring") }.isEmpty)

        let restored = try await ChildProcess.run([binary, "restore", "--db", target, "--from", good])
        #expect(restored.status == 0, "\(restored.output)")
        #expect(try await skus(target) == ["BACKUP-1"])
        let kept = try #require(try FileManager.default.contentsOfDirectory(atPath: directory.path).first { $0.hasPrefix("shop.sqlite.replaced-") })
        #expect(try await skus(directory.appendingPathComponent(kept).path) == ["LIVE-1"])

        let backup = try await ChildProcess.run([binary, "backup", "--db", target, "--to", directory.appendingPathComponent("again.sqlite").path])
        #expect(backup.status == 0 && backup.output.contains("bytes in") && backup.output.contains("consistent"), "\(backup.output)")
    }

    func skus(_ path: String) async throws -> [String] {
        let queue = try DatabaseQueue(path: path)
        defer { try? queue.close() }
        return try await queue.read { db in try String.fetchAll(db, sql: "SELECT sku FROM product ORDER BY sku") }
    }

    @Test("scheduled backups keep the newest N and report their age to the metrics")
    func schedule() async throws {
        let test = try TestShop()
        try await test.product("MUG-1", stock: 3)
        let directory = test.temporary.directory.appendingPathComponent("backups").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let metrics = ShopMetrics()
        let scheduler = BackupScheduler(
            store: test.store, plan: BackupScheduler.Plan(interval: .seconds(3600), directory: directory, keep: 2),
            metrics: metrics, clock: test.clock, logger: Logger(label: "test")
        )
        metrics.refreshGauges(at: test.clock.now())
        #expect(String(decoding: metrics.exposition(), as: UTF8.self).contains("backroom_backup_age_seconds -1"))
        for _ in 0..<3 {
            await scheduler.backUpOnce()
            test.clock.advance(seconds: 60)
        }
        let files = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
        #expect(files.count == 2 && files.allSatisfy { $0.hasPrefix("backroom-") && $0.hasSuffix(".sqlite") }, "\(files)")
        metrics.refreshGauges(at: test.clock.now())
        #expect(String(decoding: metrics.exposition(), as: UTF8.self).contains("backroom_backup_age_seconds 60"))
    }
}
