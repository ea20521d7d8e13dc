import BackroomCore
import CSV
import Foundation

/// A CSV file read as rows by column name, each with the line it starts
/// on. Parsing is CSV.swift's (UTF-8 with or without a byte order mark,
/// quoted fields, CRLF); this adds what an import needs around it: the
/// separator (`,` or `;`, whichever the header uses), header names, line
/// numbers (a quoted field may span lines), and rows whose field count does
/// not match the header.
final class CSVFile {
    let path: String
    let delimiter: UnicodeScalar
    /// Column names from the header, trimmed and lower-cased.
    let header: [String]
    private let reader: CSVReader
    /// The line the next row starts on (the header is line 1).
    private var nextLine: Int
    /// Bytes read so far, approximately (for progress).
    private(set) var bytesRead = 0
    let totalBytes: Int

    init(path: String) throws(BackroomError) {
        self.path = path
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path), let size = attributes[.size] as? NSNumber else {
            throw BackroomError.notFound("No file at \(path).")
        }
        totalBytes = size.intValue
        delimiter = Self.sniffDelimiter(path: path)
        guard let stream = InputStream(fileAtPath: path) else { throw BackroomError.notFound("Cannot open \(path).") }
        do {
            reader = try CSVReader(stream: stream, hasHeaderRow: true, delimiter: delimiter)
        } catch {
            throw BackroomError.validation("file", "\(path) has no header row (the first line names the columns).")
        }
        let names = reader.headerRow ?? []
        header = names.map { $0.trimmingWhitespace().lowercased() }
        nextLine = 2 + names.reduce(0) { $0 + Self.lineBreaks(in: $1) }
        bytesRead = names.reduce(names.count) { $0 + $1.utf8.count }
    }

    /// The next non-empty row, or nil at the end. A row with more or fewer
    /// fields than the header is returned with `fieldCountProblem` set.
    func next() throws(BackroomError) -> (row: ImportRow, fieldCountProblem: ImportProblem?)? {
        while let fields = reader.next() {
            // The parser records a decoding error and reads on (a later end
            // of file replaces it): look after every row.
            if case .unicodeDecoding? = reader.error as? CSVError {
                throw BackroomError.validation("file", "\(path) is not UTF-8 text: line \(nextLine) holds bytes that are not UTF-8.")
            }
            let line = nextLine
            nextLine += 1 + fields.reduce(0) { $0 + Self.lineBreaks(in: $1) }
            bytesRead += fields.reduce(fields.count) { $0 + $1.utf8.count }
            if fields.allSatisfy(\.isEmpty) { continue }
            var cells: [String: String] = [:]
            for (name, value) in zip(header, fields) { cells[name] = value }
            let problem = fields.count == header.count ? nil
                : ImportProblem(line: line, column: nil, reason: "has \(fields.count) fields; the header has \(header.count)")
            return (ImportRow(line: line, cells: cells), problem)
        }
        // At the end of a file the reader records `cannotReadFile` (its last
        // one-byte read came back empty): that is the normal end.
        switch reader.error as? CSVError {
        case .unicodeDecoding?:
            throw BackroomError.validation("file", "\(path) is not UTF-8 text: line \(nextLine) holds bytes that are not UTF-8.")
        case .streamErrorHasOccurred(let error)?:
            throw BackroomError(.unavailable, "Reading \(path) failed: \(error.localizedDescription)")
        default:
            return nil
        }
    }

    /// Line breaks inside a field: `\n`, and `\r` not followed by `\n`.
    static func lineBreaks(in field: String) -> Int {
        var count = 0
        var previousWasCR = false
        for byte in field.utf8 {
            if byte == 10 {
                if !previousWasCR { count += 1 }
                previousWasCR = false
            } else if byte == 13 {
                count += 1
                previousWasCR = true
            } else {
                previousWasCR = false
            }
        }
        return count
    }

    /// `;` when the header line has more semicolons than commas outside
    /// quotes (spreadsheets in decimal-comma locales write that), else `,`.
    static func sniffDelimiter(path: String) -> UnicodeScalar {
        guard let handle = FileHandle(forReadingAtPath: path) else { return "," }
        defer { try? handle.close() }
        let bytes = (try? handle.read(upToCount: 64 * 1024)) ?? Data()
        var commas = 0
        var semicolons = 0
        var quoted = false
        for byte in bytes {
            if byte == UInt8(ascii: "\"") { quoted.toggle() }
            if quoted { continue }
            if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") { break }
            if byte == UInt8(ascii: ",") { commas += 1 }
            if byte == UInt8(ascii: ";") { semicolons += 1 }
        }
        return semicolons > commas ? ";" : ","
    }
}
