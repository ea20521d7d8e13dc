import ArgumentParser
import Foundation
import NIOCore
import NIOPosix

/// Starts the command line; an API node and the benchmarks on NIO's event
/// loops.
@main
enum Entrypoint {
    static func main() async {
        if runsOnEventLoops(CommandLine.arguments.dropFirst().first, environment: ProcessInfo.processInfo.environment) {
            NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        }
        await BackroomCommand.main()
    }

    /// Whether Swift concurrency's tasks run on the same threads as the
    /// sockets they wait on (the HTTP server's, PostgreSQL's), so a task
    /// resumed by a reply is not handed to another thread first. It halved
    /// a PostgreSQL round trip's cost (p50 ~200 → ~115 µs, `bench stores`)
    /// and lifted checkout over HTTP on PostgreSQL by ~30%; on SQLite it is
    /// neither gain nor loss. Only `serve` and `bench`: there, nothing that
    /// blocks runs as a task (password hashing has its own threads, SQLite
    /// its own queues). The console is left on Swift's own pool: its demo
    /// once took over 10 s to shut down under CI's load with it, and it
    /// gains nothing measurable. `BACKROOM_NIO_EXECUTOR=0` turns it off, to
    /// compare.
    static func runsOnEventLoops(_ command: String?, environment: [String: String]) -> Bool {
        guard environment["BACKROOM_NIO_EXECUTOR"] != "0" else { return false }
        return command == "serve" || command == "bench"
    }
}
