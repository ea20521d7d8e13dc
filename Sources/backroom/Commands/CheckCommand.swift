import ArgumentParser
import BackroomApp
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
            let opened = try await store.open(create: false)
            let violations = try await opened.store.checkInvariants(now: SystemTimeSource().now())
            try await opened.close()
            if violations.isEmpty {
                print("\(store.shown): consistent")
                return
            }
            for violation in violations { print(violation) }
            printError("\(violations.count) invariant violation\(violations.count == 1 ? "" : "s") in \(store.shown)")
            throw ExitCode(2)
        }
    }
}
