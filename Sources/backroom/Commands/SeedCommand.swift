import ArgumentParser
import BackroomApp
import BackroomCore
import BackroomServices
import BackroomStore
import Foundation

struct SeedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seed",
        abstract: "Add realistic, deterministic demo data (products, users, orders).",
        discussion: "Seeded accounts share one demo password, printed at the end."
    )

    @OptionGroup var store: StoreOptions

    @Option(help: "Products to add.")
    var products = 0

    @Option(help: "User accounts to add (the first four are the demo staff).")
    var users = 0

    @Option(help: "Orders to add, across every status, consistent with stock.")
    var orders = 0

    @Option(help: "The random seed: the same seed gives the same data.")
    var seed: UInt64 = 42

    @Option(help: "The password every seeded account shares.")
    var password = "backroom-demo"

    @Option(help: "bcrypt cost of the shared password hash.")
    var passwordCost: UInt8 = 12

    static let maximumRows = 10_000_000

    func validate() throws {
        for (name, value) in [("products", products), ("users", users), ("orders", orders)] {
            guard (0...Self.maximumRows).contains(value) else {
                throw ValidationError("--\(name) must be between 0 and \(grouped(Self.maximumRows)) (was \(value)).")
            }
        }
        guard products + users + orders > 0 else {
            throw ValidationError("Nothing to seed: give --products, --users and/or --orders.")
        }
        guard (4...15).contains(passwordCost) else { throw ValidationError("--password-cost must be between 4 and 15.") }
        guard users == 0 || (8...72).contains(password.utf8.count) else {
            throw ValidationError("--password must have 8 to 72 bytes.")
        }
    }

    func run() async throws {
        try await reportingErrors {
            if case .postgres = try store.location {
                try await seedPostgres()
                return
            }
            let opened = try store.openOrCreate()
            let hash = users > 0 ? PasswordHasher(cost: passwordCost).hashNow(password) : ""
            let plan = SeedPlan(products: products, users: users, orders: orders, seed: seed, passwordHash: hash, now: SystemTimeSource().now())
            let progress = ProgressLine()
            let report = try StoreSeeder(store: opened).run(plan) { update in
                progress.show("\(update.phase) \(grouped(update.done)) of \(grouped(update.total))")
            }
            progress.finish()
            var parts: [String] = []
            if report.products > 0 {
                parts.append("\(grouped(report.products)) products (\(grouped(Int(report.productsPerSecond)))/s)")
            }
            if report.users > 0 { parts.append("\(grouped(report.users)) users") }
            if report.orders > 0 { parts.append("\(grouped(report.orders)) orders") }
            print("seeded \(parts.joined(separator: ", ")) into \(store.shown)")
            if report.users > 0 {
                print("demo accounts (admin@backroom.local, ana@backroom.local, …) share the password: \(password)")
            }
        }
    }

    /// PostgreSQL: the data is seeded into a temporary SQLite file (its
    /// bulk load), then copied in with COPY. Only into an empty store: a
    /// seed's ids would collide with rows already there.
    private func seedPostgres() async throws {
        let target = try await store.open(create: true)
        defer { target.closeNow() }
        guard try await !target.copyable.holdsData() else {
            throw BackroomError.conflict("`backroom seed` fills an empty PostgreSQL store; \(store.shown) holds data.")
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("backroom-seed-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let staging = try SQLiteShopStore(path: directory.appendingPathComponent("seed.sqlite").path, configuration: .transfer(currency: target.currency.code))
        let hash = users > 0 ? PasswordHasher(cost: passwordCost).hashNow(password) : ""
        let plan = SeedPlan(products: products, users: users, orders: orders, seed: seed, passwordHash: hash, now: SystemTimeSource().now())
        let progress = ProgressLine()
        let report = try StoreSeeder(store: staging).run(plan) { update in
            progress.show("\(update.phase) \(grouped(update.done)) of \(grouped(update.total))")
        }
        let started = ContinuousClock.now
        let copied = try await StoreCopier(from: staging, named: "a seeded store", to: target.copyable).run(replacing: false) { step in
            progress.show(step.isFinishing ? "building indexes and keys" : "copying \(step.table): \(grouped(step.rows)) rows")
        }
        progress.finish()
        try staging.close()
        let elapsed = ContinuousClock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        try await target.close()
        print("seeded \(grouped(report.products)) products, \(grouped(report.users)) users, \(grouped(report.orders)) orders into \(store.shown) "
              + "(\(grouped(copied)) rows copied in \(String(format: "%.1f", seconds)) s)")
        if report.users > 0 {
            print("demo accounts (admin@backroom.local, ana@backroom.local, …) share the password: \(password)")
        }
    }
}
