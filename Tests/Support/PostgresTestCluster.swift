import BackroomCore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A throwaway PostgreSQL server for the tests of one test process:
/// `initdb` into a temporary directory, listening on a Unix socket in that
/// directory only (no TCP port to collide on), durability off (a test
/// database never outlives its process). Each test gets a database of its
/// own (`database()`).
///
/// A watcher process started with the server stops it and deletes the
/// directory once the test process is gone, however it ended (`kill -9`
/// included): Swift Testing has no hook for the end of a run.
///
/// Without PostgreSQL's server binaries the PostgreSQL tests are skipped
/// (`isAvailable`, with a loud message); `BACKROOM_REQUIRE_POSTGRES=1`
/// (set by `.ci/run`) makes that a failure instead.
public actor PostgresTestCluster {
    public static let shared = PostgresTestCluster()

    /// Where `initdb`, `postgres` and `pg_ctl` are looked for:
    /// `$BACKROOM_POSTGRES_BIN`, else Debian's newest `/usr/lib/postgresql/N/bin`.
    public static let binaries: String? = {
        if let configured = ProcessInfo.processInfo.environment["BACKROOM_POSTGRES_BIN"] { return configured }
        let root = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).compactMap(Int.init).sorted()
        return versions.last.map { "\(root)/\($0)/bin" }
    }()

    public static var isRequired: Bool { ProcessInfo.processInfo.environment["BACKROOM_REQUIRE_POSTGRES"] == "1" }

    /// Whether the PostgreSQL tests run: the server binaries are here, or
    /// they are required (and then fail, naming what is missing).
    public static let isAvailable: Bool = {
        let present = binaries.map { FileManager.default.isExecutableFile(atPath: "\($0)/initdb") } ?? false
        if !present && !isRequired {
            FileHandle.standardError.write(Data("""

                ************************************************************************
                PostgreSQL tests SKIPPED: no server binaries (initdb) in \(binaries ?? "/usr/lib/postgresql/*/bin").
                Install Debian's `postgresql` package, or set BACKROOM_POSTGRES_BIN.
                ************************************************************************

                """.utf8))
        }
        return present || isRequired
    }()

    /// The start, shared by every test that asks while it runs (the actor
    /// is reentrant: without it, each would start a server of its own).
    private var starting: Task<String, any Error>?
    /// Kept, or its deinit would kill the watcher and orphan the server.
    private var watcher: ChildProcess?
    private var databases = 0

    /// A new, empty database on the cluster (started on first use).
    public func database() async throws -> PostgresAddress {
        let directory = try await start()
        databases += 1
        let name = "test_\(databases)"
        let created = try await Self.run([Self.tool("createdb"), "-h", directory, "-U", "backroom", name])
        guard created.status == 0 else { throw ClusterError("createdb \(name): \(created.output)") }
        return PostgresAddress(endpoint: .unixSocket(path: "\(directory)/.s.PGSQL.5432"), user: "backroom", password: nil, database: name, tls: .disable)
    }

    private func start() async throws -> String {
        if let starting { return try await starting.value }
        let task = Task { try await self.startServer() }
        starting = task
        return try await task.value
    }

    private func keep(_ watcher: ChildProcess) {
        self.watcher = watcher
    }

    private func startServer() async throws -> String {
        guard let binaries = Self.binaries, FileManager.default.isExecutableFile(atPath: "\(binaries)/initdb") else {
            throw ClusterError("BACKROOM_REQUIRE_POSTGRES=1 but PostgreSQL's server binaries are not installed (no initdb in \(Self.binaries ?? "/usr/lib/postgresql/*/bin")): apt-get install -y postgresql")
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("backroom-pg-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        // initdb refuses to run as root: the server runs as `postgres`, in a directory it owns.
        let asServer: [String]
        if getuid() == 0 {
            guard let account = getpwnam("postgres") else { throw ClusterError("running as root, and there is no postgres user to run the server as") }
            guard chown(directory, account.pointee.pw_uid, account.pointee.pw_gid) == 0 else { throw ClusterError("cannot give \(directory) to postgres") }
            asServer = ["runuser", "-u", "postgres", "--"]
        } else {
            asServer = []
        }
        let data = "\(directory)/data"
        let initialised = try await Self.run(asServer + [
            "\(binaries)/initdb", "-D", data, "-U", "backroom", "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions",
        ])
        guard initialised.status == 0 else { throw ClusterError("initdb: \(initialised.output)") }
        let server = (asServer + [
            "\(binaries)/postgres", "-D", data, "-k", directory, "-p", "5432", "-c", "listen_addresses=",
            "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off", "-c", "max_connections=200",
        ]).map(Self.quoted).joined(separator: " ")
        let stop = (asServer + ["\(binaries)/pg_ctl", "-D", data, "-m", "immediate", "stop"]).map(Self.quoted).joined(separator: " ")
        let watcher = """
            \(server) >\(Self.quoted(directory + "/server.log")) 2>&1 &
            while [ -d /proc/\(getpid()) ]; do sleep 0.5; done
            \(stop) >/dev/null 2>&1
            wait
            rm -rf \(Self.quoted(directory))
            """
        keep(try ChildProcess(["/bin/sh", "-c", watcher], output: "/dev/null"))
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            let ready = try await Self.run([Self.tool("pg_isready"), "-q", "-h", directory, "-p", "5432"])
            if ready.status == 0 { return directory }
            try await Task.sleep(for: .milliseconds(100))
        }
        let log = (try? String(contentsOfFile: directory + "/server.log", encoding: .utf8)) ?? ""
        throw ClusterError("the test PostgreSQL server did not start within 60 s: \(log.suffix(2000))")
    }

    private static func tool(_ name: String) -> String {
        "\(binaries ?? "/usr/bin")/\(name)"
    }

    private static func quoted(_ argument: String) -> String {
        "'" + argument.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    private static func run(_ arguments: [String]) async throws -> (status: Int32, output: String) {
        let resolved = arguments[0].hasPrefix("/") ? arguments : ["/usr/bin/env"] + arguments
        return try await ChildProcess.run(resolved)
    }
}

public struct ClusterError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
