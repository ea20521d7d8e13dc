import ArgumentParser
import BackroomApp
import BackroomCore
import BackroomServices
import BackroomStore
import BackroomTransfer
import Foundation

struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import products or stock from a CSV file.",
        discussion: """
            products: columns sku (required), name, description, price, currency, status, reorder_point, \
            initial_stock. A new SKU is created (name and price required; initial stock arrives as \
            `received`); a known one gets the fields given (an empty cell keeps the current value).

            stock: columns sku (required), and delta or count (a stock export's on_hand counts as a count), \
            reason (required with a delta; a count defaults to cycle_count), expected (a count is then \
            compare-and-set against it), reference. Every ledger row names the file and its line.

            UTF-8 with or without a byte order mark, `,` or `;` separators, CRLF or LF. The file is checked \
            whole first: every bad row is reported with its line, column and reason. With --on-error \
            reject-all (the default) nothing is written when any row is bad; skip-bad-rows writes the \
            good ones. The import is audited once, with its counts. Exit status: 0 when every row was \
            good, 3 when some were refused, 64 when nothing could be read.
            """
    )

    @Argument(help: "products or stock.")
    var kind: ImportKind

    @Argument(help: "The CSV file.")
    var file: String

    @OptionGroup var store: StoreOptions

    @Flag(help: "Check the file and print what would change; write nothing.")
    var dryRun = false

    @Option(help: "reject-all (nothing is written if any row is bad) or skip-bad-rows.")
    var onError: ImportPolicy = .rejectAll

    @Option(help: "Rows per transaction while writing.")
    var batch = 2_000

    func validate() throws {
        guard (1...50_000).contains(batch) else { throw ValidationError("--batch must be 1–50,000.") }
    }

    func run() async throws {
        var report: ImportReport?
        try await reportingErrors {
            let opened = try await store.open(create: false, configuration: .transfer())
            defer { opened.closeNow() }
            let shop = Shop(store: opened.store, currency: opened.currency)
            let progress = TransferProgressLine(verb: "reading")
            let importer = Importer(shop: shop, principal: .system("cli"))
            report = try await importer.run(kind, path: file, options: ImportOptions(policy: onError, dryRun: dryRun, rowsPerBatch: batch)) { done, total, rows in
                progress.update(done: done, total: total, rows: rows)
            }
            progress.finish()
        }
        guard let report else { return }
        print(report.text)
        if report.problemCount > 0 { throw ExitCode(report.rows == 0 ? 64 : 3) }
    }
}

extension ImportKind: ExpressibleByArgument {}
extension ImportPolicy: ExpressibleByArgument {}
