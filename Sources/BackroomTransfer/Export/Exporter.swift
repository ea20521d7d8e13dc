import BackroomCore
import BackroomServices
import CSV
import Foundation

/// Streams a table out as CSV (CSV.swift's writer: quoting of separators,
/// quotes and line breaks) or JSON lines, page by page in a stable order,
/// so memory stays flat whatever the size. Money is a decimal string in
/// the shop's currency, times ISO 8601 UTC.
public struct Exporter: Sendable {
    let shop: Shop
    let principal: Principal

    public init(shop: Shop, principal: Principal) {
        self.shop = shop
        self.principal = principal
    }

    /// Writes the export to `handle`; returns how many rows it wrote.
    @discardableResult
    public func run(
        _ kind: ExportKind, filter: ExportFilter = ExportFilter(), format: ExportFormat = .csv, to handle: FileHandle,
        progress: TransferProgress? = nil
    ) async throws -> Int {
        let output = BufferedOutput(handle: handle)
        let sink = try RowSink(format: format, columns: kind.columns, output: output)
        var rows = 0
        try await pages(kind, filter) { page in
            for row in page { try sink.write(row) }
            rows += page.count
            progress?(rows, 0, rows)
        }
        try sink.finish()
        try output.flush()
        return rows
    }

    /// Writes rows someone else lists (a console pane): header and text cells.
    public static func write(header: [String], rows: [[String]], format: ExportFormat, to handle: FileHandle) throws {
        let output = BufferedOutput(handle: handle)
        let sink = try RowSink(format: format, columns: header, output: output)
        for row in rows { try sink.write(row.map(ExportValue.text)) }
        try sink.finish()
        try output.flush()
    }

    /// Calls `body` with each page of rows of `kind`.
    private func pages(_ kind: ExportKind, _ filter: ExportFilter, _ body: ([[ExportValue]]) throws -> Void) async throws {
        switch kind {
        case .products, .stock:
            let productFilter = try filter.productFilter()
            try await keyset { window in
                try await shop.inventory.items(matching: productFilter, sort: ProductSort(.sku), window: window, by: principal)
            } each: { items in try body(items.map { kind == .products ? Self.product($0) : Self.stock($0) }) }
        case .orders:
            let orderFilter = try filter.orderFilter()
            try await keyset { window in
                try await shop.orders.orders(matching: orderFilter, sort: OrderSort(.number, .ascending), window: window, by: principal)
            } each: { orders in try body(orders.map(Self.order)) }
        case .orderLines:
            let statuses = try filter.orderFilter().statuses
            var after: Int64 = 0
            while true {
                let lines = try await shop.orders.lines(afterOrderID: after, orders: 500, by: principal)
                guard let last = lines.last else { break }
                after = last.orderID
                if statuses.isEmpty {
                    try body(Self.lineRows(lines))
                } else {
                    let numbers = Set(lines.map(\.number))
                    var wanted = Set<OrderNumber>()
                    for number in numbers {
                        if let detail = try? await shop.orders.order(number, by: principal), statuses.contains(detail.order.status) { wanted.insert(number) }
                    }
                    try body(Self.lineRows(lines.filter { wanted.contains($0.number) }))
                }
            }
        case .users:
            let userFilter = try filter.userFilter()
            try await keyset { window in
                try await shop.users.users(matching: userFilter, sort: UserSort(.email), window: window, by: principal)
            } each: { users in try body(users.map(Self.user)) }
        case .movements:
            var after: Int64 = 0
            while true {
                let movements = try await shop.inventory.movements(afterID: after, limit: 2_000, by: principal)
                guard let last = movements.last else { break }
                after = last.id
                try body(movements.map(Self.movement))
            }
        case .audit:
            let auditFilter = filter.auditFilter()
            try await keyset { window in
                try await shop.audit.entries(matching: auditFilter, window: window, by: principal)
            } each: { entries in try body(entries.map(Self.audit)) }
        }
    }

    private func keyset<Item>(
        _ fetch: (ListWindow) async throws -> Window<Item>, each: ([Item]) throws -> Void
    ) async throws {
        var window = ListWindow(anchor: .first, limit: ListWindow.maximumLimit)
        while true {
            let page = try await fetch(window)
            try each(page.items)
            guard page.hasMoreAfter, let last = page.keys.last else { break }
            window = ListWindow(anchor: .after(last), limit: ListWindow.maximumLimit)
        }
    }

    // MARK: Rows, in `ExportKind.columns` order

    static func product(_ item: InventoryItem) -> [ExportValue] {
        let product = item.product
        return [
            .text(product.sku.rawValue), .text(product.name), .text(product.description), .money(product.price),
            .text(product.price.currency.code), .text(product.status.rawValue), .integer(product.reorderPoint),
        ]
    }

    static func stock(_ item: InventoryItem) -> [ExportValue] {
        [
            .text(item.sku.rawValue), .text(item.product.name), .integer(item.stock.onHand), .integer(item.stock.held),
            .integer(item.stock.allocated), .integer(item.stock.available), .integer(item.product.reorderPoint),
        ]
    }

    static func order(_ order: Order) -> [ExportValue] {
        [
            .text(order.number.rawValue), .text(order.status.rawValue), .text(order.email.rawValue), order.customerID.map(ExportValue.integer) ?? .null,
            .integer(order.itemCount), .money(order.subtotal), .money(order.total), .text(order.currency.code),
            order.paymentReference.map(ExportValue.text) ?? .null, .time(order.placedAt), .time(order.updatedAt),
        ]
    }

    static func lineRows(_ records: [OrderLineRecord]) -> [[ExportValue]] {
        var lineNumbers: [OrderNumber: Int64] = [:]
        return records.map { record in
            let number = (lineNumbers[record.number] ?? 0) + 1
            lineNumbers[record.number] = number
            let line = record.line
            return [
                .text(record.number.rawValue), .integer(number), .text(line.sku.rawValue), .text(line.name), .money(line.unitPrice),
                .integer(line.quantity), .money(line.lineTotal), .text(line.unitPrice.currency.code), .time(record.placedAt),
            ]
        }
    }

    static func user(_ user: User) -> [ExportValue] {
        [
            .integer(user.id), .text(user.email.rawValue), .text(user.displayName), .text(user.role.rawValue), .text(user.status.rawValue),
            .time(user.createdAt), .time(user.lastLoginAt),
        ]
    }

    static func movement(_ movement: StockMovement) -> [ExportValue] {
        [
            .integer(movement.id), .text(movement.sku.rawValue), .integer(movement.delta), .text(movement.reason.rawValue),
            .integer(movement.onHandAfter), .text(movement.actor), movement.reference.map(ExportValue.text) ?? .null, .time(movement.createdAt),
        ]
    }

    static func audit(_ entry: AuditEntry) -> [ExportValue] {
        [
            .integer(entry.id), .time(entry.at), .text(entry.actor), .text(entry.action), .text(entry.targetType), .text(entry.targetID),
            .text(entry.summary),
        ]
    }
}

/// Writes rows as CSV (a header, then a row per line, LF) or JSON lines.
final class RowSink {
    let format: ExportFormat
    let columns: [String]
    let output: BufferedOutput
    private let csv: CSVWriter?
    private let encoder = JSONEncoder()

    init(format: ExportFormat, columns: [String], output: BufferedOutput) throws {
        self.format = format
        self.columns = columns
        self.output = output
        // Sorted keys: the same row is the same line, whatever the platform.
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        if format == .csv {
            let writer = try CSVWriter(stream: output)
            try writer.write(row: columns)
            csv = writer
        } else {
            csv = nil
        }
    }

    func write(_ row: [ExportValue]) throws {
        if let csv {
            try csv.write(row: row.map(\.csvText))
        } else {
            let data = try encoder.encode(OrderedRow(columns: columns, values: row))
            data.withUnsafeBytes { bytes in _ = output.write(bytes.bindMemory(to: UInt8.self).baseAddress!, maxLength: bytes.count) }
            output.write("\n")
        }
    }

    /// CSV.swift writes a line break before each row but the first: the
    /// file ends with one too.
    func finish() throws {
        if csv != nil { output.write("\n") }
    }
}

/// A row as a JSON object (its keys sorted by the encoder).
struct OrderedRow: Encodable {
    let columns: [String]
    let values: [ExportValue]

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        for (column, value) in zip(columns, values) {
            let key = Key(stringValue: column)
            switch value {
            case .text(let text): try container.encode(text, forKey: key)
            case .integer(let number): try container.encode(number, forKey: key)
            case .null: try container.encodeNil(forKey: key)
            }
        }
    }
}
