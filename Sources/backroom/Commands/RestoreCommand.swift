import ArgumentParser
import BackroomCore
import BackroomStore
import Foundation

struct RestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Replace the store with a backup, after verifying the backup.",
        discussion: """
            Stop the server first. The backup is copied beside the store and verified (integrity and \
            invariants); a backup that fails is refused and nothing changes. The replaced store is kept \
            beside the new one as STORE.replaced-TIME.
            """
    )

    @OptionGroup var store: StoreOptions

    @Option(help: ArgumentHelp("The backup file to restore.", valueName: "file"))
    var from: String

    func run() async throws {
        try await reportingErrors {
            try store.requireSQLite()
            let target = store.path
            guard FileManager.default.fileExists(atPath: from) else {
                throw BackroomError.notFound("No backup at \(from).")
            }
            let staged = target + ".restoring"
            try? FileManager.default.removeItem(atPath: staged)
            try FileManager.default.copyItem(atPath: from, toPath: staged)
            do {
                try SQLiteShopStore.verify(path: staged)
            } catch {
                try? FileManager.default.removeItem(atPath: staged)
                try? FileManager.default.removeItem(atPath: staged + "-wal")
                try? FileManager.default.removeItem(atPath: staged + "-shm")
                throw error
            }
            var kept: String?
            if FileManager.default.fileExists(atPath: target) {
                // Fold the WAL into the file first, so the kept copy is whole.
                let current = try store.openExisting()
                try current.checkpoint()
                try current.close()
                let stamp = ISO8601DateFormatter().string(from: Date()).replacingOccurrences(of: ":", with: "")
                let aside = target + ".replaced-" + stamp
                try FileManager.default.moveItem(atPath: target, toPath: aside)
                for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: target + suffix) }
                kept = aside
            }
            try FileManager.default.moveItem(atPath: staged, toPath: target)
            for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: staged + suffix) }
            print("\(target): restored from \(from); consistent" + (kept.map { "; the replaced store is \($0)" } ?? ""))
        }
    }
}
