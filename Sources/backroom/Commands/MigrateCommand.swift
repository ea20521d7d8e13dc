import ArgumentParser
import BackroomApp
import BackroomCore
import BackroomStore

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Create the store (a SQLite file, or the schema in a PostgreSQL database), or bring an existing one up to date."
    )

    @OptionGroup var store: StoreOptions

    @Option(help: "The shop currency of a new store (EUR, USD, GBP, JPY, CHF, SEK).")
    var currency = "EUR"

    func run() async throws {
        try await reportingErrors {
            let opened = try await store.open(create: true, currency: currency)
            let migrations = try await opened.appliedMigrations()
            try await opened.close()
            print("\(store.shown): up to date (\(migrations.joined(separator: ", ")); currency \(opened.currency.code))")
        }
    }
}
