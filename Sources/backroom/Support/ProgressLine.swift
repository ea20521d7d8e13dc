import Foundation

/// A single self-overwriting status line on stderr, only when stderr is a
/// terminal (logs and pipes get nothing).
final class ProgressLine: @unchecked Sendable {
    private let isTerminal = isatty(STDERR_FILENO) == 1
    private let lock = NSLock()
    private var lastWidth = 0

    func show(_ text: String) {
        guard isTerminal else { return }
        lock.lock()
        defer { lock.unlock() }
        let padding = String(repeating: " ", count: max(0, lastWidth - text.count))
        FileHandle.standardError.write(Data("\r\(text)\(padding)".utf8))
        lastWidth = text.count
    }

    func finish() {
        guard isTerminal else { return }
        lock.lock()
        defer { lock.unlock() }
        guard lastWidth > 0 else { return }
        FileHandle.standardError.write(Data("\r\(String(repeating: " ", count: lastWidth))\r".utf8))
        lastWidth = 0
    }
}
