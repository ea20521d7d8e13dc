import BackroomCore
import Foundation
import GRDB

/// Bulk-loads realistic, deterministic demo data straight into SQLite, in
/// chunked transactions with prepared statements. Everything it writes
/// keeps the inventory invariants: initial stock and sales are ledger rows,
/// open orders are allocated, shipped orders took their units off on hand.
public struct StoreSeeder {
    let store: SQLiteShopStore
    static let chunkSize = 20_000

    public init(store: SQLiteShopStore) {
        self.store = store
    }

    public func run(_ plan: SeedPlan, progress: (SeedProgress) -> Void = { _ in }) throws -> SeedReport {
        try StoreErrors.translating { try load(plan, progress: progress) }
    }

    private func load(_ plan: SeedPlan, progress: (SeedProgress) -> Void) throws -> SeedReport {
        var random = SeededRandom(seed: plan.seed)
        var report = SeedReport()
        // Random-order index inserts need the indexes in memory; the writer's
        // cache grows for the load and shrinks back after.
        try store.pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA cache_size = -1000000") }
        defer { try? store.pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA cache_size = -16000") } }
        if plan.products > 0 {
            let started = Date()
            report.products = try seedProducts(plan, &random, progress)
            report.productSeconds = Date().timeIntervalSince(started)
        }
        if plan.users > 0 {
            let started = Date()
            report.users = try seedUsers(plan, &random, progress)
            report.userSeconds = Date().timeIntervalSince(started)
        }
        if plan.orders > 0 {
            let started = Date()
            report.orders = try OrderSeeder(store: store).seed(plan, &random, progress)
            report.orderSeconds = Date().timeIntervalSince(started)
        }
        try store.pool.writeWithoutTransaction { db in
            try db.execute(sql: "UPDATE store_revision SET catalog = catalog + 1, stock = stock + 1, orders = orders + 1, users = users + 1")
            try db.execute(sql: "ANALYZE")
        }
        return report
    }

    // MARK: Products

    private func seedProducts(_ plan: SeedPlan, _ random: inout SeededRandom, _ progress: (SeedProgress) -> Void) throws -> Int {
        let currency = store.currency
        let firstNumber = try store.pool.read { db in try Int64.fetchOne(db, sql: "SELECT ifnull(MAX(id), 0) FROM product")! } + 1
        let existing = try store.pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM product")! }
        let rebuild = BulkLoad.prefersRebuild(existingRows: existing, newRows: plan.products)
        let now = plan.now.millisecondsSince1970
        // One transaction: each index page is written once at commit, instead
        // of being rewritten by every intermediate commit of random inserts.
        try store.pool.writeWithoutTransaction { db in
            try db.inTransaction(.immediate) {
                if rebuild {
                    try BulkLoad.withoutSecondaryIndexes(db, table: "product", fullTextTable: "product_fts") {
                        try insertProducts(db)
                    }
                    try SQLiteShopStore.recountProductsByStatus(db)
                    progress(SeedProgress(phase: "products (indexes)", done: plan.products, total: plan.products))
                } else {
                    try insertProducts(db)
                }
                return .commit
            }
        }
        return plan.products

        func insertProducts(_ db: Database) throws {
            var products = try BatchInserter(
                db, insert: "INSERT INTO product (id, sku, name, description, price, currency, status, reorder_point, on_hand, created_at, updated_at)",
                rowTemplate: "(?, ?, ?, ?, ?, '\(currency.code)', ?, ?, ?, ?, ?)"
            )
            for offset in 0..<plan.products {
                let id = firstNumber + Int64(offset)
                let product = DemoProduct.make(number: id, random: &random)
                let createdAt = now - random.int(in: 0...(180 * 86_400_000))
                try products.append([
                    id, product.sku, product.name, product.description, product.price,
                    product.archived ? "archived" : "active", product.reorderPoint, product.onHand, createdAt, createdAt,
                ])
                if (offset + 1) % Self.chunkSize == 0 || offset + 1 == plan.products {
                    progress(SeedProgress(phase: "products", done: offset + 1, total: plan.products))
                }
            }
            try products.flush()
            // Each product's opening stock is its first ledger row, written by
            // SQLite from the rows just inserted rather than bound value by value.
            try db.execute(
                sql: """
                    INSERT INTO stock_movement (product_id, delta, reason, actor, reference, on_hand_after, created_at)
                    SELECT id, on_hand, 'received', 'seed', 'initial stock', on_hand, created_at FROM product
                    WHERE id >= ? AND on_hand > 0 ORDER BY id
                    """,
                arguments: [firstNumber]
            )
        }
    }

    // MARK: Users

    private func seedUsers(_ plan: SeedPlan, _ random: inout SeededRandom, _ progress: (SeedProgress) -> Void) throws -> Int {
        let firstNumber = try store.pool.read { db in try Int64.fetchOne(db, sql: "SELECT ifnull(MAX(id), 0) FROM user")! } + 1
        var inserted = 0
        let now = plan.now.millisecondsSince1970
        while inserted < plan.users {
            let count = min(Self.chunkSize, plan.users - inserted)
            var added = 0
            try store.pool.writeWithoutTransaction { db in
                try db.inTransaction(.immediate) {
                    let insert = try db.makeStatement(sql: """
                        INSERT OR IGNORE INTO user (email, display_name, role, status, password_hash, created_at, updated_at, last_login_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                        """)
                    for offset in 0..<count {
                        let number = firstNumber + Int64(inserted + offset)
                        let person = DemoPerson.make(number: number, random: &random)
                        let createdAt = now - random.int(in: 86_400_000...(365 * 86_400_000))
                        let lastLogin: Int64? = random.chance(0.8) ? now - random.int(in: 0...(90 * 86_400_000)) : nil
                        try insert.execute(arguments: [
                            person.email, person.name, person.role.rawValue, person.disabled ? "disabled" : "active",
                            plan.passwordHash, createdAt, createdAt, lastLogin,
                        ])
                        added += db.changesCount
                    }
                    return .commit
                }
            }
            inserted += count
            progress(SeedProgress(phase: "users", done: inserted, total: plan.users))
        }
        return inserted
    }
}

/// One generated product.
struct DemoProduct {
    var sku: String
    var name: String
    var description: String
    var price: Int64
    var reorderPoint: Int64
    var onHand: Int64
    var archived: Bool

    static func make(number: Int64, random: inout SeededRandom) -> DemoProduct {
        let category = random.pick(DemoCatalog.categories)
        let item = random.pick(category.items)
        let variant = random.chance(0.04) ? random.pick(DemoCatalog.wideVariants) : random.pick(DemoCatalog.colours)
        let digits = String(number)
        let sku = category.prefix + "-" + String(repeating: "0", count: max(0, 6 - digits.count)) + digits
        let base = random.int(in: category.basePrice)
        let price = (base / 100) * 100 + random.pick([90, 50, 0, 95])
        let reorderPoint = random.pick([5, 10, 10, 15, 20] as [Int64])
        let onHand: Int64
        switch random.int(in: 0...99) {
        case 0...1: onHand = 0
        case 2...6: onHand = random.int(in: 1...reorderPoint)
        case 7...30: onHand = random.int(in: reorderPoint...(reorderPoint * 4))
        default: onHand = random.int(in: 40...600)
        }
        return DemoProduct(
            sku: sku, name: "\(item), \(variant)", description: random.pick(DemoCatalog.descriptions),
            price: price, reorderPoint: reorderPoint, onHand: onHand, archived: random.chance(0.01)
        )
    }
}

/// One generated account. The first few numbers are the demo staff.
struct DemoPerson {
    var email: String
    var name: String
    var role: Role
    var disabled: Bool

    static let staff: [(String, String, Role)] = [
        ("admin@backroom.local", "Admin", .admin),
        ("ana@backroom.local", "Ana Lima", .operator),
        ("jo@backroom.local", "Jo Berg", .operator),
        ("viewer@backroom.local", "Vic Viewer", .viewer),
    ]

    static func make(number: Int64, random: inout SeededRandom) -> DemoPerson {
        if number <= Int64(staff.count) {
            let (email, name, role) = staff[Int(number) - 1]
            return DemoPerson(email: email, name: name, role: role, disabled: false)
        }
        let name: String
        let emailBase: String
        if random.chance(0.05) {
            let index = Int(random.int(in: 0...Int64(DemoCatalog.wideNames.count - 1)))
            name = DemoCatalog.wideNames[index]
            emailBase = "customer\(index)"
        } else {
            let first = random.pick(DemoCatalog.firstNames)
            let last = random.pick(DemoCatalog.lastNames)
            name = "\(first) \(last)"
            emailBase = asciiFold("\(first).\(last)")
        }
        let role: Role = number % 250 == 0 ? .operator : (number % 400 == 0 ? .viewer : .customer)
        return DemoPerson(email: "\(emailBase).\(number)@example.com", name: name, role: role, disabled: random.chance(0.02))
    }

    static func asciiFold(_ text: String) -> String {
        let folded = text.lowercased().map { character -> String in
            switch character {
            case "ü": "u"
            case "ö": "o"
            case "ä": "a"
            case "é", "è": "e"
            default: String(character)
            }
        }
        return folded.joined()
    }
}
