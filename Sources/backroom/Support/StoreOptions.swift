import ArgumentParser
import BackroomApp
import BackroomCore
import BackroomPostgres
import BackroomStore
import Foundation

/// `--db PATH|URL`: the store. A path is a SQLite file;
/// `postgres://user:password@host:port/database` a PostgreSQL database.
/// Defaults to `$BACKROOM_DB`, then `./backroom.sqlite`.
struct StoreOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "The store: a SQLite file, or postgres://user:password@host:port/database (default: $BACKROOM_DB or ./backroom.sqlite).",
            valueName: "path|url"
        )
    )
    var db: String?

    @Option(name: .long, help: "normal: survives a process crash; full: survives power loss too.")
    var durability: StoreConfiguration.Durability = .normal

    var path: String {
        db ?? ProcessInfo.processInfo.environment["BACKROOM_DB"] ?? "backroom.sqlite"
    }

    var location: StoreLocation {
        get throws { try StoreLocation.parse(path) }
    }

    /// The store as messages name it: a PostgreSQL password never shows.
    var shown: String {
        (try? location.description) ?? path
    }

    /// Opens the store `--db` names, whichever kind. `create`: a new SQLite
    /// file is made (a PostgreSQL database must exist; its schema is made
    /// either way). `configuration` applies to SQLite only.
    func open(create: Bool, currency: String = "EUR", configuration: StoreConfiguration? = nil) async throws -> OpenedStore {
        switch try location {
        case .sqlite:
            return .sqlite(create ? try openOrCreate(currency: currency) : try openExisting(configuration))
        case .postgres(let address):
            return .postgres(try await PostgresShopStore.open(address, currency: currency))
        }
    }

    /// Opens the store, creating and migrating a new file. SQLite only:
    /// a PostgreSQL address is refused, naming the command.
    func openOrCreate(currency: String = "EUR") throws -> SQLiteShopStore {
        try requireSQLite()
        return try SQLiteShopStore(path: path, configuration: StoreConfiguration(durability: durability, currency: currency))
    }

    /// Commands that work on a SQLite file only (its backups, seeding,
    /// the console, benchmarks) refuse a PostgreSQL address in one line.
    func requireSQLite() throws {
        guard case .postgres = try location else { return }
        let command = CommandLine.arguments.dropFirst().first ?? "this command"
        throw BackroomError.validation(
            "db", "`backroom \(command)` works on a SQLite store file only for now; \(shown) is a PostgreSQL database."
        )
    }

    /// Opens an existing store; a missing file is an error, not a new store.
    /// `configuration` overrides how it is opened (the durability flag still applies).
    func openExisting(_ configuration: StoreConfiguration? = nil) throws -> SQLiteShopStore {
        try requireSQLite()
        guard FileManager.default.fileExists(atPath: path) else {
            throw BackroomError(.notFound, "No store at \(path); create one with `backroom migrate --db \(path)` or `backroom seed`.")
        }
        guard var configuration else { return try openOrCreate() }
        configuration.durability = durability
        return try SQLiteShopStore(path: path, configuration: configuration)
    }
}

extension StoreConfiguration.Durability: ExpressibleByArgument {}
