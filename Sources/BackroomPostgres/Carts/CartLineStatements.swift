import BackroomCore
import PostgresNIO

/// The statements of setting a cart line (`PostgresShopStore.applyCartLine`),
/// prepared once per connection (`PreparedRows`): the product locked with
/// its expired holds released, the numbers the decision (`CartLinePlan`)
/// is made on, then the decision written in one statement. Adding to a
/// cart is the call shop front ends make most after reads.
enum CartLineStatements {
    /// Locks the product by SKU and releases its expired holds, in one
    /// statement (as `CheckoutStatements.LockProducts` does for a cart):
    /// a hold is deleted only once its product's row came out of `locked`.
    struct LockProduct: PreparedRows {
        static let sql = """
            WITH locked AS (
                SELECT id, status, currency FROM product WHERE backroom_nocase(sku) = backroom_nocase($1::TEXT) FOR UPDATE
            ), released AS (
                DELETE FROM stock_hold h USING locked WHERE h.product_id = locked.id AND h.expires_at <= $2::BIGINT RETURNING h.quantity
            ), updated AS (
                UPDATE product p SET held = p.held - (SELECT SUM(quantity) FROM released)
                FROM locked WHERE p.id = locked.id AND EXISTS (SELECT 1 FROM released)
            )
            SELECT id, status, currency FROM locked
            """
        var sku: String
        var now: Int64

        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings(capacity: 2)
            bindings.append(sku)
            bindings.append(now)
            return bindings
        }
    }

    /// The cart's own hold on the locked product, its lines, and what is
    /// available to others, read after the lock (a snapshot of its own).
    struct LineState: PreparedRows {
        static let sql = """
            SELECT coalesce((SELECT quantity FROM stock_hold WHERE cart_id = $1::TEXT AND product_id = $2::BIGINT), 0)::BIGINT AS own_hold,
                (SELECT count(*) FROM cart_line WHERE cart_id = $1::TEXT)::BIGINT AS line_count,
                EXISTS (SELECT 1 FROM cart_line WHERE cart_id = $1::TEXT AND product_id = $2::BIGINT) AS line_exists,
                (SELECT on_hand - held - allocated FROM product WHERE id = $2::BIGINT)::BIGINT AS available
            """
        var cartID: String
        var productID: Int64

        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings(capacity: 2)
            bindings.append(cartID)
            bindings.append(productID)
            return bindings
        }
    }

    /// A line of `quantity` as the plan decided it: the product's held
    /// count moved by `extra` (taking units only while they are available:
    /// the row is locked, the condition is the last line of defence; `taken`
    /// is 0 when it refused), the line and the hold written or the hold
    /// dropped, the cart touched. A refused take rolls back with the rest.
    struct SetLine: PreparedRows {
        static let sql = """
            WITH taken AS (
                UPDATE product SET held = held + $3::BIGINT
                WHERE id = $2::BIGINT AND $3::BIGINT <> 0 AND ($3::BIGINT < 0 OR on_hand - held - allocated >= $3::BIGINT)
                RETURNING id
            ), line AS (
                INSERT INTO cart_line (cart_id, product_id, quantity, added_at) VALUES ($1::TEXT, $2::BIGINT, $4::BIGINT, $5::BIGINT)
                ON CONFLICT (cart_id, product_id) DO UPDATE SET quantity = excluded.quantity
            ), kept AS (
                INSERT INTO stock_hold (cart_id, product_id, quantity, expires_at)
                SELECT $1::TEXT, $2::BIGINT, $6::BIGINT, $7::BIGINT WHERE $6::BIGINT > 0
                ON CONFLICT (cart_id, product_id) DO UPDATE SET quantity = excluded.quantity, expires_at = excluded.expires_at
            ), dropped AS (
                DELETE FROM stock_hold WHERE cart_id = $1::TEXT AND product_id = $2::BIGINT AND $6::BIGINT = 0
            ), touched AS (
                UPDATE cart SET updated_at = $5::BIGINT,
                    first_hold_at = CASE WHEN $6::BIGINT > 0 THEN coalesce(first_hold_at, $5::BIGINT) ELSE first_hold_at END
                WHERE id = $1::TEXT
            )
            SELECT count(*)::BIGINT AS taken FROM taken
            """
        var cartID: String
        var productID: Int64
        var extra: Int64
        var quantity: Int64
        var now: Int64
        var heldUnits: Int64
        var holdUntil: Int64

        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings(capacity: 7)
            bindings.append(cartID)
            bindings.append(productID)
            bindings.append(extra)
            bindings.append(quantity)
            bindings.append(now)
            bindings.append(heldUnits)
            bindings.append(holdUntil)
            return bindings
        }
    }

    /// The line removed, its hold given back to the product, the cart
    /// touched; returns the units given back.
    struct RemoveLine: PreparedRows {
        static let sql = """
            WITH line AS (
                DELETE FROM cart_line WHERE cart_id = $1::TEXT AND product_id = $2::BIGINT
            ), dropped AS (
                DELETE FROM stock_hold WHERE cart_id = $1::TEXT AND product_id = $2::BIGINT RETURNING quantity
            ), released AS (
                UPDATE product SET held = held - (SELECT SUM(quantity) FROM dropped) WHERE id = $2::BIGINT AND EXISTS (SELECT 1 FROM dropped)
            ), touched AS (
                UPDATE cart SET updated_at = $3::BIGINT WHERE id = $1::TEXT
            )
            SELECT coalesce((SELECT SUM(quantity) FROM dropped), 0)::BIGINT AS released
            """
        var cartID: String
        var productID: Int64
        var now: Int64

        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings(capacity: 3)
            bindings.append(cartID)
            bindings.append(productID)
            bindings.append(now)
            return bindings
        }
    }

    /// A new open cart (every new cart: prepared as the lines are).
    struct InsertCart: PreparedRows {
        static let sql = """
            INSERT INTO cart (id, customer_id, status, currency, created_at, updated_at)
            VALUES ($1::TEXT, $2::BIGINT, 'open', $3::TEXT, $4::BIGINT, $4::BIGINT)
            """
        var cartID: String
        var customerID: Int64?
        var currency: String
        var at: Int64

        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings(capacity: 4)
            bindings.append(cartID)
            bindings.append(customerID)
            bindings.append(currency)
            bindings.append(at)
            return bindings
        }
    }

    /// The products of a new cart's lines, locked in id order before any
    /// is changed, as checkout locks them: two writers never wait on each
    /// other in a cycle.
    struct LockProducts: PreparedRows {
        static let sql = """
            SELECT id FROM product WHERE backroom_nocase(sku) = ANY(SELECT backroom_nocase(s) FROM unnest($1::TEXT[]) AS s) ORDER BY id FOR UPDATE
            """
        var skus: [String]

        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings(capacity: 1)
            bindings.append(skus)
            return bindings
        }
    }
}
