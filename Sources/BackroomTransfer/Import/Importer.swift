import BackroomCore
import BackroomServices
import Foundation

/// Imports a CSV file of products or stock, in two passes over the file
/// (memory stays bounded whatever its size):
///
/// 1. read and check every row against the store as it is (Core's rules
///    for SKUs, prices in the shop's currency, stock reasons; unknown and
///    duplicate SKUs; broken quoting; rows with too many or too few fields),
///    counting what would change;
/// 2. unless `--dry-run`, or any row is bad under `reject-all`, write the
///    good rows, `rowsPerBatch` to a transaction.
///
/// A row the store refuses in pass 2 although it passed pass 1 (the store
/// changed in between: a count moved, a product appeared) is reported like
/// any bad row; under `reject-all` its batch is undone and the import stops
/// there, saying how many rows were written before (their ledger rows name
/// the file).
public struct Importer: Sendable {
    let shop: Shop
    let principal: Principal

    public init(shop: Shop, principal: Principal) {
        self.shop = shop
        self.principal = principal
    }

    /// What to do with one row.
    enum RowPlan {
        case write(StoreWrite, Change, summary: String)
        case unchanged
        case problem(ImportProblem)
    }

    enum Change {
        case create(ledgerRow: Bool)
        case update
        case ledger
    }

    public func run(_ kind: ImportKind, path: String, options: ImportOptions = ImportOptions(), progress: TransferProgress? = nil) async throws -> ImportReport {
        let file = (path as NSString).lastPathComponent
        var report = ImportReport(kind: kind, file: file, policy: options.policy, dryRun: options.dryRun)

        // Pass 1: check.
        let checking = try CSVFile(path: path)
        if let problems = Self.headerProblems(checking.header, kind: kind), !problems.isEmpty {
            for problem in problems { report.add(problem) }
            return report
        }
        let quoteProblems = try QuoteCheck.problems(path: path, delimiter: UInt8(truncatingIfNeeded: checking.delimiter.value), header: checking.header)
        var badLines = Set(quoteProblems.map(\.line))
        for problem in quoteProblems { report.add(problem) }
        var seen = Set<String>()
        try await forEachBatch(of: checking, size: options.rowsPerBatch, progress: progress) { rows in
            for (row, plan) in try await plans(kind, rows, file: file) {
                report.rows += 1
                if badLines.contains(row.line) { continue }
                switch plan {
                case .problem(let problem):
                    badLines.insert(row.line)
                    report.add(problem)
                case .unchanged, .write:
                    if let sku = row["sku"]?.uppercased(), !seen.insert(sku).inserted {
                        badLines.insert(row.line)
                        report.add(ImportProblem(line: row.line, column: "sku", reason: "SKU \(sku) appears more than once in the file"))
                        continue
                    }
                    count(plan, into: &report)
                }
            }
        }
        if options.dryRun || (report.problemCount > 0 && options.policy == .rejectAll) { return report }

        // Pass 2: write the good rows.
        let reading = try CSVFile(path: path)
        var written = ImportReport(kind: kind, file: file, policy: options.policy, dryRun: false)
        written.rows = report.rows
        written.problems = report.problems
        written.problemCount = report.problemCount
        let atomicity: BatchAtomicity = options.policy == .rejectAll ? .allOrNothing : .eachWrite
        var stopped = false
        // While one batch is written (on the store's writer thread), the
        // next is read and checked here: the two cores work at once.
        var inFlight: (batch: [(line: Int, plan: RowPlan)], task: Task<[Result<StoreWriteResult, BackroomError>], any Error>)?
        func settle() async throws {
            guard let (batch, task) = inFlight else { return }
            inFlight = nil
            var refused = false
            for ((line, plan), result) in zip(batch, try await task.value) {
                switch result {
                case .success:
                    count(plan, into: &written)
                    written.written = true
                case .failure(let error) where error.code == .notApplied:
                    break
                case .failure(let error):
                    refused = true
                    written.add(ImportProblem(line: line, column: nil, reason: "refused by the store (it changed since the check): \(error.message)"))
                }
            }
            if refused && options.policy == .rejectAll { stopped = true }
        }
        let inventory = shop.inventory
        let principal = principal
        try await forEachBatch(of: reading, size: options.rowsPerBatch, progress: progress) { rows in
            guard !stopped else { return }
            var batch: [(line: Int, plan: RowPlan)] = []
            for (row, plan) in try await plans(kind, rows, file: file) where !badLines.contains(row.line) {
                if case .write = plan { batch.append((row.line, plan)) } else if case .unchanged = plan { written.unchanged += 1 }
            }
            let writes = batch.compactMap { entry -> StoreWrite? in
                if case .write(let write, _, _) = entry.plan { return write }
                return nil
            }
            try await settle()
            guard !writes.isEmpty, !stopped else { return }
            inFlight = (batch, Task { try await inventory.importBatch(writes, atomicity: atomicity, reference: "import \(file)", by: principal) })
        }
        try await settle()
        if written.written {
            try await shop.inventory.recordImport(kind: kind.rawValue, file: file, summary: written.counts, by: principal)
        }
        return written
    }

    private func count(_ plan: RowPlan, into report: inout ImportReport) {
        switch plan {
        case .write(_, let change, let summary):
            switch change {
            case .create(let ledgerRow):
                report.creates += 1
                if ledgerRow { report.ledgerRows += 1 }
            case .update: report.updates += 1
            case .ledger: report.ledgerRows += 1
            }
            report.noteChange(summary)
        case .unchanged:
            report.unchanged += 1
        case .problem:
            break
        }
    }

    /// Reads the file in batches of rows; rows with the wrong number of
    /// fields become problems of their batch.
    private func forEachBatch(
        of file: CSVFile, size: Int, progress: TransferProgress?, _ body: ([(ImportRow, ImportProblem?)]) async throws -> Void
    ) async throws {
        var batch: [(ImportRow, ImportProblem?)] = []
        batch.reserveCapacity(size)
        var rows = 0
        while let next = try file.next() {
            batch.append(next)
            rows += 1
            if batch.count == size {
                try await body(batch)
                batch.removeAll(keepingCapacity: true)
                progress?(file.bytesRead, file.totalBytes, rows)
            }
        }
        if !batch.isEmpty { try await body(batch) }
        progress?(file.totalBytes, file.totalBytes, rows)
    }

    /// Each row's plan, from one read of the products the batch names.
    private func plans(_ kind: ImportKind, _ rows: [(ImportRow, ImportProblem?)], file: String) async throws -> [(ImportRow, RowPlan)] {
        let skus = rows.compactMap { row, _ in row["sku"].flatMap { try? SKU($0) } }
        let items = try await shop.inventory.items(skus, by: principal)
        let bySKU = Dictionary(items.map { ($0.sku, $0) }, uniquingKeysWith: { first, _ in first })
        return rows.map { row, fieldProblem in
            if let fieldProblem { return (row, .problem(fieldProblem)) }
            let existing = row["sku"].flatMap { try? SKU($0) }.flatMap { bySKU[$0] }
            switch kind {
            case .products:
                do throws(ImportProblemError) { return (row, try productPlan(row, existing: existing)) } catch { return (row, .problem(error.problem)) }
            case .stock:
                do throws(ImportProblemError) { return (row, try stockPlan(row, existing: existing, file: file)) } catch { return (row, .problem(error.problem)) }
            }
        }
    }

    private func productPlan(_ row: ImportRow, existing: InventoryItem?) throws(ImportProblemError) -> RowPlan {
        switch try ProductImportRules.action(row, existing: existing?.product, currency: shop.currency) {
        case .create(let draft, let status):
            return .write(
                .createProduct(draft, status: status), .create(ledgerRow: draft.initialStock > 0),
                summary: "\(draft.sku): new, \"\(draft.name)\" at \(draft.price), \(draft.initialStock) on hand" + (status == .archived ? ", archived" : "")
            )
        case .update(let sku, let changes):
            var fields: [String] = []
            if let name = changes.name { fields.append("name \"\(name)\"") }
            if let price = changes.price { fields.append("price \(existing.map { "\($0.product.price) → " } ?? "")\(price)") }
            if let point = changes.reorderPoint { fields.append("reorder point \(point)") }
            if changes.description != nil { fields.append("description") }
            if let status = changes.status { fields.append(status.rawValue) }
            return .write(.updateProduct(sku, changes, expectedVersion: existing?.product.version), .update, summary: "\(sku): " + fields.joined(separator: ", "))
        case .unchanged:
            return .unchanged
        }
    }

    private func stockPlan(_ row: ImportRow, existing: InventoryItem?, file: String) throws(ImportProblemError) -> RowPlan {
        let action = try StockImportRules.action(row, onHand: existing?.stock.onHand, file: file)
        let onHand = existing?.stock.onHand ?? 0
        switch action.instruction {
        case .setCount(let count, let expected) where count == expected:
            return .unchanged
        case .setCount(let count, _):
            return .write(.changeStock(action.sku, action.instruction, reason: action.reason, reference: action.reference), .ledger,
                          summary: "\(action.sku): on hand \(onHand) → \(count) (\(action.reason.label))")
        case .adjust(let delta):
            return .write(.changeStock(action.sku, action.instruction, reason: action.reason, reference: action.reference), .ledger,
                          summary: "\(action.sku): on hand \(onHand) → \(onHand + delta) (\(action.reason.label))")
        }
    }

    /// Missing required columns and unknown ones (a typo would otherwise
    /// import nothing of that column, silently).
    static func headerProblems(_ header: [String], kind: ImportKind) -> [ImportProblem]? {
        let (required, known) = kind == .products
            ? (ProductImportRules.required, ProductImportRules.known) : (StockImportRules.required, StockImportRules.known)
        var problems: [ImportProblem] = []
        for column in required where !header.contains(column) {
            problems.append(ImportProblem(line: 1, column: column, reason: "missing column \"\(column)\" (the header has: \(header.joined(separator: ", ")))"))
        }
        for column in header where !known.contains(column) {
            problems.append(ImportProblem(line: 1, column: column, reason: "unknown column \"\(column)\"; a \(kind.rawValue) file has: \(known.joined(separator: ", "))"))
        }
        var seen = Set<String>()
        for column in header where !seen.insert(column).inserted {
            problems.append(ImportProblem(line: 1, column: column, reason: "column \"\(column)\" appears twice"))
        }
        return problems
    }
}
