/// What is wrong with one row of an import file: where (line and column, as
/// a spreadsheet shows them) and why, in words.
public struct ImportProblem: Sendable, Hashable, CustomStringConvertible {
    /// 1-based line of the file where the row starts.
    public var line: Int
    /// The column's name from the header, when one column is at fault.
    public var column: String?
    public var reason: String

    public init(line: Int, column: String?, reason: String) {
        self.line = line
        self.column = column
        self.reason = reason
    }

    public var description: String {
        "line \(line)" + (column.map { ", column \($0)" } ?? "") + ": \(reason)"
    }
}

/// What to do when some rows are bad.
public enum ImportPolicy: String, Sendable, Hashable, CaseIterable {
    /// Nothing is written when any row is bad (the default).
    case rejectAll = "reject-all"
    /// The good rows are written; the bad ones are reported.
    case skipBadRows = "skip-bad-rows"
}

/// One row of a file, by column name (from the header).
public struct ImportRow: Sendable {
    public var line: Int
    public var cells: [String: String]

    public init(line: Int, cells: [String: String]) {
        self.line = line
        self.cells = cells
    }

    /// The cell, trimmed; nil when the column is absent or the cell empty.
    public subscript(column: String) -> String? {
        guard let value = cells[column]?.trimmingWhitespace(), !value.isEmpty else { return nil }
        return value
    }

    func problem(_ column: String?, _ reason: String) -> ImportProblem {
        ImportProblem(line: line, column: column, reason: reason)
    }

    /// Runs a Core rule on a cell, turning its error into a problem there.
    func rule<Value>(_ column: String, _ body: () throws(BackroomError) -> Value) throws(ImportProblemError) -> Value {
        do {
            return try body()
        } catch {
            throw ImportProblemError(problem(column, error.message))
        }
    }

    /// A whole number in a cell (`1204`, `-3`, `+24`; grouping is refused:
    /// `1,204` may be a decimal in the file's locale).
    func whole(_ column: String, allowNegative: Bool) throws(ImportProblemError) -> Int64? {
        guard let text = self[column] else { return nil }
        var digits = Substring(text)
        var negative = false
        if let first = digits.first, first == "+" || first == "-" || first == "−" {
            negative = first != "+"
            digits = digits.dropFirst()
        }
        guard !digits.isEmpty, digits.count <= 15, digits.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int64(digits) else {
            throw ImportProblemError(problem(column, "\"\(text)\" is not a whole number"))
        }
        if negative && !allowNegative { throw ImportProblemError(problem(column, "cannot be negative")) }
        return negative ? -value : value
    }
}

/// A problem thrown while reading one row.
public struct ImportProblemError: Error, Sendable {
    public var problem: ImportProblem

    public init(_ problem: ImportProblem) {
        self.problem = problem
    }
}

/// A row of a products file: create the product, or update the fields
/// given (an empty cell keeps the current value).
public enum ProductImportAction: Sendable, Hashable {
    case create(ValidProductDraft, status: ProductStatus)
    case update(SKU, ProductChanges)
    /// The row matches the product as it is: nothing to write.
    case unchanged(SKU)

    public var sku: SKU {
        switch self {
        case .create(let draft, _): draft.sku
        case .update(let sku, _), .unchanged(let sku): sku
        }
    }
}

/// The columns of a products file and how a row becomes an action.
public enum ProductImportRules {
    public static let required = ["sku"]
    public static let known = ["sku", "name", "description", "price", "currency", "status", "reorder_point", "initial_stock", "on_hand"]

    /// - Parameters:
    ///   - existing: the product with this SKU now, if there is one.
    ///   - currency: the shop's; a `currency` column must match it.
    public static func action(_ row: ImportRow, existing: Product?, currency: Currency) throws(ImportProblemError) -> ProductImportAction {
        guard let skuText = row["sku"] else { throw ImportProblemError(row.problem("sku", "a SKU is required")) }
        let sku = try row.rule("sku") { () throws(BackroomError) in try SKU(skuText) }
        if let code = row["currency"], code.uppercased() != currency.code {
            throw ImportProblemError(row.problem("currency", "this shop sells in \(currency.code), not \(code)"))
        }
        let price = try row["price"].map { text throws(ImportProblemError) in
            try row.rule("price") { () throws(BackroomError) in try ProductRules.price(try Money.parse(text, currency: currency)) }
        }
        let name = try row["name"].map { text throws(ImportProblemError) in try row.rule("name") { () throws(BackroomError) in try ProductRules.name(text) } }
        let description = try row.cells["description"].map { text throws(ImportProblemError) in
            try row.rule("description") { () throws(BackroomError) in try ProductRules.description(text) }
        }
        let reorderPoint = try row.whole("reorder_point", allowNegative: false)
        if let reorderPoint, reorderPoint > QuantityRules.maximumReorderPoint {
            throw ImportProblemError(row.problem("reorder_point", "is too large (at most \(QuantityRules.maximumReorderPoint))"))
        }
        let status = try row["status"].map { text throws(ImportProblemError) in
            guard let status = ProductStatus(rawValue: text.lowercased()) else {
                throw ImportProblemError(row.problem("status", "\"\(text)\" is not a status (active or archived)"))
            }
            return status
        }
        guard let existing else {
            guard let name else { throw ImportProblemError(row.problem("name", "a new product needs a name")) }
            guard let price else { throw ImportProblemError(row.problem("price", "a new product needs a price")) }
            let initialStock = try row.whole("initial_stock", allowNegative: false)
            let onHand = try row.whole("on_hand", allowNegative: false)
            let stock = initialStock ?? onHand ?? 0
            let draft = try row.rule("initial_stock") { () throws(BackroomError) in
                try ProductDraft(sku: sku.rawValue, name: name, description: description ?? "", price: price, reorderPoint: reorderPoint ?? 0, initialStock: stock)
                    .validated()
            }
            return .create(draft, status: status ?? .active)
        }
        var changes = ProductChanges()
        if let name, name != existing.name { changes.name = name }
        if let description, description != existing.description { changes.description = description }
        if let price, price != existing.price { changes.price = price }
        if let reorderPoint, reorderPoint != existing.reorderPoint { changes.reorderPoint = reorderPoint }
        if let status, status != existing.status { changes.status = status }
        return changes == ProductChanges() ? .unchanged(sku) : .update(sku, changes)
    }
}

/// A row of a stock file: a change (`delta`) or a count (`count`, or a stock
/// export's `on_hand`), with its reason and reference.
public struct StockImportAction: Sendable, Hashable {
    public var sku: SKU
    public var instruction: StockInstruction
    public var reason: MovementReason
    public var reference: String?
}

public enum StockImportRules {
    public static let required = ["sku"]
    public static let known = ["sku", "delta", "count", "on_hand", "expected", "reason", "reference", "name", "held", "allocated", "available", "reorder_point"]
    /// Ledger references hold at most this many characters.
    public static let maximumReference = 200

    /// - Parameters:
    ///   - onHand: the product's on hand now (what a count without an
    ///     `expected` column is compared with when it is written).
    ///   - file: the file's name, which every ledger row names.
    public static func action(_ row: ImportRow, onHand: Int64?, file: String) throws(ImportProblemError) -> StockImportAction {
        guard let skuText = row["sku"] else { throw ImportProblemError(row.problem("sku", "a SKU is required")) }
        let sku = try row.rule("sku") { () throws(BackroomError) in try SKU(skuText) }
        guard let onHand else { throw ImportProblemError(row.problem("sku", "no product with SKU \(sku)")) }
        let delta = try row.whole("delta", allowNegative: true)
        let countCell = try row.whole("count", allowNegative: false)
        let onHandCell = try row.whole("on_hand", allowNegative: false)
        let count = countCell ?? onHandCell
        let expected = try row.whole("expected", allowNegative: false)
        let instruction: StockInstruction
        let reason: MovementReason
        switch (delta, count) {
        case (nil, nil):
            throw ImportProblemError(row.problem("delta", "give a delta or a count"))
        case (.some, .some):
            throw ImportProblemError(row.problem("count", "give a delta or a count, not both"))
        case (let delta?, nil):
            guard let reasonText = row["reason"] else { throw ImportProblemError(row.problem("reason", "a change needs a reason")) }
            reason = try row.rule("reason") { () throws(BackroomError) in try MovementReason(parsing: reasonText) }
            try row.rule("delta") { () throws(BackroomError) in try reason.validate(manualDelta: delta) }
            instruction = .adjust(by: delta)
        case (nil, let count?):
            reason = try row["reason"].map { text throws(ImportProblemError) in
                try row.rule("reason") { () throws(BackroomError) in try MovementReason(parsing: text) }
            } ?? .cycleCount
            let base = expected ?? onHand
            if count != base {
                try row.rule("count") { () throws(BackroomError) in try reason.validate(manualDelta: count - base) }
            }
            if let expected, expected != onHand {
                throw ImportProblemError(row.problem("expected", "on hand is \(onHand), not the \(expected) the file expects"))
            }
            instruction = .setCount(to: count, expected: base)
        }
        var reference = file + ":\(row.line)"
        if let given = row["reference"] { reference += " " + given }
        if reference.count > maximumReference { reference = String(reference.prefix(maximumReference - 1)) + "…" }
        return StockImportAction(sku: sku, instruction: instruction, reason: reason, reference: reference)
    }
}
