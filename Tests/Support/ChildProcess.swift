import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A program run by a test, with its output in a file: started, killed
/// (SIGKILL, as a crash), waited for. Spawned with an empty signal mask and
/// default dispositions, so that what the test process blocks or ignores
/// does not carry over.
public final class ChildProcess: @unchecked Sendable {
    public let pid: pid_t
    public let outputPath: String
    private var exited = false

    public init(_ arguments: [String], output: String) throws {
        outputPath = output
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // Nothing else of the test process leaks into the child: a socket a
        // server of another test accepted, held open by the child, would
        // never send its FIN when that server closes it.
        Self.closeInheritedDescriptors(&actions)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let argv = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var child: pid_t = 0
        let result = posix_spawn(&child, arguments[0], &actions, &attributes, argv, environ)
        guard result == 0 else { throw RawSocketError("cannot start \(arguments[0]): \(result)") }
        pid = child
    }

    /// Kills it with `signal` (SIGKILL by default) and waits for it to go.
    public func kill(_ signal: Int32 = SIGKILL) async {
        guard !exited else { return }
        Glibc.kill(pid, signal)
        await waitForExit()
    }

    /// Waits for the exit; returns the exit status (or 128 + signal).
    /// The wait blocks a thread of its own, never one of the cooperative
    /// pool's (two on a two-core machine): a test blocking one for a
    /// child's lifetime stalls every other test, and their deadlines pass.
    @discardableResult
    public func waitForExit() async -> Int32 {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread { continuation.resume(returning: self.waitForExitBlocking()) }
        }
    }

    /// The blocking wait, for where awaiting is impossible (a `deinit`);
    /// only for children that end at once.
    @discardableResult
    public func waitForExitBlocking() -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        exited = true
        return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    }

    public var output: String { (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "" }

    deinit {
        if !exited {
            Glibc.kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
        }
    }

    /// `posix_spawn_file_actions_addclosefrom_np` (glibc 2.34+), which Swift's
    /// Glibc module does not export; looked up at run time.
    private static func closeInheritedDescriptors(_ actions: inout posix_spawn_file_actions_t) {
        typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        guard let symbol = dlsym(dlopen(nil, RTLD_NOW), "posix_spawn_file_actions_addclosefrom_np") else { return }
        _ = unsafeBitCast(symbol, to: CloseFrom.self)(&actions, 3)
    }

    /// The built `backroom` binary of this checkout (the README's test
    /// command builds it before the tests).
    public static var backroomBinary: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent(".build/debug/backroom").path
    }

    /// Runs a command to its end; its exit status and output.
    public static func run(_ arguments: [String]) async throws -> (status: Int32, output: String) {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("backroom-run-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: output) }
        let child = try ChildProcess(arguments, output: output)
        let status = await child.waitForExit()
        return (status, child.output)
    }
}
