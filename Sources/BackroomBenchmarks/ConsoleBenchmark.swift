import BackroomConsole
import BackroomCore
import BackroomServices
import BackroomStore
import Foundation
import TerminalKit

/// The console's own costs on a big store: time to the first full frame,
/// UI work per frame while scrolling and while typing a filter, and the
/// process's peak resident memory. Measured with the in-memory backend:
/// the ncurses backend then writes only the cells that changed.
public struct ConsoleBenchmark {
    public var path: String
    public var size: Size

    public init(path: String, size: Size = Size(width: 110, height: 40)) {
        self.path = path
        self.size = size
    }

    public func run() async throws {
        let store = try SQLiteShopStore(path: path, configuration: .console)
        let shop = Shop(store: store, currency: store.currency)
        let environment = ConsoleEnvironment(shop: shop, principal: .system("bench"), storeName: (path as NSString).lastPathComponent)
        let program = ConsoleProgram(environment: environment)
        print("# console benchmark: \(path), \(size.width)×\(size.height)")
        print("resident before the console: \(Self.residentMegabytes()) MB")

        // First frame: start, run the initial queries concurrently (as the
        // runner does), apply their answers, draw.
        let started = DispatchTime.now().uptimeNanoseconds
        let (startingModel, commands) = program.start(size: size)
        var model = startingModel
        let answers = await withTaskGroup(of: (ConsoleMessage, Double)?.self) { group in
            for command in commands {
                group.addTask {
                    guard let message = await command.run() else { return nil }
                    return (message, Double(DispatchTime.now().uptimeNanoseconds - started) / 1e6)
                }
            }
            return await group.reduce(into: [(ConsoleMessage, Double)]()) { if let answer = $1 { $0.append(answer) } }
        }
        var followUps: [Command<ConsoleMessage>] = []
        for (message, _) in answers { followUps += program.update(&model, message) }
        let arrivals = answers.map { message, milliseconds in
            String(format: "%@ %.0f ms", String("\(message)".prefix { $0 != "(" }), milliseconds)
        }
        print("startup queries answered after: " + arrivals.joined(separator: ", "))
        var grid = CellGrid(width: size.width, height: size.height)
        program.view(model, into: &grid)
        let firstFrame = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e6
        let footer = grid.line(size.height - 3).split(separator: " ").filter { !$0.contains("─") && !$0.contains("┘") }.joined(separator: " ")
        print(String(format: "first full frame: %.1f ms (inventory %@)", firstFrame, footer))
        // The other panes load after the first frame (the console does the same).
        while !followUps.isEmpty {
            let command = followUps.removeFirst()
            if let message = await command.run() { followUps += program.update(&model, message) }
        }

        // Scrolling: every key's UI work (update + view) timed apart from the
        // queries it starts, which run off the UI thread.
        var frames: [Double] = []
        var queries: [Double] = []
        func press(_ key: Key) async {
            let frameStart = DispatchTime.now().uptimeNanoseconds
            let started = program.update(&model, .input(.key(key)))
            var frame = CellGrid(width: size.width, height: size.height)
            program.view(model, into: &frame)
            frames.append(Double(DispatchTime.now().uptimeNanoseconds - frameStart) / 1e6)
            for command in started {
                let queryStart = DispatchTime.now().uptimeNanoseconds
                let message = await command.run()
                queries.append(Double(DispatchTime.now().uptimeNanoseconds - queryStart) / 1e6)
                if let message {
                    let applyStart = DispatchTime.now().uptimeNanoseconds
                    _ = program.update(&model, message)
                    var frame = CellGrid(width: size.width, height: size.height)
                    program.view(model, into: &frame)
                    frames.append(Double(DispatchTime.now().uptimeNanoseconds - applyStart) / 1e6)
                }
            }
        }
        for _ in 0..<300 { await press(.down) }
        for _ in 0..<100 { await press(.pageDown) }
        await press(.character("G"))
        for _ in 0..<100 { await press(.pageUp) }
        Self.report("scrolling (j ×300, PgDn ×100, G, PgUp ×100)", frames: frames, queries: queries)

        frames = []
        queries = []
        await press(.character("/"))
        for character in "enamel mug forest" { await press(.character(character)) }
        await press(.enter)
        Self.report("typing a filter (\"enamel mug forest\", a query per key)", frames: frames, queries: queries)

        frames = []
        queries = []
        // Shift-Tab: the pane before Inventory. (A digit would wait a moment
        // for a key that takes a count.)
        await press(.backTab)
        for _ in 0..<300 { await press(.down) }
        for _ in 0..<100 { await press(.pageDown) }
        Self.report("orders: scrolling (j ×300, PgDn ×100)", frames: frames, queries: queries)
        print("peak resident memory: \(Self.peakResidentMegabytes()) MB")
        try store.close()
    }

    static func report(_ label: String, frames: [Double], queries: [Double]) {
        func percentile(_ values: [Double], _ p: Double) -> Double {
            guard !values.isEmpty else { return 0 }
            let sorted = values.sorted()
            return sorted[min(sorted.count - 1, Int(Double(sorted.count) * p / 100))]
        }
        print(String(format: "%@: UI work per frame p50 %.2f ms, p99 %.2f ms, max %.2f ms (%d frames); queries off the UI thread p50 %.2f ms, p99 %.2f ms (%d)",
                     label, percentile(frames, 50), percentile(frames, 99), frames.max() ?? 0, frames.count,
                     percentile(queries, 50), percentile(queries, 99), queries.count))
    }

    static func residentMegabytes() -> Int { statusField("VmRSS") / 1024 }
    static func peakResidentMegabytes() -> Int { statusField("VmHWM") / 1024 }

    private static func statusField(_ name: String) -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in text.split(separator: "\n") where line.hasPrefix(name + ":") {
            return Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
        }
        return 0
    }
}
