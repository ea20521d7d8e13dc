import ArgumentParser
import BackroomApp
import BackroomCore
import Foundation

struct CopyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "copy",
        abstract: "Move a whole store into another: a SQLite file into PostgreSQL, or back.",
        discussion: """
            Catalog, ledger, carts and holds, orders with their timelines and payments, users and token hashes, audit, \
            stock takes, events and webhooks, with their ids. The target is created (a PostgreSQL database must exist) \
            and must be empty unless --replace-target. Then `check` runs on the target; a copy that stopped half way \
            (killed, a full disk) leaves a target that `check` refuses. Stop the shop first: the source is read a page \
            at a time. Into PostgreSQL, the target's secondary indexes and foreign keys are set aside while the rows go \
            in and built again at the end.
            """
    )

    @Option(help: ArgumentHelp("The store to copy: a SQLite file or postgres://…", valueName: "path|url"))
    var from: String

    @Option(help: ArgumentHelp("The store to fill: a SQLite file or postgres://…", valueName: "path|url"))
    var to: String

    @Flag(help: "Empty a target that holds data first (its rows are deleted).")
    var replaceTarget = false

    func run() async throws {
        try await reportingErrors {
            let sourceOptions = try StoreOptions.parse(["--db", from])
            let targetOptions = try StoreOptions.parse(["--db", to])
            guard try sourceOptions.location != targetOptions.location else {
                throw BackroomError.validation("to", "The source and the target are the same store.")
            }
            let source = try await sourceOptions.open(create: false)
            defer { source.closeNow() }
            let target = try await targetOptions.open(create: true, currency: source.currency.code)
            defer { target.closeNow() }
            let started = ContinuousClock.now
            let progress = TransferProgressLine(verb: "copied")
            let copied = try await StoreCopier(from: source.copyable, named: sourceOptions.shown, to: target.copyable)
                .run(replacing: replaceTarget) { step in
                    if step.isFinishing {
                        progress.finishing(rows: step.copied, doing: "building the target's indexes and keys")
                    } else {
                        progress.update(done: step.tableIndex, total: step.tableCount, rows: step.copied, doing: step.table)
                    }
                }
            progress.finish()
            let elapsed = ContinuousClock.now - started
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            let violations = try await target.store.checkInvariants(now: SystemTimeSource().now())
            try await target.close()
            try await source.close()
            let rate = seconds > 0 ? Int(Double(copied) / seconds) : copied
            print("copied \(grouped(copied)) rows from \(sourceOptions.shown) to \(targetOptions.shown) in \(String(format: "%.1f", seconds)) s (\(grouped(rate)) rows/s)")
            guard violations.isEmpty else {
                for violation in violations { print(violation) }
                printError("\(violations.count) invariant violation\(violations.count == 1 ? "" : "s") in \(targetOptions.shown) after the copy")
                throw ExitCode(2)
            }
            print("\(targetOptions.shown): consistent")
        }
    }
}
