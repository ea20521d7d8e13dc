import BackroomTestSupport
import Foundation

/// A real terminal for end-to-end tests: a tmux server of its own (its own
/// socket), one window, keys sent and the screen captured as text.
final class TmuxSession {
    let socket = "backroom-e2e-\(UUID().uuidString.prefix(8))"
    let directory: URL
    /// The tmux server's process, killed outright if `kill-server` leaves it.
    private var serverPID: pid_t?

    static var repository: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    static var binary: String {
        repository.appendingPathComponent(".build/debug/backroom").path
    }

    init(width: Int = 110, height: Int = 30) async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("backroom-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        guard FileManager.default.isExecutableFile(atPath: Self.binary) else {
            throw E2EError("no binary at \(Self.binary): run `swift build` before `swift test`")
        }
        // A plain shell, so that after the console exits the pane shows what the terminal is left in.
        try await tmux(["new-session", "-d", "-s", "main", "-x", String(width), "-y", String(height), "-c", directory.path,
                  "env", "LANG=C.UTF-8", "LC_ALL=C.UTF-8", "TERM=xterm-256color", "PS1=$ ", "bash", "--norc", "--noprofile"])
        serverPID = pid_t(try await tmux(["display-message", "-p", "#{pid}"]).trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// Runs when the test lets go of the session, passed or failed: the
    /// server and everything in its panes end with it.
    deinit {
        _ = Shell.runBlocking(["tmux", "-L", socket, "kill-server"])
        if let serverPID, kill(serverPID, 0) == 0 { kill(serverPID, SIGKILL) }
        try? FileManager.default.removeItem(at: directory)
    }

    @discardableResult
    func tmux(_ arguments: [String]) async throws -> String {
        let result = await Shell.run(["tmux", "-L", socket] + arguments)
        guard result.status == 0 else { throw E2EError("tmux \(arguments.joined(separator: " ")): \(result.output)") }
        return result.output
    }

    /// Types a shell command line and runs it.
    /// (A marker the test waits for must not appear in the line itself:
    /// write `echo DO""NE`, which prints `DONE`.)
    func run(_ commandLine: String) async throws {
        try await tmux(["send-keys", "-t", "main", "-l", "--", commandLine])
        try await tmux(["send-keys", "-t", "main", "Enter"])
    }

    /// Sends keys as tmux names them (`Escape`, `Enter`, `C-c`, or text).
    func send(_ keys: String...) async throws {
        try await tmux(["send-keys", "-t", "main"] + keys)
    }

    /// Types text as it is (a paste): `-l` takes it literally, `--` even
    /// when it starts with a dash.
    func type(_ text: String) async throws {
        try await tmux(["send-keys", "-t", "main", "-l", "--", text])
    }

    func screen() async throws -> String {
        try await tmux(["capture-pane", "-p", "-t", "main"])
    }

    func resize(width: Int, height: Int) async throws {
        try await tmux(["resize-window", "-t", "main", "-x", String(width), "-y", String(height)])
    }

    /// Waits (polling the screen) until `condition` holds; fails after `seconds`.
    @discardableResult
    func waitFor(_ what: String, seconds: Double = 15, _ condition: (String) -> Bool) async throws -> String {
        let deadline = Date().addingTimeInterval(seconds)
        var last = ""
        while Date() < deadline {
            last = try await screen()
            if condition(last) { return last }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw E2EError("timed out waiting for \(what); the screen was:\n\(last)")
    }

    @discardableResult
    func waitFor(text: String, seconds: Double = 15) async throws -> String {
        try await waitFor("\"\(text)\"", seconds: seconds) { $0.contains(text) }
    }
}

struct E2EError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Runs a command to its end, its output through a file. A `ChildProcess`:
/// spawned with an empty signal mask and default dispositions, so the tmux
/// server it may start as a daemon does not inherit the test process's
/// blocked SIGTERM (servers that did outlived every kill), and with no
/// descriptor of the test process (a daemon would hold another test's
/// socket open). (Foundation's `Process` waits on a run loop a test's
/// thread may never spin.)
enum Shell {
    static func run(_ arguments: [String]) async -> (status: Int32, output: String) {
        let outputPath = FileManager.default.temporaryDirectory.appendingPathComponent("backroom-shell-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: outputPath) }
        guard let child = try? ChildProcess(["/usr/bin/env"] + arguments, output: outputPath) else { return (-1, "cannot spawn \(arguments)") }
        let status = await child.waitForExit()
        return (status, child.output)
    }

    /// For a `deinit`, which cannot await: only for commands that end at once.
    static func runBlocking(_ arguments: [String]) -> (status: Int32, output: String) {
        let outputPath = FileManager.default.temporaryDirectory.appendingPathComponent("backroom-shell-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: outputPath) }
        guard let child = try? ChildProcess(["/usr/bin/env"] + arguments, output: outputPath) else { return (-1, "cannot spawn \(arguments)") }
        let status = child.waitForExitBlocking()
        return (status, child.output)
    }

    static func sh(_ command: String) async -> String {
        await run(["sh", "-c", command]).output
    }
}
