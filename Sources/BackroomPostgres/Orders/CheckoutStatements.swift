import BackroomCore
import PostgresNIO

/// The statements of a checkout (`PostgresShopStore.checkout`), prepared
/// once per connection (`PreparedRows`).
enum CheckoutStatements {
    /// The cart's header, its row locked until the transaction ends (a
    /// second checkout of the cart waits, then finds its order). It also
    /// has the server keep one plan per statement for the rest of the
    /// transaction: left to choose, it plans the statements that take
    /// arrays (every line at once) again at every call, as it does the
    /// revision bump, because their cost estimate depends on the array's
    /// length; every statement of a checkout is a keyed lookup or write whose
    /// plan does not depend on its values. Set here, for the checkout alone,
    /// not for the connection: listings' filters do depend on their values.
    struct LockCart: PreparedForCart {
        static let sql = """
            SELECT \(PostgresCartRows.SharedHeader.columns), set_config('plan_cache_mode', 'force_generic_plan', true) AS plan_cache_mode
            FROM cart WHERE id = $1::TEXT FOR UPDATE
            """
        var cartID: String
    }

    /// Locks the cart's products in id order and releases their expired
    /// holds (this cart's included), in one statement, so the availability
    /// read next is live. The locks are taken as the sorted `locked` rows
    /// are produced; a hold is deleted only once its product's row came out
    /// of `locked` (holds change only under their product's lock); the final
    /// count reads every row of `locked`, so every product is locked by the
    /// statement's end even when no hold had expired.
    struct LockProducts: PreparedRows {
        static let sql = """
            WITH locked AS (
                SELECT p.id FROM product p WHERE p.id IN (SELECT product_id FROM cart_line WHERE cart_id = $1::TEXT) ORDER BY p.id FOR UPDATE
            ), released AS (
                DELETE FROM stock_hold h USING locked WHERE h.product_id = locked.id AND h.expires_at <= $2::BIGINT RETURNING h.product_id, h.quantity
            ), totals AS (
                SELECT product_id, SUM(quantity)::BIGINT AS quantity FROM released GROUP BY product_id
            ), updated AS (
                UPDATE product p SET held = p.held - t.quantity FROM totals t WHERE p.id = t.product_id
            )
            SELECT count(*) AS locked FROM locked
            """
        var cartID: String
        var now: Int64

        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings(capacity: 2)
            bindings.append(cartID)
            bindings.append(now)
            return bindings
        }
    }

    /// Each line of the cart with its product's locked numbers and the
    /// cart's own hold on it.
    struct LineStates: PreparedForCart {
        static let sql = """
            SELECT l.product_id, l.quantity, p.sku, p.name, p.price, p.status,
                coalesce(h.quantity, 0) AS hold_quantity, coalesce(h.expires_at, 0) AS hold_expires_at,
                p.on_hand - p.held - p.allocated AS available
            FROM cart_line l
            JOIN product p ON p.id = l.product_id
            LEFT JOIN stock_hold h ON h.cart_id = l.cart_id AND h.product_id = l.product_id
            WHERE l.cart_id = $1::TEXT
            ORDER BY l.added_at, l.product_id
            """
        var cartID: String
    }

    /// Holds become allocation, every line in one statement; its condition
    /// re-checks availability row by row, and the ids it returns are the
    /// lines that got their stock. Each row also carries the order's id,
    /// taken from its sequence once (only when a line was allocated), so
    /// the order's event can be made before the order is written.
    struct Allocate: PreparedRows {
        static let sql = """
            WITH next_order AS (SELECT nextval(pg_get_serial_sequence('shop_order', 'id')) AS id)
            UPDATE product p SET held = p.held - v.own, allocated = p.allocated + v.quantity
            FROM unnest($1::BIGINT[], $2::BIGINT[], $3::BIGINT[]) AS v(id, own, quantity)
            WHERE p.id = v.id AND p.on_hand - (p.held - v.own) - (p.allocated + v.quantity) >= 0
            RETURNING p.id, (SELECT id FROM next_order) AS order_id
            """
        var productIDs: [Int64]
        var ownHolds: [Int64]
        var quantities: [Int64]

        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings(capacity: 3)
            bindings.append(productIDs)
            bindings.append(ownHolds)
            bindings.append(quantities)
            return bindings
        }
    }

    /// The cart's holds go, the order, its lines, its first event and its
    /// outbox event with deliveries are written, the cart is closed and the
    /// revision bumped, in one statement (its foreign keys are checked at
    /// its end, when the order exists). The bump is its last part, as it is
    /// every write's last statement elsewhere (`PostgresRevision.bump`).
    struct PlaceOrder: PreparedRows {
        static let sql = """
            WITH released AS (
                DELETE FROM stock_hold WHERE cart_id = $1::TEXT
            ), placed AS (
                INSERT INTO shop_order (id, status, customer_id, email, currency, item_count, subtotal, total,
                    ship_name, ship_line1, ship_line2, ship_city, ship_postal_code, ship_country,
                    cart_id, checkout_key, placed_at, updated_at)
                VALUES ($25::BIGINT, 'pending_payment', $2::BIGINT, $3::TEXT, $4::TEXT, $5::BIGINT, $6::BIGINT, $6::BIGINT,
                    $7::TEXT, $8::TEXT, $9::TEXT, $10::TEXT, $11::TEXT, $12::TEXT, $1::TEXT, $13::TEXT, $14::BIGINT, $14::BIGINT)
                RETURNING id
            ), order_lines AS (
                INSERT INTO order_line (order_id, line_number, product_id, sku, name, unit_price, quantity, line_total)
                SELECT placed.id, v.number, v.product, v.sku, v.name, v.price, v.quantity, v.total
                FROM placed, unnest($15::BIGINT[], $16::BIGINT[], $17::TEXT[], $18::TEXT[], $19::BIGINT[], $20::BIGINT[], $21::BIGINT[])
                    AS v(number, product, sku, name, price, quantity, total)
            ), first_event AS (
                INSERT INTO order_event (order_id, at, actor, event, from_status, to_status, note)
                SELECT placed.id, $14::BIGINT, $22::TEXT, $23::TEXT, NULL, $24::TEXT, NULL FROM placed
            ), closed AS (
                UPDATE cart SET status = 'checked_out', order_id = placed.id, updated_at = $14::BIGINT FROM placed WHERE cart.id = $1::TEXT
            ), \(PostgresOutbox.Appended.ctes(from: 26)), bumped AS (
                \(PostgresRevision.Bump.update(from: 34))
            )
            SELECT id FROM placed
            """
        var orderID: Int64
        var cartID: String
        var customerID: Int64?
        var email: String
        var currency: String
        var itemCount: Int64
        var subtotal: Int64
        var address: ShippingAddress
        var checkoutKey: String?
        var at: Int64
        var lines: [OrderLine]
        var placed: OrderEvent
        var event: PostgresOutbox.Appended
        var revision: PostgresRevision.Bump

        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings(capacity: 35)
            bindings.append(cartID)
            bindings.append(customerID)
            bindings.append(email)
            bindings.append(currency)
            bindings.append(itemCount)
            bindings.append(subtotal)
            bindings.append(address.name)
            bindings.append(address.line1)
            bindings.append(address.line2)
            bindings.append(address.city)
            bindings.append(address.postalCode)
            bindings.append(address.country)
            bindings.append(checkoutKey)
            bindings.append(at)
            bindings.append(lines.indices.map { Int64($0 + 1) })
            bindings.append(lines.map(\.productID))
            bindings.append(lines.map(\.sku.rawValue))
            bindings.append(lines.map(\.name))
            bindings.append(lines.map(\.unitPrice.minorUnits))
            bindings.append(lines.map(\.quantity))
            bindings.append(lines.map(\.lineTotal.minorUnits))
            bindings.append(placed.actor)
            bindings.append(placed.event)
            bindings.append(placed.toStatus.rawValue)
            bindings.append(orderID)
            event.bind(into: &bindings)
            bindings.append(revision.shard)
            bindings.append(revision.areas)
            return bindings
        }
    }
}
