import BackroomCore
import BackroomTransfer
import Foundation
import TerminalKit

/// `:export FILE`: what a pane shows, written as CSV (or JSON lines when
/// the file ends in `.jsonl`), off the UI thread.
enum ExportCommand {
    static func format(_ path: String) -> ExportFormat {
        path.lowercased().hasSuffix(".jsonl") ? .jsonl : .csv
    }

    /// Rows the pane already has.
    static func write(path: String, header: [String], rows: [[String]], _ context: PaneContext) -> Command<ConsoleMessage> {
        Command {
            .exported(Result {
                let handle = try open(path)
                defer { try? handle.close() }
                try Exporter.write(header: header, rows: rows, format: format(path), to: handle)
                return "\(Formatting.count(rows.count, "row")) written to \(path)"
            }.mapError(describe))
        }
    }

    /// Every row of a list, page by page, as its columns show them.
    static func list<Source: ListSource>(_ source: Source, columns: [ListColumn<Source.Item>], path: String, _ context: PaneContext) -> Command<ConsoleMessage> {
        Command {
            let result: Result<String, BackroomError> = await .catching {
                var rows: [[String]] = []
                var window = ListWindow(anchor: .first, limit: ListWindow.maximumLimit)
                while true {
                    let page = try await source.load(window, context)
                    rows += page.items.map { item in columns.map { $0.cell(item, context).text } }
                    guard page.hasMoreAfter, let last = page.keys.last else { break }
                    window = ListWindow(anchor: .after(last), limit: ListWindow.maximumLimit)
                }
                let handle = try open(path)
                defer { try? handle.close() }
                try Exporter.write(header: columns.map(\.id), rows: rows, format: format(path), to: handle)
                return "\(Formatting.count(rows.count, "row")) written to \(path)"
            }
            return .exported(result)
        }
    }

    static func open(_ path: String) throws -> FileHandle {
        let expanded = (path as NSString).expandingTildeInPath
        guard FileManager.default.createFile(atPath: expanded, contents: nil) else {
            throw BackroomError(.unavailable, "Cannot write \(path) (does its folder exist?).")
        }
        return try FileHandle(forWritingTo: URL(fileURLWithPath: expanded))
    }

    static func describe(_ error: any Error) -> BackroomError {
        (error as? BackroomError) ?? BackroomError(.unavailable, "\(error)")
    }
}
