import Foundation

/// Progress of an import or export on stderr: a bar on a terminal, a plain
/// line every 100,000 rows when stderr is a file or a pipe.
final class TransferProgressLine: @unchecked Sendable {
    private let verb: String
    private let line = ProgressLine()
    private let isTerminal = isatty(STDERR_FILENO) == 1
    private var lastReported = 0

    init(verb: String) {
        self.verb = verb
    }

    func update(done: Int, total: Int, rows: Int, doing: String? = nil) {
        if isTerminal {
            let doing = doing.map { " · \($0)" } ?? ""
            guard total > 0 else {
                line.show("\(verb) \(grouped(rows)) rows\(doing)")
                return
            }
            let fraction = min(1, Double(done) / Double(total))
            let filled = Int(fraction * 30)
            line.show("[\(String(repeating: "#", count: filled))\(String(repeating: ".", count: 30 - filled))] \(Int(fraction * 100))% · \(grouped(rows)) rows\(doing)")
        } else if rows - lastReported >= 100_000 {
            lastReported = rows
            FileHandle.standardError.write(Data("\(verb) \(grouped(rows)) rows\n".utf8))
        }
    }

    /// The last step, after every row: a line of its own, so a terminal
    /// or a log shows what the wait is for.
    func finishing(rows: Int, doing: String) {
        if isTerminal {
            line.show("\(verb) \(grouped(rows)) rows; \(doing)…")
        } else {
            FileHandle.standardError.write(Data("\(verb) \(grouped(rows)) rows; \(doing)…\n".utf8))
        }
    }

    func finish() {
        line.finish()
    }
}
