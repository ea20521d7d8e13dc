import Foundation
import ArgumentParser
import NIOCore
import NIOPosix

/// Starts the command line on NIO's event loops.
@main
enum Entrypoint {
    static func main() async {
        // Swift concurrency's tasks then run on the same threads as the
        // sockets they wait on (the HTTP server's, PostgreSQL's): a task
        // resumed by a reply is not handed to another thread first. It
        // halved a PostgreSQL round trip's cost (p50 ~200 → ~115 µs, `bench
        // stores`). What must not run on an event loop does not: password
        // hashing has its own threads (`HashingExecutor`), SQLite its own
        // queues (GRDB), the console's screen its own thread.
        if ProcessInfo.processInfo.environment["BACKROOM_NIO_EXECUTOR"] != "0" { NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor() }
        await BackroomCommand.main()
    }
}
