import ArgumentParser
import BackroomCore
import BackroomStore
import Foundation

/// `--db PATH`: the store file. Defaults to `$BACKROOM_DB`, then `./backroom.sqlite`.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The store file (default: $BACKROOM_DB or ./backroom.sqlite).", valueName: "path"))
    var db: String?

    @Option(name: .long, help: "normal: survives a process crash; full: survives power loss too.")
    var durability: StoreConfiguration.Durability = .normal

    var path: String {
        db ?? ProcessInfo.processInfo.environment["BACKROOM_DB"] ?? "backroom.sqlite"
    }

    /// Opens the store, creating and migrating a new file.
    func openOrCreate(currency: String = "EUR") throws -> SQLiteShopStore {
        try SQLiteShopStore(path: path, configuration: StoreConfiguration(durability: durability, currency: currency))
    }

    /// Opens an existing store; a missing file is an error, not a new store.
    /// `configuration` overrides how it is opened (the durability flag still applies).
    func openExisting(_ configuration: StoreConfiguration? = nil) throws -> SQLiteShopStore {
        guard FileManager.default.fileExists(atPath: path) else {
            throw BackroomError(.notFound, "No store at \(path); create one with `backroom migrate --db \(path)` or `backroom seed`.")
        }
        guard var configuration else { return try openOrCreate() }
        configuration.durability = durability
        return try SQLiteShopStore(path: path, configuration: configuration)
    }
}

extension StoreConfiguration.Durability: ExpressibleByArgument {}
