import Foundation

/// A real terminal for end-to-end tests: a tmux server of its own (its own
/// socket), one window, keys sent and the screen captured as text.
final class TmuxSession {
    let socket = "backroom-e2e-\(UUID().uuidString.prefix(8))"
    let directory: URL

    static var repository: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    static var binary: String {
        repository.appendingPathComponent(".build/debug/backroom").path
    }

    init(width: Int = 110, height: Int = 30) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("backroom-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        guard FileManager.default.isExecutableFile(atPath: Self.binary) else {
            throw E2EError("no binary at \(Self.binary): run `swift build` before `swift test`")
        }
        // A plain shell, so that after the console exits the pane shows what the terminal is left in.
        try tmux(["new-session", "-d", "-s", "main", "-x", String(width), "-y", String(height), "-c", directory.path,
                  "env", "LANG=C.UTF-8", "LC_ALL=C.UTF-8", "TERM=xterm-256color", "PS1=$ ", "bash", "--norc", "--noprofile"])
    }

    deinit {
        _ = try? tmux(["kill-server"])
        try? FileManager.default.removeItem(at: directory)
    }

    @discardableResult
    func tmux(_ arguments: [String]) throws -> String {
        let result = Shell.run(["tmux", "-L", socket] + arguments)
        guard result.status == 0 else { throw E2EError("tmux \(arguments.joined(separator: " ")): \(result.output)") }
        return result.output
    }

    /// Types a shell command line and runs it.
    /// (A marker the test waits for must not appear in the line itself:
    /// write `echo DO""NE`, which prints `DONE`.)
    func run(_ commandLine: String) throws {
        try tmux(["send-keys", "-t", "main", "-l", "--", commandLine])
        try tmux(["send-keys", "-t", "main", "Enter"])
    }

    /// Sends keys as tmux names them (`Escape`, `Enter`, `C-c`, or text).
    func send(_ keys: String...) throws {
        try tmux(["send-keys", "-t", "main"] + keys)
    }

    /// Types text as it is (a paste): `-l` takes it literally, `--` even
    /// when it starts with a dash.
    func type(_ text: String) throws {
        try tmux(["send-keys", "-t", "main", "-l", "--", text])
    }

    func screen() throws -> String {
        try tmux(["capture-pane", "-p", "-t", "main"])
    }

    func resize(width: Int, height: Int) throws {
        try tmux(["resize-window", "-t", "main", "-x", String(width), "-y", String(height)])
    }

    /// Waits (polling the screen) until `condition` holds; fails after `seconds`.
    @discardableResult
    func waitFor(_ what: String, seconds: Double = 15, _ condition: (String) -> Bool) throws -> String {
        let deadline = Date().addingTimeInterval(seconds)
        var last = ""
        while Date() < deadline {
            last = try screen()
            if condition(last) { return last }
            Thread.sleep(forTimeInterval: 0.1)
        }
        throw E2EError("timed out waiting for \(what); the screen was:\n\(last)")
    }

    @discardableResult
    func waitFor(text: String, seconds: Double = 15) throws -> String {
        try waitFor("\"\(text)\"", seconds: seconds) { $0.contains(text) }
    }
}

struct E2EError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Runs a command with posix_spawn and waitpid, its output through a file.
/// (Foundation's `Process` waits for exits on a run loop, which a test's
/// thread may never spin; and a daemon such as the tmux server would hold a
/// pipe open forever.)
enum Shell {
    static func run(_ arguments: [String]) -> (status: Int32, output: String) {
        let outputPath = FileManager.default.temporaryDirectory.appendingPathComponent("backroom-shell-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: outputPath) }
        var actions: posix_spawn_file_actions_t = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // Nothing else of this process leaks into the child: the tmux server
        // lives on as a daemon, and would keep, say, another test's listening
        // socket open (accepting connections nobody answers) after it closed.
        closeInheritedDescriptors(&actions)
        let argv = (["/usr/bin/env"] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        guard posix_spawn(&pid, "/usr/bin/env", &actions, nil, argv, environ) == 0 else { return (-1, "cannot spawn \(arguments)") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        let exitStatus = (status & 0x7f) == 0 ? (status >> 8) & 0xff : -1
        return (exitStatus, output)
    }

    static func sh(_ command: String) -> String {
        run(["sh", "-c", command]).output
    }

    /// `posix_spawn_file_actions_addclosefrom_np` (glibc 2.34+), which Swift's
    /// Glibc module does not export; looked up at run time.
    private static func closeInheritedDescriptors(_ actions: inout posix_spawn_file_actions_t) {
        typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        guard let symbol = dlsym(dlopen(nil, RTLD_NOW), "posix_spawn_file_actions_addclosefrom_np") else { return }
        _ = unsafeBitCast(symbol, to: CloseFrom.self)(&actions, 3)
    }
}
