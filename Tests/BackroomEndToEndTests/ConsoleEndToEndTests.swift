import Foundation
import Testing

/// The real binary in a real terminal (tmux): what a person sees.
@Suite("Console end to end", .serialized)
struct ConsoleEndToEndTests {
    @Test("open, switch panes, filter, adjust a count, resize small and back, quit: the terminal is restored")
    func operatorSession() async throws {
        let session = try await TmuxSession()
        let binary = TmuxSession.binary
        try await session.run("\(binary) seed --db shop.sqlite --products 300 --users 40 --orders 60 --password-cost 4 && echo SEED\"\"ED")
        try await session.waitFor(text: "SEEDED", seconds: 60)
        try await session.run("clear; \(binary) console --db shop.sqlite --no-server --operator ana@backroom.local; echo EXIT=$?")
        // The console signs the operator in before it takes the terminal.
        try await session.waitFor(text: "Password for ana@backroom.local:")
        try await session.type("backroom-demo")
        try await session.send("Enter")
        let first = try await session.waitFor(text: "[2 Inventory]")
        #expect(first.contains("ana@backroom.local (operator)"))
        #expect(first.contains("○ no server"))
        try await session.waitFor(text: "1–")

        try await session.send("1")
        try await session.waitFor(text: "[1 Orders]")
        try await session.waitFor(text: "BR-000060")
        try await session.send("3")
        try await session.waitFor(text: "admin@backroom.local")

        try await session.send("2", "/")
        try await session.type("mug")
        try await session.send("Enter")
        // The filter shows at once; its rows arrive when the query answers.
        try await session.waitFor("only mugs listed under the filter") { screen in
            let rows = screen.split(separator: "\n").filter { $0.contains("│") && $0.contains("-0") }
            return screen.contains("filter \"mug\"") && !rows.isEmpty && rows.allSatisfy { $0.contains("MUG-") }
        }

        try await session.send("+")
        let adjusted = try await session.waitFor("the flash of the adjustment") { $0.contains("(correction)") && $0.contains("✓") }
        #expect(adjusted.contains(" on hand "))

        try await session.resize(width: 40, height: 12)
        try await session.waitFor(text: "Terminal too small")
        try await session.resize(width: 110, height: 30)
        try await session.waitFor(text: "SKU ▲")

        try await session.send("q")
        let after = try await session.waitFor(text: "EXIT=0")
        #expect(!after.contains("SKU ▲"), "the console's screen should be gone (alternate screen left)")
        let modes = try await terminalModes(session)
        #expect(modes == ["icanon", "echo"], "the terminal is back in cooked mode with echo: \(modes)")
    }

    @Test("SIGTERM and SIGINT from outside end the console with 143 and 130 and restore the terminal", arguments: [("TERM", 143), ("INT", 130)])
    func signalled(signal: String, status: Int) async throws {
        let session = try await TmuxSession()
        let binary = TmuxSession.binary
        try await Self.emptyStore(session)
        try await session.run("clear; \(binary) console --db empty.sqlite --no-server --token $(cat token.txt); echo EX\"\"IT=$?")
        try await session.waitFor(text: "[2 Inventory]")
        let pids = await shell("pgrep -f 'consol[e] --db empty.sqlite --no-server'")
        for pid in pids.split(separator: "\n") where !pid.isEmpty { _ = await shell("kill -\(signal) \(pid)") }
        // The shell prints this only once the process has exited.
        let after = try await session.waitFor(text: "EXIT=\(status)")
        #expect(!after.contains("[2 Inventory]"), "the console's screen should be gone (alternate screen left)")
        #expect(try await terminalModes(session) == ["icanon", "echo"])
    }

    @Test("a crash gives the terminal back, and the shell sees the process end of it")
    func crashed() async throws {
        let session = try await TmuxSession()
        let binary = TmuxSession.binary
        try await Self.emptyStore(session)
        // Swift's backtracer (when enabled) reports after our handler
        // restored the terminal; not interactive, so nothing waits for a key.
        try await session.run("clear; SWIFT_BACKTRACE=enable=yes,interactive=no,color=no,threads=crashed,registers=none,images=none,limit=4 \(binary) console --db empty.sqlite --no-server --token $(cat token.txt); echo EX\"\"IT=$?")
        try await session.waitFor(text: "[2 Inventory]")
        let pids = await shell("pgrep -f 'consol[e] --db empty.sqlite --no-server'")
        for pid in pids.split(separator: "\n") where !pid.isEmpty { _ = await shell("kill -SEGV \(pid)") }
        let after = try await session.waitFor(text: "EXIT=139", seconds: 60)
        #expect(!after.contains("[2 Inventory]"), "the console's screen should be gone (alternate screen left)")
        // The shell saw the process die of the signal (its message may wrap
        // after what was on the line). Swift's report is printed too, but a
        // frame already on its way may land in it, so its words are not
        // checked.
        #expect(after.replacingOccurrences(of: "\n", with: "").contains("Segmentation fault"), "the shell reports how the console ended")
        #expect(try await terminalModes(session) == ["icanon", "echo"])
    }

    @Test("Ctrl-Z suspends to the shell and fg brings the console back, redrawn")
    func suspendAndResume() async throws {
        let session = try await TmuxSession()
        let binary = TmuxSession.binary
        try await Self.emptyStore(session)
        try await session.run("clear; \(binary) console --db empty.sqlite --no-server --token $(cat token.txt)")
        try await session.waitFor(text: "[2 Inventory]")
        try await session.send("C-z")
        let suspended = try await session.waitFor("the shell's job notice") { $0.contains("Stopped") }
        #expect(!suspended.contains("[2 Inventory]"))
        #expect(try await terminalModes(session) == ["icanon", "echo"], "the shell gets its terminal back in cooked mode")
        try await session.run("fg; echo EXIT=$?")
        try await session.waitFor(text: "[2 Inventory]")
        try await session.send("3")
        try await session.waitFor(text: "[3 Users]")
        try await session.send("q")
        try await session.waitFor(text: "EXIT=0")
    }

    @Test("a terminal that cannot be driven is refused in one line with exit status 2", arguments: ["dumb", "no-such-terminal"])
    func unusableTerminal(term: String) async throws {
        let session = try await TmuxSession()
        let binary = TmuxSession.binary
        try await Self.emptyStore(session)
        try await session.run("clear; TERM=\(term) \(binary) console --db empty.sqlite --no-server --token $(cat token.txt); echo EX\"\"IT=$?")
        let screen = try await session.waitFor(text: "EXIT=")
        #expect(screen.contains("EXIT=2"))
        let message = screen.split(separator: "\n").filter { $0.hasPrefix("backroom: error:") }
        #expect(message.count == 1, "one line says why: \(screen)")
    }

    /// An empty store with one operator, and a token of theirs in `token.txt`.
    static func emptyStore(_ session: TmuxSession) async throws {
        let binary = TmuxSession.binary
        try await session.run(
            "\(binary) migrate --db empty.sqlite >/dev/null && echo 'operator-password' | \(binary) user add --db empty.sqlite --email op@backroom.local "
                + "--role operator --password-stdin --password-cost 4 >/dev/null && echo STORE\"\"-READY"
        )
        try await session.waitFor(text: "STORE-READY", seconds: 30)
        try await StoreAccess.writeToken(store: session.directory.appendingPathComponent("empty.sqlite").path, email: "op@backroom.local",
                                   password: "operator-password", to: session.directory.appendingPathComponent("token.txt").path)
    }

    @Test("--demo: requests appear within 5 seconds, rates are non-zero, quitting stops everything")
    func demo() async throws {
        let session = try await TmuxSession()
        let binary = TmuxSession.binary
        let port = 18_500 + Int.random(in: 0..<400)
        try await session.run("clear; \(binary) console --demo --listen 127.0.0.1:\(port); echo EXIT=$?")
        try await session.waitFor(text: "[2 Inventory]", seconds: 90)
        try await session.waitFor(text: "● live", seconds: 10)
        try await session.send("4")
        let started = Date()
        let requests = try await session.waitFor("requests in the requests pane", seconds: 5) { screen in
            screen.contains("[4 Requests]") && screen.contains("/api/v1/products")
        }
        #expect(Date().timeIntervalSince(started) <= 5)
        #expect(requests.contains("✓ 200"))
        try await session.send("5")
        try await session.waitFor("a non-zero request rate", seconds: 10) { screen in
            guard let line = screen.split(separator: "\n").first(where: { $0.contains("Requests/s") }) else { return false }
            let value = line.split(separator: " ").dropFirst(2).first.map(String.init) ?? "0"
            return (Double(value) ?? 0) > 0
        }
        try await session.send("q")
        // The server's background services stop on the graceful shutdown at
        // once (it took a sleeping sweeper's 2–5 s before): well within 10 s.
        try await session.waitFor(text: "EXIT=0", seconds: 10)
        // The server and the simulated shoppers are gone with it.
        #expect(await shell("curl -s -o /dev/null -w '%{http_code}' --max-time 2 http://127.0.0.1:\(port)/healthz").trimmingCharacters(in: .whitespacesAndNewlines) == "000")
        #expect(await shell("pgrep -f 'consol[e] --demo --listen 127.0.0.1:\(port)'").isEmpty)
    }

    /// The terminal's line-discipline modes as `stty` reports them in the pane.
    func terminalModes(_ session: TmuxSession) async throws -> [String] {
        try await session.run("echo MODES=$(stty -a | tr ' ' '\\n' | grep -E '^-?(icanon|echo)$' | tr '\\n' ' ')")
        let screen = try await session.waitFor("stty's answer") { screen in
            screen.split(separator: "\n").contains { $0.hasPrefix("MODES=") }
        }
        let line = screen.split(separator: "\n").last { $0.hasPrefix("MODES=") } ?? ""
        return line.dropFirst("MODES=".count).split(separator: " ").map(String.init)
    }

    func shell(_ command: String) async -> String {
        await Shell.sh(command)
    }
}
