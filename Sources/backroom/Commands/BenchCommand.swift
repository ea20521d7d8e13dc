import ArgumentParser
import BackroomBenchmarks
import BackroomCore
import BackroomHTTP
import BackroomTelemetry
import Foundation

struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure Backroom (use a release build: swift build -c release).",
        subcommands: [StoreBenchCommand.self, CheckoutBenchCommand.self, StoresBenchCommand.self, TelemetryBenchCommand.self, ConsoleBenchCommand.self, StockTakeBenchCommand.self]
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
            guard case .sqlite = try StoreLocation.parse(db) else {
                throw BackroomError.validation("db", "`backroom bench store` measures a SQLite file; `backroom bench stores` compares it with PostgreSQL.")
            }
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

struct StoresBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stores",
        abstract: "SQLite beside PostgreSQL: checkouts per second at 1, 8 and 64 callers, and copy rows per second.",
        discussion: "The PostgreSQL database is emptied before each measurement: give it one of its own."
    )

    @Option(help: ArgumentHelp("The PostgreSQL database to use (emptied!).", valueName: "url"))
    var postgres: String

    @Option(help: "Checkouts per concurrency level.")
    var checkouts = 5_000

    @Option(help: "Products in the store copied (orders: a tenth of that).")
    var copyProducts = 200_000

    @Option(help: "Where the benchmark's temporary SQLite files go.")
    var directory = FileManager.default.temporaryDirectory.path

    func run() async throws {
        try await reportingErrors {
            guard case .postgres(let address) = try StoreLocation.parse(postgres) else {
                throw BackroomError.validation("postgres", "--postgres takes a postgres:// address.")
            }
            try await StoreComparisonBenchmark(directory: directory, postgres: address, checkoutsPerLevel: checkouts, copyProducts: copyProducts).run()
        }
    }
}

struct TelemetryBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "telemetry",
        abstract: "What recording one request into telemetry and metrics costs."
    )

    @Option(help: "Requests to record.")
    var records = 1_000_000

    func run() async throws {
        // Exactly what the server's outermost middleware does per request.
        let instruments = RequestInstruments(telemetry: Telemetry(), metrics: ShopMetrics(), clock: SystemTimeSource())
        TelemetryBenchmark(records: records).run { method, route, path, status, nanoseconds in
            instruments.started()
            instruments.finished(
                method: method, route: route, path: path, status: status, nanoseconds: nanoseconds,
                bytes: 300, user: nil, requestID: "0123456789abcdef"
            )
        }
    }
}

struct ConsoleBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "console",
        abstract: "First frame, UI work per frame while scrolling and typing, peak RSS (on a seeded store).",
        discussion: "Seed the store first, in another process: backroom seed --db big.sqlite --products 1000000 --orders 1000000 --users 10000"
    )

    @OptionGroup var store: StoreOptions

    func run() async throws {
        try await reportingErrors {
            try store.requireSQLite()
            guard FileManager.default.fileExists(atPath: store.path) else {
                throw BackroomError(.notFound, "No store at \(store.path); seed one first (see --help).")
            }
            try await ConsoleBenchmark(path: store.path).run()
        }
    }
}

struct StockTakeBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stock-take",
        abstract: "Scan cost and the one-transaction commit of a large stock take (on a seeded store).",
        discussion: "Seed the store first: backroom seed --db big.sqlite --products 100000. The store's stock changes: use a copy."
    )

    @OptionGroup var store: StoreOptions

    @Option(help: "SKUs to count.")
    var counts = 10_000

    func run() async throws {
        try await reportingErrors {
            try store.requireSQLite()
            guard FileManager.default.fileExists(atPath: store.path) else {
                throw BackroomError(.notFound, "No store at \(store.path); seed one first (see --help).")
            }
            try await StockTakeBenchmark(path: store.path, counts: counts).run()
        }
    }
}
