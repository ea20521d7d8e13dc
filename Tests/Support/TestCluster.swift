import Foundation

/// A real cluster for a test: `Scripts/cluster.sh up` (a throwaway
/// PostgreSQL, nodes, nginx in front) in a directory of its own, always
/// taken down again by `with`.
public final class TestCluster: Sendable {
    public let directory: String
    public let loadBalancer: String
    public let nodes: [String]
    public let token: String
    /// The store's address, for `backroom check`.
    public let store: String

    public static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Scripts/cluster.sh").path

    /// Whether the cluster tests run: PostgreSQL's server binaries and nginx
    /// are here, or they are required (`BACKROOM_REQUIRE_CLUSTER=1`, as in
    /// CI) and then fail, naming what is missing.
    public static let isAvailable: Bool = {
        let nginx = ["/usr/sbin/nginx", "/usr/bin/nginx"].contains { FileManager.default.isExecutableFile(atPath: $0) }
        let postgres = PostgresTestCluster.binaries.map { FileManager.default.isExecutableFile(atPath: $0 + "/initdb") } ?? false
        let present = nginx && postgres
        let required = ProcessInfo.processInfo.environment["BACKROOM_REQUIRE_CLUSTER"] == "1"
        if !present && !required {
            FileHandle.standardError.write(Data("""

                ************************************************************************
                Cluster tests SKIPPED: they need nginx and PostgreSQL's server binaries.
                apt-get install -y nginx postgresql
                ************************************************************************

                """.utf8))
        }
        return present || required
    }()

    private init(directory: String, lines: [String]) throws {
        guard lines.count >= 4 else { throw ClusterScriptError("cluster.sh up printed \(lines)") }
        self.directory = directory
        loadBalancer = lines[0]
        nodes = Array(lines[1..<(lines.count - 2)])
        token = lines[lines.count - 2]
        store = try String(contentsOfFile: directory + "/store.url", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Runs `body` against a fresh cluster of `nodeCount` nodes, then takes
    /// it down, whatever `body` did.
    public static func with<T>(nodes nodeCount: Int = 3, _ body: (TestCluster) async throws -> T) async throws -> T {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("backroom-cluster-\(UUID().uuidString.prefix(8))").path
        var attempt = 0
        while true {
            attempt += 1
            // Ports are taken from a random base below the ephemeral range
            // (32768 and up on Linux), where other tests' servers and
            // clients get theirs; a port taken anyway fails `up` (before it
            // starts anything, or when a node cannot bind), and another
            // base is tried.
            let base = Int.random(in: 20_000...32_000)
            let result = try await ChildProcess.run(["/bin/bash", script, "up", "--nodes", String(nodeCount), "--port", String(base), "--dir", directory])
            if result.status == 0 {
                let lines = result.output.split(separator: "\n").map(String.init).filter { !$0.hasPrefix("cluster: ") }
                let cluster = try TestCluster(directory: directory, lines: lines)
                do {
                    let value = try await body(cluster)
                    await cluster.down()
                    return value
                } catch {
                    await cluster.down()
                    throw error
                }
            }
            _ = try? await ChildProcess.run(["/bin/bash", script, "down", "--dir", directory])
            if attempt >= 3 {
                throw ClusterScriptError("cluster.sh up failed (\(result.status)), three times; the last said: \(result.output.suffix(3000))")
            }
            print("cluster.sh up failed (attempt \(attempt), trying again): \(result.output.suffix(1500))")
        }
    }

    public func down() async {
        _ = try? await ChildProcess.run(["/bin/bash", Self.script, "down", "--dir", directory])
    }

    /// SIGKILLs node `index` (1-based).
    public func kill(node index: Int) async throws {
        try await script(["node", String(index), "kill"])
    }

    /// Starts node `index` again; returns once it answers.
    public func start(node index: Int) async throws {
        try await script(["node", String(index), "start"])
    }

    /// The charges every node's simulated provider made, by order number.
    public func charges() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasPrefix("payments-node-") }.flatMap { file in
            try String(contentsOfFile: directory + "/" + file, encoding: .utf8).split(separator: "\n").compactMap { line in
                (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["order"] as? String
            }
        }
    }

    /// `backroom check` on the cluster's store: its exit status and output.
    public func check() async throws -> (status: Int32, output: String) {
        try await ChildProcess.run([ChildProcess.backroomBinary, "check", "--db", store])
    }

    private func script(_ arguments: [String]) async throws {
        let result = try await ChildProcess.run(["/bin/bash", Self.script] + arguments + ["--dir", directory])
        guard result.status == 0 else { throw ClusterScriptError("cluster.sh \(arguments.joined(separator: " ")) failed: \(result.output.suffix(2000))") }
    }
}

public struct ClusterScriptError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
