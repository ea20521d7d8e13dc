import ArgumentParser
import BackroomApp
import BackroomCore
import BackroomServices
import BackroomStore
import BackroomTransfer
import Foundation

struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export products, stock, orders, order lines, users, ledger movements or the audit log.",
        discussion: """
            Streams in a stable order with fixed columns: CSV (quoted where a value holds a separator, a \
            quote or a line break) or JSON lines. Money is a decimal string in the shop's currency, times \
            are ISO 8601 UTC. Filters: products/stock status=active|archived|all, low-stock=true, text=…; \
            orders/order-lines status=paid,shipped; users role=…, status=…, text=…; audit actor=…, \
            action=…, text=…. Products and stock exports import back with `backroom import`.
            """
    )

    @Argument(help: "products, stock, orders, order-lines, users, movements or audit.")
    var kind: ExportKind

    @OptionGroup var store: StoreOptions

    @Option(name: .customLong("filter"), help: "KEY=VALUE; repeat for several.")
    var filters: [String] = []

    @Option(help: "Write to this file instead of standard output.")
    var out: String?

    @Option(help: "csv or jsonl.")
    var format: ExportFormat = .csv

    func run() async throws {
        try await reportingErrors {
            let filter = try ExportFilter.parse(filters, for: kind)
            let opened = try await store.open(create: false, configuration: .transfer())
            defer { opened.closeNow() }
            let shop = Shop(store: opened.store, currency: opened.currency)
            let handle: FileHandle
            if let out {
                guard FileManager.default.createFile(atPath: out, contents: nil) else {
                    throw BackroomError(.unavailable, "Cannot write \(out).")
                }
                handle = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
            } else {
                handle = FileHandle.standardOutput
            }
            let progress = TransferProgressLine(verb: "exported")
            let rows = try await Exporter(shop: shop, principal: .system("cli")).run(kind, filter: filter, format: format, to: handle) { _, _, rows in
                progress.update(done: rows, total: 0, rows: rows)
            }
            progress.finish()
            if let out {
                try handle.close()
                printNote("\(grouped(rows)) \(kind.rawValue) row\(rows == 1 ? "" : "s") written to \(out)")
            }
        }
    }
}

extension ExportKind: ExpressibleByArgument {}
extension ExportFormat: ExpressibleByArgument {}
