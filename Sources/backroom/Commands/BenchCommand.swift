import ArgumentParser
import BackroomBenchmarks
import Foundation

struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure Backroom (use a release build: swift build -c release).",
        subcommands: [StoreBenchCommand.self, CheckoutBenchCommand.self]
    )
}

struct StoreBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store",
        abstract: "Seeding speed, lookup by SKU, first vs deep keyset pages."
    )

    @Option(help: "The store file to use (seeded up to --products if smaller).")
    var db = FileManager.default.temporaryDirectory.appendingPathComponent("backroom-bench-store.sqlite").path

    @Option(help: "Products in the catalog.")
    var products = 1_000_000

    func run() async throws {
        try await reportingErrors {
            try await StoreBenchmark(path: db, products: products).run()
        }
    }
}

struct CheckoutBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checkout",
        abstract: "Checkouts per second at 1, 8 and 64 callers, beside a raw GRDB loop."
    )

    @Option(help: "Checkouts per concurrency level.")
    var checkouts = 20_000

    @Option(help: "Where the benchmark's temporary store files go.")
    var directory = FileManager.default.temporaryDirectory.path

    func run() async throws {
        try await reportingErrors {
            try await CheckoutBenchmark(directory: directory, checkoutsPerLevel: checkouts).run()
        }
    }
}
