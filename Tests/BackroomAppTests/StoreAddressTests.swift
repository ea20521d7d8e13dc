import BackroomTestSupport
import Foundation
import Testing

/// `--db` as the command line reads it, before any store is opened.
@Suite("Store addresses on the command line")
struct StoreAddressTests {
    /// Runs the binary in an empty directory of its own; returns its
    /// status, its output, and what it left in the directory.
    func run(_ arguments: [String]) async throws -> (status: Int32, output: String, left: [String]) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("backroom-address-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let backup = directory.appendingPathComponent("backup.sqlite").path
        _ = FileManager.default.createFile(atPath: backup, contents: Data())
        let command = ([ChildProcess.backroomBinary] + arguments).map { "'\($0)'" }.joined(separator: " ")
        let result = try await ChildProcess.run(["/bin/sh", "-c", "cd '\(directory.path)' && \(command)"])
        let left = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0 != "backup.sqlite" }
        return (result.status, result.output, left)
    }

    @Test("commands for SQLite files refuse a PostgreSQL address in one line and create nothing", arguments: [
        ["backup", "--to", "copy.sqlite"],
        ["restore", "--from", "backup.sqlite"],
        ["bench", "store"],
        ["bench", "console"],
        ["bench", "stock-take"],
    ])
    func sqliteOnly(arguments: [String]) async throws {
        let address = "postgres://shop:s3cret@db.invalid:5432/shop"
        let result = try await run(arguments + ["--db", address])
        #expect(result.status != 0)
        let lines = result.output.split(separator: "\n")
        #expect(lines.count == 1 && lines[0].hasPrefix("backroom: error: db:"), "\(result.output)")
        #expect(!result.output.contains("s3cret"), "the password is not printed")
        #expect(result.left.isEmpty, "nothing created: \(result.left)")
    }

    @Test("an unknown scheme is refused, not taken for a file name", arguments: ["migrate", "check", "serve"])
    func unknownScheme(command: String) async throws {
        let result = try await run([command, "--db", "mysql://shop@db/shop"])
        #expect(result.status != 0)
        #expect(result.output.contains("Unknown store scheme \"mysql://\""), "\(result.output)")
        #expect(result.left.isEmpty, "nothing created: \(result.left)")
    }
}
