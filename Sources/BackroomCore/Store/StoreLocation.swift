import Foundation

/// Where a store lives, as `--db` says it: a path is a SQLite file;
/// `postgres://` or `postgresql://` is a PostgreSQL database. Any other
/// `scheme://` is refused rather than taken for a file name.
public enum StoreLocation: Equatable, Sendable, CustomStringConvertible {
    case sqlite(path: String)
    case postgres(PostgresAddress)

    public static func parse(_ value: String) throws(BackroomError) -> StoreLocation {
        guard let schemeEnd = value.range(of: "://") else { return .sqlite(path: value) }
        let scheme = value[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "postgres" || scheme == "postgresql" else {
            // A Windows-style or odd file name never contains "://"; a
            // typo in a scheme must not create a file named after the URL.
            guard scheme.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "+" || $0 == "-" || $0 == "." }) else {
                return .sqlite(path: value)
            }
            throw BackroomError.validation("db", "Unknown store scheme \"\(scheme)://\": give a file path (SQLite) or postgres://user:password@host:port/database.")
        }
        return .postgres(try PostgresAddress.parse(value))
    }

    /// For logs and messages: a PostgreSQL password never appears.
    public var description: String {
        switch self {
        case .sqlite(let path): path
        case .postgres(let address): address.description
        }
    }
}

/// A PostgreSQL database: `postgres://user:password@host:port/database`,
/// with `?sslmode=disable|prefer|require` and `?host=/directory` for a
/// server's Unix socket directory (as libpq reads them).
public struct PostgresAddress: Equatable, Sendable, CustomStringConvertible {
    public enum TLSMode: String, Sendable, CaseIterable {
        /// Plain TCP (the only mode over a Unix socket).
        case disable
        /// TLS when the server offers it (libpq's default).
        case prefer
        /// TLS or no connection.
        case require
    }

    public enum Endpoint: Equatable, Sendable {
        case tcp(host: String, port: Int)
        /// The socket file, `DIRECTORY/.s.PGSQL.PORT`.
        case unixSocket(path: String)
    }

    public var endpoint: Endpoint
    public var user: String
    public var password: String?
    public var database: String
    public var tls: TLSMode

    public init(endpoint: Endpoint, user: String, password: String?, database: String, tls: TLSMode) {
        self.endpoint = endpoint
        self.user = user
        self.password = password
        self.database = database
        self.tls = tls
    }

    public static func parse(_ value: String) throws(BackroomError) -> PostgresAddress {
        func refuse(_ why: String) -> BackroomError {
            BackroomError.validation("db", "\(why) in the PostgreSQL address; expected postgres://user:password@host:port/database.")
        }
        guard let components = URLComponents(string: value) else { throw refuse("Unreadable characters") }
        guard let user = components.percentEncodedUser.flatMap({ $0.removingPercentEncoding }), !user.isEmpty else {
            throw refuse("No user name")
        }
        let password = components.percentEncodedPassword.flatMap { $0.removingPercentEncoding }
        let path = components.percentEncodedPath.removingPercentEncoding ?? ""
        let database = path.hasPrefix("/") ? String(path.dropFirst()) : path
        guard !database.isEmpty, !database.contains("/") else { throw refuse("No database name") }
        var tls = TLSMode.prefer
        var socketDirectory: String?
        for item in components.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                guard let mode = item.value.flatMap(TLSMode.init(rawValue:)) else {
                    throw refuse("sslmode \"\(item.value ?? "")\" is not one of \(TLSMode.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                tls = mode
            case "host":
                guard let directory = item.value, directory.hasPrefix("/") else { throw refuse("host= must be a socket directory (an absolute path)") }
                socketDirectory = directory
            default:
                throw refuse("Unknown parameter \"\(item.name)\"")
            }
        }
        let port = components.port ?? 5432
        guard (1...65535).contains(port) else { throw refuse("Port \(port) out of range") }
        let endpoint: Endpoint
        if let socketDirectory {
            endpoint = .unixSocket(path: "\(socketDirectory)/.s.PGSQL.\(port)")
            tls = .disable
        } else {
            guard let host = components.host, !host.isEmpty else { throw refuse("No host") }
            endpoint = .tcp(host: host, port: port)
        }
        return PostgresAddress(endpoint: endpoint, user: user, password: password, database: database, tls: tls)
    }

    /// The address with the password left out, for logs and messages.
    public var description: String {
        let credentials = password == nil ? user : "\(user):***"
        switch endpoint {
        case .tcp(let host, let port):
            return "postgres://\(credentials)@\(host):\(port)/\(database)?sslmode=\(tls.rawValue)"
        case .unixSocket(let path):
            let directory = (path as NSString).deletingLastPathComponent
            let port = path.split(separator: ".").last.map(String.init) ?? "5432"
            return "postgres://\(credentials)@:\(port)/\(database)?host=\(directory)"
        }
    }
}
