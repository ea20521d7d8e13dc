import BackroomCore

/// What an import file is about.
public enum ImportKind: String, Sendable, Hashable, CaseIterable {
    /// Catalog fields: create or update products (initial stock `received`).
    case products
    /// Stock changes (`delta`) and counts (`count`), with reasons.
    case stock
}

public struct ImportOptions: Sendable {
    public var policy: ImportPolicy
    /// Check everything and report what would change; write nothing.
    public var dryRun: Bool
    /// Rows per transaction when writing.
    public var rowsPerBatch: Int

    public init(policy: ImportPolicy = .rejectAll, dryRun: Bool = false, rowsPerBatch: Int = 2_000) {
        self.policy = policy
        self.dryRun = dryRun
        self.rowsPerBatch = max(1, rowsPerBatch)
    }
}

/// What an import found and did.
public struct ImportReport: Sendable {
    public var kind: ImportKind
    public var file: String
    public var policy: ImportPolicy
    public var dryRun: Bool
    /// Data rows read (blank lines aside).
    public var rows = 0
    public var creates = 0
    public var updates = 0
    public var ledgerRows = 0
    public var unchanged = 0
    /// Rows refused, with why; the first `maximumProblemsKept` of them.
    public var problems: [ImportProblem] = []
    public var problemCount = 0
    /// The first changes, in words (`MUG-0001: on hand 40 → 36`).
    public var firstChanges: [String] = []
    /// Whether anything was written.
    public var written = false

    public static let maximumProblemsKept = 1_000
    static let changesKept = 10

    mutating func add(_ problem: ImportProblem) {
        problemCount += 1
        if problems.count < Self.maximumProblemsKept { problems.append(problem) }
    }

    mutating func noteChange(_ text: String) {
        if firstChanges.count < Self.changesKept { firstChanges.append(text) }
    }

    /// `12 created, 3 updated, 40 ledger rows, 2 unchanged, 1 row refused`.
    public var counts: String {
        var parts: [String] = []
        switch kind {
        case .products:
            parts.append("\(creates) created")
            parts.append("\(updates) updated")
        case .stock:
            break
        }
        parts.append("\(ledgerRows) ledger row\(ledgerRows == 1 ? "" : "s")")
        parts.append("\(unchanged) unchanged")
        if problemCount > 0 { parts.append("\(problemCount) problem\(problemCount == 1 ? "" : "s")") }
        return parts.joined(separator: ", ")
    }

    /// The whole report, for a terminal: what happened, then the problems.
    public var text: String {
        var lines: [String] = []
        let verb: String
        if dryRun {
            verb = "would write (dry run, nothing written)"
        } else if written {
            verb = "wrote"
        } else {
            verb = "wrote nothing"
        }
        lines.append("\(file): \(rows) row\(rows == 1 ? "" : "s") read; \(verb): \(counts)")
        if !written && !dryRun && problemCount > 0 && policy == .rejectAll {
            lines.append("Nothing was written because some rows are bad (--on-error reject-all); fix them, or use --on-error skip-bad-rows.")
        }
        if !firstChanges.isEmpty {
            lines.append(dryRun ? "First changes:" : "First changes made:")
            lines += firstChanges.map { "  " + $0 }
        }
        for problem in problems { lines.append("  ✗ " + problem.description) }
        if problemCount > problems.count { lines.append("  … and \(problemCount - problems.count) more") }
        return lines.joined(separator: "\n")
    }
}

/// Progress of a long import or export: bytes (or rows) done of the total.
public typealias TransferProgress = @Sendable (_ done: Int, _ total: Int, _ rows: Int) -> Void
