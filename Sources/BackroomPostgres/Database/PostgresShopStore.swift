import BackroomCore
import Foundation
import Logging
import NIOCore
import PostgresNIO

/// Backroom's store on a PostgreSQL database, through PostgresNIO's pooled
/// `PostgresClient`. Several API nodes may share one database.
///
/// Isolation and overselling: every write runs at READ COMMITTED and takes
/// the row lock of each product it will change (`SELECT … FOR UPDATE`,
/// in id order when there are several, so two writers never wait on each
/// other in a cycle) before it reads the numbers it decides on. A second
/// writer of the same product waits for the first to commit and then reads
/// the committed row, so a decision is never made on a stale count; the
/// `CHECK (on_hand >= held + allocated)` constraint stays as the last line
/// of defence. Writers of different products do not wait for each other.
///
/// Statements on hot paths are prepared once per connection
/// (`PreparedRows`); the rest go as PostgresNIO's unnamed statements, parsed
/// and planned at each call, which suits listings whose filters change
/// their plans.
public final class PostgresShopStore: Sendable {
    public let address: PostgresAddress
    public let currency: Currency
    let client: PostgresClient
    let logger: Logger
    private let runner: Task<Void, Never>

    private init(address: PostgresAddress, currency: Currency, client: PostgresClient, runner: Task<Void, Never>, logger: Logger) {
        self.address = address
        self.currency = currency
        self.client = client
        self.runner = runner
        self.logger = logger
    }

    /// Connects, migrates (waiting for another node that is migrating), and
    /// settles the shop currency: a new store records `currency`, an
    /// existing one keeps its own.
    public static func open(
        _ address: PostgresAddress, currency: String = "EUR", maximumConnections: Int = 20,
        logger: Logger = PostgresShopStore.quietLogger
    ) async throws -> PostgresShopStore {
        var configuration: PostgresClient.Configuration
        switch address.endpoint {
        case .tcp(let host, let port):
            let tls: PostgresClient.Configuration.TLS = switch address.tls {
            case .disable: .disable
            case .prefer: .prefer(.makeClientConfiguration())
            case .require: .require(.makeClientConfiguration())
            }
            configuration = .init(host: host, port: port, username: address.user, password: address.password, database: address.database, tls: tls)
        case .unixSocket(let path):
            configuration = .init(unixSocketPath: path, username: address.user, password: address.password, database: address.database)
        }
        configuration.options.maximumConnections = maximumConnections
        configuration.options.connectTimeout = .seconds(10)
        // The pool retries a server it cannot reach for about a minute and
        // then reports only that it gave up: one connection first says at
        // once, and why.
        try await probe(address, logger: logger)
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        // Started at once, so that no query is asked of a pool not yet running.
        let runner = Task.immediate { await client.run() }
        do {
            try await PostgresMigrations.migrate(client, logger: logger)
            let settled = try await settleCurrency(client, requested: currency, logger: logger)
            return PostgresShopStore(address: address, currency: settled, client: client, runner: runner, logger: logger)
        } catch {
            runner.cancel()
            await runner.value
            throw PostgresErrors.translate(error, reaching: address)
        }
    }

    private static func probe(_ address: PostgresAddress, logger: Logger) async throws {
        var configuration: PostgresConnection.Configuration
        switch address.endpoint {
        case .tcp(let host, let port):
            let tls: PostgresConnection.Configuration.TLS
            do {
                tls = switch address.tls {
                case .disable: .disable
                case .prefer: .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
                case .require: .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
                }
            } catch {
                throw BackroomError(.unavailable, "Cannot set up TLS for the PostgreSQL store at \(address): \(error).")
            }
            configuration = .init(host: host, port: port, username: address.user, password: address.password, database: address.database, tls: tls)
        case .unixSocket(let path):
            configuration = .init(unixSocketPath: path, username: address.user, password: address.password, database: address.database)
        }
        configuration.options.connectTimeout = .seconds(10)
        do {
            let connection = try await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger)
            try await connection.close()
        } catch {
            throw PostgresErrors.translate(error, reaching: address)
        }
    }

    private static func settleCurrency(_ client: PostgresClient, requested: String, logger: Logger) async throws -> Currency {
        let requestedCurrency = try Currency(code: requested)
        try await client.query(
            "INSERT INTO store_setting (key, value) VALUES ('currency', \(requestedCurrency.code)) ON CONFLICT (key) DO NOTHING", logger: logger
        )
        let rows = try await client.query("SELECT value FROM store_setting WHERE key = 'currency'", logger: logger).collect()
        guard let stored = rows.first else { throw BackroomError(.internalError, "store error: the shop currency was not recorded") }
        return try Currency(code: try stored.makeRandomAccess().stored("value", as: String.self))
    }

    /// The pool logs each failed connection attempt at info; the store
    /// reports what fails as errors of its own, so only warnings get through.
    public static var quietLogger: Logger {
        var logger = Logger(label: "backroom.postgres")
        logger.logLevel = .warning
        return logger
    }

    /// The identifiers of the migrations this database has had, in order.
    public func appliedMigrations() async throws -> [String] {
        try await read { connection in
            var identifiers: [String] = []
            for try await row in try await connection.query("SELECT identifier FROM backroom_migration ORDER BY identifier", logger: self.logger) {
                identifiers.append(try row.makeRandomAccess().stored("identifier", as: String.self))
            }
            return identifiers
        }
    }

    /// A store let go of without `close()` still ends its connections.
    deinit {
        runner.cancel()
    }

    /// Ends every connection; the store cannot be used after.
    public func close() async {
        runner.cancel()
        await runner.value
    }

    /// One transaction at READ COMMITTED; errors leave as `BackroomError`.
    /// The areas the body marks as changed are bumped once, last, in one
    /// statement (see `PostgresRevision.bump`).
    func write<T: Sendable>(_ body: (PostgresConnection, ChangedAreas) async throws -> T) async throws -> T {
        let logger = self.logger
        do {
            return try await client.withTransaction(logger: logger) { connection in
                let changed = ChangedAreas()
                let result = try await body(connection, changed)
                if !changed.areas.isEmpty { try await PostgresRevision.bump(changed.areas, connection, logger: logger) }
                return result
            }
        } catch {
            throw PostgresErrors.translate(error, reaching: address)
        }
    }

    /// One connection, each statement its own snapshot (or one snapshot
    /// for all, when the body opens a transaction).
    func read<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        do {
            return try await client.withConnection { connection in try await body(connection) }
        } catch {
            throw PostgresErrors.translate(error, reaching: address)
        }
    }
}

extension PostgresShopStore: ShopStore {}
