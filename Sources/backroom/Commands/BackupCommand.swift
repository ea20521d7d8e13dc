import ArgumentParser
import BackroomCore
import BackroomStore
import Foundation

struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy the store to a file while it keeps serving, and verify the copy.",
        discussion: """
            SQLite's online backup: writes go on while it copies, and the copy is the store as of one \
            moment. The copy is verified (SQLite's integrity check and every invariant `check` verifies) \
            before it is kept; a copy that fails is deleted.
            """
    )

    @OptionGroup var store: StoreOptions

    @Option(help: ArgumentHelp("The backup file to write (must not exist).", valueName: "file"))
    var to: String

    func run() async throws {
        try await reportingErrors {
            let opened = try store.openExisting()
            defer { try? opened.close() }
            let report = try await opened.backup(to: to)
            print("\(report.path): \(grouped(Int(report.bytes))) bytes in \(report.milliseconds) ms; integrity ok, consistent")
        }
    }
}
