import ArgumentParser
import BackroomCore
import BackroomStore

struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Verify the inventory invariants; exit 0 only if the store is consistent.",
        discussion: """
            on_hand equals the sum of the ledger; allocated equals the sum of open order lines; \
            held equals the sum of holds; no count is negative; available is never below zero.
            """
    )

    @OptionGroup var store: StoreOptions

    func run() async throws {
        try await reportingErrors {
            let opened = try store.openExisting()
            let violations = try await opened.checkInvariants(now: SystemTimeSource().now())
            if violations.isEmpty {
                print("\(store.path): consistent")
                return
            }
            for violation in violations { print(violation) }
            printError("\(violations.count) invariant violation\(violations.count == 1 ? "" : "s") in \(store.path)")
            throw ExitCode(2)
        }
    }
}
