import BackroomCore
import Foundation

/// Finds broken quoting, which the CSV parser accepts silently (it keeps a
/// stray quote, drops the character after a closing one, and lets an
/// unclosed quote swallow the rest of the file). A pass over the bytes that
/// only follows quote state, reporting the line a bad row starts on and the
/// column, so the import can refuse those rows by line.
enum QuoteCheck {
    /// The problems, and the starting lines of the rows they are in.
    static func problems(path: String, delimiter: UInt8, header: [String]) throws(BackroomError) -> [ImportProblem] {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw BackroomError.notFound("Cannot open \(path).") }
        defer { try? handle.close() }
        var scanner = Scanner(delimiter: delimiter, header: header)
        var first = true
        while let chunk = try? handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            var bytes = chunk[...]
            // A UTF-8 byte order mark is not part of the first field.
            if first, bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
            first = false
            for byte in bytes { scanner.consume(byte) }
        }
        scanner.finish()
        return scanner.problems
    }

    struct Scanner {
        enum State { case fieldStart, unquoted, quoted, afterQuote }

        let delimiter: UInt8
        let header: [String]
        var state = State.fieldStart
        var line = 1
        var rowLine = 1
        var field = 0
        var afterCR = false
        var rowHasProblem = false
        var problems: [ImportProblem] = []

        init(delimiter: UInt8, header: [String]) {
            self.delimiter = delimiter
            self.header = header
        }

        mutating func consume(_ byte: UInt8) {
            let quote = UInt8(ascii: "\"")
            // `\r\n` is one line break; the `\n` was counted with the `\r`.
            if byte == 10 && afterCR {
                afterCR = false
                return
            }
            afterCR = byte == 13
            let isBreak = byte == 10 || byte == 13
            switch state {
            case .quoted:
                if byte == quote { state = .afterQuote } else if isBreak { line += 1 }
            case .fieldStart, .unquoted:
                if isBreak {
                    endRow()
                } else if byte == delimiter {
                    field += 1
                    state = .fieldStart
                } else if byte == quote {
                    if state == .fieldStart {
                        state = .quoted
                    } else {
                        report("a quote inside a field that does not start with one (write it as \"\" inside a quoted field)")
                    }
                } else {
                    state = .unquoted
                }
            case .afterQuote:
                if byte == quote {
                    state = .quoted
                } else if byte == delimiter {
                    field += 1
                    state = .fieldStart
                } else if isBreak {
                    endRow()
                } else {
                    report("text after a closing quote")
                    state = .unquoted
                }
            }
        }

        mutating func finish() {
            if state == .quoted { report("a quote opened in this row is never closed") }
        }

        private mutating func endRow() {
            line += 1
            rowLine = line
            field = 0
            state = .fieldStart
            rowHasProblem = false
        }

        private mutating func report(_ reason: String) {
            guard !rowHasProblem else { return }
            rowHasProblem = true
            let column = field < header.count ? header[field] : "field \(field + 1)"
            problems.append(ImportProblem(line: rowLine, column: column, reason: "bad quoting: \(reason)"))
        }
    }
}
