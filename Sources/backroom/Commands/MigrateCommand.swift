import ArgumentParser
import BackroomCore
import BackroomStore

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Create the store file, or bring an existing one up to date."
    )

    @OptionGroup var store: StoreOptions

    @Option(help: "The shop currency of a new store (EUR, USD, GBP, JPY, CHF, SEK).")
    var currency = "EUR"

    func run() async throws {
        try await reportingErrors {
            let opened = try store.openOrCreate(currency: currency)
            let migrations = try opened.appliedMigrations()
            print("\(store.path): up to date (\(migrations.joined(separator: ", ")); currency \(opened.currency.code))")
        }
    }
}
