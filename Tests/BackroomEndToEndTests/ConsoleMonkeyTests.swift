import Foundation
import Testing

/// Random keys, pasted text and resizes at the real binary, as an
/// impatient operator (or a cat) would. The short form runs in CI; the
/// long form is `BACKROOM_MONKEY_KEYS=20000 swift test --filter monkey`
/// (`Scripts/console-monkey.sh`). `BACKROOM_MONKEY_SEED` replays a run.
@Suite("Console monkey", .serialized)
struct ConsoleMonkeyTests {
    static let keys = [
        "j", "k", "j", "j", "k", "g", "G", "PageDown", "PageUp", "Up", "Down", "Left", "Right", "Enter", "Escape", "Tab", "BTab",
        "Space", "BSpace", "/", ":", "+", "-", "a", "=", "n", "e", "x", "R", "L", "A", "s", "p", "S", "D", "c", "r", "d", "P", "T",
        "O", "f", "V", "u", "y", "Y", "?", "o", "1", "2", "3", "4", "5", "6", "0", "7", "9", "[", "]", ">", "t", "C-d", "C-u", "C-l",
        "M", "Home", "End", "y", "n", "N",
    ]

    static let pastes = [
        "e\u{301}", "ที่นอน", "किताब", "🇵🇹", "👨‍👩‍👧", "❤️", "👍🏽", "1️⃣", "藍色", "Ñandú", "12,50", "1,250", "-3", "abc def", "BR-000007",
        "mug", "\u{200B}", "💥💥💥💥💥💥💥💥💥💥💥💥💥💥💥💥💥💥💥💥💥💥💥💥💥💥💥💥💥💥💥💥💥💥💥💥💥💥💥💥💥💥💥💥💥💥",
    ]

    static let sizes = [(110, 30), (80, 24), (61, 16), (40, 12), (140, 45), (60, 15), (200, 10)]

    @Test("random keys, pasted Unicode and resizes: alive or exited 0, terminal restored, store consistent, every write audited")
    func monkey() async throws {
        let environment = ProcessInfo.processInfo.environment
        let total = Int(environment["BACKROOM_MONKEY_KEYS"] ?? "") ?? 2_000
        let seed = UInt64(environment["BACKROOM_MONKEY_SEED"] ?? "") ?? UInt64.random(in: 1...UInt64(UInt32.max))
        var random = SplitMix(seed: seed)
        let session = try await TmuxSession(width: 110, height: 30)
        let binary = TmuxSession.binary
        try await session.run("\(binary) seed --db shop.sqlite --products 400 --users 40 --orders 120 --password-cost 4 && echo SEED\"\"ED")
        try await session.waitFor(text: "SEEDED", seconds: 60)
        let path = session.directory.appendingPathComponent("shop.sqlite").path
        try await StoreAccess.writeToken(store: path, email: "admin@backroom.local", password: "backroom-demo",
                                         to: session.directory.appendingPathComponent("token.txt").path)
        // After the console exits, the shell swallows keys unechoed until
        // the test says it is done: random keys must not reach bash (Ctrl-L
        // would clear the exit status away, Enter would run what was typed).
        // `EX""IT` keeps the typed line itself from reading as an exit.
        try await session.run(
            "clear; \(binary) console --db shop.sqlite --no-server --token $(cat token.txt); echo EX\"\"IT=$?; "
                + "while true; do IFS= read -rs line; [ \"$line\" = MONKEY-DONE ] && break; done")
        try await session.waitFor(text: "[2 Inventory]")

        var sent = 0
        var exited = false
        while sent < total && !exited {
            var batch: [String] = []
            for _ in 0..<25 {
                batch.append(Self.keys[Int(random.next() % UInt64(Self.keys.count))])
            }
            try await session.tmux(["send-keys", "-t", "main"] + batch)
            sent += batch.count
            if random.next() % 4 == 0 {
                try await session.type(Self.pastes[Int(random.next() % UInt64(Self.pastes.count))])
                sent += 1
            }
            if sent % 250 < 26 {
                let size = Self.sizes[Int(random.next() % UInt64(Self.sizes.count))]
                try await session.resize(width: size.0, height: size.1)
                // Whatever keys are in flight, the console draws for the new
                // size soon: the too-small notice naming it, or a frame.
                let tooSmall = size.0 < 60 || size.1 < 15
                _ = try await session.waitFor("a frame at \(size.0)×\(size.1) (replay with BACKROOM_MONKEY_SEED=\(seed))", seconds: 3) { screen in
                    if screen.contains("EXIT=") { return true }
                    if tooSmall { return screen.contains("Terminal too small: \(size.0)×\(size.1)") }
                    let top = screen.split(separator: "\n", omittingEmptySubsequences: false).first ?? ""
                    return !screen.contains("Terminal too small") && !top.allSatisfy { $0 == " " }
                }
            }
            exited = try await session.screen().contains("EXIT=")
        }
        let seedNote = Comment(rawValue: "replay with BACKROOM_MONKEY_SEED=\(seed)")
        try await session.resize(width: 110, height: 30)
        if !exited {
            // Close whatever is open (Esc never writes), then quit.
            try await session.send("Escape", "Escape", "Escape", "Escape", "Escape")
            try await session.send("q")
        }
        let after = try await session.waitFor(text: "EXIT=", seconds: 20)
        #expect(after.contains("EXIT=0"), seedNote)
        try await session.send("C-u")
        try await session.type("MONKEY-DONE")
        try await session.send("Enter")
        #expect(try await terminalModes(session) == ["icanon", "echo"], seedNote)

        let check = await Shell.run([binary, "check", "--db", path])
        #expect(check.status == 0, "backroom check: \(check.output); replay with BACKROOM_MONKEY_SEED=\(seed)")

        // Every ledger row and order event the operator made was written
        // with its audit entry: same actor, same moment (a refund's return
        // rows are audited on the order, so the target is not compared).
        let operatorName = "admin@backroom.local"
        let unauditedStock = try StoreAccess.count(path, """
            SELECT COUNT(*) FROM stock_movement m
            WHERE m.actor = '\(operatorName)' AND NOT EXISTS (SELECT 1 FROM audit_log a WHERE a.actor = m.actor AND a.at = m.created_at)
            """)
        let unauditedOrders = try StoreAccess.count(path, """
            SELECT COUNT(*) FROM order_event e
            WHERE e.actor = '\(operatorName)' AND NOT EXISTS (SELECT 1 FROM audit_log a WHERE a.actor = e.actor AND a.at = e.at)
            """)
        #expect(unauditedStock == 0, seedNote)
        #expect(unauditedOrders == 0, seedNote)
        let writes = try StoreAccess.count(path, "SELECT COUNT(*) FROM audit_log WHERE actor = '\(operatorName)'")
        print("monkey: \(sent) keys, seed \(seed), \(writes) audited writes by the operator")
    }

    func terminalModes(_ session: TmuxSession) async throws -> [String] {
        try await session.run("echo MODES=$(stty -a | tr ' ' '\\n' | grep -E '^-?(icanon|echo)$' | tr '\\n' ' ')")
        let screen = try await session.waitFor("stty's answer") { screen in
            screen.split(separator: "\n").contains { $0.hasPrefix("MODES=") }
        }
        let line = screen.split(separator: "\n").last { $0.hasPrefix("MODES=") } ?? ""
        return line.dropFirst("MODES=".count).split(separator: " ").map(String.init)
    }
}

/// A small seeded generator, so a failing run can be replayed.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}
